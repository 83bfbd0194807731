"""The read-back: a report changing several items, read on weak evidence or taking an item back is
shown as understood and stored only when its sender confirms (handlers.summary, handlers.read_back)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot.nlu import Update
from handlers.progress import record_updates
from handlers.read_back import amend, cancel, confirm, fix_line, tell_lapsed
from models.conversation import Waiting, waiting_for
from models.tables import Item, Member, MonthlyReport, ProgressUpdate
from tests.support.clock import NOW

REPORT = "第1项已完成，第2项完成80%，第3项进行中50%"
UPDATES = [Update("P-1", "done"), Update("P-2", "in_progress", 80), Update("P-3", "in_progress", 50)]


@pytest.fixture(autouse=True)
def text_only(runtime):
    """The read-back as text, as ``[wecom] cards = false`` and the WeChat plug-in have it (its card:
    tests/handlers/test_answer_cards.py)."""
    runtime.config.wecom.cards = False


def item(engine, code):
    with Session(engine) as s:
        return s.exec(select(Item).where(Item.code == code)).one()


def rows(engine) -> list[ProgressUpdate]:
    with Session(engine) as s:
        return list(s.exec(select(ProgressUpdate).order_by(ProgressUpdate.id)))


def state(engine, account="wangfang", at=NOW):
    with Session(engine) as s:
        return waiting_for(s.exec(select(Member).where(Member.account == account)).one(), at)


async def report(chat, at=NOW):
    return await chat.ask(record_updates, "wangfang", REPORT, "progress", [Update(**vars(u)) for u in UPDATES], at=at)


async def test_three_items_are_read_back_and_nothing_is_stored_but_the_month_counts(chat, engine):
    reply = await report(chat)
    assert reply.startswith("我理解为（共3条，尚未记录）：")
    assert "1. [P-1] 制定年度学习计划：未开始 → 已完成" in reply
    assert "2. [P-2] 开展主题党日活动：未开始 → 进行中 80%" in reply
    assert "3. [P-3] 建设党员活动室：未开始 → 进行中 50%" in reply
    assert "回复“确认”" in reply and "11月21日 10:00前未确认则作废" in reply
    assert "本条已计入2026年11月月报" in reply
    assert rows(engine) == [] and item(engine, "P-1").status == "not_started"
    with Session(engine) as s:
        assert s.exec(select(MonthlyReport)).one().words == REPORT
    kept = state(engine)
    assert kept.kind == Waiting.READ_BACK and [c for c, _ in kept.lines] == ["P-1", "P-2", "P-3"]
    assert kept.lines[1][1].percent == 80 and kept.words == REPORT


async def test_two_clear_items_still_apply_at_once(chat, engine):
    reply = await chat.ask(record_updates, "wangfang", "第1项已完成，第2项完成80%", "progress",
                           [Update("P-1", "done"), Update("P-2", "in_progress", 80)])
    assert reply.startswith("已记录王芳的进展：") and "撤回" in reply
    assert [r.confirmed_at for r in rows(engine)] == [None, None]


async def test_confirm_stores_every_line_once_with_the_words_and_who(chat, engine):
    await report(chat)
    reply = await chat.ask(confirm, "wangfang", "确认", "unknown", at=NOW + timedelta(minutes=5))
    assert reply.startswith("已按您的确认记录王芳的进展：") and reply.count("→") == 3
    assert "已计入" not in reply                         # the month was counted when the report came
    stored = rows(engine)
    assert [(r.words, r.confirmed_at, r.at) for r in stored] == [(REPORT, NOW + timedelta(minutes=5), NOW + timedelta(minutes=5))] * 3
    with Session(engine) as s:
        wangfang = s.exec(select(Member).where(Member.account == "wangfang")).one()
        assert {r.member_id for r in stored} == {wangfang.id} and wangfang.waiting is None
    assert (item(engine, "P-1").status, item(engine, "P-2").percent) == ("done", 80)


async def test_cancel_stores_nothing(chat, engine):
    await report(chat)
    reply = await chat.ask(cancel, "wangfang", "取消", "unknown")
    assert "未作任何记录" in reply and rows(engine) == [] and state(engine) is None


async def test_a_line_is_fixed_by_its_number_and_only_that_line_changes(chat, engine):
    await report(chat)
    reply = await chat.ask(fix_line, "wangfang", "第3条是60%", "progress", [Update("P-3", "in_progress", 60)])
    assert reply.startswith("已按“第3条是60%”修改。\n我理解为（共3条")
    assert "3. [P-3] 建设党员活动室：未开始 → 进行中 60%" in reply
    assert "2. [P-2] 开展主题党日活动：未开始 → 进行中 80%" in reply
    kept = state(engine)
    assert [(c, u.status, u.percent) for c, u in kept.lines] == [
        ("P-1", "done", None), ("P-2", "in_progress", 80), ("P-3", "in_progress", 60)]
    assert rows(engine) == []


async def test_a_line_is_taken_out(chat, engine):
    await report(chat)
    reply = await chat.ask(fix_line, "wangfang", "第2条不对，删掉", "unknown")
    assert "我理解为（共2条" in reply and "[P-2]" not in reply
    await chat.ask(confirm, "wangfang", "确认", "unknown")
    assert [item(engine, c).status for c in ("P-1", "P-2", "P-3")] == ["done", "not_started", "in_progress"]


async def test_a_line_not_there_or_not_understood_changes_nothing(chat, engine):
    await report(chat)
    assert "没有第7条" in await chat.ask(fix_line, "wangfang", "第7条是60%", "unknown")
    assert "没看懂第2条" in await chat.ask(fix_line, "wangfang", "第2条不对", "unknown")
    assert [u.percent for _, u in state(engine).lines] == [None, 80, 50]


async def test_more_progress_joins_the_summary(chat, engine):
    await report(chat)
    reply = await chat.ask(amend, "wangfang", "还有第4项完成了", "progress", [Update("Z-1", "done")])
    assert "我理解为（共4条" in reply and "4. [Z-1] 党费收缴不规范：未开始 → 已完成" in reply
    reply = await chat.ask(amend, "wangfang", "第2项是60%", "progress", [Update("P-2", "in_progress", 60)])
    assert "我理解为（共4条" in reply and "2. [P-2] 开展主题党日活动：未开始 → 进行中 60%" in reply
    reply = await chat.ask(amend, "wangfang", "已完成", "progress", [Update(None, "done")])
    assert "没能确定您说的是哪一项" in reply and "共4条" in reply
    assert rows(engine) == []


async def test_weak_evidence_on_one_item_is_read_back(chat, engine):
    reply = await chat.ask(record_updates, "wangfang", "活动室那个差不多了", "progress",
                           [Update("P-3", "done", sure=False)])
    assert "1. [P-3] 建设党员活动室：未开始 → 已完成（依据不足，请核对）" in reply
    assert rows(engine) == []


async def test_weak_evidence_with_no_item_is_still_not_sure(chat, engine):
    reply = await chat.ask(record_updates, "wangfang", "差不多了", "progress", [Update(None, "done", sure=False)])
    assert "没能确定" in reply and state(engine) is None


async def test_taking_an_item_back_is_read_back(chat, engine):
    await chat.ask(record_updates, "wangfang", "第1项已完成", "progress", [Update("P-1", "done")])
    reply = await chat.ask(record_updates, "wangfang", "第1项还在进行中", "progress",
                           [Update("P-1", "in_progress")], at=NOW + timedelta(minutes=1))
    assert "1. [P-1] 制定年度学习计划：之前记录的是已完成，这次说进行中，确认后改为进行中" in reply and "进度倒退，请核对" in reply
    assert item(engine, "P-1").status == "done"
    reply = await chat.ask(record_updates, "liming", "今年召开支委会5次", "progress", [Update("R-1", None, total=5)])
    assert "[R-1] 每月召开支委会：之前记录的是已开展9/12次，这次说5次，确认后改为已开展5/12次" in reply
    assert item(engine, "R-1").done_count == 9


async def test_a_count_reads_as_times_more(chat, engine):
    reply = await chat.ask(record_updates, "liming", "召开支委会1次，讲党课1次，Z-2整改到位", "progress",
                           [Update("R-1", None, count=1), Update("R-3", None, count=1), Update("Z-2", "done")])
    assert "1. [R-1] 每月召开支委会 +1次（本年10/12）" in reply and "2. [R-3] 支部书记讲党课 +1次（本年1/2）" in reply


async def test_a_lapsed_summary_stores_nothing_and_says_so(chat, engine):
    await report(chat)
    late = NOW + timedelta(hours=24, seconds=1)
    reply = await chat.ask(tell_lapsed, "wangfang", "确认", "unknown", at=late)
    assert "11月20日 10:00报送、待确认的3条进展超过24小时未确认，已作废，未作任何记录" in reply
    assert rows(engine) == [] and state(engine, at=late) is None
    with Session(engine) as s:
        assert s.exec(select(Member).where(Member.account == "wangfang")).one().waiting is None


async def test_a_lapsed_summary_is_told_then_the_message_answered(chat, engine):
    await report(chat)
    late = NOW + timedelta(hours=25)
    reply = await chat.ask(tell_lapsed, "wangfang", "第1项完成80%", "progress", [Update("P-1", "in_progress", 80)], at=late)
    assert reply.startswith("您11月20日 10:00报送") and "已作废" in reply
    assert "已记录王芳的进展：" in reply and item(engine, "P-1").percent == 80


async def test_the_time_limit_comes_from_the_configuration(chat, engine, runtime):
    runtime.config.understanding.confirm_hours = 2
    await report(chat)
    assert state(engine, at=NOW + timedelta(hours=2)) is not None
    assert state(engine, at=NOW + timedelta(hours=2, seconds=1)) is None
    runtime.config.understanding.confirm_from = 4
    reply = await chat.ask(record_updates, "liming", "R-1召开1次，R-3讲1次，Z-2整改到位", "progress",
                           [Update("R-1", None, count=1), Update("R-3", None, count=1), Update("Z-2", "done")])
    assert reply.startswith("已记录李明的进展：")


async def test_a_confirmed_report_is_taken_back_whole_by_undo(chat, engine):
    from handlers.undo import correct_last_reply

    await report(chat)
    await chat.ask(confirm, "wangfang", "确认", "unknown", at=NOW + timedelta(minutes=5))
    reply = await chat.ask(correct_last_reply, "wangfang", "撤回", "unknown", at=NOW + timedelta(minutes=6))
    assert reply.startswith("已撤回上一条记录：")
    assert [item(engine, c).status for c in ("P-1", "P-2", "P-3")] == ["not_started"] * 3


async def test_a_long_summary_goes_on_in_further_messages_never_cut(chat, engine, org, standin):
    from bot.fitting import byte_size
    from tests.support.cli import by_person

    for n in range(1, 31):
        org.item("wangfang", f"X-{n}", f"第{n}项很长的党建责任事项标题用于检验消息长度是否超出限制", kind="project")
    updates = [Update(f"X-{n}", "in_progress", 50) for n in range(1, 31)]
    reply = await chat.ask(record_updates, "wangfang", "三十项都推进到50%", "progress", updates)
    parts = [reply] + by_person(standin).get("wangfang", [])
    assert len(parts) >= 2 and all(byte_size(p) <= 2048 for p in parts)
    text = "\n".join(parts)
    for n in range(1, 31):
        assert f"\n{n}. [X-{n}] " in text
    assert parts[1].startswith("（续，第") and "回复“确认”记录以上30条" in parts[-1]
    assert len(state(engine).lines) == 30

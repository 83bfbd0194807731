"""报进度: updates land on the sender's own items; no item named → context or a question."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.nlu import Update
from handlers.progress import apply_waiting_update, record_updates
from models.tables import Item, Member, MonthlyReport, ProgressUpdate
from tests.support.clock import NOW


def item(engine, code):
    with Session(engine) as s:
        return s.exec(select(Item).where(Item.code == code)).one()


async def test_several_updates_in_one_reply(chat, engine, runtime):
    runtime.config.understanding.confirm_from = 4     # three items are read back by default (test_read_back)
    reply = await chat.ask(record_updates, "wangfang", "1、2项已完成，第3项进行中", "progress",
                           [Update("P-1", "done"), Update("P-2", "done"), Update("P-3", "in_progress")])
    assert reply.count("→") == 3 and "已计入2026年11月月报" in reply
    assert [item(engine, c).status for c in ("P-1", "P-2", "P-3")] == ["done", "done", "in_progress"]
    with Session(engine) as s:
        assert len(s.exec(select(ProgressUpdate)).all()) == 3
        assert s.exec(select(MonthlyReport)).one().words == "1、2项已完成，第3项进行中"


async def test_an_item_of_someone_else_cannot_be_updated(chat, engine):
    # zhouqiang owns P-9; wangfang naming it finds nothing of hers: nothing is written, and she is told
    reply = await chat.ask(record_updates, "wangfang", "P-9完成", "progress", [Update("P-9", "done")])
    assert item(engine, "P-9").status == "not_started"
    assert "您的清单共4项，没有“P-9”" in reply and "未做任何记录" in reply


async def test_no_item_named_asks_then_the_answer_applies_it(chat, engine):
    reply = await chat.ask(record_updates, "wangfang", "已完成", "progress", [Update(None, "done")])
    assert "哪一项" in reply and "1. [P-1]" in reply
    assert item(engine, "P-1").status == "not_started"
    reply = await chat.ask(apply_waiting_update, "wangfang", "第1项", "progress", [Update("P-1", None)],
                           at=NOW + timedelta(minutes=2))
    assert "已完成" in reply
    p1 = item(engine, "P-1")
    assert p1.status == "done" and p1.updated_words == "已完成（第1项）"
    with Session(engine) as s:      # answered: nothing is waited for any more
        assert s.exec(select(Member).where(Member.account == "wangfang")).one().waiting is None


async def test_a_total_waiting_for_its_item_is_stored_whole(chat, engine):
    """"今年已召开11次" → "哪一项？" → "第1项": the total 11 is what is kept (it was dropped once)."""
    reply = await chat.ask(record_updates, "liming", "今年已召开11次", "progress",
                           [Update(None, None, total=11, candidates=["R-1", "R-3"])])
    assert "哪一项" in reply
    reply = await chat.ask(apply_waiting_update, "liming", "第1项", "progress", [Update("R-1", None)],
                           at=NOW + timedelta(minutes=2))
    assert "未更改" not in reply
    assert item(engine, "R-1").done_count == 11


async def test_no_item_named_uses_the_item_last_spoken_about(chat, engine):
    with Session(engine) as s:
        m = s.exec(select(Member).where(Member.account == "wangfang")).one()
        m.context_item_id, m.context_at = item(engine, "Z-1").id, NOW - timedelta(hours=5)
        s.add(m)
        s.commit()
    reply = await chat.ask(record_updates, "wangfang", "已整改到位", "progress", [Update(None, "done")])
    assert "党费收缴不规范" in reply
    assert item(engine, "Z-1").status == "done"


async def test_two_equal_matches_ask_and_never_guess(chat, engine):
    reply = await chat.ask(record_updates, "wangfang", "活动完成了", "progress",
                           [Update(None, "done", candidates=["P-2", "P-3"])])
    assert "[P-2]" in reply and "[P-3]" in reply and "[P-1]" not in reply
    assert item(engine, "P-2").status == item(engine, "P-3").status == "not_started"


async def test_a_bare_item_shows_it_and_makes_it_the_context(chat, engine):
    reply = await chat.ask(record_updates, "wangfang", "第3项", "progress", [Update("P-3", None)])
    assert "3. [P-3] 建设党员活动室" in reply and "请回复" in reply
    reply = await chat.ask(record_updates, "wangfang", "八成了", "progress", [Update(None, None, percent=80)])
    assert item(engine, "P-3").percent == 80


async def test_a_count_is_added_to_a_quantified_duty(chat, engine):
    reply = await chat.ask(record_updates, "liming", "召开了2次支委会", "progress", [Update("R-1", None, count=2)])
    assert "已开展9/12次，落后进度 → 已开展11/12次" in reply


async def test_a_percentage_on_a_quantified_duty_shows(chat, engine):
    reply = await chat.ask(record_updates, "liming", "第2项完成50%", "progress", [Update("R-3", None, percent=50)])
    assert "已开展0/2次，落后进度 → 已开展0/2次，进度50%，落后进度" in reply

"""The deadline reminder's card (bot.cards.deadline, handlers.deadline_card) through real encrypted
callbacks and the stand-in WeCom, on SQLite and PostgreSQL: a tap records what its button says as
the typed words would, 撤回 undoes it, a retried tap counts once, and a tap that breaks a rule
changes nothing and says why; the stand-in sees one update_template_card per tap taken."""
from __future__ import annotations

import asyncio
import time
from datetime import date, datetime, timedelta

import openpyxl
from sqlmodel import Session, select

from bot.cards.task_ids import task_id
from models.tables import CardTap, Item, MonthlyReport, ProgressUpdate, PushLog
from schedules.runner import run_due
from tests.support import wecom as wf
from tests.support.cli import qingdan_ok
from tests.support.clock import NOW
from tests.support.config import write_config

TODAY = NOW.date()                                   # 2026-11-20
OCCASION = f"deadline:{TODAY.isoformat()}"
RECORDED_DONE = "已记录：已完成 · 可回复“撤回”"


def due_in(days: int) -> date:
    return TODAY + timedelta(days=days)


async def send_cards(runtime, at: datetime | None = None) -> None:
    await run_due(runtime.config, runtime.engine, runtime.sender, at or runtime.clock.now(), kinds=["deadline"])


def card_to(standin, account: str) -> dict:
    [card] = [m for m in standin.state.to(account) if m.msgtype == "template_card"]
    return card.raw["template_card"]


async def tap(client, standin, account: str, task: str, key: str, code: str | None = None) -> tuple[str, str]:
    """A tap as WeCom reports it (the stand-in issues its ResponseCode); (the passive reply, the code)."""
    code = code or standin.state.tap(account, task, key)
    reply = await wf.deliver(client, wf.card_event_xml(account, int(time.time()), task, key, code))
    return reply, code


def item(engine, code: str) -> Item:
    with Session(engine) as s:
        return s.exec(select(Item).where(Item.code == code)).one()


def updates(engine, code: str) -> list[ProgressUpdate]:
    with Session(engine) as s:
        return list(s.exec(select(ProgressUpdate).join(Item, Item.id == ProgressUpdate.item_id)
                           .where(Item.code == code).order_by(ProgressUpdate.id)))


def texts_to(standin, account: str) -> list[str]:
    return [m.content for m in standin.state.to(account) if m.msgtype == "text"]


def exported(tmp_path, db_url, standin, sheet: str) -> dict[str, dict]:
    config = write_config(tmp_path / "config.toml", db_url, standin.base_url)
    out = tmp_path / "导出.xlsx"
    qingdan_ok("export", str(out), "--year", "2026", config=config)
    ws = openpyxl.load_workbook(out)[sheet]
    header = [c.value for c in ws[1]]
    return {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)}


# --- what a tap records ---------------------------------------------------------------------------


async def test_a_project_card_tapped_done_is_recorded_as_typed_undone_by_withdraw_and_counted_once(
        org, runtime, client, standin, tmp_path, db_url):
    org.item("zhouqiang", "P-8", "完善支部活动台账", kind="project", deadline=due_in(3))
    await send_cards(runtime)
    card = card_to(standin, "zhouqiang")
    task = task_id(OCCASION, org.people["zhouqiang"].id)
    assert card["task_id"] == task and [b["text"] for b in card["button_list"]] == ["已完成", "在推进", "遇到困难"]
    assert "[P-8] 完善支部活动台账" in card["sub_title_text"] and "还有3天" in card["main_title"]["title"]

    reply, code = await tap(client, standin, "zhouqiang", task, "done")
    assert reply == ""                                            # the callback is answered empty
    assert item(runtime.engine, "P-8").status == "done"
    [update] = updates(runtime.engine, "P-8")
    assert update.words == "[按钮] 已完成" and update.member_id == org.people["zhouqiang"].id
    with Session(runtime.engine) as s:
        report = s.exec(select(MonthlyReport).where(MonthlyReport.member_id == org.people["zhouqiang"].id)).one()
    assert report.words == "[按钮] 已完成"                          # it counts as the month's report
    assert [(u.userids, u.response_code, u.replace_name) for u in standin.state.updates] == [
        (["zhouqiang"], code, RECORDED_DONE)]
    rows = exported(tmp_path, db_url, standin, "项目清单")
    assert rows["P-8"]["状态"] == "已完成" and "[按钮] 已完成" in rows["P-8"]["最近更新"]

    again = await wf.deliver(client, wf.card_event_xml("zhouqiang", int(time.time()), task, "done", code))
    assert again == "" and len(updates(runtime.engine, "P-8")) == 1      # WeCom's retry: handled once
    assert len(standin.state.updates) == 1

    undone = await wf.say(client, "zhouqiang", "撤回")
    assert "已撤回上一条记录" in undone and "恢复为未开始" in undone
    assert item(runtime.engine, "P-8").status == "not_started"
    rows = exported(tmp_path, db_url, standin, "项目清单")
    assert rows["P-8"]["状态"] == "未开始"


async def test_a_quantified_duty_card_counts_one_time_and_its_no_news_button_reports_the_month(
        org, runtime, client, standin, tmp_path, db_url):
    org.item("liming", "R-5", "开展主题党日", kind="responsibility", target_count=12, done_count=3, percent=25,
             status="in_progress", deadline=due_in(7))
    org.item("wangfang", "R-6", "组织党员集中学习", kind="responsibility", target_count=12, done_count=2, percent=17,
             status="in_progress", deadline=due_in(1))
    await send_cards(runtime)
    assert [b["text"] for b in card_to(standin, "liming")["button_list"]] == ["本月开展了1次", "本月未开展"]

    _, code = await tap(client, standin, "liming", task_id(OCCASION, org.people["liming"].id), "once")
    assert item(runtime.engine, "R-5").done_count == 4
    assert [u.words for u in updates(runtime.engine, "R-5")] == ["[按钮] 本月开展了1次"]

    _, none_code = await tap(client, standin, "wangfang", task_id(OCCASION, org.people["wangfang"].id), "none")
    r6 = item(runtime.engine, "R-6")
    assert (r6.done_count, r6.status, updates(runtime.engine, "R-6")) == (2, "in_progress", [])   # no item changed
    with Session(runtime.engine) as s:
        report = s.exec(select(MonthlyReport).where(MonthlyReport.member_id == org.people["wangfang"].id)).one()
    assert report.words == "[按钮] 本月未开展"
    assert [(u.response_code, u.replace_name) for u in standin.state.updates] == [
        (code, "已记录：本月开展了1次 · 可回复“撤回”"), (none_code, "已记录：本月未开展")]
    rows = exported(tmp_path, db_url, standin, "责任清单")
    assert rows["R-5"]["完成次数"] == 4 and rows["R-6"]["完成次数"] == 2


async def test_blocked_marks_the_item_and_keeps_what_is_in_the_way_with_the_update(org, runtime, client, standin):
    org.item("zhouqiang", "P-8", "完善支部活动台账", kind="project", deadline=due_in(0))
    await send_cards(runtime)
    await tap(client, standin, "zhouqiang", task_id(OCCASION, org.people["zhouqiang"].id), "blocked")
    assert item(runtime.engine, "P-8").status == "blocked"
    assert any("请问遇到了什么困难" in t for t in texts_to(standin, "zhouqiang"))
    assert standin.state.updates[0].replace_name == "已记录：遇到困难 · 可回复“撤回”"

    kept = await wf.say(client, "zhouqiang", "缺少活动场地")
    assert "缺少活动场地" in kept and "一并保存" in kept
    [update] = updates(runtime.engine, "P-8")
    assert update.words == "[按钮] 遇到困难：缺少活动场地"
    assert item(runtime.engine, "P-8").updated_words == "[按钮] 遇到困难：缺少活动场地"
    listing = await wf.say(client, "zhouqiang", "我的清单")           # the next message is answered as usual
    assert "[P-8]" in listing


# --- taps that change nothing ------------------------------------------------------------------------


async def test_a_tap_by_another_member_or_on_a_changed_item_changes_nothing_and_says_why(
        org, runtime, client, standin):
    org.item("zhouqiang", "P-8", "完善支部活动台账", kind="project", deadline=due_in(3))
    await send_cards(runtime)
    task = task_id(OCCASION, org.people["zhouqiang"].id)

    reply, _ = await tap(client, standin, "wangfang", task, "done", code="forged-code")
    assert reply == "" and item(runtime.engine, "P-8").status == "not_started"
    assert any("这张卡片是发给周强的" in t for t in texts_to(standin, "wangfang"))

    typed = await wf.say(client, "zhouqiang", "P-8完成50%")
    assert "进行中 50%" in typed
    await tap(client, standin, "zhouqiang", task, "done")
    p8 = item(runtime.engine, "P-8")
    assert (p8.status, p8.percent) == ("in_progress", 50)
    assert any("卡片发出后该事项已有变动" in t for t in texts_to(standin, "zhouqiang"))
    assert standin.state.updates == []
    with Session(runtime.engine) as s:
        assert s.exec(select(CardTap)).all() == []


async def test_a_second_tap_and_a_tap_on_an_out_of_date_card_change_nothing(org, runtime, client, standin):
    org.item("zhouqiang", "P-8", "完善支部活动台账", kind="project", deadline=due_in(3))
    org.item("wangfang", "P-7", "更新党员信息", kind="project", deadline=due_in(3))
    await send_cards(runtime)
    task = task_id(OCCASION, org.people["zhouqiang"].id)
    await tap(client, standin, "zhouqiang", task, "going")
    assert item(runtime.engine, "P-8").status == "in_progress"
    await tap(client, standin, "zhouqiang", task, "done")                   # the update failed, say: tapped again
    assert item(runtime.engine, "P-8").status == "in_progress"
    assert any("这张卡片已经点选过" in t for t in texts_to(standin, "zhouqiang"))
    assert len(standin.state.updates) == 1

    await send_cards(runtime, NOW + timedelta(days=2))                      # the day-before reminder: a newer card
    old = task_id(OCCASION, org.people["wangfang"].id)
    await tap(client, standin, "wangfang", old, "done")
    assert item(runtime.engine, "P-7").status == "not_started"
    assert any("这张卡片已过时" in t for t in texts_to(standin, "wangfang"))
    assert len(standin.state.updates) == 1


async def test_a_tap_whose_card_update_is_refused_is_still_recorded_and_told_by_text(org, runtime, client, standin):
    org.item("zhouqiang", "P-8", "完善支部活动台账", kind="project", deadline=due_in(3))
    await send_cards(runtime)
    code = standin.state.tap("zhouqiang", task_id(OCCASION, org.people["zhouqiang"].id), "done")
    standin.state.clock = lambda: time.time() + 73 * 3600                  # the response_code is past 72 hours
    await tap(client, standin, "zhouqiang", task_id(OCCASION, org.people["zhouqiang"].id), "done", code)
    assert item(runtime.engine, "P-8").status == "done"
    assert standin.state.updates == []
    [told] = texts_to(standin, "zhouqiang")
    assert "卡片未能更新，您的点选已记录" in told and "已完成" in told and "撤回" in told


# --- one message per person per moment, and the switch --------------------------------------------------


async def test_a_card_due_with_the_month_end_prompt_joins_it_as_text(org, runtime, standin):
    org.item("zhouqiang", "P-8", "完善支部活动台账", kind="project", deadline=date(2026, 11, 26))
    await run_due(runtime.config, runtime.engine, runtime.sender, datetime.fromisoformat("2026-11-25T09:00:00+08:00"))
    [one] = standin.state.to("zhouqiang")
    assert one.msgtype == "text" and "【月报提醒】" in one.content and "【截止提醒】" in one.content
    assert "本月无新进展" in one.content
    with Session(runtime.engine) as s:
        rows = s.exec(select(PushLog).where(PushLog.member_id == org.people["zhouqiang"].id)).all()
    assert {r.occasion for r in rows} == {"monthly_prompt:2026-11", "deadline:2026-11-25"}
    assert all(r.message is None for r in rows)                              # kept as text: a tap has no card


async def test_cards_off_sends_the_same_reminder_as_text(org, runtime, standin):
    org.item("zhouqiang", "P-8", "完善支部活动台账", kind="project", deadline=due_in(3))
    runtime.config.wecom.cards = False
    await send_cards(runtime)
    [one] = standin.state.to("zhouqiang")
    assert one.msgtype == "text" and "[P-8] 完善支部活动台账" in one.content and "直接回复“已完成”" in one.content


async def test_a_title_too_long_for_a_card_goes_as_text(org, runtime, standin):
    org.item("zhouqiang", "P-8", "完善" * 90, kind="project", deadline=due_in(3))
    await send_cards(runtime)
    [one] = standin.state.to("zhouqiang")
    assert one.msgtype == "text"


async def test_two_taps_on_one_card_at_the_same_moment_are_taken_once(org, runtime, client, standin):
    org.item("zhouqiang", "P-8", "完善支部活动台账", kind="project", deadline=due_in(3))
    await send_cards(runtime)
    task = task_id(OCCASION, org.people["zhouqiang"].id)
    codes = [standin.state.tap("zhouqiang", task, key) for key in ("done", "going")]
    now = int(time.time())
    replies = await asyncio.gather(*(wf.deliver(client, wf.card_event_xml("zhouqiang", now, task, key, code))
                                     for key, code in zip(("done", "going"), codes, strict=True)))
    assert replies == ["", ""]
    assert len(updates(runtime.engine, "P-8")) == 1 and len(standin.state.updates) == 1
    assert any("这张卡片已经点选过" in t for t in texts_to(standin, "zhouqiang"))


async def test_after_blocked_a_progress_report_is_not_taken_for_the_reason(org, runtime, client, standin):
    org.item("zhouqiang", "P-8", "完善支部活动台账", kind="project", deadline=due_in(3))
    await send_cards(runtime)
    await tap(client, standin, "zhouqiang", task_id(OCCASION, org.people["zhouqiang"].id), "blocked")
    done = await wf.say(client, "zhouqiang", "P-8已完成")
    assert "受阻 → 已完成" in done and item(runtime.engine, "P-8").status == "done"
    [blocked, _] = updates(runtime.engine, "P-8")
    assert blocked.words == "[按钮] 遇到困难"
    assert "记下" not in await wf.say(client, "zhouqiang", "缺少活动场地")       # no longer 受阻: not a reason

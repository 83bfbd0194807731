"""待确认提醒: one reminder before an unconfirmed read-back lapses — its window (pure) and its
delivery, once, through run_due and the push log."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.config import ScheduleConfig
from bot.nlu import Update
from models.conversation import State, Waiting, stop_waiting, wait_for
from models.tables import Member, PushLog
from schedules.runner import run_due
from schedules.timetable import PushKind, due, next_start, read_back_reminder
from tests.support.cli import by_person

CFG = ScheduleConfig()


def at(s: str) -> datetime:
    return datetime.fromisoformat(s)


# --- the window (pure) --------------------------------------------------------------------------

def test_the_reminder_is_due_from_halfway_to_the_lapse_until_the_lapse():
    r = read_back_reminder(at("2026-11-20T02:00:00+08:00"), at("2026-11-21T02:00:00+08:00"), CFG)
    assert (r.period, r.start, r.end) == ("2026-11-20", at("2026-11-20T14:00:00+08:00"), at("2026-11-21T02:00:00+08:00"))
    assert not r.contains(at("2026-11-20T13:59:59+08:00")) and r.contains(at("2026-11-20T14:00:00+08:00"))
    assert r.contains(at("2026-11-21T01:59:59+08:00")) and not r.contains(at("2026-11-21T02:00:00+08:00"))


def test_halfway_in_the_quiet_hours_waits_for_their_end_and_belongs_to_that_day():
    r = read_back_reminder(at("2026-11-20T10:00:00+08:00"), at("2026-11-21T10:00:00+08:00"), CFG)   # halfway: 22:00
    assert (r.period, r.start) == ("2026-11-21", at("2026-11-21T08:00:00+08:00"))


def test_no_reminder_when_the_quiet_hours_last_until_the_lapse():
    assert read_back_reminder(at("2026-11-20T22:30:00+08:00"), at("2026-11-21T00:30:00+08:00"), CFG) is None
    quiet_off = ScheduleConfig(quiet_start=datetime(2026, 1, 1, 0, 0).time(), quiet_end=datetime(2026, 1, 1, 0, 0).time())
    r = read_back_reminder(at("2026-11-20T22:30:00+08:00"), at("2026-11-21T00:30:00+08:00"), quiet_off)
    assert r.start == at("2026-11-20T23:30:00+08:00")


def test_the_reminder_occasions_of_the_last_four_days_are_open_outside_the_quiet_hours():
    keys = {o.key for o in due(at("2026-11-20T09:00:00+08:00"), CFG) if o.kind == PushKind.READ_BACK}
    assert keys == {"read_back:2026-11-20", "read_back:2026-11-19", "read_back:2026-11-18", "read_back:2026-11-17"}
    assert due(at("2026-11-20T23:00:00+08:00"), CFG) == []
    assert next_start(PushKind.READ_BACK, at("2026-11-20T09:00:00+08:00"), CFG) == at("2026-11-21T08:00:00+08:00")


# --- delivery -----------------------------------------------------------------------------------

def waits(engine, account: str, since: datetime, hours: int = 24) -> None:
    with Session(engine) as s:
        m = s.exec(select(Member).where(Member.account == account)).one()
        wait_for(s, m, State(Waiting.READ_BACK, since, words="X-1已完成，X-2完成60%",
                             lines=[("X-1", Update("X-1", "done")), ("X-2", Update("X-2", "in_progress", 60))],
                             until=since + timedelta(hours=hours)))
        s.commit()


async def test_one_reminder_with_the_lines_then_none(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    org.item("sun", "X-2", "开展主题党日")
    org.item("wu", "X-3", "阵地建设")
    since = at("2026-11-20T10:00:00+08:00")
    waits(engine, "sun", since)
    await run_due(config, engine, sender, at("2026-11-20T20:00:00+08:00"), kinds=["read_back"])
    assert by_person(standin) == {}                              # before halfway (22:00, quiet: 08:00)
    out = await run_due(config, engine, sender, at("2026-11-21T08:00:00+08:00"), kinds=["read_back"])
    assert [o.line for o in out if o.sent] == ["待确认提醒 2026-11-21：发送 1 人"]
    text = by_person(standin)["sun"][0]
    assert text.startswith("【待确认提醒】") and "11月21日 10:00前回复“确认”即记录" in text
    assert "1. [X-1] 讲专题党课：未开始 → 已完成" in text and "2. [X-2] 开展主题党日：未开始 → 进行中 60%" in text
    await run_due(config, engine, sender, at("2026-11-21T09:00:00+08:00"), kinds=["read_back"])
    assert len(by_person(standin)["sun"]) == 1 and set(by_person(standin)) == {"sun"}
    with Session(engine) as s:
        assert [p.occasion for p in s.exec(select(PushLog))] == ["read_back:2026-11-21"]


async def test_no_reminder_after_the_lapse_or_once_confirmed(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    org.item("sun", "X-2", "开展主题党日")
    waits(engine, "sun", at("2026-11-20T10:00:00+08:00"), hours=2)      # due 11:00–12:00, then lapsed
    await run_due(config, engine, sender, at("2026-11-20T12:00:00+08:00"), kinds=["read_back"])
    assert by_person(standin) == {}
    waits(engine, "sun", at("2026-11-20T13:00:00+08:00"), hours=2)      # due 14:00–15:00 …
    with Session(engine) as s:
        stop_waiting(s, s.exec(select(Member).where(Member.account == "sun")).one())    # … but confirmed
        s.commit()
    await run_due(config, engine, sender, at("2026-11-20T14:30:00+08:00"), kinds=["read_back"])
    assert by_person(standin) == {}
    waits(engine, "sun", at("2026-11-20T13:00:00+08:00"), hours=2)      # the control: waiting, it goes
    await run_due(config, engine, sender, at("2026-11-20T14:30:00+08:00"), kinds=["read_back"])
    assert list(by_person(standin)) == ["sun"]

"""schedules.runner.run_due: what is due at a moment (the timetable), to whom (the database), once."""
from datetime import datetime, time

from schedules.runner import Outcome, run_due
from schedules.timetable import due
from tests.support.cli import by_person


def at(s: str) -> datetime:
    return datetime.fromisoformat(s)


async def test_nothing_stale_november_prompt_is_not_sent_in_december(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    late = await run_due(config, engine, sender, at("2026-12-01T10:00:00+08:00"), kinds=["monthly_prompt"])
    assert late == [] and standin.state.sent == []
    caught_up = await run_due(config, engine, sender, at("2026-11-27T10:00:00+08:00"))
    assert [o.line for o in caught_up if o.sent] == ["月报提醒 2026-11：发送 1 人"]


async def test_no_push_in_quiet_hours(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    assert await run_due(config, engine, sender, at("2026-11-25T23:00:00+08:00")) == []
    assert await run_due(config, engine, sender, at("2026-11-26T07:59:00+08:00")) == []
    assert standin.state.sent == []
    config.schedule.monthly_prompt_time = time(6, 30)      # configured inside the quiet hours
    assert await run_due(config, engine, sender, at("2026-11-25T06:30:00+08:00")) == []
    out = await run_due(config, engine, sender, at("2026-11-25T08:00:00+08:00"))
    assert sum(o.sent for o in out) == 1


async def test_the_same_moment_run_again_sends_nobody_twice(org, config, engine, sender, standin):
    org.item("sun", "X-1", "讲专题党课")
    first = await run_due(config, engine, sender, at("2026-11-25T09:00:00+08:00"), kinds=["monthly_prompt"])
    again = await run_due(config, engine, sender, at("2026-11-25T09:00:00+08:00"), kinds=["monthly_prompt"])
    assert [(o.sent, o.already) for o in first] == [(1, 0)] and [(o.sent, o.already) for o in again] == [(0, 1)]
    assert len(by_person(standin)["sun"]) == 1


def test_an_outcome_says_what_went_wrong_in_one_line(config):
    (occ,) = [o for o in due(at("2026-11-25T09:00:00+08:00"), config.schedule) if o.kind == "monthly_prompt"]
    assert Outcome(occ, sent=8, failed=2, invalid=1).line == \
        "月报提醒 2026-11：发送 8 人，失败 2 人（下次运行时重试），1 人的企业微信账号无效"

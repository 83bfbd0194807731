"""The APScheduler jobs: fixed ids rebuilt from the configuration, and the start-up catch-up."""
import asyncio
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlmodel import Session, select

from bot.config import ScheduleConfig, StudyDayConfig
from bot.runtime import Clock, Runtime
from models.tables import PushLog, utcnow
from schedules.scheduler import SCHEDULER, attach_scheduler, build_scheduler, job_specs

SH = ZoneInfo("Asia/Shanghai")
FIXED_IDS = ["monthly_prompt", "last_day", "escalation", "deadline", "quarterly", "duty_report", "read_back",
             "accountability", "catch_up"]


def runtime_at(config, engine, sender, moment: datetime) -> Runtime:
    clock = Clock(config.tz, offset=moment - datetime.now(config.tz))
    return Runtime(config=config, engine=engine, sender=sender, clock=clock, dispatcher=None)


def test_job_ids_are_fixed_and_fire_at_configured_times():
    cfg = ScheduleConfig(monthly_prompt_day=20, monthly_prompt_time=time(10, 30))
    specs = {s.id: s for s in job_specs(cfg)}
    assert list(specs) == FIXED_IDS[:-2] + ["meetings", "accountability", "catch_up"]   # 三会一课提醒: on by default
    now = datetime(2026, 11, 2, 12, 1, tzinfo=SH)
    assert specs["monthly_prompt"].trigger.get_next_fire_time(None, now) == datetime(2026, 11, 20, 10, 30, tzinfo=SH)
    assert specs["last_day"].trigger.get_next_fire_time(None, now) == datetime(2026, 11, 30, 9, 0, tzinfo=SH)
    assert specs["quarterly"].trigger.get_next_fire_time(None, now) == datetime(2027, 1, 4, 9, 0, tzinfo=SH)   # after 元旦
    fired = datetime(2026, 11, 20, 10, 30, tzinfo=SH)
    # 20 December 2026 is a Sunday: the prompt goes on the Friday before.
    assert specs["monthly_prompt"].trigger.get_next_fire_time(fired, fired) == datetime(2026, 12, 18, 10, 30, tzinfo=SH)
    assert specs["catch_up"].trigger.get_next_fire_time(None, now) == datetime(2026, 11, 2, 13, 0, tzinfo=SH)
    # read-back reminders: daily at the end of the quiet hours; the hourly catch-up sends those due later
    assert specs["read_back"].trigger.get_next_fire_time(None, now) == datetime(2026, 11, 3, 8, 0, tzinfo=SH)
    assert specs["meetings"].trigger.get_next_fire_time(None, now) == datetime(2026, 11, 20, 9, 0, tzinfo=SH)
    cfg.meetings.reminder_day = 0                                        # off: no job
    assert [s.id for s in job_specs(cfg)] == FIXED_IDS
    # the accountability ladder: daily at [accountability] time; the study day only when configured
    assert specs["accountability"].trigger.get_next_fire_time(None, now) == datetime(2026, 11, 3, 9, 0, tzinfo=SH)
    study = ScheduleConfig(study_day=StudyDayConfig(day="第一个星期一", time=time(8, 30)))
    (job,) = [s for s in job_specs(study) if s.id == "study_day"]
    assert job.label == "学习日提醒"
    assert job.trigger.get_next_fire_time(None, now) == datetime(2026, 12, 7, 8, 30, tzinfo=SH)


async def test_scheduler_is_rebuilt_with_the_same_ids(config, engine, sender):
    rt = runtime_at(config, engine, sender, datetime(2026, 11, 22, 10, 0, tzinfo=SH))
    for _ in range(2):
        scheduler = build_scheduler(rt)
        scheduler.start(paused=True)
        assert sorted(j.id for j in scheduler.get_jobs()) == sorted(FIXED_IDS + ["startup"])
        assert all(j.next_run_time is not None for j in scheduler.get_jobs())
        scheduler.shutdown(wait=False)


async def test_startup_catches_up_what_is_still_due(org, config, engine, sender, standin, aiohttp_client):
    org.item("sun", "X-1", "讲专题党课")
    org.item("wu", "X-2", "开展主题党日")
    org.item("zhou", "X-3", "撰写调研报告")
    with Session(engine) as s:     # a push left pending by a killed process: not resent
        s.add(PushLog(occasion="monthly_prompt:2026-11", member_id=org.people["wu"].id,
                      created_at=utcnow() - timedelta(minutes=10), attempted_at=utcnow() - timedelta(minutes=10),
                      status="pending"))
        # … and one claimed a moment ago, maybe by another live process: left alone
        s.add(PushLog(occasion="monthly_prompt:2026-11", member_id=org.people["zhou"].id,
                      created_at=utcnow() - timedelta(seconds=5), attempted_at=utcnow() - timedelta(seconds=5),
                      status="pending"))
        s.commit()
    rt = runtime_at(config, engine, sender, datetime(2026, 11, 27, 10, 0, tzinfo=SH))   # after downtime
    app = web.Application()
    attach_scheduler(app, rt)
    await aiohttp_client(app)
    for _ in range(100):
        if standin.state.sent:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    assert [m.touser for m in standin.state.sent] == [["sun"]]
    with Session(engine) as s:
        statuses = {r.member_id: r.status for r in s.exec(select(PushLog))}
    assert statuses == {org.people["sun"].id: "sent", org.people["wu"].id: "unknown",
                        org.people["zhou"].id: "pending"}
    assert app[SCHEDULER].get_job("monthly_prompt") is not None


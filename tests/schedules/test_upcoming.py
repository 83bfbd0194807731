"""schedules.upcoming.next_push_at: the first scheduled push after a moment that would reach
somebody, read from the timetable, the lists and the push log (on both engines)."""
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from bot.nlu import Update
from models.conversation import State, Waiting, wait_for
from models.tables import Member, PushLog, PushStatus
from schedules.timetable import deadline_occasion
from schedules.upcoming import next_push_at, upcoming_occasions

from .conftest import SH

AFTER = datetime(2026, 11, 20, 10, 0, tzinfo=SH)      # a Friday morning
PROMPT = datetime(2026, 11, 25, 9, 0, tzinfo=SH)      # the November monthly prompt
DUTY_REPORT = datetime(2026, 12, 15, 9, 0, tzinfo=SH)  # 年度述职: every secretary, items or not


def next_at(engine, after: datetime, config) -> datetime | None:
    with Session(engine) as s:
        return next_push_at(s, after, config.schedule)


async def test_nobody_to_reach_means_none(engine, config):
    assert next_at(engine, AFTER, config) is None


async def test_prompts_that_reach_nobody_are_passed_over(org, engine, config):
    # Nobody owns an item: the monthly prompts, the last day and the escalation have no
    # recipient; the secretaries' duty report is the first push anybody gets.
    assert next_at(engine, AFTER, config) == DUTY_REPORT


async def test_an_open_item_brings_the_monthly_prompt(org, engine, config):
    org.item("sun", "X-1", "讲专题党课")
    assert next_at(engine, AFTER, config) == PROMPT


async def test_strictly_after(org, engine, config):
    org.item("sun", "X-1", "讲专题党课")
    last_day = datetime(2026, 11, 30, 9, 0, tzinfo=SH)
    assert next_at(engine, PROMPT, config) == last_day


async def test_deadline_reminders_of_open_items_only(org, engine, config):
    org.item("sun", "P-1", "阵地建设项目", kind="project", status="done", percent=100,
             deadline=date(2026, 11, 24))
    assert next_at(engine, AFTER, config) == DUTY_REPORT          # done: no reminder, no prompt
    org.item("wu", "P-2", "党员活动室", kind="project", deadline=date(2026, 11, 24))
    three_days_before = deadline_occasion(date(2026, 11, 21), config.schedule).start
    assert three_days_before == datetime(2026, 11, 21, 9, 0, tzinfo=SH)
    assert next_at(engine, AFTER, config) == three_days_before


async def test_what_the_push_log_holds_is_not_sent_again(org, engine, config):
    org.item("sun", "X-1", "讲专题党课")
    with Session(engine) as s:
        s.add(PushLog(occasion="monthly_prompt:2026-11", member_id=org.people["sun"].id, status=PushStatus.SENT,
                      created_at=AFTER, sent_at=AFTER))
        s.commit()
    assert next_at(engine, AFTER, config) == datetime(2026, 11, 30, 9, 0, tzinfo=SH)     # 月末催报
    org.reported("sun", "2026-11", datetime(2026, 11, 20, 11, 0, tzinfo=SH))
    assert next_at(engine, AFTER, config) == DUTY_REPORT                               # nothing owed


async def test_a_push_set_in_the_quiet_hours_goes_out_when_they_end(org, engine, config):
    org.item("sun", "X-1", "讲专题党课")
    config.schedule.monthly_prompt_time = time(23, 0)
    assert next_at(engine, AFTER, config) == datetime(2026, 11, 26, 8, 0, tzinfo=SH)


async def test_occasions_come_in_order_within_about_a_year(org, engine, config):
    org.item("wu", "P-2", "党员活动室", kind="project", deadline=date(2026, 11, 24))
    with Session(engine) as s:
        upcoming = upcoming_occasions(s, AFTER, config.schedule)
    starts = [start for start, _ in upcoming]
    assert starts == sorted(starts) and starts[0] > AFTER
    assert starts[-1] < datetime(2027, 12, 1, tzinfo=SH)
    assert {o.key for _, o in upcoming} >= {
        "deadline:2026-11-21", "deadline:2026-11-23", "deadline:2026-11-25", "monthly_prompt:2027-11"}


async def test_a_read_back_waiting_brings_its_reminder(org, engine, config):
    org.item("sun", "X-1", "讲专题党课")
    with Session(engine) as s:
        sun = s.exec(select(Member).where(Member.account == "sun")).one()
        wait_for(s, sun, State(Waiting.READ_BACK, AFTER, words="X-1已完成", lines=[("X-1", Update("X-1", "done"))],
                               until=AFTER + timedelta(hours=6)))
        s.commit()
    assert next_at(engine, AFTER, config) == datetime(2026, 11, 20, 13, 0, tzinfo=SH)     # halfway to 16:00
    assert next_at(engine, datetime(2026, 11, 20, 13, 0, tzinfo=SH), config) == PROMPT     # strictly after

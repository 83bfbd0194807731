"""The timetable with fixed clocks: every occasion, the time zone, quiet hours, nothing stale."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import ScheduleConfig
from schedules.timetable import (
    deadline_offsets,
    defer_quiet,
    due,
    first_working_day,
    is_quiet,
    last_day_of_month,
    next_start,
    open_occasions,
)

SH = ZoneInfo("Asia/Shanghai")
CFG = ScheduleConfig()


def at(s: str) -> datetime:
    return datetime.fromisoformat(s)


def keys(moment: str, cfg: ScheduleConfig = CFG) -> set[str]:
    return {o.key for o in due(at(moment), cfg)}


# --- monthly prompt and time zone -------------------------------------------------------------

def test_monthly_prompt_due_at_0900_shanghai_given_in_utc():
    assert "monthly_prompt:2026-11" in keys("2026-11-25T01:00:00+00:00")


def test_monthly_prompt_not_due_a_minute_before():
    assert "monthly_prompt:2026-11" not in keys("2026-11-25T00:59:00+00:00")
    assert keys("2026-11-24T23:59:00+00:00") == set()       # 07:59 in Shanghai, and quiet anyway


def test_monthly_prompt_still_due_later_in_the_month_but_never_in_the_next():
    assert "monthly_prompt:2026-11" in keys("2026-11-27T10:00:00+08:00")
    assert "monthly_prompt:2026-11" in keys("2026-11-30T21:59:00+08:00")
    dec = keys("2026-12-01T09:00:00+08:00")
    assert not any(k.endswith(":2026-11") and not k.startswith("escalation") for k in dec)
    assert "monthly_prompt:2026-11" not in keys("2026-12-01T10:00:00+08:00")


def test_other_time_zone_is_honoured():
    cfg = ScheduleConfig(timezone="Europe/Berlin")
    assert "monthly_prompt:2026-11" in keys("2026-11-25T08:00:00+00:00", cfg)      # 09:00 in Berlin
    assert "monthly_prompt:2026-11" not in keys("2026-11-25T07:59:00+00:00", cfg)


def test_configured_day_and_time():
    cfg = ScheduleConfig(monthly_prompt_day=20, monthly_prompt_time=time(14, 30))
    assert "monthly_prompt:2026-11" not in keys("2026-11-20T14:29:00+08:00", cfg)
    assert "monthly_prompt:2026-11" in keys("2026-11-20T14:30:00+08:00", cfg)


# --- last day ---------------------------------------------------------------------------------

def test_last_day_of_february_in_leap_and_common_years():
    assert last_day_of_month(2028, 2) == date(2028, 2, 29)
    assert last_day_of_month(2026, 2) == date(2026, 2, 28)
    assert "last_day:2028-02" in keys("2028-02-29T09:00:00+08:00")
    assert "last_day:2028-02" not in keys("2028-02-28T12:00:00+08:00")
    assert "last_day:2026-02" in keys("2026-02-28T09:00:00+08:00")
    assert "last_day:2028-02" not in keys("2028-03-01T09:00:00+08:00")


def test_last_day_window_is_that_day_only():
    assert "last_day:2026-11" not in keys("2026-11-29T12:00:00+08:00")
    assert "last_day:2026-11" in keys("2026-11-30T09:00:00+08:00")
    assert "last_day:2026-11" in keys("2026-11-30T21:00:00+08:00")


# --- escalation ---------------------------------------------------------------------------------

def test_escalation_names_the_month_just_ended_and_lasts_a_week():
    assert "escalation:2026-11" in keys("2026-12-01T09:00:00+08:00")
    assert "escalation:2026-11" not in keys("2026-12-01T08:59:00+08:00")
    assert "escalation:2026-11" in keys("2026-12-07T21:00:00+08:00")
    assert "escalation:2026-11" not in keys("2026-12-08T09:00:00+08:00")
    assert "escalation:2026-10" not in keys("2026-11-25T09:00:00+08:00")  # not with the next prompt
    assert "escalation:2026-11" not in keys("2027-01-01T09:00:00+08:00")
    assert "escalation:2026-12" in keys("2027-01-01T09:00:00+08:00")      # across the year


# --- deadlines ------------------------------------------------------------------------------------

def test_deadline_occasion_is_that_day_only():
    assert "deadline:2026-11-25" in keys("2026-11-25T09:00:00+08:00")
    assert "deadline:2026-11-25" not in keys("2026-11-25T08:59:00+08:00")
    assert "deadline:2026-11-25" not in keys("2026-11-26T09:00:00+08:00")
    assert "deadline:2026-11-26" in keys("2026-11-26T09:00:00+08:00")


def test_deadline_offsets_default_and_configured():
    assert deadline_offsets(CFG) == [7, 3, 1, -1]
    assert deadline_offsets(ScheduleConfig(deadline_days_before=[1, 14], deadline_days_after=0)) == [14, 1]


# --- quarterly --------------------------------------------------------------------------------------

def test_first_working_day_skips_the_weekend():
    assert first_working_day(2026, 1) == date(2026, 1, 1)      # Thursday
    assert first_working_day(2026, 11, ) == date(2026, 11, 2)  # the 1st is a Sunday
    assert first_working_day(2027, 5) == date(2027, 5, 3)      # the 1st is a Saturday
    assert first_working_day(2028, 1) == date(2028, 1, 3)      # Saturday the 1st → Monday the 3rd


def test_quarterly_digest_on_first_working_day_after_the_quarter():
    # 1 October 2033 is a Saturday: the Q3 digest goes on Monday the 3rd.
    assert "quarterly:2033-Q3" not in keys("2033-10-01T09:00:00+08:00")
    assert "quarterly:2033-Q3" not in keys("2033-10-02T09:00:00+08:00")
    assert "quarterly:2033-Q3" in keys("2033-10-03T09:00:00+08:00")
    assert "quarterly:2033-Q3" in keys("2033-10-31T12:00:00+08:00")
    assert "quarterly:2033-Q3" not in keys("2033-11-01T09:00:00+08:00")
    # Q4 of the year before, sent in January.
    assert "quarterly:2027-Q4" in keys("2028-01-03T09:00:00+08:00")
    assert "quarterly:2027-Q4" not in keys("2028-01-01T09:00:00+08:00")
    assert not any(k.startswith("quarterly") for k in keys("2026-11-02T09:00:00+08:00"))


# --- duty report ---------------------------------------------------------------------------------------

def test_duty_report_from_15_december_to_the_year_end():
    assert "duty_report:2026" not in keys("2026-12-14T12:00:00+08:00")
    assert "duty_report:2026" in keys("2026-12-15T09:00:00+08:00")
    assert "duty_report:2026" in keys("2026-12-31T21:00:00+08:00")
    assert "duty_report:2026" not in keys("2027-01-01T09:00:00+08:00")


# --- quiet hours -----------------------------------------------------------------------------------------

def test_quiet_hours_span_midnight():
    q = (time(22, 0), time(8, 0))
    assert is_quiet(time(22, 0), *q) and is_quiet(time(3, 0), *q) and is_quiet(time(7, 59), *q)
    assert not is_quiet(time(8, 0), *q) and not is_quiet(time(21, 59), *q)
    assert not is_quiet(time(3, 0), time(8, 0), time(8, 0))          # equal bounds: no quiet hours
    assert is_quiet(time(13, 0), time(12, 0), time(14, 0))


def test_nothing_is_due_in_quiet_hours_and_it_waits_for_0800():
    cfg = ScheduleConfig(monthly_prompt_time=time(6, 0))
    assert keys("2026-11-25T06:00:00+08:00", cfg) == set()
    assert keys("2026-11-30T22:30:00+08:00") == set()                   # prompt window still open
    assert "monthly_prompt:2026-11" in keys("2026-11-25T08:00:00+08:00", cfg)
    assert open_occasions(at("2026-11-25T06:00:00+08:00"), cfg)          # open, only held back


def test_defer_quiet():
    assert defer_quiet(at("2026-11-25T23:00:00+08:00"), CFG) == at("2026-11-26T08:00:00+08:00")
    assert defer_quiet(at("2026-11-25T06:00:00+08:00"), CFG) == at("2026-11-25T08:00:00+08:00")
    assert defer_quiet(at("2026-11-25T09:00:00+08:00"), CFG) == at("2026-11-25T09:00:00+08:00")


# --- next start (what the scheduler's jobs fire on) ---------------------------------------------------

@pytest.mark.parametrize("kind,after,expected", [
    ("monthly_prompt", "2026-11-22T10:00:00+08:00", "2026-11-25T09:00:00+08:00"),
    ("monthly_prompt", "2026-11-25T09:00:00+08:00", "2026-12-25T09:00:00+08:00"),
    ("last_day", "2028-02-01T00:00:00+08:00", "2028-02-29T09:00:00+08:00"),
    ("escalation", "2026-11-22T10:00:00+08:00", "2026-12-01T09:00:00+08:00"),
    ("deadline", "2026-11-22T10:00:00+08:00", "2026-11-23T09:00:00+08:00"),
    ("deadline", "2026-11-22T08:00:00+08:00", "2026-11-22T09:00:00+08:00"),
    ("quarterly", "2033-08-01T00:00:00+08:00", "2033-10-03T09:00:00+08:00"),
    ("duty_report", "2026-12-16T00:00:00+08:00", "2027-12-15T09:00:00+08:00"),
])
def test_next_start(kind, after, expected):
    assert next_start(kind, at(after), CFG) == at(expected)


def test_next_start_moves_past_quiet_hours():
    cfg = ScheduleConfig(monthly_prompt_time=time(7, 0))
    assert next_start("monthly_prompt", at("2026-11-22T10:00:00+08:00"), cfg) == at("2026-11-25T08:00:00+08:00")


def test_next_start_is_timezone_aware_in_utc_terms():
    nxt = next_start("monthly_prompt", datetime(2026, 11, 22, tzinfo=UTC), CFG)
    assert nxt.astimezone(UTC) == datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_every_moment_of_a_year_sees_at_most_one_occasion_per_kind_and_period():
    """Walk a year hour by hour: windows never reach past their period's end."""
    t = at("2026-01-01T00:00:00+08:00")
    while t < at("2027-01-01T00:00:00+08:00"):
        for o in due(t, CFG):
            local = t.astimezone(SH)
            if o.kind in ("monthly_prompt", "last_day"):
                assert o.period == f"{local:%Y-%m}"
            if o.kind == "deadline":
                assert o.period == local.date().isoformat()
            if o.kind == "duty_report":
                assert local.month == 12
        t += timedelta(hours=1)

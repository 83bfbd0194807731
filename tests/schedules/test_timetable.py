"""The timetable with fixed clocks: every occasion, the time zone, quiet hours, nothing stale."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, Dates, ScheduleConfig, load
from schedules.timetable import (
    OFFICIAL,
    deadline_offsets,
    defer_quiet,
    due,
    first_working_day,
    is_quiet,
    is_working_day,
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
    assert "escalation:2026-11" not in keys("2027-01-04T09:00:00+08:00")
    assert "escalation:2026-12" in keys("2027-01-04T09:00:00+08:00")      # across the year (after 元旦)


# --- deadlines ------------------------------------------------------------------------------------

def test_deadline_occasion_is_that_day_only():
    assert "deadline:2026-11-25" in keys("2026-11-25T09:00:00+08:00")
    assert "deadline:2026-11-25" not in keys("2026-11-25T08:59:00+08:00")
    assert "deadline:2026-11-25" not in keys("2026-11-26T09:00:00+08:00")
    assert "deadline:2026-11-26" in keys("2026-11-26T09:00:00+08:00")


def test_deadline_offsets_default_and_configured():
    assert deadline_offsets(CFG) == [7, 3, 1, 0, -1]                 # the deadline day itself too
    assert deadline_offsets(ScheduleConfig(deadline_days_before=[1, 14], deadline_days_after=0)) == [14, 1, 0]


def test_deadline_reminders_keep_their_day_on_weekends_and_holidays():
    assert "deadline:2026-11-28" in keys("2026-11-28T09:00:00+08:00")     # a Saturday
    assert "deadline:2026-10-01" in keys("2026-10-01T09:00:00+08:00")     # 国庆节


# --- quarterly --------------------------------------------------------------------------------------

def test_first_working_day_follows_the_official_calendar():
    assert first_working_day(2026, 1, CFG) == date(2026, 1, 4)      # 元旦 1–3 Jan; Sunday the 4th is 调休
    assert first_working_day(2026, 10, CFG) == date(2026, 10, 8)    # 国庆 and 中秋 1–7 Oct
    assert first_working_day(2026, 11, CFG) == date(2026, 11, 2)    # the 1st is a Sunday
    assert first_working_day(2027, 5, CFG) == date(2027, 5, 3)      # the 1st is a Saturday
    assert first_working_day(2028, 1, CFG) == date(2028, 1, 3)      # Saturday the 1st → Monday the 3rd


def test_quarterly_digest_on_first_working_day_after_the_quarter():
    # 1 October 2033 is a Saturday and 1–3 October are 国庆节 by law: the Q3 digest goes on the 4th.
    for d in ("01", "02", "03"):
        assert "quarterly:2033-Q3" not in keys(f"2033-10-{d}T09:00:00+08:00")
    assert "quarterly:2033-Q3" in keys("2033-10-04T09:00:00+08:00")
    assert "quarterly:2033-Q3" in keys("2033-10-31T12:00:00+08:00")
    assert "quarterly:2033-Q3" not in keys("2033-11-01T09:00:00+08:00")
    # Q4 of the year before, sent in January.
    assert "quarterly:2027-Q4" in keys("2028-01-03T09:00:00+08:00")
    assert "quarterly:2027-Q4" not in keys("2028-01-01T09:00:00+08:00")
    assert not any(k.startswith("quarterly") for k in keys("2026-11-02T09:00:00+08:00"))


# --- working days: China's official calendar, 调休 included, and configured extra days ----------

def test_the_library_covers_2026():
    assert 2026 in OFFICIAL.official_years
    assert not is_working_day(date(2026, 10, 1), CFG) and not is_working_day(date(2026, 2, 17), CFG)  # 国庆, 春节
    assert is_working_day(date(2026, 10, 9), CFG)                        # a Friday like any other


def test_a_swapped_weekend_day_counts_as_a_working_day():
    assert date(2026, 10, 10).weekday() == 5 and is_working_day(date(2026, 10, 10), CFG)   # 调休 Saturday
    assert date(2026, 1, 4).weekday() == 6 and is_working_day(date(2026, 1, 4), CFG)       # 调休 Sunday
    # The last-day reminder of February 2026 goes on Saturday the 28th, a 调休 working day.
    assert "last_day:2026-02" in keys("2026-02-28T09:00:00+08:00")
    # 1–5 May 2026 are 劳动节; Saturday the 9th is worked: an escalation set on the 9th goes that day.
    assert "escalation:2026-04" in keys("2026-05-09T09:00:00+08:00", ScheduleConfig(escalation_day=9))


def test_q4_digest_after_new_year_goes_on_the_first_working_day():
    # 2027-01-01 (a Friday) is 元旦: the Q4 digest and December's escalation wait for Monday the 4th.
    for d in ("01", "02", "03"):
        assert not keys(f"2027-01-{d}T09:00:00+08:00") & {"quarterly:2026-Q4", "escalation:2026-12"}
    assert {"quarterly:2026-Q4", "escalation:2026-12"} <= keys("2027-01-04T09:00:00+08:00")
    assert "escalation:2026-12" in keys("2027-01-10T21:00:00+08:00")     # a week from when it opened
    assert "escalation:2026-12" not in keys("2027-01-11T09:00:00+08:00")
    # 2026: 元旦 1–3 January, and Sunday the 4th is a working day (调休).
    assert "quarterly:2025-Q4" not in keys("2026-01-03T09:00:00+08:00")
    assert "quarterly:2025-Q4" in keys("2026-01-04T09:00:00+08:00")


def test_escalation_after_national_day_opens_on_the_8th_and_lasts_a_week():
    assert "escalation:2026-09" not in keys("2026-10-01T09:00:00+08:00")
    assert {"escalation:2026-09", "quarterly:2026-Q3"} <= keys("2026-10-08T09:00:00+08:00")
    assert "escalation:2026-09" in keys("2026-10-14T21:00:00+08:00")
    assert "escalation:2026-09" not in keys("2026-10-15T09:00:00+08:00")


def test_monthly_prompt_and_last_day_move_to_the_working_day_before():
    assert "monthly_prompt:2026-04" not in keys("2026-04-23T12:00:00+08:00")
    assert "monthly_prompt:2026-04" in keys("2026-04-24T09:00:00+08:00")     # the 25th is a Saturday
    assert "last_day:2026-05" in keys("2026-05-29T09:00:00+08:00")           # the 31st is a Sunday
    assert "last_day:2026-05" in keys("2026-05-31T21:00:00+08:00")           # still open to the month's end
    assert "last_day:2026-05" not in keys("2026-05-28T12:00:00+08:00")


def test_duty_report_on_a_weekend_goes_on_the_next_working_day():
    assert "duty_report:2029" not in keys("2029-12-15T09:00:00+08:00")        # a Saturday
    assert "duty_report:2029" in keys("2029-12-17T09:00:00+08:00")


def test_years_the_library_does_not_cover_fall_back_to_weekdays_and_fixed_holidays():
    assert 2099 not in OFFICIAL.official_years
    for d in (date(2099, 1, 1), date(2099, 5, 1), date(2099, 10, 1)):       # Thursday, Friday, Thursday
        assert d.weekday() < 5 and not is_working_day(d, CFG)
    assert is_working_day(date(2099, 10, 5), CFG) and not is_working_day(date(2099, 10, 3), CFG)


def test_configured_extra_holidays_and_working_days():
    cfg = ScheduleConfig(extra_holidays=Dates([date(2026, 10, 8)]), extra_workdays=Dates([date(2027, 1, 2)]))
    assert not is_working_day(date(2026, 10, 8), cfg) and is_working_day(date(2026, 10, 8), CFG)
    assert "quarterly:2026-Q3" not in keys("2026-10-08T09:00:00+08:00", cfg)
    assert "quarterly:2026-Q3" in keys("2026-10-09T09:00:00+08:00", cfg)
    assert "quarterly:2026-Q4" in keys("2027-01-02T09:00:00+08:00", cfg)      # a Saturday made a working day
    assert first_working_day(2027, 1, cfg) == date(2027, 1, 2)


def test_extra_days_are_read_from_the_file(tmp_path):
    p = tmp_path / "config.toml"
    p.write_text('[schedule]\nextra_holidays = ["2026-10-09", 2026-12-24]\nextra_workdays = []\n', encoding="utf-8")
    cfg = load(p, environ={}).schedule
    assert cfg.extra_holidays == (date(2026, 10, 9), date(2026, 12, 24)) and cfg.extra_workdays == ()
    assert not is_working_day(date(2026, 10, 9), cfg)


@pytest.mark.parametrize("text, shown", [
    ('extra_holidays = ["2026-13-01"]', "2026-13-01"),
    ('extra_holidays = ["10月9日"]', "10月9日"),
    ('extra_workdays = [20261010]', "20261010"),
    ('extra_workdays = "2026-10-10"', "日期列表"),
    ('extra_holidays = ["2026-10-10"]\nextra_workdays = ["2026-10-10"]', "2026-10-10"),
])
def test_a_bad_extra_day_is_one_line_naming_the_key(tmp_path, text, shown):
    p = tmp_path / "config.toml"
    p.write_text(f"[schedule]\n{text}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load(p, environ={})
    msg = str(err.value)
    assert "schedule.extra_" in msg and shown in msg and "\n" not in msg


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
    ("quarterly", "2033-08-01T00:00:00+08:00", "2033-10-04T09:00:00+08:00"),
    ("quarterly", "2026-11-02T12:00:00+08:00", "2027-01-04T09:00:00+08:00"),
    ("escalation", "2026-09-02T10:00:00+08:00", "2026-10-08T09:00:00+08:00"),
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

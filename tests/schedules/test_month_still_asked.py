"""Issue 22 point 8: until the day last month's escalation goes out, "谁还没报" means last month
(schedules.timetable.month_still_asked_about) — a pure function of a moment and the config."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.config import ScheduleConfig
from schedules.timetable import month_still_asked_about
from tests.support.clock import TZ

ZoneUTC = ZoneInfo("UTC")


@pytest.mark.parametrize(("at", "month"), [
    ((2026, 12, 1, 8, 0), "2026-11"),        # the escalation day (a Tuesday), before its 09:00
    ((2026, 12, 1, 23, 59), "2026-11"),      # the escalation day, after it went out
    ((2026, 12, 2, 0, 0), None),             # the day after: this month
    ((2026, 11, 20, 10, 0), None),
    ((2026, 10, 5, 10, 0), "2026-09"),       # 国庆 holidays: the escalation waits for 8 October
    ((2026, 10, 8, 10, 0), "2026-09"),
    ((2026, 10, 9, 10, 0), None),
    ((2027, 1, 1, 10, 0), "2026-12"),        # across the year
    ((2027, 1, 5, 10, 0), None),
])
def test_last_month_until_the_escalation_day_is_over(at, month):
    assert month_still_asked_about(datetime(*at, tzinfo=TZ), ScheduleConfig()) == month


def test_a_later_escalation_day_keeps_last_month_longer():
    cfg = ScheduleConfig(escalation_day=5)          # 5 December 2026 is a Saturday: Monday the 7th
    assert month_still_asked_about(datetime(2026, 12, 4, 10, tzinfo=TZ), cfg) == "2026-11"
    assert month_still_asked_about(datetime(2026, 12, 7, 18, tzinfo=TZ), cfg) == "2026-11"
    assert month_still_asked_about(datetime(2026, 12, 8, 0, tzinfo=TZ), cfg) is None
    assert month_still_asked_about(datetime(2026, 12, 8, 0, tzinfo=TZ).astimezone(ZoneUTC), cfg) is None

"""When each push is due: pure functions of a moment and the ``[schedule]`` configuration.

An *occasion* is one sending of one kind of push for one period — the November monthly prompt
(``monthly_prompt:2026-11``), the deadline reminders of 25 November (``deadline:2026-11-25``).
Each occasion has a window ``[start, end)`` in the configured time zone:

| kind            | period      | start                                   | end (exclusive)           |
|-----------------|-------------|-----------------------------------------|---------------------------|
| monthly_prompt  | 2026-11     | the 25th, 09:00                         | the month's end           |
| last_day        | 2026-11     | the last day of the month, 09:00        | the month's end           |
| escalation      | 2026-10     | the 1st of the *next* month, 09:00      | a week later (by the 8th) |
| deadline        | 2026-11-25  | that day, 09:00                         | the end of that day       |
| quarterly       | 2026-Q3     | first working day after the quarter     | the end of that month     |
| duty_report     | 2026        | 15 December, 09:00                      | the end of December       |

A push is due at ``at`` when ``at`` lies in its occasion's window and is not in the quiet hours
(22:00–08:00 by default): a push that falls in the quiet hours waits for their end, as long as its
window is still open then. Nothing here reads the clock or the database.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.config import ScheduleConfig


class PushKind(StrEnum):
    """The kinds of scheduled push; labels and digest builders are ``schedules.digests.PUSHES``."""

    MONTHLY_PROMPT = "monthly_prompt"
    LAST_DAY = "last_day"
    ESCALATION = "escalation"
    DEADLINE = "deadline"
    QUARTERLY = "quarterly"
    DUTY_REPORT = "duty_report"


ESCALATION_DAYS = 7     # the escalation stays due for a week: late, it still helps; by the 25th it is noise



@dataclass(frozen=True)
class Occasion:
    """One sending of one kind of push for one period, with its window in the configured zone."""

    kind: PushKind
    period: str          # "2026-11", "2026-11-25", "2026-Q3" or "2026"
    start: datetime      # aware
    end: datetime        # aware, exclusive

    @property
    def key(self) -> str:
        """What PushLog.occasion holds, e.g. "monthly_prompt:2026-11"."""
        return f"{self.kind}:{self.period}"

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end


# --- calendar helpers -----------------------------------------------------------------------

def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def is_working_day(d: date) -> bool:
    """Monday to Friday. Public holidays and swapped weekends are out of scope: change only this."""
    return d.weekday() < 5


def first_working_day(year: int, month: int) -> date:
    d = date(year, month, 1)
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def month_key_of(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


# --- quiet hours ------------------------------------------------------------------------------

def is_quiet(t: time, quiet_start: time, quiet_end: time) -> bool:
    """Whether wall-clock time ``t`` is in the quiet hours; equal bounds mean no quiet hours."""
    t = t.replace(tzinfo=None)
    if quiet_start == quiet_end:
        return False
    if quiet_start > quiet_end:                      # spans midnight, e.g. 22:00–08:00
        return t >= quiet_start or t < quiet_end
    return quiet_start <= t < quiet_end


def quiet_at(at: datetime, cfg: ScheduleConfig) -> bool:
    return is_quiet(at.astimezone(cfg.tz).time(), cfg.quiet_start, cfg.quiet_end)


def defer_quiet(at: datetime, cfg: ScheduleConfig) -> datetime:
    """``at`` itself, or the end of the quiet hours it falls in."""
    local = at.astimezone(cfg.tz)
    if not quiet_at(local, cfg):
        return local
    end = datetime.combine(local.date(), cfg.quiet_end, tzinfo=cfg.tz)
    return end if end > local else end + timedelta(days=1)


# --- occasions --------------------------------------------------------------------------------

def _at(d: date, t: time, cfg: ScheduleConfig) -> datetime:
    return datetime.combine(d, t, tzinfo=cfg.tz)


def _month_start(year: int, month: int, cfg: ScheduleConfig) -> datetime:
    return _at(date(year, month, 1), time(0, 0), cfg)


def month_occasions(year: int, month: int, cfg: ScheduleConfig) -> list[Occasion]:
    """Every occasion except deadlines whose window opens in the month ``year-month``."""
    end = _month_start(*add_months(year, month, 1), cfg)
    this = month_key_of(year, month)
    escalation_day = date(year, month, cfg.escalation_day)
    escalation_end = min(end, _at(escalation_day + timedelta(days=ESCALATION_DAYS), time(0, 0), cfg))
    out = [
        Occasion(PushKind.MONTHLY_PROMPT, this, _at(date(year, month, cfg.monthly_prompt_day), cfg.monthly_prompt_time, cfg), end),
        Occasion(PushKind.LAST_DAY, this, _at(last_day_of_month(year, month), cfg.last_day_time, cfg), end),
        Occasion(PushKind.ESCALATION, month_key_of(*add_months(year, month, -1)),
                 _at(escalation_day, cfg.escalation_time, cfg), escalation_end),
    ]
    if month in (1, 4, 7, 10):
        py, pm = add_months(year, month, -3)
        out.append(Occasion(PushKind.QUARTERLY, f"{py}-Q{(pm - 1) // 3 + 1}",
                            _at(first_working_day(year, month), cfg.quarterly_time, cfg), end))
    if month == cfg.duty_report_month:
        out.append(Occasion(PushKind.DUTY_REPORT, str(year),
                            _at(date(year, month, cfg.duty_report_day), cfg.duty_report_time, cfg), end))
    return out


def deadline_occasion(day: date, cfg: ScheduleConfig) -> Occasion:
    """The deadline reminders sent on ``day`` (all of a person's items in one digest)."""
    return Occasion(PushKind.DEADLINE, day.isoformat(), _at(day, cfg.deadline_time, cfg),
                    _at(day + timedelta(days=1), time(0, 0), cfg))


def deadline_offsets(cfg: ScheduleConfig) -> list[int]:
    """Days from the reminder day to the deadlines it reminds of: ``[7, 3, 1, -1]`` by default
    (7, 3 and 1 days before, and the day after a missed deadline)."""
    offsets = sorted({d for d in cfg.deadline_days_before if d > 0}, reverse=True)
    if cfg.deadline_days_after > 0:
        offsets.append(-cfg.deadline_days_after)
    return offsets


def open_occasions(at: datetime, cfg: ScheduleConfig) -> list[Occasion]:
    """Occasions whose window contains ``at`` (quiet hours not considered)."""
    local = at.astimezone(cfg.tz)
    candidates = month_occasions(local.year, local.month, cfg) + [deadline_occasion(local.date(), cfg)]
    return [o for o in candidates if o.contains(at)]


def due(at: datetime, cfg: ScheduleConfig) -> list[Occasion]:
    """What may be sent at ``at``: open occasions, none at all during the quiet hours."""
    if quiet_at(at, cfg):
        return []
    return open_occasions(at, cfg)


def effective_start(occasion: Occasion, cfg: ScheduleConfig) -> datetime | None:
    """When the occasion's pushes first go out: its start, moved past quiet hours; None if its
    window closes before the quiet hours end (then it is never sent — configure times outside them)."""
    start = defer_quiet(occasion.start, cfg)
    return start if start < occasion.end else None


def next_start(kind: PushKind, after: datetime, cfg: ScheduleConfig) -> datetime | None:
    """The first effective start of an occasion of ``kind`` strictly after ``after``."""
    local = after.astimezone(cfg.tz)
    if kind == PushKind.DEADLINE:
        candidates = [deadline_occasion(local.date() + timedelta(days=n), cfg) for n in range(3)]
    else:
        candidates = [o for n in range(14) for o in month_occasions(*add_months(local.year, local.month, n), cfg)
                      if o.kind == kind]
    starts = [s for s in (effective_start(o, cfg) for o in candidates) if s is not None and s > after]
    return min(starts) if starts else None

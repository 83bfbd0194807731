"""When each push is due: pure functions of a moment and the ``[schedule]`` configuration.

An *occasion* is one sending of one kind of push for one period — the November monthly prompt
(``monthly_prompt:2026-11``), the deadline reminders of 25 November (``deadline:2026-11-25``).
Each occasion has a window ``[start, end)`` in the configured time zone:

| kind            | period      | start                                   | end (exclusive)           |
|-----------------|-------------|-----------------------------------------|---------------------------|
| monthly_prompt  | 2026-11     | the 25th, 09:00 (working day on or before) | the month's end        |
| last_day        | 2026-11     | the last working day of the month, 09:00   | the month's end        |
| escalation      | 2026-10     | the 1st of the *next* month, 09:00 (working day on or after) | a week later |
| deadline        | 2026-11-25  | that day, 09:00 (any day)                  | the end of that day    |
| quarterly       | 2026-Q3     | first working day after the quarter, 09:00 | the end of that month  |
| duty_report     | 2026        | 15 December, 09:00 (working day on or after) | the end of December  |
| read_back       | 2026-11-20  | that day, 00:00 (any day)                  | four days later           |
| meetings        | 2026-11     | the 20th, 09:00 (working day on or before; ``[meetings] reminder_day``, 0: none) | the month's end |
| accountability  | 2026-12-01  | that day, ``[accountability] time`` (any day) | the end of that day    |
| study_day       | 2026-11-23  | the study day, ``[study_day] time`` (any day) | the end of that day    |

A ``read_back`` occasion holds the reminders of unconfirmed read-backs whose reminder falls on
that day (``read_back_reminder``: halfway to the lapse, past the quiet hours; due until the lapse).

Working days follow China's official calendar, 调休 included (``WorkCalendar``, from the
``chinesecalendar`` package's data and the configured extra days). A push is due at ``at`` when
``at`` lies in its occasion's window and is not in the quiet hours (22:00–08:00 by default): a push
that falls in the quiet hours waits for their end, as long as its window is still open then.
Nothing here reads the clock or the database.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache

import chinese_calendar

from bot.config import ScheduleConfig


class PushKind(StrEnum):
    """The kinds of scheduled push; labels and digest builders are ``schedules.digests.PUSHES``."""

    MONTHLY_PROMPT = "monthly_prompt"
    LAST_DAY = "last_day"
    ESCALATION = "escalation"
    DEADLINE = "deadline"
    QUARTERLY = "quarterly"
    DUTY_REPORT = "duty_report"
    READ_BACK = "read_back"         # the one reminder of a report read back and not yet confirmed
    MEETINGS = "meetings"           # 三会一课 not yet held in a period that ends this month
    ACCOUNTABILITY = "accountability"   # the day's new marks (红叉) of the ladder: 提示, 催办, 通报, 约谈
    STUDY_DAY = "study_day"         # the fixed monthly study day (固定学习日)


ESCALATION_DAYS = 7     # the escalation stays due for a week: late, it still helps; by the 25th it is noise
# A read-back reminder is due from halfway to the lapse until the lapse: at most 84 hours with
# [understanding] confirm_hours at its most (168), so within four days of the reminder's day.
READ_BACK_DAYS = 4



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


# 《全国年节及纪念日放假办法》: the public holidays on fixed dates (元旦; 劳动节 1–2 May; 国庆节
# 1–3 October). The lunar ones and each year's 调休 come only with the State Council's yearly notice.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days.

    For the years of ``official_years``: China's official arrangement — its public holidays are
    days off, its 调休 weekend days are working days, every other day is a working day from Monday
    to Friday. For other years (the library has no data yet): Monday to Friday less the
    fixed-date holidays (``FIXED_HOLIDAYS``). ``extra_holidays`` and ``extra_workdays`` (from
    ``[schedule]``) win over both.
    """

    holidays: frozenset[date]
    workdays: frozenset[date]
    official_years: range
    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()

    def is_working_day(self, d: date) -> bool:
        if d in self.extra_workdays:
            return True
        if d in self.extra_holidays:
            return False
        if d.year in self.official_years:
            if d in self.workdays:
                return True
            if d in self.holidays:
                return False
        elif (d.month, d.day) in FIXED_HOLIDAYS:
            return False
        return d.weekday() < 5


def official_calendar() -> WorkCalendar:
    """China's official calendar as the ``chinesecalendar`` package holds it (its data are the
    State Council's yearly notices; a new release each November adds the coming year)."""
    holidays, workdays = frozenset(chinese_calendar.holidays), frozenset(chinese_calendar.workdays)
    years = {d.year for d in holidays | workdays}
    return WorkCalendar(holidays, workdays, range(min(years), max(years) + 1))


OFFICIAL = official_calendar()


@lru_cache(maxsize=32)
def _with_extra_days(extra_holidays: frozenset[date], extra_workdays: frozenset[date]) -> WorkCalendar:
    return replace(OFFICIAL, extra_holidays=extra_holidays, extra_workdays=extra_workdays)


def work_calendar(cfg: ScheduleConfig) -> WorkCalendar:
    """The official calendar with ``[schedule] extra_holidays`` and ``extra_workdays``."""
    return _with_extra_days(frozenset(cfg.extra_holidays), frozenset(cfg.extra_workdays))


def is_working_day(d: date, cfg: ScheduleConfig) -> bool:
    return work_calendar(cfg).is_working_day(d)


def first_working_day(year: int, month: int, cfg: ScheduleConfig) -> date:
    """The month's first working day."""
    return working_day_in_month(date(year, month, 1), cfg)


def working_day_in_month(d: date, cfg: ScheduleConfig, *, earlier: bool = False) -> date:
    """``d`` if it is a working day, else the next one (the one before if ``earlier``), staying
    in ``d``'s month: if there is none that way, the nearest the other way; ``d`` if none at all."""
    cal = work_calendar(cfg)
    last = last_day_of_month(d.year, d.month)
    forward = [d + timedelta(days=n) for n in range((last - d).days + 1)]
    backward = [d - timedelta(days=n) for n in range(d.day)]
    for days in ((backward, forward) if earlier else (forward, backward)):
        found = next((x for x in days if cal.is_working_day(x)), None)
        if found is not None:
            return found
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
    """Every occasion except deadlines whose window opens in the month ``year-month``.

    Each opens on a working day (``WorkCalendar``): the monthly prompt and the last-day reminder
    on the working day on or before their day (the days left to report stay ahead of them), the
    escalation and the duty report on the working day on or after theirs, the quarterly digest on
    the month's first working day; none leaves its month.
    """
    end = _month_start(*add_months(year, month, 1), cfg)
    this = month_key_of(year, month)
    prompt_day = working_day_in_month(date(year, month, cfg.monthly_prompt_day), cfg, earlier=True)
    last_day = working_day_in_month(last_day_of_month(year, month), cfg, earlier=True)
    escalation_day = working_day_in_month(date(year, month, cfg.escalation_day), cfg)
    escalation_end = min(end, _at(escalation_day + timedelta(days=ESCALATION_DAYS), time(0, 0), cfg))
    out = [
        Occasion(PushKind.MONTHLY_PROMPT, this, _at(prompt_day, cfg.monthly_prompt_time, cfg), end),
        Occasion(PushKind.LAST_DAY, this, _at(last_day, cfg.last_day_time, cfg), end),
        Occasion(PushKind.ESCALATION, month_key_of(*add_months(year, month, -1)),
                 _at(escalation_day, cfg.escalation_time, cfg), escalation_end),
    ]
    if month in (1, 4, 7, 10):
        py, pm = add_months(year, month, -3)
        out.append(Occasion(PushKind.QUARTERLY, f"{py}-Q{(pm - 1) // 3 + 1}",
                            _at(first_working_day(year, month, cfg), cfg.quarterly_time, cfg), end))
    if cfg.meetings.reminder_day:           # [meetings] reminder_day; 0: no 三会一课提醒
        meeting_day = working_day_in_month(date(year, month, cfg.meetings.reminder_day), cfg, earlier=True)
        out.append(Occasion(PushKind.MEETINGS, this, _at(meeting_day, cfg.meetings.reminder_time, cfg), end))
    if month == cfg.duty_report_month:
        duty_day = working_day_in_month(date(year, month, cfg.duty_report_day), cfg)
        out.append(Occasion(PushKind.DUTY_REPORT, str(year), _at(duty_day, cfg.duty_report_time, cfg), end))
    return out


def month_still_asked_about(at: datetime, cfg: ScheduleConfig) -> str | None:
    """Last month ("2026-11"), while "谁还没报" still means it: from the month's start to the end of
    the day the escalation for last month opens (the 1st, or the working day after it, by
    default). None afterwards: the question is about this month."""
    local = at.astimezone(cfg.tz)
    escalation_day = working_day_in_month(date(local.year, local.month, cfg.escalation_day), cfg)
    if local.date() > escalation_day:
        return None
    return month_key_of(*add_months(local.year, local.month, -1))


def deadline_occasion(day: date, cfg: ScheduleConfig) -> Occasion:
    """The deadline reminders sent on ``day`` (all of a person's items in one digest)."""
    return Occasion(PushKind.DEADLINE, day.isoformat(), _at(day, cfg.deadline_time, cfg),
                    _at(day + timedelta(days=1), time(0, 0), cfg))


def accountability_occasion(day: date, cfg: ScheduleConfig) -> Occasion:
    """The ladder's run of ``day``: marks reached that day are pushed (``models.ladder``)."""
    return Occasion(PushKind.ACCOUNTABILITY, day.isoformat(), _at(day, cfg.accountability.time, cfg),
                    _at(day + timedelta(days=1), time(0, 0), cfg))


def study_day_of(year: int, month: int, cfg: ScheduleConfig) -> date | None:
    """The month's study day (``[study_day] day``): a day of the month, or its first given weekday;
    None when none is configured. It keeps its day, working day or not, as the units do."""
    rule = cfg.study_day.rule
    if rule is None:
        return None
    kind, n = rule
    if kind == "day":
        return date(year, month, n)
    first = date(year, month, 1)
    return first + timedelta(days=(n - first.weekday()) % 7)


def study_day_occasion(year: int, month: int, cfg: ScheduleConfig) -> Occasion | None:
    """The study-day reminder of ``year-month``: from its time on the study day to that day's end."""
    day = study_day_of(year, month, cfg)
    if day is None:
        return None
    return Occasion(PushKind.STUDY_DAY, day.isoformat(), _at(day, cfg.study_day.time, cfg),
                    _at(day + timedelta(days=1), time(0, 0), cfg))


def deadline_offsets(cfg: ScheduleConfig) -> list[int]:
    """Days from the reminder day to the deadlines it reminds of: ``[7, 3, 1, 0, -1]`` by default
    (7, 3 and 1 days before, the deadline day itself — always — and the day after a missed
    deadline). Deadline reminders keep their day, working day or not: the deadline does."""
    offsets = sorted({d for d in cfg.deadline_days_before if d > 0} | {0}, reverse=True)
    if cfg.deadline_days_after > 0:
        offsets.append(-cfg.deadline_days_after)
    return offsets


def read_back_occasion(day: date, cfg: ScheduleConfig) -> Occasion:
    """The reminders of read-backs whose reminder falls on ``day`` (``read_back_reminder``)."""
    return Occasion(PushKind.READ_BACK, day.isoformat(), _at(day, time(0, 0), cfg),
                    _at(day + timedelta(days=READ_BACK_DAYS), time(0, 0), cfg))


@dataclass(frozen=True)
class Reminder:
    """When the one reminder of a read-back is due: ``[start, end)``, in the occasion ``period``."""

    period: str          # the day of ``start``: the read_back occasion it belongs to
    start: datetime
    end: datetime        # the lapse: after it, nothing is left to confirm

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end


def read_back_reminder(since: datetime, until: datetime, cfg: ScheduleConfig) -> Reminder | None:
    """The reminder of a read-back shown at ``since`` that lapses at ``until``: due from halfway
    there (moved past the quiet hours) until the lapse; None when the quiet hours last until the
    lapse (a short ``confirm_hours`` at night: no reminder then)."""
    start = defer_quiet(since + (until - since) / 2, cfg)
    if start >= until:
        return None
    return Reminder(start.date().isoformat(), start, until.astimezone(cfg.tz))


def open_occasions(at: datetime, cfg: ScheduleConfig) -> list[Occasion]:
    """Occasions whose window contains ``at`` (quiet hours not considered)."""
    local = at.astimezone(cfg.tz)
    candidates = month_occasions(local.year, local.month, cfg) + [deadline_occasion(local.date(), cfg)]
    candidates += [read_back_occasion(local.date() - timedelta(days=n), cfg) for n in range(READ_BACK_DAYS)]
    candidates += [accountability_occasion(local.date(), cfg), study_day_occasion(local.year, local.month, cfg)]
    return [o for o in candidates if o is not None and o.contains(at)]


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
    elif kind == PushKind.READ_BACK:
        candidates = [read_back_occasion(local.date() + timedelta(days=n), cfg) for n in range(3)]
    elif kind == PushKind.ACCOUNTABILITY:
        candidates = [accountability_occasion(local.date() + timedelta(days=n), cfg) for n in range(3)]
    elif kind == PushKind.STUDY_DAY:
        candidates = [o for n in range(3) if (o := study_day_occasion(*add_months(local.year, local.month, n), cfg))]
    else:
        candidates = [o for n in range(14) for o in month_occasions(*add_months(local.year, local.month, n), cfg)
                      if o.kind == kind]
    starts = [s for s in (effective_start(o, cfg) for o in candidates) if s is not None and s > after]
    return min(starts) if starts else None

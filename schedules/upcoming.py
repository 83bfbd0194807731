"""When the next scheduled push that would reach somebody goes out.

The timetable (``schedules.timetable``) knows when each occasion opens; only the database knows
whether anyone would get it (an occasion whose builder finds nobody, or whose recipients are all
in the push log already, sends nothing). ``next_push_at`` walks the occasions of the coming year in
order of their effective start and asks each one's builder, as ``schedules.runner`` would at that
moment, until one has a recipient. The demo's "/next" and "/时间" use it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from bot.config import ScheduleConfig
from models.tables import FINISHED, Item
from schedules.delivery import logged_members
from schedules.digests import build
from schedules.read_back import reminders
from schedules.timetable import (
    Occasion,
    add_months,
    deadline_occasion,
    deadline_offsets,
    effective_start,
    month_occasions,
    read_back_occasion,
)

HORIZON_MONTHS = 13     # the months whose occasions are looked at: this one and the next twelve


def upcoming_occasions(session: Session, after: datetime, cfg: ScheduleConfig) -> list[tuple[datetime, Occasion]]:
    """Every occasion that first goes out after ``after`` within about a year, with that moment,
    earliest first: the monthly, quarterly and yearly ones from the timetable, and a deadline
    occasion for each day on which an open item's deadline is that many days away (7, 3, 1, -1 by
    default), and the reminder of each read-back waiting for its 确认."""
    local = after.astimezone(cfg.tz)
    occasions = [o for n in range(HORIZON_MONTHS)
                 for o in month_occasions(*add_months(local.year, local.month, n), cfg)]
    deadlines = set(session.exec(select(Item.deadline).where(
        Item.deadline.is_not(None), Item.status.not_in(FINISHED))))
    days = {d - timedelta(days=n) for d in deadlines for n in deadline_offsets(cfg)}
    occasions += [deadline_occasion(d, cfg) for d in sorted(days) if d >= local.date()]
    starts = [(start, o) for o in occasions if (start := effective_start(o, cfg)) and start > after]
    starts += [(r.start, read_back_occasion(date.fromisoformat(r.period), cfg))
               for _, _, r in reminders(session, after, cfg) if r.start > after]
    return sorted(starts, key=lambda pair: pair[0])


def next_push_at(session: Session, after: datetime, cfg: ScheduleConfig) -> datetime | None:
    """When the next scheduled push that would reach somebody goes out, strictly after ``after``
    (within about a year); None if nothing would. Reads the lists and the push log as they are
    now: progress reported meanwhile may leave the push with nobody to reach after all."""
    for start, occasion in upcoming_occasions(session, after, cfg):
        if build(session, occasion, start, cfg, logged_members(session, occasion.key)):
            return start
    return None

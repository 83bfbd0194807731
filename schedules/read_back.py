"""待确认提醒: the one reminder of a report read back to its sender and not yet confirmed.

A read-back (``handlers.summary``) waits ``[understanding] confirm_hours`` for the member's 确认,
then lapses and nothing of it is stored. Halfway there (past the quiet hours) the member is
reminded once: the summary's lines as they would apply now, and until when 确认 still stores them
(``schedules.timetable.read_back_reminder``, pure). The reminder belongs to the ``read_back``
occasion of its day, so the push log sends it once; a member gets at most one such reminder a
day. Who is waiting is read from the members' conversation state (``models.conversation``).
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from bot.config import ScheduleConfig
from bot.fitting import fit_lines
from bot.texts import READ_BACK_REMINDER, READ_BACK_REMINDER_FOOTER, moment, read_back_line
from models.conversation import State, Waiting, waiting_for
from models.lookups import owners_items
from models.progress import preview
from models.tables import Member
from schedules.timetable import Occasion, Reminder, read_back_reminder


def reminders(session: Session, at: datetime, cfg: ScheduleConfig) -> list[tuple[Member, State, Reminder]]:
    """Every active member whose read-back still waits at ``at`` and has a reminder, with it."""
    rows = session.exec(select(Member).where(
        Member.active, Member.waiting.contains(f'"{Waiting.READ_BACK}"', autoescape=True))).all()
    out = []
    for m in rows:
        state = waiting_for(m, at)
        if state is None or state.kind != Waiting.READ_BACK:
            continue
        reminder = read_back_reminder(state.since, state.expires, cfg)
        if reminder is not None:
            out.append((m, state, reminder))
    return out


def waiting_members(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig,
                    skip: set[int]) -> list[tuple[Member, State]]:
    """The members whose reminder is due at ``at`` and is this occasion's."""
    return [(m, state) for m, state, reminder in reminders(session, at, cfg)
            if m.id not in skip and reminder.period == occ.period and reminder.contains(at)]


def read_back_reminders(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig,
                        skip: set[int]) -> list[tuple[Member, str]]:
    """(member, text): one reminder per member whose read-back's reminder is due now."""
    out = []
    for m, state in waiting_members(session, occ, at, cfg, skip):
        year = state.since.astimezone(cfg.tz).year
        items = {i.code: i for i in reversed(owners_items(session, [m.id], year).get(m.id, []))}
        lines = [read_back_line(n, items[code], u, preview(items[code], u, u.item == code), at.astimezone(cfg.tz).date())
                 for n, (code, u) in enumerate(state.lines, 1) if code in items]
        head = READ_BACK_REMINDER.format(name=m.name, since=moment(state.since, cfg.tz),
                                         until=moment(state.expires, cfg.tz))
        out.append((m, fit_lines(head, lines, "…及其余{n}条", footer=READ_BACK_REMINDER_FOOTER)))
    return out

"""三会一课 as records: who may report a unit's meetings, storing one, withdrawing it, and which
periods of a year a unit left without a meeting it owed (the star rating's "三会一课落实").

* **Who reports**: a secretary reports the meetings of their own unit; so does the one member a
  secretary named ("指定 李娜 记录三会一课", ``MeetingRecorder``).
* **One meeting, one record**: a second report of the same kind on the same day for the same unit
  is not stored again (a meeting counts once however often it is told).
* **Owed by branches**: 三会一课 are a 党支部's (``UnitKind.BRANCH``); other units owe none. Each kind has a frequency (``[meetings]``: monthly, quarterly, half-yearly, yearly, none);
  a period that has ended with no meeting of that kind standing (not withdrawn) is missed. A period
  still running is never missed.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from models.rows import set_columns
from models.tables import Meeting, MeetingKind, MeetingRecorder, Member, Unit, UnitKind

UNDO_WINDOW = timedelta(hours=24)          # as models.corrections: a record is withdrawn within a day
_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}


def recording_unit(session: Session, member: Member) -> int | None:
    """The unit whose meetings ``member`` reports: a secretary's own, or the one that named them."""
    if member.is_secretary:
        return member.unit_id
    named = session.exec(select(MeetingRecorder.unit_id).where(MeetingRecorder.member_id == member.id)).first()
    return named


def name_recorder(session: Session, secretary: Member, member: Member, at: datetime) -> None:
    """``member`` records the meetings of ``secretary``'s unit from now on (replacing the one before)."""
    row = session.exec(select(MeetingRecorder).where(MeetingRecorder.unit_id == secretary.unit_id)).first()
    if row is None:
        session.add(MeetingRecorder(unit_id=secretary.unit_id, member_id=member.id, named_by=secretary.id, named_at=at))
    else:
        set_columns(session, row, member_id=member.id, named_by=secretary.id, named_at=at)
    session.flush()


def same_meeting(session: Session, unit_id: int, kind: str, held_on: date) -> Meeting | None:
    """The standing record of this kind held on this day by this unit, if any."""
    return session.exec(select(Meeting).where(
        Meeting.unit_id == unit_id, Meeting.kind == MeetingKind(kind), Meeting.held_on == held_on,
        Meeting.withdrawn_at.is_(None))).first()


def store(session: Session, *, unit_id: int, member: Member, kind: str, held_on: date, due: int | None,
          present: int | None, topic: str | None, words: str, at: datetime, msg_id: str | None,
          update_id: int | None, confirmed: bool) -> Meeting:
    """One meeting record, as reported (``at`` aware)."""
    row = Meeting(unit_id=unit_id, kind=MeetingKind(kind), held_on=held_on, due=due, present=present, topic=topic,
                  words=words, reported_by=member.id, reported_at=at, msg_id=msg_id, update_id=update_id,
                  confirmed_at=at if confirmed else None)
    session.add(row)
    session.flush()
    return row


def last_reported(session: Session, member: Member, at: datetime) -> Meeting | None:
    """``member``'s latest meeting record still standing, reported within the undo window."""
    return session.exec(select(Meeting).where(
        Meeting.reported_by == member.id, Meeting.withdrawn_at.is_(None),
        Meeting.reported_at >= at - UNDO_WINDOW).order_by(Meeting.id.desc())).first()


def withdraw(session: Session, meeting: Meeting, at: datetime) -> None:
    set_columns(session, meeting, withdrawn_at=at)


def periods(frequency: str, year: int) -> list[tuple[str, date, date]]:
    """(label, first day, last day) of each period of ``year`` a meeting is owed in; none for "none"."""
    step = _MONTHS.get(frequency)
    if step is None:
        return []
    out = []
    for n, first_month in enumerate(range(1, 13, step), 1):
        first = date(year, first_month, 1)
        end_month = first_month + step
        last = (date(year + 1, 1, 1) if end_month > 12 else date(year, end_month, 1)) - timedelta(days=1)
        label = {1: f"{first_month}月", 3: f"第{n}季度", 6: "上半年" if n == 1 else "下半年", 12: "全年"}[step]
        out.append((label, first, last))
    return out


def held_days(session: Session, unit_ids: Iterable[int], first: date, last: date) -> dict[int, dict[str, list[date]]]:
    """unit → kind → the days its standing meetings were held between ``first`` and ``last``."""
    ids = list(unit_ids)
    held: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    if not ids:
        return held
    rows = session.exec(select(Meeting.unit_id, Meeting.kind, Meeting.held_on).where(
        Meeting.unit_id.in_(ids), Meeting.withdrawn_at.is_(None),
        Meeting.held_on >= first, Meeting.held_on <= last))
    for unit_id, kind, held_on in rows:
        held[unit_id][MeetingKind(kind).value].append(held_on)
    return held


def branches(session: Session, unit_ids: Iterable[int] | None = None) -> list[int]:
    """The units among ``unit_ids`` (default: all) that owe 三会一课: the 党支部."""
    q = select(Unit.id).where(Unit.kind == UnitKind.BRANCH)
    if unit_ids is not None:
        q = q.where(Unit.id.in_(list(unit_ids)))
    return list(session.exec(q.order_by(Unit.id)))


def missed(session: Session, unit_ids: Iterable[int], year: int, today: date,
           frequencies: dict[str, str]) -> dict[int, list[str]]:
    """branch → the periods of ``year`` ended by ``today`` that had no meeting of a kind owed in them,
    e.g. ["支部党员大会第2季度"]; a branch that missed none, and any other unit, is absent."""
    ids = branches(session, unit_ids)
    held = held_days(session, ids, date(year, 1, 1), date(year, 12, 31))
    out: dict[int, list[str]] = {}
    for unit_id in ids:
        gaps = [f"{kind}{label}" for kind, frequency in frequencies.items()
                for label, first, last in periods(frequency, year)
                if last < today and not any(first <= d <= last for d in held[unit_id][kind])]
        if gaps:
            out[unit_id] = gaps
    return out


def ending_in(frequencies: dict[str, str], first: date, last: date) -> list[tuple[str, str, date, date]]:
    """(kind, period label, its first day, its last day) of each period owed that ends between
    ``first`` and ``last`` (a month: what is due by its end; a quarter: what the 季督 reports)."""
    return [(kind, label, start, end) for kind, frequency in frequencies.items()
            for label, start, end in periods(frequency, first.year) if first <= end <= last]


def tally(session: Session, unit_ids: Iterable[int], owed: list[tuple[str, str, date, date]]
          ) -> dict[int, dict[str, tuple[int, int]]]:
    """branch → kind → (periods with a meeting, periods owed) over ``owed`` (``ending_in``)."""
    ids = branches(session, unit_ids)
    if not owed or not ids:
        return {}
    held = held_days(session, ids, min(o[2] for o in owed), max(o[3] for o in owed))
    out: dict[int, dict[str, tuple[int, int]]] = {}
    for unit_id in ids:
        counts: dict[str, tuple[int, int]] = {}
        for kind, _, start, end in owed:
            done, due = counts.get(kind, (0, 0))
            counts[kind] = (done + any(start <= d <= end for d in held[unit_id][kind]), due + 1)
        out[unit_id] = counts
    return out


def recorders(session: Session, unit_ids: Iterable[int]) -> dict[int, Member]:
    """unit → the member its secretary named to record its meetings (active), if any."""
    rows = session.exec(select(MeetingRecorder.unit_id, Member).join(Member, Member.id == MeetingRecorder.member_id)
                        .where(MeetingRecorder.unit_id.in_(list(unit_ids)), Member.active))
    return {unit_id: member for unit_id, member in rows}

"""问责 as a ladder: a lapse — a month not reported, an item past its deadline — climbs the steps
提示 → 催办 → 通报 → 约谈 (``[accountability]``), and each step reached leaves a mark (红叉) on the
person and their unit for that month, which stays for the year whatever happens to the item.

What step a lapse has reached is computed from the database, the source of truth:

* **未报**: a month with no report, counted once the month's 未报督促 opens (the month just ended),
  climbs by the consecutive months not reported: the month before counts when it has a mark not
  cleared. Defaults: the 1st month 提示 + 催办, the 2nd 通报, the 3rd 约谈.
* **逾期**: an open item past its deadline climbs by the days past it (defaults 1 提示, 7 催办,
  30 通报, 60 约谈); the mark is the month's in which the step was reached.

One ``Mark`` row per lapse and month holds the highest step reached. A mark that reaches 约谈 asks
the secretary above (``above``) to hold a talk: a ``Talk`` row, which they record done with a note.
A cleared mark stays (``cleared_at``, who, why) and climbs no further. ``climb_*`` are idempotent:
run twice, or by two processes at once, they leave the same rows (insert-or-ignore on the lapse).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from models.db import insert_ignoring
from models.ladder_steps import STEPS
from models.lookups import unreported
from models.organisation import Tree
from models.tables import FINISHED, Item, Mark, MarkReason, Member, Talk


def rank(step: str | None) -> int:
    """Where a step stands on the ladder: -1 for none."""
    return STEPS.index(step) if step in STEPS else -1


def step_for(count: int, thresholds: dict[str, int]) -> str | None:
    """The highest step whose threshold ``count`` reaches."""
    reached = [step for step, n in thresholds.items() if count >= n]
    return max(reached, key=rank) if reached else None


def above(tree: Tree, member: Member) -> Member | None:
    """The next level up: the secretary responsible for the person's secretary (the person's own
    secretary when there is nobody above them)."""
    boss = tree.responsible_for(member)
    if boss is None:
        return None
    return tree.responsible_for(boss) or boss


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _streaks(session: Session, year: int, month: int, longest: int) -> dict[int, int]:
    """Member → the consecutive months before ``year-month`` with a 未报 mark not cleared."""
    months, y, m = [], year, month
    for _ in range(longest):
        y, m = _previous(y, m)
        months.append((y, m))
    rows = session.exec(select(Mark.member_id, Mark.year, Mark.month).where(
        Mark.reason == MarkReason.UNREPORTED, Mark.cleared_at.is_(None),
        Mark.year.in_({y for y, _ in months}))).all()
    marked = defaultdict(set)
    for member_id, y, m in rows:
        marked[member_id].add((y, m))
    out = {}
    for member_id, seen in marked.items():
        n = 0
        while n < len(months) and months[n] in seen:
            n += 1
        out[member_id] = n
    return out


def _record(session: Session, member: Member, year: int, month: int, reason: MarkReason, step: str,
            now: datetime, item: Item | None = None) -> None:
    """Leave the lapse's mark for the month at ``step``, or raise it there; nothing when it is
    already there or higher, or cleared. A mark reaching 约谈 gets its talk."""
    subject = str(item.id) if item is not None else ""
    conn = session.connection()
    conn.execute(insert_ignoring(conn.dialect.name, Mark.__table__, ["member_id", "year", "month", "reason", "subject"])
                 .values(member_id=member.id, unit_id=member.unit_id, year=year, month=month, reason=reason.value,
                         subject=subject, item_id=item.id if item else None, step=step, reached_at=now, step_at=now))
    lower = [s for s in STEPS if rank(s) < rank(step)]
    conn.execute(update(Mark).where(Mark.member_id == member.id, Mark.year == year, Mark.month == month,
                                    Mark.reason == reason, Mark.subject == subject, Mark.cleared_at.is_(None),
                                    Mark.step.in_(lower)).values(step=step, step_at=now))


def climb_unreported(session: Session, month: str, thresholds: dict[str, int], now: datetime) -> None:
    """The 未报 marks of ``month`` ("2026-11", just ended) for every expected reporter without a
    report; ``thresholds``: step → consecutive months (``AccountabilityConfig.thresholds``)."""
    if not thresholds:
        return
    year, m = int(month[:4]), int(month[5:])
    streaks = _streaks(session, year, m, max(thresholds.values()))
    # marks already there (the hourly catch-up reruns this for a week): written only when they change
    there = {member_id: (step, cleared) for member_id, step, cleared in session.exec(
        select(Mark.member_id, Mark.step, Mark.cleared_at).where(
            Mark.year == year, Mark.month == m, Mark.reason == MarkReason.UNREPORTED))}
    for member in unreported(session, None, month):
        step = step_for(1 + streaks.get(member.id, 0), thresholds)
        old, cleared = there.get(member.id, (None, None))
        if step is not None and cleared is None and rank(step) > rank(old):
            _record(session, member, year, m, MarkReason.UNREPORTED, step, now)


def climb_overdue(session: Session, today: date, thresholds: dict[str, int], now: datetime) -> None:
    """The 逾期 marks of today: every open item past its deadline whose owner is on the rolls, at the
    step its days past the deadline reach (``thresholds``: step → days), when no mark of it has that
    step yet."""
    if not thresholds:
        return
    rows = session.exec(select(Item, Member).join(Member, Member.id == Item.owner_id)
                        .where(Item.deadline < today, Item.status.not_in(FINISHED), Member.active)).all()
    if not rows:
        return
    reached: dict[str, int] = defaultdict(lambda: -1)
    for subject, step in session.exec(select(Mark.subject, Mark.step).where(
            Mark.reason == MarkReason.OVERDUE, Mark.subject.in_([str(i.id) for i, _ in rows]))):
        reached[subject] = max(reached[subject], rank(step))
    for item, member in rows:
        step = step_for((today - item.deadline).days, thresholds)
        if step is not None and rank(step) > reached[str(item.id)]:
            _record(session, member, today.year, today.month, MarkReason.OVERDUE, step, now, item)


def open_talks(session: Session, tree: Tree, since: datetime) -> None:
    """A talk for every mark at 约谈 changed since ``since`` that has none, held by the one above."""
    marks = session.exec(select(Mark).where(Mark.step == "约谈", Mark.step_at >= since)).all()
    if not marks:
        return
    people = {m.id: m for m in session.exec(select(Member).where(Member.id.in_({k.member_id for k in marks})))}
    conn = session.connection()
    for mark in marks:
        holder = above(tree, people[mark.member_id])
        if holder is None:
            continue
        conn.execute(insert_ignoring(conn.dialect.name, Talk.__table__, ["mark_id"])
                     .values(mark_id=mark.id, member_id=mark.member_id, holder_id=holder.id, created_at=mark.step_at))


@dataclass
class Tally:
    """Marks of a person or a unit for a year: standing, cleared, and the highest step standing."""

    standing: int = 0
    cleared: int = 0
    highest: str | None = None

    def add(self, mark: Mark) -> None:
        self.count(mark.step, mark.cleared_at is not None)

    def count(self, step: str | None, cleared: bool, n: int = 1) -> None:
        """``n`` marks of ``step``, cleared or standing."""
        if cleared:
            self.cleared += n
            return
        self.standing += n
        if rank(step) > rank(self.highest):
            self.highest = step

    def merge(self, other: Tally) -> None:
        """``other``'s marks counted in too (a unit's and those of the units below it)."""
        self.cleared += other.cleared
        self.count(other.highest, False, other.standing)

    @property
    def zh(self) -> str:
        """"红叉2个（最高：通报；另已撤销1个）", or "无红叉"."""
        if not self.standing and not self.cleared:
            return "无红叉"
        text = f"红叉{self.standing}个" + (f"（最高：{self.highest}）" if self.highest else "")
        return text + (f"，另已撤销{self.cleared}个" if self.cleared else "")


def marks_of_year(session: Session, year: int) -> tuple[dict[int, Tally], dict[int, Tally]]:
    """The year's marks by person and by unit: what the console board, the export and the 年度述职
    prompt show."""
    people: dict[int, Tally] = defaultdict(Tally)
    units: dict[int, Tally] = defaultdict(Tally)
    for mark in session.exec(select(Mark).where(Mark.year == year)):
        people[mark.member_id].add(mark)
        units[mark.unit_id].add(mark)
    return dict(people), dict(units)


def marks_of_people(session: Session, year: int, member_ids: list[int]) -> dict[int, Tally]:
    """The year's marks of ``member_ids`` only (a page of the console board)."""
    people: dict[int, Tally] = defaultdict(Tally)
    if member_ids:
        for mark in session.exec(select(Mark).where(Mark.year == year, Mark.member_id.in_(member_ids))):
            people[mark.member_id].add(mark)
    return dict(people)


def marks_by_unit(session: Session, year: int) -> dict[int, Tally]:
    """The year's marks by unit, counted in the database (a 机关党委's board: no mark read)."""
    cleared = Mark.cleared_at.is_not(None)
    units: dict[int, Tally] = defaultdict(Tally)
    q = select(Mark.unit_id, Mark.step, cleared, func.count()).where(Mark.year == year) \
        .group_by(Mark.unit_id, Mark.step, cleared)
    for unit_id, step, gone, n in session.connection().execute(q):
        units[unit_id].count(step, bool(gone), n)
    return dict(units)

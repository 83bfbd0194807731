"""What people do with marks (红叉) in chat: see them, clear one with a reason, record a talk
(约谈) done, and take back their own clearing or talk record. The grammar is ``bot.nlu.ladder``;
the ladder itself is ``models.ladder``.

A mark is cleared by a secretary above the person — the next level up from the person's own
secretary (``models.ladder.above``), any secretary above that, or an administrator — never by
the person or their own secretary. A cleared mark stays, shown as cleared with who and why; the
clearing and its taking back are kept in the audit log too.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select

from models.ladder import above
from models.organisation import Tree
from models.tables import AuditEvent, Item, Mark, MarkReason, Member, ProgressUpdate, Talk


def people_named(session: Session, tree: Tree, sender: Member, name: str) -> list[Member]:
    """Members called ``name`` in the sender's scope (``Tree.units_of``)."""
    units = set(tree.units_of(sender))
    return [m for m in session.exec(select(Member).where(Member.name == name).order_by(Member.id))
            if m.unit_id in units]


def may_clear(tree: Tree, sender: Member, person: Member) -> bool:
    """An administrator, or a secretary above the person's own secretary (not the person)."""
    if sender.id == person.id:
        return False
    if sender.is_admin:
        return True
    higher, boss = above(tree, person), tree.responsible_for(person)
    if higher is not None and sender.id == higher.id:
        return True
    return sender.is_secretary and person.unit_id in tree.subtree(sender.unit_id) and (boss is None or sender.id != boss.id)


def marks_of(session: Session, people: Iterable[int] | None, units: Iterable[int] | None, year: int) -> list[Mark]:
    """The year's marks of ``people`` or in ``units``, by month then id."""
    query = select(Mark).where(Mark.year == year)
    if people is not None:
        query = query.where(Mark.member_id.in_(list(people)))
    if units is not None:
        query = query.where(Mark.unit_id.in_(list(units)))
    return list(session.exec(query.order_by(Mark.month, Mark.id)))


def clearable(session: Session, person: Member, year: int, month: int, reason: str | None,
              code: str | None) -> list[Mark]:
    """The person's standing marks of the month, of the reason (未报 / 逾期) and item 编号 when named."""
    marks = [m for m in marks_of(session, [person.id], None, year) if m.month == month and m.cleared_at is None]
    if reason:
        marks = [m for m in marks if m.reason == MarkReason(reason)]
    if code:
        codes = {i.id: i.code.upper() for i in session.exec(select(Item).where(Item.id.in_(
            [m.item_id for m in marks if m.item_id])))}
        marks = [m for m in marks if m.item_id and codes.get(m.item_id) == code]
    return marks


def _audit(session: Session, sender: Member, action: str, words: str, at: datetime, **detail) -> None:
    session.add(AuditEvent(at=at, actor=sender.account, action=action, words=words,
                           detail=json.dumps(detail, ensure_ascii=False)))


def clear(session: Session, sender: Member, mark: Mark, why: str, words: str, at: datetime) -> None:
    mark.cleared_at, mark.cleared_by, mark.clear_reason = at, sender.id, why
    session.add(mark)
    _audit(session, sender, "ladder.clear", words, at, mark=mark.id, reason=why)


def talks_open(session: Session, holder: Member, person: Member) -> list[Talk]:
    return list(session.exec(select(Talk).where(Talk.holder_id == holder.id, Talk.member_id == person.id,
                                                Talk.done_at.is_(None)).order_by(Talk.id)))


def talk_done(session: Session, sender: Member, talks: list[Talk], note: str, words: str, at: datetime) -> None:
    for talk in talks:
        talk.done_at, talk.note = at, note
        session.add(talk)
    _audit(session, sender, "ladder.talk", words, at, talks=[t.id for t in talks], note=note)


def latest_act(session: Session, sender: Member) -> tuple[datetime, list[Mark] | list[Talk]] | None:
    """The sender's latest clearing or talk record (all the rows it changed at once), or None."""
    marks = list(session.exec(select(Mark).where(Mark.cleared_by == sender.id, Mark.cleared_at.is_not(None))))
    talks = list(session.exec(select(Talk).where(Talk.holder_id == sender.id, Talk.done_at.is_not(None))))
    acts = [(m.cleared_at, m) for m in marks] + [(t.done_at, t) for t in talks]
    if not acts:
        return None
    last = max(at for at, _ in acts)
    return last, [row for at, row in acts if at == last]


def last_progress_at(session: Session, sender: Member) -> datetime | None:
    return session.exec(select(ProgressUpdate.at).where(ProgressUpdate.member_id == sender.id)
                        .order_by(ProgressUpdate.at.desc()).limit(1)).first()


def take_back(session: Session, sender: Member, rows: list, words: str, at: datetime) -> None:
    """The clearing goes (the mark stands again) or the talk is open again; the audit log keeps both."""
    for row in rows:
        if isinstance(row, Mark):
            _audit(session, sender, "ladder.unclear", words, at, mark=row.id, reason=row.clear_reason)
            row.cleared_at, row.cleared_by, row.clear_reason = None, None, None
        else:
            _audit(session, sender, "ladder.untalk", words, at, talk=row.id, note=row.note)
            row.done_at, row.note = None, None
        session.add(row)

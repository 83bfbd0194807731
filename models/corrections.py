"""撤回 and 更正: every write can be undone by the person who made it.

``last_reply_updates`` finds a member's last reply that changed items (its ``ProgressUpdate`` rows:
same member, same message). ``undo`` puts each of its items back as it was before — within
``UNDO_WINDOW`` and only if nobody else has changed the item since — and records the revert as an
update of its own (action ``undo``: who, when, the words typed, before → after). What was undone no
longer stands: the item's 最近更新 is its last change still standing, and the month's report
stands on what remains (``models.reports.restate``). ``move`` (不对，
是第3项) undoes the last reply's single update and applies the same state to another item — unless
that would take the other item back (a lower figure, done to not done): that is asked about as a
report of its own, never done in passing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot.nlu.model import Update
from models.lookups import month_key
from models.progress import Change, lock, mark_reported, preview, record_progress
from models.reports import latest_standing, restate
from models.rows import insert_values, set_columns
from models.tables import Item, ItemStatus, Member, ProgressUpdate, UpdateAction

UNDO_WINDOW = timedelta(hours=24)
UNDOABLE = (UpdateAction.UPDATE, UpdateAction.CORRECT)


@dataclass
class Undone:
    """What an undo did: the items put back, and those that could not be, with why."""

    changes: list[Change] = field(default_factory=list)
    refused: list[tuple[Item, str]] = field(default_factory=list)


def last_reply_updates(session: Session, member: Member, at: datetime) -> list[ProgressUpdate]:
    """The updates of ``member``'s last reply that changed items and is not undone, within the window."""
    latest = session.exec(
        select(ProgressUpdate).where(ProgressUpdate.member_id == member.id, ProgressUpdate.action.in_(UNDOABLE),
                                     ProgressUpdate.undone_at.is_(None), ProgressUpdate.at >= at - UNDO_WINDOW)
        .order_by(ProgressUpdate.id.desc())
    ).first()
    if latest is None:
        return []
    q = select(ProgressUpdate).where(ProgressUpdate.member_id == member.id, ProgressUpdate.at == latest.at,
                                     ProgressUpdate.words == latest.words, ProgressUpdate.undone_at.is_(None),
                                     ProgressUpdate.action.in_(UNDOABLE))
    if latest.msg_id is not None:
        q = q.where(ProgressUpdate.msg_id == latest.msg_id)
    return list(session.exec(q.order_by(ProgressUpdate.id)))


def _changed_by_others_since(session: Session, update: ProgressUpdate) -> bool:
    return session.exec(select(ProgressUpdate.id).where(
        ProgressUpdate.item_id == update.item_id, ProgressUpdate.id > update.id,
        ProgressUpdate.member_id != update.member_id)).first() is not None


def undo(session: Session, member: Member, at: datetime, words: str, msg_id: str | None = None,
         updates: list[ProgressUpdate] | None = None) -> Undone:
    """Revert ``updates`` (default: the member's last reply) item by item; see the module docstring.
    ``at`` is in the configured zone (as a message's time is): the months are read in it."""
    done = Undone()
    months = set()
    for original in updates if updates is not None else last_reply_updates(session, member, at):
        item = lock(session, session.get(Item, original.item_id))
        if _changed_by_others_since(session, original):
            done.refused.append((item, "此后已有他人更新该项，不能撤回"))
            continue
        count_before = original.count_before if original.count_before is not None else \
            item.done_count - original.count_added
        revert = dict(
            item_id=item.id, member_id=member.id, at=at, words=words, msg_id=msg_id, action=UpdateAction.UNDO,
            status_before=item.status, status_after=ItemStatus(original.status_before),
            percent_before=item.percent, percent_after=original.percent_before,
            count_before=item.done_count, count_after=count_before,
        )
        set_columns(session, original, undone_at=at)
        standing = latest_standing(session, item.id)
        set_columns(session, item, status=ItemStatus(original.status_before), percent=original.percent_before,
                    done_count=count_before, updated_at=standing.at if standing else None,
                    updated_words=standing.words if standing else None)
        done.changes.append(Change(item=item, update_id=insert_values(session, ProgressUpdate, **revert)))
        months.add(month_key(original.at, at.tzinfo))
    for month in sorted(months):
        restate(session, member.id, month, at.tzinfo)
    return done


def move(session: Session, member: Member, target: Item, at: datetime, words: str,
         msg_id: str | None = None) -> tuple[Undone, Change | None, str]:
    """不对，是第3项: the last reply's one update moved to ``target``; (undone, applied, why not)."""
    updates = last_reply_updates(session, member, at)
    if len(updates) != 1:
        why = "没有可更正的记录（24小时内）" if not updates else "上一条记录涉及多项，请先回复“撤回”，再重新报送"
        return Undone(), None, why
    original = updates[0]
    if original.item_id == target.id:
        return Undone(), None, "上一条记录已经是这一项"
    added = (original.count_after or 0) - (original.count_before or 0)
    moved = Update(target.code, None, count=added) if added > 0 else \
        Update(target.code, original.status_after, percent=original.percent_after)
    if preview(target, moved).backwards:        # taking an item back is asked about, never done in passing
        return Undone(), None, (f"改到[{target.code}]会使它的进度倒退，未作更正；如确需这样改，请直接回复这一项的进度，"
                                f"如“{target.code}完成{original.percent_after}%”，核对后回复“确认”")
    undone = undo(session, member, at, words, msg_id, [original])
    if undone.refused:
        return undone, None, undone.refused[0][1]
    change = record_progress(session, item=target, member=member, at=at, words=f"{original.words}（{words}）",
                             update=moved, msg_id=msg_id, action=UpdateAction.CORRECT)
    if change.applied:          # the report moved with it: the month stands on the correction
        mark_reported(session, member, at, f"{original.words}（{words}）", at.tzinfo)
    return undone, change, ""

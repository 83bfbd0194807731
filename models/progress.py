"""The rules that change an item's state or a member's report, in one place for every path
(chat, workbook, demo). Each change keeps who, when and the words typed (``ProgressUpdate``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.lookups import month_key, report_for
from models.tables import ItemKind, ItemStatus, Item, Member, MonthlyReport, ProgressUpdate


def mark_reported(session: Session, member: Member, at: datetime, words: str, tz: ZoneInfo) -> MonthlyReport:
    """Record that ``member`` reported for the month of ``at`` (the first report of the month stands)."""
    month = month_key(at, tz)
    existing = report_for(session, member.id, month)
    if existing:
        return existing
    report = MonthlyReport(member_id=member.id, month=month, reported_at=at, words=words)
    try:
        with session.begin_nested():
            session.add(report)
    except IntegrityError:  # reported concurrently: the first stands
        return report_for(session, member.id, month)
    return report


@dataclass
class Change:
    """What one update did to one item, for the confirmation the person reads."""

    item: Item
    update: ProgressUpdate
    note: str = ""          # e.g. why a 销号 became 已完成


def record_progress(
    session: Session,
    *,
    item: Item,
    member: Member,
    at: datetime,
    words: str,
    status: ItemStatus | str | None = None,
    percent: int | None = None,
    count: int | None = None,
    msg_id: str | None = None,
) -> Change:
    """Apply one understood update to ``item`` and keep who, when and the words typed.

    Rules: a figure below 100 means in progress and 100 means done; ``done`` sets 100%;
    a count adds to a quantified duty's done count and reaching the target is done;
    ``closed`` (整改销号) is for rectifications and only a secretary closes off — anybody
    else's 销号 is recorded as 已完成, awaiting the secretary's verification.
    """
    before_status, before_percent = item.status, item.percent
    status = ItemStatus(status) if status else None
    note = ""
    if status == ItemStatus.CLOSED:
        if item.kind != ItemKind.RECTIFICATION:
            status, note = ItemStatus.DONE, "销号只适用于整改事项，已记为完成"
        elif not member.is_secretary:
            status, note = ItemStatus.DONE, "已记为整改完成，销号需由书记核实后办理"
    if percent is not None:
        percent = max(0, min(100, int(percent)))
    added = 0
    if count:
        added = max(0, int(count))
        item.done_count += added
        if item.target_count:
            item.percent = min(100, round(100 * item.done_count / item.target_count))
            if status is None:
                status = ItemStatus.DONE if item.done_count >= item.target_count else ItemStatus.IN_PROGRESS
        elif status is None:
            status = ItemStatus.IN_PROGRESS
    if percent is not None and not count:
        item.percent = percent
        if status in (None, ItemStatus.DONE, ItemStatus.NOT_STARTED):
            status = ItemStatus.DONE if percent >= 100 else ItemStatus.IN_PROGRESS
    if status is not None:
        item.status = status
        if status in (ItemStatus.DONE, ItemStatus.CLOSED):
            item.percent = 100
    item.updated_at = at
    item.updated_words = words
    update = ProgressUpdate(
        item_id=item.id, member_id=member.id, at=at, words=words, msg_id=msg_id,
        status_before=before_status, status_after=item.status,
        percent_before=before_percent, percent_after=item.percent, count_added=added,
    )
    session.add(item)
    session.add(update)
    return Change(item=item, update=update, note=note)


def close_off(session: Session, *, item: Item, secretary: Member, at: datetime, words: str,
              msg_id: str | None = None) -> Change:
    """整改销号: a secretary verifies a rectification of their unit and closes it off."""
    if item.kind != ItemKind.RECTIFICATION:
        raise ValueError("only rectifications are closed off")
    if not secretary.is_secretary or secretary.unit_id != item.unit_id:
        raise PermissionError("only the unit's secretary closes off its rectifications")
    return record_progress(session, item=item, member=secretary, at=at, words=words,
                           status=ItemStatus.CLOSED, msg_id=msg_id)

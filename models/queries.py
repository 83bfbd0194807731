"""Queries and domain operations shared by handlers, schedules and the CLI.

Numbering matters: "我的清单" lists a person's items of the year in ``ITEM_ORDER`` and the
monthly prompt reuses that numbering, so "第2项" means the same thing everywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.tables import (
    SECRETARY_TITLES,
    ItemKind,
    ItemStatus,
    Item,
    Member,
    MonthlyReport,
    ProgressUpdate,
    Unit,
)

KIND_ORDER = {ItemKind.RESPONSIBILITY.value: 0, ItemKind.PROJECT.value: 1, ItemKind.RECTIFICATION.value: 2}


def month_key(at: datetime, tz: ZoneInfo) -> str:
    """"2026-11" for the month ``at`` falls in, in the configured zone."""
    return at.astimezone(tz).strftime("%Y-%m")


def _natural(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


def item_sort_key(item: Item) -> tuple:
    return (KIND_ORDER.get(item.kind, 9), _natural(item.code), item.id or 0)


# --- people and units ----------------------------------------------------------------------

def member_by_account(session: Session, account: str) -> Member | None:
    return session.exec(select(Member).where(Member.account == account)).first()


def unit_secretary(session: Session, unit_id: int) -> Member | None:
    """The unit's secretary: the member of the unit holding a secretary title."""
    rows = session.exec(
        select(Member).where(Member.unit_id == unit_id, Member.title.in_(SECRETARY_TITLES)).order_by(Member.id)
    ).all()
    return rows[0] if rows else None


def secretaries(session: Session) -> list[Member]:
    return list(session.exec(select(Member).where(Member.title.in_(SECRETARY_TITLES)).order_by(Member.id)))


def unit_members(session: Session, unit_id: int) -> list[Member]:
    return list(session.exec(select(Member).where(Member.unit_id == unit_id).order_by(Member.id)))


def unit_by_name(session: Session, name: str) -> Unit | None:
    return session.exec(select(Unit).where(Unit.name == name)).first()


# --- items -----------------------------------------------------------------------------------

def my_items(session: Session, member_id: int, year: int) -> list[Item]:
    """A person's items of the year, in the order "我的清单" numbers them."""
    items = session.exec(select(Item).where(Item.owner_id == member_id, Item.year == year)).all()
    return sorted(items, key=item_sort_key)


def unit_items(session: Session, unit_id: int, year: int) -> list[Item]:
    items = session.exec(select(Item).where(Item.unit_id == unit_id, Item.year == year)).all()
    return sorted(items, key=item_sort_key)


def overdue_items(items: list[Item], today: date) -> list[Item]:
    """Open items whose deadline has passed."""
    return [i for i in items if i.is_open and i.deadline is not None and i.deadline < today]


# --- monthly reports -------------------------------------------------------------------------

def report_for(session: Session, member_id: int, month: str) -> MonthlyReport | None:
    return session.exec(
        select(MonthlyReport).where(MonthlyReport.member_id == member_id, MonthlyReport.month == month)
    ).first()


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


def expected_reporters(session: Session, unit_id: int | None, year: int) -> list[Member]:
    """Those who owe a monthly report: people owning at least one open item of the year."""
    q = select(Member).join(Item, Item.owner_id == Member.id).where(
        Item.year == year, Item.status.not_in([ItemStatus.DONE.value, ItemStatus.CLOSED.value])
    )
    if unit_id is not None:
        q = q.where(Member.unit_id == unit_id)
    return list(session.exec(q.distinct().order_by(Member.id)))


def unreported(session: Session, unit_id: int | None, month: str) -> list[Member]:
    """Expected reporters of ``unit_id`` (all units if None) with no report for ``month``."""
    year = int(month[:4])
    reported = set(session.exec(select(MonthlyReport.member_id).where(MonthlyReport.month == month)))
    return [m for m in expected_reporters(session, unit_id, year) if m.id not in reported]


# --- progress --------------------------------------------------------------------------------

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
    status: str | None = None,
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
    note = ""
    if status == ItemStatus.CLOSED.value:
        if item.kind != ItemKind.RECTIFICATION.value:
            status, note = ItemStatus.DONE.value, "销号只适用于整改事项，已记为完成"
        elif not member.is_secretary:
            status, note = ItemStatus.DONE.value, "已记为整改完成，销号需由书记核实后办理"
    if percent is not None:
        percent = max(0, min(100, int(percent)))
    added = 0
    if count:
        added = max(0, int(count))
        item.done_count += added
        if item.target_count:
            item.percent = min(100, round(100 * item.done_count / item.target_count))
            if status is None:
                status = ItemStatus.DONE.value if item.done_count >= item.target_count else ItemStatus.IN_PROGRESS.value
        elif status is None:
            status = ItemStatus.IN_PROGRESS.value
    if percent is not None and not count:
        item.percent = percent
        if status in (None, ItemStatus.DONE.value, ItemStatus.NOT_STARTED.value):
            status = ItemStatus.DONE.value if percent >= 100 else ItemStatus.IN_PROGRESS.value
    if status is not None:
        item.status = status
        if status in (ItemStatus.DONE.value, ItemStatus.CLOSED.value):
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
    if item.kind != ItemKind.RECTIFICATION.value:
        raise ValueError("only rectifications are closed off")
    if not secretary.is_secretary or secretary.unit_id != item.unit_id:
        raise PermissionError("only the unit's secretary closes off its rectifications")
    return record_progress(session, item=item, member=secretary, at=at, words=words,
                           status=ItemStatus.CLOSED.value, msg_id=msg_id)


def unit_item_by_code(session: Session, unit_id: int, code: str, year: int, kind: str | None = None) -> Item | None:
    q = select(Item).where(Item.unit_id == unit_id, Item.year == year,
                           func.upper(func.replace(Item.code, "-", "")) == code.upper().replace("-", ""))
    if kind:
        q = q.where(Item.kind == kind)
    return session.exec(q).first()


# --- star rating -----------------------------------------------------------------------------

@dataclass
class StarRating:
    total: float
    stars: int              # 0, 3, 4 or 5
    weak_lax: bool          # 软弱涣散: no star at all
    reasons: list[str]      # why no star, in Chinese


def star_rating(score, *, five: float, four: float, three: float, min_satisfaction: float) -> StarRating:
    """Stars from a StarScore: 95+ five, 80–94 four, 60–79 three; any veto condition means none."""
    total = score.total
    reasons = []
    if total < three:
        reasons.append(f"总分{total:g}分，低于{three:g}分")
    if score.satisfaction_rate < min_satisfaction:
        reasons.append(f"群众满意率{score.satisfaction_rate:g}%，低于{min_satisfaction:g}%")
    if not score.three_meetings_ok:
        reasons.append("三会一课未落实")
    if not score.venue_ok:
        reasons.append("阵地建设不达标")
    if score.disciplined > 0:
        reasons.append(f"有{score.disciplined}名党员受到警告以上处分")
    if reasons:
        return StarRating(total, 0, True, reasons)
    stars = 5 if total >= five else 4 if total >= four else 3
    return StarRating(total, stars, False, [])

"""What the console shows of items: each row of a person's numbered list (the numbers chat uses:
``models.lookups.owners_items``), its progress worded as chat words it (``bot.texts.progress_zh``,
with the pace of ``models.yearly``), its deadline counted down, its signal (红 / 黄 / 绿), and
its history: every change, who made it, when, the words typed, 撤回 and corrections.

THE signal rule of the 挂图作战 board lives here (``signal``): red when an open item's deadline
has passed; amber when a quantified duty is behind pace or an open item's deadline is within
``SOON`` days; green otherwise (finished, or on time and on pace). ``signal_sql`` is the same rule
as an SQL expression, for the board to count and page tens of thousands of items in the database
(a test holds the two to the same answer on every case).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case
from sqlmodel import Session, select

from bot.statuses import kind_zh
from bot.texts import moment, progress_zh
from models.lookups import owners_items
from models.photos import counts as photo_counts
from models.tables import Item, ItemStatus, Member, ProgressUpdate, UpdateAction
from models.yearly import behind_pace

SOON = 7          # days: an open item due within them is amber

ACTION_ZH = {
    UpdateAction.UPDATE: "报进度",
    UpdateAction.UNDO: "撤回",
    UpdateAction.CORRECT: "更正",
    UpdateAction.CLOSE_OFF: "销号",
    UpdateAction.RETURN: "退回",
    UpdateAction.REOPEN: "重开",
}


@dataclass
class Change:
    who: str
    when: str
    words: str
    action: str
    undone: str           # "" / "已撤回" / "已更正到[P-1]" (moved by 不对，是P-1)
    confirmed: bool       # stored after it was read back and confirmed


@dataclass
class Row:
    number: int           # the item's number on its owner's list, as in chat
    item: Item
    owner: str
    unit: str
    kind: str
    progress: str
    countdown: str
    signal: str           # "red" / "amber" / "green"
    reason: str           # why: 已逾期3天 / 落后进度 / 5天后截止 / ""
    history: list[Change] = field(default_factory=list)
    photos: int = 0       # evidence photos on the item (📎N, models.photos)


def countdown(item: Item, today: date) -> str:
    """"还有12天" / "今天截止" / "已逾期3天"; "" when finished or without a deadline."""
    if item.deadline is None or not item.is_open:
        return ""
    days = (item.deadline - today).days
    if days > 0:
        return f"还有{days}天"
    return "今天截止" if days == 0 else f"已逾期{-days}天"


def signal(item: Item, today: date) -> tuple[str, str]:
    """The board's colour for ``item`` on ``today``, and why."""
    if not item.is_open:
        return "green", ""
    days = None if item.deadline is None else (item.deadline - today).days
    if days is not None and days < 0:
        return "red", f"已逾期{-days}天"
    if item.target_count and behind_pace(item.done_count, item.target_count, item.year, today):
        return "amber", "落后进度"
    if days is not None and days <= SOON:
        return "amber", "今天截止" if days == 0 else f"{days}天后截止"
    return "green", ""


def signal_sql(today: date):
    """``signal`` as an SQL expression over ``Item`` ("red" / "amber" / "green"); the pace is
    ``models.yearly.behind_pace`` (done < target × whole months gone // 12) with the months gone
    of each item's year."""
    finished = [s.value for s in ItemStatus if s.finished]
    months = case((Item.year < today.year, 12), (Item.year > today.year, 0), else_=today.month - 1)
    behind = and_(Item.target_count > 0, Item.done_count < Item.target_count * months // 12)
    return case((Item.status.in_(finished), "green"), (Item.deadline < today, "red"), (behind, "amber"),
                (Item.deadline <= today + timedelta(days=SOON), "amber"), else_="green")


def rows_of(session: Session, owners: list[int], year: int, today: date, names: dict[int, str],
            units: dict[int, str]) -> list[Row]:
    """Every item on ``owners``' numbered lists of ``year``, as rows in their numbering."""
    rows = []
    for owner, items in owners_items(session, owners, year).items():
        for number, item in enumerate(items, 1):
            colour, reason = signal(item, today)
            rows.append(Row(number, item, names.get(owner, ""), units.get(item.unit_id, ""), kind_zh(item.kind),
                            progress_zh(item, today), countdown(item, today), colour, reason))
    add_photos(session, rows)
    return rows


def add_photos(session: Session, rows: list[Row]) -> None:
    """Each row's count of evidence photos (📎N), in one query."""
    photos = photo_counts(session, [r.item.id for r in rows])
    for r in rows:
        r.photos = photos.get(r.item.id, 0)


def add_history(session: Session, rows: list[Row], tz: ZoneInfo) -> None:
    """Each row's changes, oldest first, in one query. A correction (不对，是P-1) is an undo of the
    first item and a change of the other made at the same moment by the same person: both read so."""
    by_item = {r.item.id: r for r in rows}
    if not by_item:
        return
    q = (select(ProgressUpdate, Member.name).join(Member, Member.id == ProgressUpdate.member_id)
         .where(ProgressUpdate.item_id.in_(list(by_item))).order_by(ProgressUpdate.at, ProgressUpdate.id))
    found = list(session.exec(q))
    moved = {(u.member_id, u.at): by_item[u.item_id].item.code for u, _ in found if u.action == UpdateAction.CORRECT}
    for update, name in found:
        by_item[update.item_id].history.append(_change(update, name, tz, moved))


def _change(update: ProgressUpdate, name: str, tz: ZoneInfo, moved: dict) -> Change:
    at: datetime = update.at
    action = ACTION_ZH.get(UpdateAction(update.action), str(update.action))
    if update.action == UpdateAction.UNDO and (update.member_id, at) in moved:
        action = f"更正：改到[{moved[update.member_id, at]}]"
    undone = ""
    if update.undone_at is not None:
        to = moved.get((update.member_id, update.undone_at))
        undone = f"已更正到[{to}]" if to else "已撤回"
    return Change(who=name, when=f"{at.astimezone(tz).year}年{moment(at, tz)}", words=update.words,
                  action=action, undone=undone, confirmed=update.confirmed_at is not None)

"""The bot's conversation memory of each member: one owner for it.

Two things are remembered, each with a time limit:

* the **item in mind** — the item the bot last spoke to the person about (a reminder about one
  item, a question, the last update). A reply that names no item but carries a state ("已完成")
  means that item, within ``ITEM_TTL``;
* what the bot is **waiting for** from the person (``Waiting``), one thing at a time: which item an
  update means (it asked "哪一项？" and keeps the update whole until the answer, "第2项"), a
  notice's 确认, "更多" after an answer cut at a page's end, or which of several rectifications a secretary's 销号 / 退回 / 重开 means. The dispatcher reads it once per message, before routing (``waiting_for``): the
  handlers registered for that state are tried first, and any other message is answered as usual
  and leaves the state alone until its time limit (``TTL``) passes or a new state replaces it.

Handlers use the functions on a loaded ``Member`` (each writes its columns at once, one UPDATE:
``models.rows.set_columns``); the push dispatcher, which works in bulk, uses ``remember_item_sql``
(the same columns, one UPDATE, without loading the member).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from bot.nlu.model import Update
from models.rows import set_columns
from models.tables import Item, Member

ITEM_TTL = timedelta(days=3)        # a reminder about one item makes "已完成" mean that item


class Waiting(StrEnum):
    """What the bot waits for from one person."""

    WHICH_ITEM = "which_item"                   # an update whose item the bot asked for
    NOTICE_CONFIRMATION = "notice_confirmation"  # a notice previewed to its sender, for 确认
    MORE_PAGES = "more_pages"                   # an answer cut at a page's end, for "更多"
    WHICH_REVIEW = "which_review"               # a secretary's 销号 / 退回 / 重开 whose 编号 read as several


TTL = {
    Waiting.WHICH_ITEM: timedelta(hours=2),
    # The draft itself expires sooner (models.notices.DRAFT_TTL): a late 确认 within the day is
    # told so; after the day, 确认 is read like any other message.
    Waiting.NOTICE_CONFIRMATION: timedelta(days=1),
    Waiting.MORE_PAGES: timedelta(hours=1),
    Waiting.WHICH_REVIEW: timedelta(hours=2),
}


@dataclass
class State:
    """What the bot waits for, since when, and what it keeps meanwhile."""

    kind: Waiting
    since: datetime
    update: Update | None = None    # WHICH_ITEM: the update, whole, as understood
    words: str = ""                 # WHICH_ITEM: the words it came in
    notice_id: int | None = None    # NOTICE_CONFIRMATION: the draft
    page: int = 0                   # MORE_PAGES: the page last shown of the question in ``words``
    item_ids: tuple[int, ...] = ()  # WHICH_REVIEW: the items offered, in the order numbered (words: the command)


_UPDATE_FIELDS = {f.name for f in fields(Update)}


def _fresh(at: datetime, since: datetime | None, ttl: timedelta) -> bool:
    return since is not None and at - since <= ttl


def remember_item(session: Session, member: Member, item: Item, at: datetime) -> None:
    """The bot just spoke to ``member`` about ``item``."""
    set_columns(session, member, context_item_id=item.id, context_at=at)


def item_in_mind(member: Member, items: list[Item], at: datetime) -> Item | None:
    """The item last spoken about, if recent and still one of ``items``."""
    if member.context_item_id and _fresh(at, member.context_at, ITEM_TTL):
        return next((i for i in items if i.id == member.context_item_id), None)
    return None


def remember_item_sql(conn: Connection, member_id: int, item_id: int, at: datetime) -> None:
    """``remember_item`` for the push dispatcher, without loading the member."""
    conn.execute(update(Member).where(Member.id == member_id).values(context_item_id=item_id, context_at=at))


def wait_for(session: Session, member: Member, state: State) -> None:
    """Wait for ``state`` from ``member`` (replacing whatever was waited for before)."""
    data = {"kind": str(state.kind), "words": state.words, "notice_id": state.notice_id, "page": state.page,
            "update": asdict(state.update) if state.update is not None else None, "item_ids": list(state.item_ids)}
    set_columns(session, member, waiting=json.dumps(data, ensure_ascii=False), waiting_at=state.since)


def stop_waiting(session: Session, member: Member) -> None:
    """Nothing is waited for from ``member`` any more."""
    if member.waiting is not None or member.waiting_at is not None:
        set_columns(session, member, waiting=None, waiting_at=None)


def waiting_for(member: Member, at: datetime) -> State | None:
    """What the bot waits for from ``member`` at ``at``: None when nothing, or when its time limit
    has passed. Reads the member row only (no query)."""
    if not member.waiting or member.waiting_at is None:
        return None
    try:
        data = json.loads(member.waiting)
        kind = Waiting(data["kind"])
        raw = data.get("update")
        update_ = Update(**{k: v for k, v in raw.items() if k in _UPDATE_FIELDS}) if raw else None
        ids = tuple(int(i) for i in data.get("item_ids") or ())
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if not _fresh(at, member.waiting_at, TTL[kind]):
        return None
    return State(kind, member.waiting_at, update_, data.get("words") or "", data.get("notice_id"),
                 int(data.get("page") or 0), ids)

"""The bot's conversation memory of each member: one owner for it.

Two things are remembered, each with a time limit:

* the **item in mind** — the item the bot last spoke to the person about (a reminder about one
  item, a question, the last update). A reply that names no item but carries a state ("已完成")
  means that item, within ``ITEM_TTL``;
* the **pending question** — an update the bot could not place ("已完成" with several open items):
  it asked "哪一项？" and keeps the update until the person answers with an item ("第2项"),
  within ``PENDING_TTL``.

Handlers use the functions on a loaded ``Member`` (each writes its columns at once, one UPDATE:
``models.rows.set_columns``); the push dispatcher, which works in bulk, uses ``remember_item_sql``
(the same columns, one UPDATE, without loading the member).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from models.rows import set_columns
from models.tables import Item, Member

ITEM_TTL = timedelta(days=3)        # a reminder about one item makes "已完成" mean that item
PENDING_TTL = timedelta(hours=2)    # an update waiting for "which item?"


@dataclass
class PendingUpdate:
    """An understood update waiting for its item, and the words it came in."""

    status: str | None
    percent: int | None
    count: int | None
    words: str
    total: int | None = None

    def state(self) -> dict:
        return {"status": self.status, "percent": self.percent, "count": self.count}


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


def keep_pending(session: Session, member: Member, pending: PendingUpdate, at: datetime) -> None:
    """Ask "which item?" and keep the update until the answer."""
    set_columns(session, member, pending_update=json.dumps(pending.__dict__, ensure_ascii=False), pending_at=at)


def take_pending(session: Session, member: Member, at: datetime) -> PendingUpdate | None:
    """The update waiting for an item, if still fresh; forgotten either way."""
    raw, since = member.pending_update, member.pending_at
    if raw is None and since is None:
        return None
    set_columns(session, member, pending_update=None, pending_at=None)
    if not raw or not _fresh(at, since, PENDING_TTL):
        return None
    try:
        data = json.loads(raw)
        return PendingUpdate(**{k: data.get(k) for k in ("status", "percent", "count", "words", "total")})
    except (ValueError, TypeError):
        return None

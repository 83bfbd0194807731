"""The bot's conversation memory of each member: one owner for it.

Two things are remembered, each with a time limit:

* the **item in mind** — the item the bot last spoke to the person about (a reminder about one
  item, a question, the last update). A reply that names no item but carries a state ("已完成")
  means that item, within ``ITEM_TTL``;
* what the bot is **waiting for** from the person (``Waiting``), one thing at a time: which item an
  update means (it asked "哪一项？" and keeps the update whole until the answer, "第2项"), or a
  notice's 确认, the 确认 of a report read back to the person (``READ_BACK``: the updates kept
  whole, item by item, with the words, until "确认"), "更多" after an answer cut at a page's end
  (``MORE_PAGES``), or which of several rectifications a secretary's 销号 / 退回 / 重开 means
  (``WHICH_REVIEW``), or what is in the way of an item marked 遇到困难 on a card (``BLOCKED_REASON``:
  kept with that update), or why a rectification is sent back after a card's 退回
  (``RETURN_REASON``), or which item photos sent are for (``PHOTO_ITEM``: the photos wait in
  ``models.photos`` with no item). The dispatcher reads it once per message,
  before routing (``waiting_for``): the handlers registered for that state are tried first, and
  any other message is answered as usual and leaves the state alone until its time limit passes
  (``TTL``, or the state's own ``until``: a read-back's comes from ``[understanding]
  confirm_hours``) or a new state replaces it. A read-back past its limit has *lapsed*
  (``lapsed``): nothing of it is stored, and the person is told so when they next write.

Handlers use the functions on a loaded ``Member`` (each writes its columns at once, one UPDATE:
``models.rows.set_columns``); the push dispatcher, which works in bulk, uses ``remember_item_sql``
(the same columns, one UPDATE, without loading the member).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from bot.nlu.model import Update
from models.rows import set_columns
from models.tables import Item, Member

ITEM_TTL = timedelta(days=3)        # a reminder about one item makes "已完成" mean that item


class Waiting(StrEnum):
    """What the bot waits for from one person."""

    WHICH_ITEM = "which_item"                   # an update whose item the bot asked for
    NOTICE_CONFIRMATION = "notice_confirmation"  # a notice previewed to its sender, for 确认
    READ_BACK = "read_back"                     # a report read back to its sender, for 确认
    MORE_PAGES = "more_pages"                   # an answer cut at a page's end, for "更多"
    WHICH_REVIEW = "which_review"               # a secretary's 销号 / 退回 / 重开 whose 编号 read as several
    BLOCKED_REASON = "blocked_reason"           # what is in the way, after a card's 遇到困难 (item_ids, words)
    PHOTO_ITEM = "photo_item"                   # which item photos sent are for (kept meanwhile: models.photos)
    RETURN_REASON = "return_reason"             # why a rectification goes back, after a card's 退回 (item_ids)
    MEETING = "meeting"                         # a 三会一课 report read back, for 确认 (meeting, words)


TTL = {
    Waiting.WHICH_ITEM: timedelta(hours=2),
    # The draft itself expires sooner (models.notices.DRAFT_TTL): a late 确认 within the day is
    # told so; after the day, 确认 is read like any other message.
    Waiting.NOTICE_CONFIRMATION: timedelta(days=1),
    # The default only: a read-back keeps its own limit (``State.until``, from confirm_hours).
    Waiting.READ_BACK: timedelta(hours=24),
    Waiting.MORE_PAGES: timedelta(hours=1),
    Waiting.WHICH_REVIEW: timedelta(hours=2),
    Waiting.BLOCKED_REASON: timedelta(days=1),
    Waiting.PHOTO_ITEM: timedelta(hours=2),     # models.photos.PENDING: the photos are deleted then
    Waiting.RETURN_REASON: timedelta(days=1),
    Waiting.MEETING: timedelta(hours=24),
}


@dataclass
class State:
    """What the bot waits for, since when, and what it keeps meanwhile."""

    kind: Waiting
    since: datetime
    update: Update | None = None    # WHICH_ITEM: the update, whole, as understood
    words: str = ""                 # WHICH_ITEM: the words it came in
    notice_id: int | None = None    # NOTICE_CONFIRMATION: the draft
    # READ_BACK: the summary's lines in order, (item 编号, the update whole), and when it lapses
    lines: list[tuple[str, Update]] = field(default_factory=list)
    until: datetime | None = None
    page: int = 0                   # MORE_PAGES: the page last shown of the question in ``words``
    item_ids: tuple[int, ...] = ()  # WHICH_REVIEW: the items offered, in the order numbered (words: the command)
    meeting: dict | None = None     # MEETING: the meeting as read (handlers.meetings), plain JSON values

    @property
    def expires(self) -> datetime:
        """When the state lapses: its own ``until``, else its kind's ``TTL`` after ``since``."""
        return self.until if self.until is not None else self.since + TTL[self.kind]


_UPDATE_FIELDS = {f.name for f in fields(Update)}


def _update_of(raw: dict | None) -> Update | None:
    return Update(**{k: v for k, v in raw.items() if k in _UPDATE_FIELDS}) if raw else None


def _fresh(at: datetime, since: datetime | None, ttl: timedelta) -> bool:
    return since is not None and at - since <= ttl


def remember_item(session: Session, member: Member, item: Item, at: datetime) -> None:
    """The bot just spoke to ``member`` about ``item``."""
    set_columns(session, member, context_item_id=item.id, context_at=at)


def item_in_mind(member: Member, items: list[Item], at: datetime, ttl: timedelta = ITEM_TTL) -> Item | None:
    """The item last spoken about, if within ``ttl`` (a photo's is shorter: ``[evidence]
    attach_minutes``) and still one of ``items``."""
    if member.context_item_id and _fresh(at, member.context_at, ttl):
        return next((i for i in items if i.id == member.context_item_id), None)
    return None


def remember_item_sql(conn: Connection, member_id: int, item_id: int, at: datetime) -> None:
    """``remember_item`` for the push dispatcher, without loading the member."""
    conn.execute(update(Member).where(Member.id == member_id).values(context_item_id=item_id, context_at=at))


def wait_for(session: Session, member: Member, state: State) -> None:
    """Wait for ``state`` from ``member`` (replacing whatever was waited for before)."""
    data = {"kind": str(state.kind), "words": state.words, "notice_id": state.notice_id,
            "update": asdict(state.update) if state.update is not None else None}
    if state.lines:
        data["lines"] = [[code, asdict(u)] for code, u in state.lines]
    if state.until is not None:
        data["until"] = state.until.isoformat()
    if state.page:
        data["page"] = state.page
    if state.item_ids:
        data["item_ids"] = list(state.item_ids)
    if state.meeting is not None:
        data["meeting"] = state.meeting
    set_columns(session, member, waiting=json.dumps(data, ensure_ascii=False), waiting_at=state.since)


def stop_waiting(session: Session, member: Member) -> None:
    """Nothing is waited for from ``member`` any more."""
    if member.waiting is not None or member.waiting_at is not None:
        set_columns(session, member, waiting=None, waiting_at=None)


def take_waiting(session: Session, member: Member, state: State) -> bool:
    """Stop waiting for ``state`` if it is still what is waited for: one conditional UPDATE, so of
    two 确认 answered at once (PostgreSQL, two transactions) only one takes it; the other waits for
    the first to commit, then finds it gone. False: someone else took it first."""
    res = session.connection().execute(
        update(Member).where(Member.id == member.id, Member.waiting == member.waiting,
                             Member.waiting_at == state.since).values(waiting=None, waiting_at=None))
    if res.rowcount != 1:
        return False
    set_committed_value(member, "waiting", None)
    set_committed_value(member, "waiting_at", None)
    return True


def _stored_state(member: Member) -> State | None:
    """The state kept on ``member``, fresh or not; None when nothing (or nothing readable) is kept."""
    if not member.waiting or member.waiting_at is None:
        return None
    try:
        data = json.loads(member.waiting)
        kind = Waiting(data["kind"])
        lines = [(str(code), _update_of(raw)) for code, raw in data.get("lines") or ()]
        until = datetime.fromisoformat(data["until"]) if data.get("until") else None
        return State(kind, member.waiting_at, _update_of(data.get("update")), data.get("words") or "",
                     data.get("notice_id"), lines, until, int(data.get("page") or 0),
                     tuple(int(i) for i in data.get("item_ids") or ()), data.get("meeting"))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def waiting_for(member: Member, at: datetime) -> State | None:
    """What the bot waits for from ``member`` at ``at``: None when nothing, or when its time limit
    has passed. Reads the member row only (no query)."""
    state = _stored_state(member)
    return state if state is not None and at <= state.expires else None


def lapsed(member: Member, at: datetime) -> State | None:
    """A read-back past its time limit and not yet cleared: the person is to be told it lapsed.
    Reads the member row only (no query, and no JSON unless a read-back is kept)."""
    if not member.waiting or f'"{Waiting.READ_BACK}"' not in member.waiting:
        return None
    state = _stored_state(member)
    return state if state is not None and state.kind == Waiting.READ_BACK and at > state.expires else None

"""Callbacks answered together in ONE transaction (``answer_together``), or questions answered
together in a read-only one and then claimed with their replies (``answer_reading``,
``store_answers``): where and when these run is ``bot.answering``'s.

1. claim each callback by its dedupe key (an ``InboundMessage`` row, unique); a retry of a callback
   already answered gets the stored reply and changes nothing;
2. find the member (a stranger gets a polite refusal), understand the text (``bot.nlu``) and let
   the first matching handler (``handlers.ROUTERS``) answer;
3. store the reply on the claimed row.

Callbacks answered together share the transaction (group commit: one commit, one reading of the
senders and their items), each still claimed, answered and stored in turn as if alone. If anything
fails, the transaction rolls back, claims included, and the caller answers each again alone.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.inbound import Inbound
from bot.router import Message, Outgoing, understand
from bot.runtime import Runtime
from bot.texts import LEFT_THE_ROLLS, NOT_A_MEMBER
from models.db import insert_one_ignoring, read_only_session, session_scope, wrote_first
from models.lookups import members_by_accounts, owners_items
from models.tables import InboundMessage, Item, Member, Unit

log = logging.getLogger(__name__)


@dataclass
class Answer:
    reply: str
    outbox: list[Outgoing] = field(default_factory=list)
    duplicate: bool = False     # a retry of a callback answered before


_CLAIMED_COLUMNS = ("dedupe_key", "account", "received_at", "msg_type", "text")

_STORE_REPLY = update(InboundMessage).where(InboundMessage.id == bindparam("claimed")).values(reply=bindparam("reply"))

_STORED_REPLIES = select(InboundMessage.dedupe_key, InboundMessage.reply).where(
    InboundMessage.dedupe_key.in_(bindparam("keys", expanding=True)))


@dataclass
class Claims:
    """Who answers which callback of a transaction: this delivery (``ids``), or an earlier one."""

    ids: dict[str, int]         # dedupe key → the row this delivery inserted
    earlier: dict[str, str]     # dedupe key → the reply stored by the delivery that claimed it


def _claim_all(session: Session, calls: Sequence[tuple[Inbound, datetime]]) -> Claims:
    """Insert every callback's row, in one INSERT … ON CONFLICT DO NOTHING RETURNING: a row comes
    back for each callback this delivery claimed (once for a key given twice); a concurrent
    delivery of the same callback waits for this transaction, then finds the row. The replies of
    those claimed before are read back in one query."""
    if not calls:
        return Claims({}, {})
    conn = session.connection()
    rows = [{"dedupe_key": inbound.key, "account": inbound.account, "received_at": at, "msg_type": inbound.msg_type,
             "text": inbound.text} for inbound, at in calls]
    claim = insert_one_ignoring(conn.dialect.name, InboundMessage.__table__, ("dedupe_key",), _CLAIMED_COLUMNS,
                                ("id", "dedupe_key"))
    ids = {key: row_id for row_id, key in conn.execute(claim, rows)}
    if ids:
        wrote_first(session)        # the claims are the transaction's first statement
    others = list({inbound.key for inbound, _ in calls if inbound.key not in ids})
    earlier = dict(conn.execute(_STORED_REPLIES, {"keys": others}).all()) if others else {}
    return Claims(ids, {key: reply or "" for key, reply in earlier.items()})


@dataclass
class Senders:
    """The senders of callbacks answered together and their items of the year, read for all of
    them at once (two queries), after the claims: on SQLite the transaction then holds
    the file's write lock, so what is read is current and stays so.

    A later callback of the same transaction sees what an earlier one wrote: the rows are the
    session's objects, and every write a handler makes to a member or an item goes through them
    (``models.rows``); no handler adds items or takes a member off the rolls."""

    members: dict[str, Member]
    items: dict[tuple[int, int], list[Item]]        # (member id, year) → items, "我的清单" order

    @classmethod
    def load(cls, session: Session, calls: Sequence[tuple[Inbound, datetime]]) -> Senders:
        members = members_by_accounts(session, (inbound.account for inbound, _ in calls))
        items: dict[tuple[int, int], list[Item]] = {}
        for year in {at.year for _, at in calls}:
            owners = {members[i.account].id for i, at in calls
                      if at.year == year and i.account in members and members[i.account].active}
            items.update(((owner, year), mine) for owner, mine in owners_items(session, owners, year).items())
        return cls(members, items)


# A stranger or a leaver is told so when they write or open the app; other events get no answer.
_TOLD_WHO_MAY_USE = {"enter_agent", "subscribe"}


def answer_one(session: Session, runtime: Runtime, inbound: Inbound, at: datetime, senders: Senders) -> Answer:
    """One callback's answer within a transaction (claimed or read-only: not this function's
    business): the reply, and the messages to send to others after the commit."""
    member = senders.members.get(inbound.account)
    if member is None or not member.active:
        if inbound.msg_type == "event" and inbound.event not in _TOLD_WHO_MAY_USE:
            return Answer("")
        return Answer(NOT_A_MEMBER if member is None else LEFT_THE_ROLLS)
    items = senders.items.get((member.id, at.year), [])
    text = (inbound.text or "").strip() if inbound.msg_type == "text" else (inbound.event_key or "").strip()
    parsed = understand(text, items) if inbound.msg_type == "text" else None
    msg = Message(member=member, text=text, parsed=parsed, items=items, at=at, session=session,
                  runtime=runtime, msg_id=inbound.msg_id, inbound=inbound)
    return Answer(runtime.dispatcher.feed(msg), msg.outbox)


def _settle(session: Session, calls: Sequence[tuple[Inbound, datetime]], claims: Claims,
            answer_of: Callable[[Inbound, datetime], Answer]) -> list[Answer]:
    """Each claimed callback's answer in turn, its reply stored on its row (one statement for all);
    a callback given twice, or claimed by an earlier delivery, gets the reply stored for it."""
    answers: list[Answer] = []
    replies: dict[str, str] = {}        # dedupe key → the reply given to it here
    for inbound, at in calls:
        if inbound.key not in claims.ids or inbound.key in replies:
            answers.append(Answer(replies.get(inbound.key, claims.earlier.get(inbound.key, "")), duplicate=True))
            continue
        answers.append(answer_of(inbound, at))
        replies[inbound.key] = answers[-1].reply
    if replies:
        session.connection().execute(_STORE_REPLY, [{"claimed": claims.ids[key], "reply": reply}
                                                    for key, reply in replies.items()])
    return answers


def answer_together(runtime: Runtime, engine: Engine, calls: Sequence[tuple[Inbound, datetime]]) -> list[Answer]:
    """The answers to ``calls``, in ONE transaction: all claimed at once, then each answered in
    turn; a callback given twice, or claimed by an earlier delivery, gets the reply stored for it.
    Raises whatever fails: then nothing of any of them was written."""
    calls = [(inbound, at.astimezone(runtime.tz)) for inbound, at in calls]
    with session_scope(engine) as session:
        claims = _claim_all(session, calls)
        senders = Senders.load(session, [call for call in calls if call[0].key in claims.ids])
        return _settle(session, calls, claims, lambda inbound, at: answer_one(session, runtime, inbound, at, senders))


@dataclass
class Unread:
    """What a read-only batch (``answer_reading``) did not answer, and why."""

    wide: list[tuple[Inbound, datetime]] = field(default_factory=list)     # may read many units
    writes: list[tuple[Inbound, datetime]] = field(default_factory=list)   # its answer sends to others
    stopped: tuple[Inbound, datetime, Exception] | None = None   # failed: the database refused its write, or other
    untried: list[tuple[Inbound, datetime]] = field(default_factory=list)  # after the one that stopped the batch


_PARENTS = select(Unit.parent_id).where(Unit.parent_id.in_(bindparam("units", expanding=True))).distinct()


def _asking_widely(session: Session, senders: Senders) -> set[str]:
    """The accounts among ``senders`` whose questions may read more than one unit: administrators,
    and secretaries of a unit with units below it."""
    secretaries = {m.unit_id for m in senders.members.values() if m.is_secretary and not m.is_admin}
    parents = set(session.connection().execute(_PARENTS, {"units": list(secretaries)}).scalars()) if secretaries else set()
    return {account for account, m in senders.members.items()
            if m.active and (m.is_admin or m.is_secretary and m.unit_id in parents)}


def answer_reading(runtime: Runtime, engine: Engine, calls: Sequence[tuple[Inbound, datetime]],
                   give: Callable[[Inbound, datetime, Answer], None], *, wide: bool = False) -> Unread:
    """Questions answered one after another in ONE read-only transaction, claimed by nobody
    (``store_answers`` claims them), each answer handed to ``give`` as soon as it is made: read
    without holding any write lock. Left for the caller (``Unread``): unless ``wide``, the
    questions of administrators and of secretaries with units below theirs (they may read many
    units: asked apart, they hold up nobody else); an answer that sends to others; and one that failed — if the database refused its write
    (``models.db.refused_a_write``), it must be answered in a claimed transaction — with the rest
    after it, untried."""
    calls = [(inbound, at.astimezone(runtime.tz)) for inbound, at in calls]
    unread = Unread()
    with read_only_session(engine) as session:
        senders = Senders.load(session, calls)
        asks_widely = set() if wide else _asking_widely(session, senders)
        for n, (inbound, at) in enumerate(calls):
            if inbound.account in asks_widely:
                unread.wide.append((inbound, at))
                continue
            try:
                ans = answer_one(session, runtime, inbound, at, senders)
                session.flush()                 # a change to a loaded object is a write too
            except Exception as exc:  # noqa: BLE001 - the caller decides; the transaction is spent
                unread.stopped, unread.untried = (inbound, at, exc), calls[n + 1:]
                break
            if ans.outbox:
                unread.writes.append((inbound, at))
            else:
                give(inbound, at, ans)
    return unread


def store_answers(runtime: Runtime, engine: Engine, answered: Sequence[tuple[Inbound, datetime, Answer]]) -> list[Answer]:
    """Claim callbacks answered by ``answer_reading`` and store their replies, in ONE transaction:
    one claimed by an earlier delivery (a retry answered meanwhile) gets the reply stored for it
    instead, so that every delivery hears the one reply stored. Raises whatever fails: then nothing
    of any of them was written."""
    calls = [(inbound, at.astimezone(runtime.tz)) for inbound, at, _ in answered]
    given = {inbound.key: ans for inbound, _, ans in answered}
    with session_scope(engine) as session:
        return _settle(session, calls, _claim_all(session, calls), lambda inbound, _: given[inbound.key])

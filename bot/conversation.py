"""Callbacks answered together in ONE transaction (``answer_together``): where and when that
runs is ``bot.answering``'s.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.inbound import Inbound
from bot.router import Message, Outgoing, understand
from bot.runtime import Runtime
from bot.texts import LEFT_THE_ROLLS, NOT_A_MEMBER
from models.db import insert_one_ignoring, session_scope, wrote_first
from models.lookups import members_by_accounts, owners_items
from models.tables import InboundMessage, Item, Member

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


def _reply(session: Session, runtime: Runtime, inbound: Inbound, at: datetime,
           senders: Senders) -> tuple[str, list[Outgoing]]:
    """The reply to one callback, and the messages to send to others after the commit."""
    member = senders.members.get(inbound.account)
    if member is None or not member.active:
        if inbound.msg_type == "event" and inbound.event not in _TOLD_WHO_MAY_USE:
            return "", []
        return (NOT_A_MEMBER if member is None else LEFT_THE_ROLLS), []
    items = senders.items.get((member.id, at.year), [])
    text = (inbound.text or "").strip() if inbound.msg_type == "text" else (inbound.event_key or "").strip()
    parsed = understand(text, items) if inbound.msg_type == "text" else None
    msg = Message(member=member, text=text, parsed=parsed, items=items, at=at, session=session,
                  runtime=runtime, msg_id=inbound.msg_id, inbound=inbound)
    return runtime.dispatcher.feed(msg), msg.outbox


def answer_together(runtime: Runtime, engine: Engine, calls: Sequence[tuple[Inbound, datetime]]) -> list[Answer]:
    """The answers to ``calls``, in ONE transaction: all claimed at once, then each answered in
    turn; a callback given twice, or claimed by an earlier delivery, gets the reply stored for it.
    Raises whatever fails: then nothing of any of them was written."""
    calls = [(inbound, at.astimezone(runtime.tz)) for inbound, at in calls]
    answers: list[Answer] = []
    replies: dict[str, str] = {}        # dedupe key → the reply given to it here
    with session_scope(engine) as session:
        claims = _claim_all(session, calls)
        senders = Senders.load(session, [call for call in calls if call[0].key in claims.ids])
        for inbound, at in calls:
            if inbound.key not in claims.ids or inbound.key in replies:
                answers.append(Answer(replies.get(inbound.key, claims.earlier.get(inbound.key, "")), duplicate=True))
                continue
            reply, outbox = _reply(session, runtime, inbound, at, senders)
            replies[inbound.key] = reply
            answers.append(Answer(reply, outbox))
        if replies:
            session.connection().execute(_STORE_REPLY, [{"claimed": claims.ids[key], "reply": reply}
                                                        for key, reply in replies.items()])
    return answers

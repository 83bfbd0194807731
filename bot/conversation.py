"""From one callback to one answer: the single thread boundary between the event loop and the
synchronous database work, used by the WeCom callback (and so by the demo, which posts real
callbacks).

``answer`` runs ``respond`` on a worker thread — no event loop of its own — and then sends what the
handler left in its outbox (a notice), after the transaction has committed. ``respond`` does the
whole callback in ONE transaction:

1. claim the callback by its dedupe key (an ``InboundMessage`` row, unique); a retry of a callback
   already answered gets the stored reply and changes nothing;
2. find the member (a stranger gets a polite refusal), understand the text (``bot.nlu``) and let
   the first matching handler (``handlers.ROUTERS``) answer;
3. store the reply on the claimed row.

If anything fails, the transaction rolls back — claim included — and the person reads ``FAILED``.
On SQLite, every write of a callback waits for the process's turn to write first
(``models.db.write_turn``), so callbacks follow one another without SQLite's busy naps.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import Session, select

from bot import nlu
from bot.router import Message, Outgoing
from bot.runtime import Runtime
from bot.texts import FAILED, LEFT_THE_ROLLS, NOT_A_MEMBER, NOT_TEXT, WELCOME
from models.db import insert_one_ignoring, session_scope, write_turn
from models.lookups import member_by_account, my_items
from models.tables import InboundMessage, Item

log = logging.getLogger(__name__)

EVENTS_ANSWERED = {"enter_agent": WELCOME, "subscribe": WELCOME}


@dataclass
class Inbound:
    """One decrypted callback, as far as answering it goes."""

    key: str                    # the dedupe key (see bot.callback.dedupe_key)
    account: str
    msg_type: str               # text / image / voice / event / …
    text: str | None = None
    msg_id: str | None = None
    event: str | None = None


@dataclass
class Answer:
    reply: str
    outbox: list[Outgoing] = field(default_factory=list)
    duplicate: bool = False     # a retry of a callback answered before


def item_refs(items: list[Item]) -> list[nlu.ItemRef]:
    """The sender's items as reply understanding sees them, in "我的清单" order."""
    return [nlu.ItemRef(id=i.code, title=i.title, kind=i.kind, target=i.target_count) for i in items]


_CLAIMED_COLUMNS = ("dedupe_key", "account", "received_at", "msg_type", "text")

_STORE_REPLY = update(InboundMessage).where(InboundMessage.id == bindparam("claimed")).values(reply=bindparam("reply"))


def _claim(session: Session, inbound: Inbound, at: datetime) -> tuple[int | None, InboundMessage | None]:
    """Insert the callback's row: (its id, None) when this delivery claimed it, else (None, the row
    of the earlier delivery). One INSERT … ON CONFLICT DO NOTHING RETURNING: a concurrent delivery
    of the same callback waits for this one's transaction, then finds the row."""
    conn = session.connection()
    new_id = conn.execute(insert_one_ignoring(conn.dialect.name, InboundMessage.__table__, ("dedupe_key",), _CLAIMED_COLUMNS), {
        "dedupe_key": inbound.key, "account": inbound.account, "received_at": at, "msg_type": inbound.msg_type,
        "text": inbound.text}).scalar()
    if new_id is not None:
        return new_id, None
    return None, session.exec(select(InboundMessage).where(InboundMessage.dedupe_key == inbound.key)).one()


def _text_reply(session: Session, runtime: Runtime, inbound: Inbound, at: datetime) -> tuple[str, list[Outgoing]]:
    member = member_by_account(session, inbound.account)
    if member is None:
        return NOT_A_MEMBER, []
    if not member.active:
        return LEFT_THE_ROLLS, []
    text = (inbound.text or "").strip()
    items = my_items(session, member.id, at.year)
    parsed = nlu.parse(text, item_refs(items))
    msg = Message(member=member, text=text, parsed=parsed, items=items, at=at, session=session,
                  runtime=runtime, msg_id=inbound.msg_id)
    return runtime.dispatcher.feed(msg), msg.outbox


def respond(runtime: Runtime, inbound: Inbound, at: datetime | None = None) -> Answer:
    """The answer to one callback, in one transaction (see the module docstring)."""
    at = (at or runtime.clock.now()).astimezone(runtime.tz)
    try:
        with write_turn(runtime.engine), session_scope(runtime.engine) as session:
            claimed, prior = _claim(session, inbound, at)
            if prior is not None:
                return Answer(prior.reply or "", duplicate=True)
            outbox: list[Outgoing] = []
            if inbound.msg_type == "text":
                reply, outbox = _text_reply(session, runtime, inbound, at)
            elif inbound.msg_type == "event":
                reply = EVENTS_ANSWERED.get(str(inbound.event or "").lower(), "")
            else:
                reply = NOT_TEXT
            session.connection().execute(_STORE_REPLY, {"claimed": claimed, "reply": reply})
        return Answer(reply, outbox)
    except Exception:  # noqa: BLE001 - the person always gets an answer; the log gets the trace
        log.exception("answering callback %s from %s failed", inbound.key, inbound.account)
        return Answer(FAILED)


def claim_delivery(runtime: Runtime, key: str) -> bool:
    """Claim the one delivery of a callback's answer that was not given in time, or asked for
    again by a retry: True for exactly one claimant (the late first attempt or a retry)."""
    with write_turn(runtime.engine), session_scope(runtime.engine) as session:
        res = session.connection().execute(
            update(InboundMessage).where(InboundMessage.dedupe_key == key, InboundMessage.delivery.is_(None))
            .values(delivery="claimed"))
        return res.rowcount == 1


def _store_reply(runtime: Runtime, key: str, reply: str) -> None:
    with write_turn(runtime.engine), session_scope(runtime.engine) as session:
        row = session.exec(select(InboundMessage).where(InboundMessage.dedupe_key == key)).first()
        if row is not None:
            row.reply = reply
            session.add(row)


async def deliver(runtime: Runtime, outbox: list[Outgoing], reply: str) -> str:
    """Send a handler's outbox (after its transaction committed); the reply, as the sends turned out."""
    for out in outbox:
        result = await runtime.sender.send_text(out.accounts, out.text)
        if out.report is not None:
            reply = out.report(result)
    return reply


async def answer(runtime: Runtime, inbound: Inbound, at: datetime | None = None) -> Answer:
    """``respond`` off the event loop, then the outbox sent (the handler's data already committed)."""
    ans = await asyncio.to_thread(respond, runtime, inbound, at)
    if ans.outbox:
        ans.reply = await deliver(runtime, ans.outbox, ans.reply)
        await asyncio.to_thread(_store_reply, runtime, inbound.key, ans.reply)
    return ans

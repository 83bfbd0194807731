"""From one callback to one answer: the one boundary between the event loop and the synchronous
database work, used by the WeCom callback (and so by the demo, which posts real callbacks).

``answer`` gets the answer — on the event loop's own thread when that waits for nothing (SQLite,
``respond_at_once``), else on a worker thread (``respond``) — and then sends what the handler left
in its outbox (a notice), after the transaction has committed. The whole callback is ONE
transaction:

1. claim the callback by its dedupe key (an ``InboundMessage`` row, unique); a retry of a callback
   already answered gets the stored reply and changes nothing;
2. find the member (a stranger gets a polite refusal), understand the text (``bot.nlu``) and let
   the first matching handler (``handlers.ROUTERS``) answer;
3. store the reply on the claimed row.

If anything fails, the transaction rolls back — claim included — and the person reads ``FAILED``;
if the attempt on the event loop finds the database locked, it rolls back the same way and is made
again after a nap (``respond_on_loop``), the loop serving other requests meanwhile. On SQLite,
every write of a callback takes the process's turn to write first (``models.db.write_turn``), so
the process's callbacks follow one another without SQLite's busy naps.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot import nlu
from bot.router import Message, Outgoing
from bot.runtime import Runtime
from bot.texts import FAILED, LEFT_THE_ROLLS, NOT_A_MEMBER, NOT_TEXT, WELCOME
from models.db import insert_one_ignoring, is_busy, session_scope, write_turn, wrote_first
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
        wrote_first(session)        # the claim is the transaction's first statement
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


def _respond(runtime: Runtime, engine: Engine, inbound: Inbound, at: datetime | None) -> Answer:
    at = (at or runtime.clock.now()).astimezone(runtime.tz)
    with session_scope(engine) as session:
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


def _failed(inbound: Inbound) -> Answer:
    """The person always gets an answer; the log gets the trace."""
    log.exception("answering callback %s from %s failed", inbound.key, inbound.account)
    return Answer(FAILED)


def respond(runtime: Runtime, inbound: Inbound, at: datetime | None = None) -> Answer:
    """The answer to one callback, in one transaction (see the module docstring), waiting for the
    process's turn to write and for the database's locks as long as they are held."""
    try:
        with write_turn(runtime.engine):
            return _respond(runtime, runtime.engine, inbound, at)
    except Exception:  # noqa: BLE001
        return _failed(inbound)


def respond_at_once(runtime: Runtime, inbound: Inbound, at: datetime | None = None) -> Answer | None:
    """The answer, on the calling thread, when it can be given without waiting for anything: on
    SQLite, with the process's turn to write free (no thread holding it or waiting for it) and the
    file's write lock taken at the first try (``runtime.loop_engine`` never waits). None when
    something would have to be waited for — the turn is another thread's, another connection
    holds the lock, or the database is PostgreSQL — and then nothing was written: the
    transaction, claim included, rolled back."""
    engine = runtime.loop_engine
    if engine is None:
        return None
    turn = write_turn(runtime.engine)
    if not turn.take_if_free():          # a thread has it or waits for it: after them
        return None
    try:
        return _respond(runtime, engine, inbound, at)
    except Exception as exc:  # noqa: BLE001
        return None if is_busy(exc) else _failed(inbound)
    finally:
        turn.release()


def claim_delivery(runtime: Runtime, key: str) -> bool:
    """Claim the one delivery of a callback's answer that was not given in time, or asked for
    again by a retry: True for exactly one claimant (the late first attempt or a retry)."""
    with write_turn(runtime.engine), session_scope(runtime.engine) as session:
        res = session.connection().execute(
            update(InboundMessage).where(InboundMessage.dedupe_key == key, InboundMessage.delivery.is_(None))
            .values(delivery="claimed"))
        return res.rowcount == 1


def _store_reply(runtime: Runtime, key: str, reply: str) -> None:
    """The reply as the outbox's sends turned out, over the one stored in the callback's transaction."""
    with write_turn(runtime.engine), session_scope(runtime.engine) as session:
        session.connection().execute(
            update(InboundMessage).where(InboundMessage.dedupe_key == key).values(reply=reply))


async def deliver(runtime: Runtime, outbox: list[Outgoing], reply: str) -> str:
    """Send a handler's outbox (after its transaction committed); the reply, as the sends turned out."""
    for out in outbox:
        result = await runtime.sender.send_text(out.accounts, out.text)
        if out.report is not None:
            reply = out.report(result)
    return reply


# Naps between attempts on the event loop while another thread has the turn or another process the
# file's write lock (seconds; the last repeats), and how long it is tried before giving up: as
# SQLite's own busy handler would, but without holding up the loop.
NAPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05)
GIVE_UP_AFTER = 30.0


async def respond_on_loop(runtime: Runtime, inbound: Inbound, at: datetime) -> Answer:
    """``respond_at_once`` until it answers, napping between attempts (``NAPS``); FAILED after
    ``GIVE_UP_AFTER`` seconds of a lock that is never free (the person is told to try again)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + GIVE_UP_AFTER
    for attempt in itertools.count():
        ans = respond_at_once(runtime, inbound, at)
        if ans is not None:
            return ans
        if loop.time() >= deadline:
            log.error("answering callback %s from %s failed: the database stayed locked for %.0f s",
                      inbound.key, inbound.account, GIVE_UP_AFTER)
            return Answer(FAILED)
        await asyncio.sleep(NAPS[min(attempt, len(NAPS) - 1)])


async def answer(runtime: Runtime, inbound: Inbound, at: datetime | None = None) -> Answer:
    """The answer, then the outbox sent (the handler's data already committed).

    On SQLite the answer is given on the event loop's own thread (``respond_on_loop``): a
    callback's work there is a few milliseconds of Python, SQLite lets one transaction write at a
    time anyway, and handing each callback to a worker thread and back cost about a third more
    CPU than the work itself (the two threads taking the GIL from each other at every SQLite call;
    ``bench/callbacks.py``). It never waits there: a lock held elsewhere (another thread's turn,
    another process's transaction) makes it roll back and try again after a nap, the loop free
    meanwhile. On PostgreSQL, whose queries wait on the network and on row locks, the answer is
    given on a worker thread (``respond``)."""
    at = at or runtime.clock.now()
    if runtime.loop_engine is not None:
        ans = await respond_on_loop(runtime, inbound, at)
    else:
        ans = await asyncio.to_thread(respond, runtime, inbound, at)
    if ans.outbox:
        ans.reply = await deliver(runtime, ans.outbox, ans.reply)
        await asyncio.to_thread(_store_reply, runtime, inbound.key, ans.reply)
    return ans

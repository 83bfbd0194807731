"""From one callback to one answer: the one boundary between the event loop and the synchronous
database work, used by the WeCom callback (and so by the demo, which posts real callbacks).

``Answering.answer`` gets the answer — on the event loop's own thread when that waits for nothing
(SQLite, ``respond_at_once``), else on a worker thread (``respond``) — and then sends what the
handler left in its outbox (a notice), after the transaction has committed. A callback is
answered inside ONE transaction:

1. claim the callback by its dedupe key (an ``InboundMessage`` row, unique); a retry of a callback
   already answered gets the stored reply and changes nothing;
2. find the member (a stranger gets a polite refusal), understand the text (``bot.nlu``) and let
   the first matching handler (``handlers.ROUTERS``) answer;
3. store the reply on the claimed row.

On SQLite, callbacks that arrive together share that transaction (group commit: one commit, one
reading of the senders and their items), each still claimed, answered and stored in turn as if
alone, and none answered before the commit (``Answering``). If anything fails, the transaction
rolls back — claims included — and each of its callbacks is answered again alone: the one that
fails reads ``FAILED`` and has written nothing. If the attempt on the event loop finds the
database locked, it rolls back the same way and is made again after a nap, the loop serving other
requests meanwhile. On SQLite, every write of a callback takes the process's turn to write first
(``models.db.write_turn``), so the process's callbacks follow one another without SQLite's busy
naps.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
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
from models.lookups import members_by_accounts, owners_items
from models.tables import InboundMessage, Item, Member

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
        texts = [(inbound.account, at.year) for inbound, at in calls if inbound.msg_type == "text"]
        members = members_by_accounts(session, (account for account, _ in texts))
        items: dict[tuple[int, int], list[Item]] = {}
        for year in {year for _, year in texts}:
            owners = {members[a].id for a, y in texts if y == year and a in members and members[a].active}
            items.update(((owner, year), mine) for owner, mine in owners_items(session, owners, year).items())
        return cls(members, items)


def _text_reply(session: Session, runtime: Runtime, inbound: Inbound, at: datetime,
                senders: Senders) -> tuple[str, list[Outgoing]]:
    member = senders.members.get(inbound.account)
    if member is None:
        return NOT_A_MEMBER, []
    if not member.active:
        return LEFT_THE_ROLLS, []
    text = (inbound.text or "").strip()
    items = senders.items[(member.id, at.year)]
    parsed = nlu.parse(text, item_refs(items))
    msg = Message(member=member, text=text, parsed=parsed, items=items, at=at, session=session,
                  runtime=runtime, msg_id=inbound.msg_id)
    return runtime.dispatcher.feed(msg), msg.outbox


def _respond_all(runtime: Runtime, engine: Engine, calls: Sequence[tuple[Inbound, datetime]]) -> list[Answer]:
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
            outbox: list[Outgoing] = []
            if inbound.msg_type == "text":
                reply, outbox = _text_reply(session, runtime, inbound, at, senders)
            elif inbound.msg_type == "event":
                reply = EVENTS_ANSWERED.get(str(inbound.event or "").lower(), "")
            else:
                reply = NOT_TEXT
            replies[inbound.key] = reply
            answers.append(Answer(reply, outbox))
        if replies:
            session.connection().execute(_STORE_REPLY, [{"claimed": claims.ids[key], "reply": reply}
                                                        for key, reply in replies.items()])
    return answers


def _failed(inbound: Inbound) -> Answer:
    """The person always gets an answer; the log gets the trace."""
    log.exception("answering callback %s from %s failed", inbound.key, inbound.account)
    return Answer(FAILED)


def respond(runtime: Runtime, inbound: Inbound, at: datetime | None = None) -> Answer:
    """The answer to one callback, in one transaction (see the module docstring), waiting for the
    process's turn to write and for the database's locks as long as they are held."""
    try:
        with write_turn(runtime.engine):
            return _respond_all(runtime, runtime.engine, [(inbound, at or runtime.clock.now())])[0]
    except Exception:  # noqa: BLE001
        return _failed(inbound)


def _answers_at_once(runtime: Runtime, engine: Engine, calls: Sequence[tuple[Inbound, datetime]]) -> list[Answer | None]:
    try:
        return list(_respond_all(runtime, engine, calls))
    except Exception as exc:  # noqa: BLE001
        if is_busy(exc):
            return [None] * len(calls)
        if len(calls) == 1:
            return [_failed(calls[0][0])]
    # One of them failed and took the others' writes with it: each again in its own transaction,
    # so that only the one that fails is told so.
    return [ans for call in calls for ans in _answers_at_once(runtime, engine, [call])]


def respond_at_once(runtime: Runtime, calls: Sequence[tuple[Inbound, datetime]]) -> list[Answer | None]:
    """The answers to ``calls`` on the calling thread, given without waiting for anything: on
    SQLite, with the process's turn to write free (no thread holding it or waiting for it) and the
    file's write lock taken at the first try (``runtime.loop_engine`` never waits). None for each
    call that would have to wait — all of them when the turn is another thread's, another
    connection holds the lock, or the database is PostgreSQL — and then nothing of it was written:
    its transaction, claim included, rolled back."""
    engine = runtime.loop_engine
    turn = write_turn(runtime.engine)
    if engine is None or not turn.take_if_free():          # a thread has it or waits for it: after them
        return [None] * len(calls)
    try:
        return _answers_at_once(runtime, engine, calls)
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
# SQLite's own busy handler would, but without holding up the loop. At most BATCH callbacks are
# answered in one transaction (the write lock is held meanwhile: ~1 ms each).
NAPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05)
GIVE_UP_AFTER = 30.0
BATCH = 32


@dataclass
class _Waiting:
    inbound: Inbound
    at: datetime
    answer: asyncio.Future
    give_up_at: float


class Answering:
    """Answers the callbacks of one running bot (one per web app).

    On SQLite the answers are given on the event loop's own thread: a callback's work is a
    millisecond of Python, SQLite lets one transaction write at a time anyway, and handing each
    callback to a worker thread and back cost about a third more CPU than the work itself (the two
    threads taking the GIL from each other at every SQLite call; ``bench/callbacks.py``). The
    callbacks that arrive together — while the loop answered the ones before — are answered
    together, in one transaction (group commit): each is claimed, answered and its reply stored in
    turn as if alone, and the commit, the reading of the senders and their items and the
    session's own costs are paid once for all of them. Nobody is answered before that commit; if
    one of them fails, each is answered again in a transaction of its own (only the failing one
    reads ``FAILED``). It never waits there: a lock held elsewhere (another thread's turn, another
    process's transaction) makes it roll back and try again after a nap, the loop free meanwhile;
    ``FAILED`` after ``GIVE_UP_AFTER`` seconds of a lock never free. On PostgreSQL, whose queries
    wait on the network and on row locks, each answer is given on a worker thread (``respond``)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._waiting: list[_Waiting] = []
        self._draining: asyncio.Task | None = None

    def answer(self, inbound: Inbound, at: datetime | None = None) -> asyncio.Future:
        """The answer to come (a future): given, then its outbox sent (the handler's data already
        committed). Cancelling the future does not stop the answer."""
        at = at or self.runtime.clock.now()
        if self.runtime.loop_engine is None:
            return asyncio.ensure_future(self._on_thread(inbound, at))
        return self._on_loop(inbound, at)

    async def _on_thread(self, inbound: Inbound, at: datetime) -> Answer:
        return await self._delivered(inbound, await asyncio.to_thread(respond, self.runtime, inbound, at))

    async def _delivered(self, inbound: Inbound, ans: Answer) -> Answer:
        """``ans`` with its outbox sent, and its reply as the sends turned out stored."""
        if ans.outbox:
            ans.reply = await deliver(self.runtime, ans.outbox, ans.reply)
            await asyncio.to_thread(_store_reply, self.runtime, inbound.key, ans.reply)
        return ans

    async def _deliver_into(self, waiting: _Waiting, ans: Answer) -> None:
        try:
            ans = await self._delivered(waiting.inbound, ans)
        except Exception as exc:  # noqa: BLE001 - the one waiting for the answer hears it
            if not waiting.answer.done():
                waiting.answer.set_exception(exc)
        else:
            if not waiting.answer.done():
                waiting.answer.set_result(ans)

    def _on_loop(self, inbound: Inbound, at: datetime) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        waiting = _Waiting(inbound, at, loop.create_future(), loop.time() + GIVE_UP_AFTER)
        self._waiting.append(waiting)
        if self._draining is None:
            self._draining = loop.create_task(self._drain())
        return waiting.answer

    async def _drain(self) -> None:
        """Answer the waiting callbacks, BATCH at a time, until none is left."""
        loop = asyncio.get_running_loop()
        naps = 0
        try:
            while self._waiting:
                # Once round the loop first (after a failed attempt: a nap), so that the callbacks
                # arriving together all join.
                await asyncio.sleep(NAPS[min(naps, len(NAPS)) - 1] if naps else 0)
                batch, self._waiting = self._waiting[:BATCH], self._waiting[BATCH:]
                answers = respond_at_once(self.runtime, [(w.inbound, w.at) for w in batch])
                later = []
                for waiting, ans in zip(batch, answers, strict=True):
                    if ans is None and loop.time() >= waiting.give_up_at:
                        log.error("answering callback %s from %s failed: the database stayed locked for %.0f s",
                                  waiting.inbound.key, waiting.inbound.account, GIVE_UP_AFTER)
                        ans = Answer(FAILED)
                    if ans is None:
                        later.append(waiting)
                    elif ans.outbox:
                        asyncio.ensure_future(self._deliver_into(waiting, ans))
                    elif not waiting.answer.done():     # nobody cancels it; never raise here if one did
                        waiting.answer.set_result(ans)
                self._waiting[:0] = later
                naps = naps + 1 if later else 0
        finally:
            self._draining = None

"""Callbacks to answers, across the event loop and the database: the one place that decides on
which thread a callback's transaction (``bot.conversation.answer_together``) runs, how callbacks
arriving together are grouped, and how a handler's outbox is sent after the commit.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine

from bot.conversation import Answer, Inbound, answer_together
from bot.router import Outgoing
from bot.runtime import Runtime
from bot.texts import FAILED
from models.db import is_busy, session_scope, write_turn
from models.tables import InboundMessage

log = logging.getLogger(__name__)


def _failed(inbound: Inbound) -> Answer:
    """The person always gets an answer; the log gets the trace."""
    log.exception("answering callback %s from %s failed", inbound.key, inbound.account)
    return Answer(FAILED)


def respond(runtime: Runtime, inbound: Inbound, at: datetime | None = None) -> Answer:
    """The answer to one callback, in one transaction (see the module docstring), waiting for the
    process's turn to write and for the database's locks as long as they are held."""
    try:
        with write_turn(runtime.engine):
            return answer_together(runtime, runtime.engine, [(inbound, at or runtime.clock.now())])[0]
    except Exception:  # noqa: BLE001
        return _failed(inbound)


def _answers_at_once(runtime: Runtime, engine: Engine, calls: Sequence[tuple[Inbound, datetime]]) -> list[Answer | None]:
    try:
        return list(answer_together(runtime, engine, calls))
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
        result = await runtime.sender.send(out.accounts, out.message)
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

"""Callbacks to answers: the one way a callback is answered, off the event loop.

The loop only hands each decrypted callback to ``Answering`` and waits for its future; database
threads of its own (``server.db_threads``, at least two) give the answers, the same way on both
engines:

* the callbacks that read like questions ("我的清单", "有哪些逾期的", "我单位星级" …: ``asks_only``)
  among those that arrived together are answered in one read-only transaction
  (``conversation.answer_reading``): it takes no write lock, and the database refuses any write in
  it — an answer that would write (a waiting notice cancelled, a 催报) is given again as below.
  A question of an administrator or of a secretary with units below theirs, which may read the
  whole organisation for hundreds of milliseconds, is answered apart by one of the other threads:
  it holds up nobody but its asker.
* the replies of questions are claimed and stored together in one transaction
  (``conversation.store_answers``): a retry answered meanwhile wins, and the question hears the
  reply stored for it — one reply per callback, the one given.
* every other callback is answered with those waiting beside it in ONE transaction
  (``conversation.answer_together``, group commit): claimed, answered in turn as if alone, replies
  stored, one commit. If anything fails each is answered again in a transaction of its own, so
  only the failing one reads ``FAILED`` and has written nothing.

The first thread answers what arrives and commits (one commit at a time: on SQLite the file has one
writer anyway, and the process's writers take turns on ``models.db.write_turn``); the others answer
those wide questions. Nobody is answered before the commit that stores
their reply; a handler's outbox is sent after it (``deliver``).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update

from bot import evidence
from bot.conversation import Answer, Inbound, answer_reading, answer_together, store_answers
from bot.messages import CardUpdate, TemplateCard
from bot.nlu import MAX_CHARS, intents
from bot.nlu.text import normalize
from bot.router import Outgoing
from bot.runtime import Runtime
from bot.texts import FAILED
from models.db import is_busy, refused_a_write, session_scope, write_turn
from models.health import write_failure
from models.tables import InboundMessage

log = logging.getLogger(__name__)

BATCH = 32          # at most this many callbacks share a transaction
QUERIES = frozenset({"help", "my_list", "star_level", "overdue", "unreported", "rectifications", "report_status"})


def asks_only(inbound: Inbound) -> bool:
    """Whether a callback reads like a question (answered read-only first). A guess from its words
    alone, for speed only: an answer that writes is refused by the database and given again in a
    claimed transaction, so a wrong guess costs time, never a record."""
    if inbound.msg_type != "text" or not inbound.text:
        return False
    clean = normalize(inbound.text[:MAX_CHARS])
    if intents.command_intent(clean) in QUERIES:
        return True
    return intents.is_question(clean) and (intents.question_intent(clean) in QUERIES or intents.asks_about_an_item(clean))


def _failed(inbound: Inbound, exc: BaseException | None = None) -> Answer:
    """The person always gets an answer; the log gets the trace (of ``exc``, else the one handled) —
    except for a database that cannot write, logged once with its cause by ``models.health``."""
    exc = exc or sys.exc_info()[1]
    if write_failure(exc):
        log.debug("answering callback %s from %s failed: the database cannot write", inbound.key, inbound.account)
    else:
        log.error("answering callback %s from %s failed", inbound.key, inbound.account, exc_info=exc or True)
    return Answer(FAILED)


def _alone_on_failure(answer: Callable[[list], list[Answer]], calls: list) -> list[Answer]:
    """``answer(calls)`` in one transaction; if it fails (and took the others' writes with it),
    each again in a transaction of its own, so that only the one that fails is told so. Each call
    is a tuple whose first member is its ``Inbound``."""
    try:
        return list(answer(calls))
    except Exception as exc:  # noqa: BLE001
        if len(calls) == 1 or is_busy(exc):     # alone, or the file locked by another process throughout
            return [_failed(call[0]) for call in calls]
    return [ans for call in calls for ans in _alone_on_failure(answer, [call])]


def answer_batch(runtime: Runtime, calls: Sequence[tuple[Inbound, datetime]]) -> list[Answer]:
    """The answers to ``calls`` in one claimed transaction (each alone if that fails)."""
    with write_turn(runtime.engine):
        return _alone_on_failure(lambda c: answer_together(runtime, runtime.engine, c), list(calls))


def store_batch(runtime: Runtime, answered: Sequence[tuple[Inbound, datetime, Answer]]) -> list[Answer]:
    """Questions answered read-only, claimed with their replies in one transaction (each alone if
    that fails)."""
    with write_turn(runtime.engine):
        return _alone_on_failure(lambda a: store_answers(runtime, runtime.engine, a), list(answered))


def claim_delivery(runtime: Runtime, key: str, passive: bool = False) -> bool:
    """Whether this delivery of a callback's answer may give it: a passive answer (``passive``: to
    a retry of a callback answered before) may, unless the answer went by message/send already —
    every retry WeCom sends is one whose answer it did not get, so each gets it; the message/send
    of an answer that was not given in time goes once, and only if no retry was answered
    passively meanwhile. One conditional UPDATE of the callback's ``delivery``."""
    how = "passive" if passive else "active"
    free = or_(InboundMessage.delivery.is_(None), InboundMessage.delivery == "passive") if passive \
        else InboundMessage.delivery.is_(None)
    with write_turn(runtime.engine), session_scope(runtime.engine) as session:
        res = session.connection().execute(
            update(InboundMessage).where(InboundMessage.dedupe_key == key, free).values(delivery=how))
        return res.rowcount == 1


def _store_reply(runtime: Runtime, key: str, reply: str) -> None:
    """The reply as the outbox's sends turned out, over the one stored in the callback's transaction."""
    with write_turn(runtime.engine), session_scope(runtime.engine) as session:
        session.connection().execute(
            update(InboundMessage).where(InboundMessage.dedupe_key == key).values(reply=reply))


async def deliver(runtime: Runtime, outbox: list[Outgoing], reply: str) -> str:
    """Send a handler's outbox (after its transaction committed); the reply, as the sends turned out.
    A card's update (``CardUpdate``) that WeCom refuses sends its text instead; so does a card an
    answer sends (a read-back, a notice) that WeCom refuses."""
    for out in outbox:
        if isinstance(out.message, CardUpdate):
            change = out.message
            result = await runtime.sender.update_template_card(out.accounts, change.response_code, change.replace_name)
            if not result.ok:
                log.info("card update refused (%s): the person is told by text", result.error)
                result = await runtime.sender.send(out.accounts, change.text)
        else:
            result = await runtime.sender.send(out.accounts, out.message)
            if not result.ok and isinstance(out.message, TemplateCard):
                log.info("card refused (%s): its text form is sent instead", result.error)
                result = await runtime.sender.send(out.accounts, out.message.text)
        if out.report is not None:
            reply = out.report(result)
    return reply


@dataclass(eq=False)
class _Waiting:
    inbound: Inbound
    at: datetime
    answer: asyncio.Future
    loop: asyncio.AbstractEventLoop


class Answering:
    """Answers the callbacks of one running bot (one per web app) on threads of its own (see the
    module docstring). The first thread takes the callbacks that arrived (at most ``BATCH``): it
    answers the questions among them together, read-only, there and then — but the wide ones
    (see the module docstring), which it leaves to the other threads — and sets the others aside; it
    commits what was set aside and the answers to store when nothing more has arrived, or after
    ``BATCH`` of them."""

    def __init__(self, runtime: Runtime, threads: int | None = None) -> None:
        self.runtime = runtime
        self.threads = max(2, threads or runtime.config.server.db_threads)
        self._cond = threading.Condition()
        self._incoming: deque[_Waiting] = deque()
        self._wide: deque[_Waiting] = deque()                  # questions that may read many units
        self._answered: list[tuple[_Waiting, Answer]] = []     # questions answered, to claim and store
        self._claimed: list[_Waiting] = []                     # to answer in a claimed transaction
        self._reading_wide = 0
        self._workers: list[threading.Thread] = []
        self._closed = False
        self._fetching: set[asyncio.Task] = set()               # photos being fetched (bot.evidence)

    def answer(self, inbound: Inbound, at: datetime | None = None) -> asyncio.Future:
        """The answer to come (a future): given, then its outbox sent (the handler's data already
        committed). Cancelling the future does not stop the answer. A photo is fetched and
        prepared first (``bot.evidence``: on the loop and a thread, outside any transaction)."""
        loop = asyncio.get_running_loop()
        at = at or self.runtime.clock.now()
        if not evidence.wanted(inbound):
            return self._enqueue(inbound, at, loop)
        answer = loop.create_future()

        async def fetch_then_answer() -> None:
            try:
                await evidence.fetch(self.runtime, inbound)
                result = await self._enqueue(inbound, at, loop)
            except Exception as exc:  # noqa: BLE001 - the one waiting for the answer hears it
                answer.set_exception(exc)
            else:
                answer.set_result(result)

        self._fetching.add(task := loop.create_task(fetch_then_answer()))
        task.add_done_callback(self._fetching.discard)
        return answer

    def _enqueue(self, inbound: Inbound, at: datetime, loop: asyncio.AbstractEventLoop) -> asyncio.Future:
        waiting = _Waiting(inbound, at, loop.create_future(), loop)
        with self._cond:
            if self._closed:
                raise RuntimeError("answering has been closed")
            if not self._workers:
                self._workers = [threading.Thread(target=self._work, args=(n == 0,), name=f"qingdan-answer-{n}",
                                                  daemon=True) for n in range(self.threads)]
                for worker in self._workers:
                    worker.start()
            self._incoming.append(waiting)
            self._cond.notify_all()
        return waiting.answer

    def close(self) -> None:
        """Answer what is waiting, then stop the threads."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for worker in self._workers:
            worker.join()

    # --- on the threads -------------------------------------------------------------------------

    def _commit_due(self, run: int) -> bool:
        return bool(self._answered or self._claimed) and (not self._incoming or run >= BATCH)

    def _next(self, first: bool, run: int) -> tuple[str, list]:
        """What this thread does next (with the lock held; waits until there is something): the
        first thread commits and answers what arrives, the others the wide questions."""
        while True:
            if first and self._commit_due(run):
                answered, self._answered = self._answered[:BATCH], self._answered[BATCH:]
                claimed, self._claimed = self._claimed[:BATCH], self._claimed[BATCH:]
                return "commit", [answered, claimed]
            if first and self._incoming:
                return "read", [self._incoming.popleft() for _ in range(min(BATCH, len(self._incoming)))]
            if not first and self._wide:
                self._reading_wide += 1
                return "wide", [self._wide.popleft()]
            if self._closed and not (self._answered or self._claimed or self._wide or self._incoming
                                     or self._reading_wide):
                return "stop", []
            self._cond.wait()

    def _work(self, first: bool) -> None:
        run = 0         # callbacks this thread took since it last committed
        while True:
            with self._cond:
                job, taken = self._next(first, run)
            if job == "stop":
                return
            try:
                if job == "commit":
                    self._commit(*taken)
                else:
                    self._take(taken, wide=job == "wide")
            finally:
                with self._cond:
                    self._reading_wide -= job == "wide"
                    self._cond.notify_all()
            run = 0 if job == "commit" else run + len(taken)

    def _take(self, taken: list[_Waiting], wide: bool = False) -> None:
        """The questions among ``taken`` answered read-only now (see the class), the rest set aside
        for the next commit."""
        keys: set[str] = set()
        questions = [w for w in taken if asks_only(w.inbound) and not (w.inbound.key in keys or keys.add(w.inbound.key))]
        with self._cond:        # a key given twice among them: the second like any other (answer_together)
            self._claimed.extend(w for w in taken if w not in questions)
        while questions:
            questions = self._read(questions, wide)

    def _read(self, questions: list[_Waiting], wide: bool) -> list[_Waiting]:
        """Answer ``questions`` in one read-only transaction; those left untried after one that
        stopped it, to answer next."""
        by_key = {w.inbound.key: w for w in questions}

        def give(inbound: Inbound, at: datetime, ans: Answer) -> None:
            with self._cond:
                self._answered.append((by_key[inbound.key], ans))
                self._cond.notify_all()

        unread = answer_reading(self.runtime, self.runtime.engine, [(w.inbound, w.at) for w in questions], give,
                                wide=wide)
        left = [w for w in questions if w.inbound.key in {i.key for i, _ in unread.untried}]
        with self._cond:
            self._wide.extend(w for w in questions if w.inbound.key in {i.key for i, _ in unread.wide})
            self._claimed.extend(w for w in questions if w.inbound.key in {i.key for i, _ in unread.writes})
            if unread.stopped is not None:
                inbound, _, exc = unread.stopped
                if refused_a_write(exc):     # a question whose answer writes: claimed first, like the rest
                    self._claimed.append(by_key[inbound.key])
                    inbound = None
            self._cond.notify_all()
        if unread.stopped is not None and inbound is not None:      # failed: nothing written, nothing claimed
            self._hand_out([(by_key[inbound.key], _failed(inbound, unread.stopped[2]))])
        return left
    def _commit(self, answered: list[tuple[_Waiting, Answer]], claimed: list[_Waiting]) -> None:
        try:
            if answered:
                stored = store_batch(self.runtime, [(w.inbound, w.at, ans) for w, ans in answered])
                self._hand_out([(w, ans) for (w, _), ans in zip(answered, stored, strict=True)])
            if claimed:
                answers = answer_batch(self.runtime, [(w.inbound, w.at) for w in claimed])
                self._hand_out(list(zip(claimed, answers, strict=True)))
        except BaseException as exc:  # noqa: BLE001 - never leave anybody waiting
            if not write_failure(exc):     # that one is logged once by models.health
                log.exception("answering a batch of callbacks failed")
            self._hand_out([(w, Answer(FAILED)) for w, _ in answered] + [(w, Answer(FAILED)) for w in claimed])

    def _hand_out(self, pairs: list[tuple[_Waiting, Answer]]) -> None:
        for loop in {w.loop for w, _ in pairs}:
            with contextlib.suppress(RuntimeError):     # the loop closed: nobody is waiting any more
                loop.call_soon_threadsafe(self._settle, [(w, a) for w, a in pairs if w.loop is loop])

    # --- on the loop ----------------------------------------------------------------------------

    def _settle(self, pairs: list[tuple[_Waiting, Answer]]) -> None:
        for waiting, ans in pairs:
            if ans.outbox:
                asyncio.ensure_future(self._deliver_into(waiting, ans))
            elif not waiting.answer.done():     # nobody cancels it; never raise here if one did
                waiting.answer.set_result(ans)

    async def _deliver_into(self, waiting: _Waiting, ans: Answer) -> None:
        """``ans`` with its outbox sent, and its reply as the sends turned out stored."""
        try:
            ans.reply = await deliver(self.runtime, ans.outbox, ans.reply)
            await asyncio.to_thread(_store_reply, self.runtime, waiting.inbound.key, ans.reply)
        except Exception as exc:  # noqa: BLE001 - the one waiting for the answer hears it
            if not waiting.answer.done():
                waiting.answer.set_exception(exc)
        else:
            if not waiting.answer.done():
                waiting.answer.set_result(ans)

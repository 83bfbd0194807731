"""Exactly-once delivery through the push log: each (occasion, recipient) goes out at most once, and
exactly once unless the process dies while that very message is in flight.

What goes out is a **parcel**: one message to one person at one moment, carrying the pushes of one
or more occasions due then (the month-end prompt and a deadline reminder at 09:00 on the 25th are
one message, so nobody gets two). Only texts join: an image or a link (``bot.messages``) is a
parcel of its own, and a card goes as a card only when it is all the person is due at that moment
(else its text form joins the text). Parcels go in batches (``BATCH``); for each batch:

1. **claim** — in one transaction, insert each part's ``(occasion, member)`` PushLog row as
   ``pending`` with ``attempted_at`` set and what it sends (the text form, and a rich message's
   JSON), or take over a row still owed (a failure WeCom reported, or a row with no attempt on
   record). The row is unique, so a part already logged — by this run,
   an earlier one or another process — is dropped from its parcel; a parcel left empty is skipped.
2. **send** — one ``message/send`` per parcel, ``workers`` at a time (the sender bounds its
   connections too; one token fetch at a time).
3. **mark** — in one transaction, ``sent`` (or ``failed`` / ``invalid``: ``models.push_log.outcome``)
   for every claimed part.

So a batch costs two commits, not two per message. A process killed between 1 and 3 leaves the
batch's claimed rows ``pending`` with an attempt on record: those messages may or may not have
reached WeCom, and WeCom cannot be asked. They are **not** resent — at most once is preferred to a
duplicate — and ``settle_pending`` later relabels them ``unknown``. A kill therefore leaves at most
one batch of people with 0 or 1 message; everybody else gets exactly one. Two processes running the
same job (several instances) claim disjoint rows: the push log alone keeps each push to one send.

A **stop** (``stop`` set: SIGTERM to ``serve`` or ``remind``) is not a kill: no batch is claimed and
no send begins after it; sends in flight get ``grace`` seconds; then step 3 marks what was sent and
**releases** the batch's parts whose send never began (``attempted_at`` cleared: owed again), so a
restart or rerun sends exactly those. A run cancelled outright records what it knows the same way.
A connection dropped in step 1 or 3 is replaced and the step run again (``models.db.reconnecting``).

Statuses: pending → sent | failed | invalid (WeCom named the account invalid; not retried);
pending left by a dead process → unknown (not retried); pending released by a stop → claimed again.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import not_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.fitting import MAX_TEXT_BYTES, byte_size, fit_text
from bot.messages import OutMessage, Text, to_stored
from bot.wecom import SendResult, redact
from models.conversation import remember_item_sql
from models.db import reconnecting, session_scope
from models.push_log import CLAIMABLE, Claim, claim_many, marked, outcome
from models.tables import PushLog, PushStatus, utcnow
from schedules.digests import Push

log = logging.getLogger(__name__)

PENDING, SENT, FAILED, INVALID, UNKNOWN = (PushStatus.PENDING, PushStatus.SENT, PushStatus.FAILED,
                                          PushStatus.INVALID, PushStatus.UNKNOWN)
DEFAULT_WORKERS = 8     # sends in flight at once
BATCH = 100             # parcels claimed (and marked) per transaction; the most ``unknown`` a crash leaves

# WeCom itself drops an identical message to the same person within this many seconds, which
# covers a retry by WeComSender after a timed-out call that had in fact arrived.
DUPLICATE_CHECK_SECONDS = 1800
JOINER = "\n\n"     # between the pushes joined in one message


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0
    invalid: int = 0
    skipped: int = 0       # already logged when the worker came to claim
    held: int = 0          # not sent because the run was stopped (SIGTERM): still owed

    def __iadd__(self, other: Tally) -> Tally:
        self.sent, self.failed = self.sent + other.sent, self.failed + other.failed
        self.invalid, self.skipped = self.invalid + other.invalid, self.skipped + other.skipped
        self.held += other.held
        return self


def logged_members(session: Session, occasion: str) -> set[int]:
    """Members who must not be sent ``occasion`` again (any row except one still owed)."""
    rows = session.connection().execute(
        select(PushLog.member_id).where(PushLog.occasion == occasion, not_(CLAIMABLE))
    )
    return {r[0] for r in rows}


def settle_pending(engine: Engine, before: datetime) -> int:
    """Relabel ``pending`` rows whose send began before ``before`` as ``unknown`` (possibly sent;
    never resent). Rows with no attempt on record stay owed (``CLAIMABLE``)."""
    with session_scope(engine) as s:
        res = s.connection().execute(
            update(PushLog).where(PushLog.status == PENDING, PushLog.attempted_at.is_not(None),
                                  PushLog.attempted_at < before).values(status=UNKNOWN)
        )
        return res.rowcount or 0


# --- the two database steps ---------------------------------------------------------------------

@dataclass
class Parcel:
    """One message to one person at one moment: the pushes of one or more occasions."""

    member_id: int
    account: str
    parts: list[tuple[str, Push]]           # (occasion key, push)

    @property
    def content(self) -> str:
        """The text sent (the parts' texts joined), or the one rich message's text form."""
        return fit_text(JOINER.join(push.content for _, push in self.parts))

    @property
    def message(self) -> OutMessage:
        """What is sent: the one part's message, or the parts' texts joined."""
        return self.parts[0][1].message if len(self.parts) == 1 else Text(self.content)

    @property
    def joinable(self) -> bool:
        """Only texts join into one message."""
        return all(isinstance(push.message, Text) for _, push in self.parts)

    @property
    def context_item_id(self) -> int | None:
        """The one item the message is about, if it is about exactly one."""
        ids = {push.context_item_id for _, push in self.parts}
        return ids.pop() if len(self.parts) == 1 and ids else None


def parcels_of(pushes_by_occasion: list[tuple[str, list[Push]]]) -> list[Parcel]:
    """The pushes due at one moment, one parcel per person, parts in the occasions' order.

    Text parts join into one message while the joined text fits in one WeCom text (``MAX_TEXT_BYTES``);
    a part that would push it over starts the person's next parcel, so nothing is ever cut. An image
    or a link goes alone, in the occasions' order; a card (a deadline reminder about one item) goes
    as a card only when it is all the person is due at that moment, else its text form joins the
    text (the person answers it by typing, as the text says). Each
    push's own text already fits, so a person gets a second message only when two long digests fall
    due at the same moment (a secretary's 季督 and 月报督促 on a short month's first working day).
    """
    due_to: dict[int, int] = {}
    for _, pushes in pushes_by_occasion:
        for push in pushes:
            due_to[push.member_id] = due_to.get(push.member_id, 0) + 1
    by_member: dict[int, list[Parcel]] = {}
    for occasion, pushes in pushes_by_occasion:
        for push in pushes:
            if due_to[push.member_id] > 1:
                push = push.as_text()       # a card only alone: else its text joins the one message
            parcels = by_member.setdefault(push.member_id, [])
            last = parcels[-1] if parcels else None
            if (last is None or not last.joinable or not isinstance(push.message, Text)
                    or byte_size(last.content + JOINER + push.content) > MAX_TEXT_BYTES):
                last = Parcel(push.member_id, push.account, [])
                parcels.append(last)
            last.parts.append((occasion, push))
    return [parcel for parcels in by_member.values() for parcel in parcels]


def _claim_batch(engine: Engine, batch: list[Parcel], now: datetime | None = None, again: bool = False) -> list[Parcel]:
    """Claim every part of the batch in one transaction (one statement for the rows not yet
    logged, ``models.push_log.claim_many``); the parcels with what was claimed. ``again``: the claim
    at ``now`` run once more after its connection dropped (the rows it took may have committed)."""
    rows = [Claim(occasion, push.member_id, push.content, to_stored(push.message))
            for parcel in batch for occasion, push in parcel.parts]
    with session_scope(engine) as s:
        taken = claim_many(s, rows, now or utcnow(), again=again)
    return [Parcel(parcel.member_id, parcel.account,
                   [(occasion, push) for occasion, push in parcel.parts if (occasion, push.member_id) in taken])
            for parcel in batch]


def _mark_batch(engine: Engine, sent: list[tuple[Parcel, SendResult]], at: datetime | None,
                release: list[Parcel] = ()) -> list[tuple[str, PushStatus]]:
    """Mark every claimed part in one transaction: sent ones in one statement per occasion; the
    parts of ``release`` (never attempted: a stop came first) go back to owed — ``pending`` with no
    attempt on record — and count as ``PENDING``."""
    outcomes: list[tuple[str, PushStatus]] = []
    done: dict[str, list[int]] = {}
    with session_scope(engine) as s:
        conn = s.connection()
        for parcel in release:
            for occasion, push in parcel.parts:
                outcomes.append((occasion, PENDING))
                conn.execute(update(PushLog).where(PushLog.occasion == occasion, PushLog.member_id == push.member_id,
                                                   PushLog.status == PENDING).values(attempted_at=None))
        for parcel, result in sent:
            status, error = outcome(result, parcel.account)
            for occasion, push in parcel.parts:
                outcomes.append((occasion, status))
                if status == SENT:
                    done.setdefault(occasion, []).append(push.member_id)
                    continue
                conn.execute(update(PushLog).where(PushLog.occasion == occasion, PushLog.member_id == push.member_id)
                             .values(**marked(status, error, None)))
            if status == SENT and parcel.context_item_id is not None and at is not None:
                # A message about one item: a bare "已完成" in reply applies to it.
                remember_item_sql(conn, parcel.member_id, parcel.context_item_id, at)
        now = utcnow()
        for occasion, members in done.items():
            conn.execute(update(PushLog).where(PushLog.occasion == occasion, PushLog.member_id.in_(members))
                         .values(**marked(SENT, None, now)))
    return outcomes


# --- delivery ---------------------------------------------------------------------------------

class Sends:
    """One batch's sends: what each parcel's send returned, and which sends began. A parcel with no
    result either never began (its rows are released: owed to the next run) or was abandoned in
    flight by a stop (its rows stay ``pending``: it may have arrived)."""

    def __init__(self, parcels: list[Parcel]):
        self.parcels = [p for p in parcels if p.parts]
        self.results: dict[int, SendResult] = {}
        self.started: set[int] = set()
        self.tasks: list[asyncio.Task] = []

    @property
    def done(self) -> list[tuple[Parcel, SendResult]]:
        return [(p, self.results[n]) for n, p in enumerate(self.parcels) if n in self.results]

    @property
    def never_started(self) -> list[Parcel]:
        return [p for n, p in enumerate(self.parcels) if n not in self.started]

    async def run(self, sender, gate: asyncio.Semaphore, stop: asyncio.Event | None, grace: float) -> None:
        """Send every parcel, ``gate`` bounding those in flight. Once ``stop`` is set no send
        begins; those in flight get ``grace`` seconds to end, then are abandoned."""
        async def send(n: int, parcel: Parcel) -> None:
            async with gate:
                if stop is not None and stop.is_set():
                    return
                self.started.add(n)
                try:
                    self.results[n] = await sender.send([parcel.account], parcel.message,
                                                        duplicate_check=DUPLICATE_CHECK_SECONDS)
                except Exception as exc:  # noqa: BLE001 - the sender should not raise; record it if it does
                    log.exception("push to %s raised", parcel.account)
                    self.results[n] = SendResult(ok=False, error=redact(repr(exc)))

        self.tasks = [asyncio.ensure_future(send(n, p)) for n, p in enumerate(self.parcels)]
        if not self.tasks:
            return
        everything = asyncio.gather(*self.tasks)
        if stop is None:
            await everything
            return
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait([everything, stopping], return_when=asyncio.FIRST_COMPLETED)
            if not everything.done():
                await asyncio.wait([everything], timeout=grace)
        finally:
            stopping.cancel()
            self.abandon()

    def abandon(self) -> None:
        """Cancel the sends still running (a stop's grace is over, or the run was cancelled)."""
        for task in self.tasks:
            task.cancel()


def stopping(stop: asyncio.Event | None) -> bool:
    return stop is not None and stop.is_set()


async def _claim(engine: Engine, chunk: list[Parcel]) -> list[Parcel]:
    """``_claim_batch`` on a thread; if the run is cancelled meanwhile, what it claimed is released."""
    now, tries = utcnow(), []

    def claim_once() -> list[Parcel]:
        tries.append(now)
        return _claim_batch(engine, chunk, now, again=len(tries) > 1)

    claiming = asyncio.ensure_future(asyncio.to_thread(reconnecting, claim_once))
    try:
        return await asyncio.shield(claiming)
    except asyncio.CancelledError:
        claimed = await claiming
        _record(engine, Sends(claimed), None)
        raise


def _record(engine: Engine, sends: Sends, at: datetime | None) -> list[tuple[str, PushStatus]]:
    """Mark what was sent and release what never began, in one transaction (reconnecting once the
    connection dropped)."""
    return reconnecting(_mark_batch, engine, sends.done, at, sends.never_started)


def _tally(tallies: dict[str, Tally], outcomes: list[tuple[str, PushStatus]]) -> None:
    for occasion, status in outcomes:
        tally = tallies.setdefault(occasion, Tally())
        if status == SENT:
            tally.sent += 1
        elif status == FAILED:
            tally.failed += 1
        elif status == INVALID:
            tally.invalid += 1
        else:
            tally.held += 1


async def deliver_parcels(engine: Engine, sender, parcels: list[Parcel], at: datetime, *,
                          workers: int = DEFAULT_WORKERS, batch: int = BATCH,
                          stop: asyncio.Event | None = None, grace: float = 10.0) -> dict[str, Tally]:
    """Send each parcel's unclaimed parts once (see the module docstring); a Tally per occasion.

    ``sender`` is a ``bot.wecom.WeComSender`` (anything with ``async ready()`` and
    ``async send(accounts, message, duplicate_check=)``). Before each batch is claimed the sender
    makes sure of its access token (a bounded number of fetches, each within ``wecom.timeout``);
    when it cannot, ``bot.wecom_errors.TokenUnavailable`` stops the run there: what was not
    attempted is neither claimed nor marked, and stays owed to the next run.

    ``stop`` set (SIGTERM): nothing more is claimed or begun, sends in flight get ``grace`` seconds,
    what was sent is marked and what never began is released (``Tally.held``: owed to the next run).
    """
    tallies: dict[str, Tally] = {}
    gate = asyncio.Semaphore(max(1, workers))
    for start in range(0, len(parcels), max(1, batch)):
        chunk = parcels[start:start + batch]
        if stopping(stop):
            _tally(tallies, [(occasion, PENDING) for parcel in chunk for occasion, _ in parcel.parts])
            continue
        await sender.ready()
        claimed = await _claim(engine, chunk)
        for before, after in zip(chunk, claimed, strict=True):
            taken = {occasion for occasion, _ in after.parts}
            tallies_skipped = [occasion for occasion, _ in before.parts if occasion not in taken]
            for occasion in tallies_skipped:
                tallies.setdefault(occasion, Tally()).skipped += 1
        sends = Sends(claimed)
        try:
            await sends.run(sender, gate, stop, grace)
        except asyncio.CancelledError:          # cancelled from outside: record what is known, then stop
            sends.abandon()
            _record(engine, sends, at)
            raise
        _tally(tallies, await asyncio.to_thread(_record, engine, sends, at))
    return tallies


async def deliver(engine: Engine, sender, occasion: str, pushes: list[Push], at: datetime,
                  workers: int = DEFAULT_WORKERS) -> Tally:
    """The pushes of one occasion, each its own parcel; what happened."""
    tallies = await deliver_parcels(engine, sender, parcels_of([(occasion, pushes)]), at, workers=workers)
    return tallies.get(occasion, Tally())

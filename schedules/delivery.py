"""Exactly-once delivery through the push log: each (occasion, recipient) goes out at most once, and exactly once
unless the process dies during that very message.

For each recipient, one worker does, in order:

1. **claim** — insert the ``(occasion, member)`` PushLog row with status ``pending`` and commit. The
   row is unique, so a recipient already logged (by this run, an earlier run or another process)
   is skipped. A row marked ``failed`` (WeCom answered with an error) is claimed again by turning it
   back to ``pending`` in a conditional update, so failures are retried by later runs.
2. **send** — one ``message/send`` call for this person.
3. **mark** — ``sent`` (or ``failed`` / ``invalid``), in the same transaction as the next claim, so
   each message costs one commit.

A process killed between 1 and 3 leaves a ``pending`` row: the message may or may not have reached
WeCom, and WeCom cannot be asked. Such a row is **not** resent — at most once is preferred to a
duplicate. ``settle_pending`` later relabels it ``unknown`` so it can be found. With ``workers``
sends in flight, a kill leaves at most ``workers`` such rows; everybody else gets exactly one.

Statuses: pending → sent | failed | invalid (WeCom named the account invalid; not retried);
pending left by a dead process → unknown (not retried).
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, not_, or_, select, update
from sqlalchemy import insert as generic_insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.wecom import SendResult, redact, text_message
from models.conversation import remember_item_sql
from models.db import session_scope
from models.tables import PushLog, PushStatus, utcnow
from schedules.digests import Push

log = logging.getLogger(__name__)

PENDING, SENT, FAILED, INVALID, UNKNOWN = (PushStatus.PENDING, PushStatus.SENT, PushStatus.FAILED,
                                          PushStatus.INVALID, PushStatus.UNKNOWN)
RETRYABLE = (FAILED,)
DEFAULT_WORKERS = 4     # sends in flight at once; also the most ``unknown`` rows a crash can leave

# WeCom itself drops an identical message to the same person within this many seconds, which
# covers a retry by WeComSender after a timed-out call that had in fact arrived.
DUPLICATE_CHECK_SECONDS = 1800


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0
    invalid: int = 0
    skipped: int = 0       # already logged when the worker came to claim


def push_message(content: str) -> dict:
    """The ``message/send`` body of a push: plain text (shown by every WeCom and WeChat client)."""
    msg = text_message(content)
    msg["enable_duplicate_check"] = 1
    msg["duplicate_check_interval"] = DUPLICATE_CHECK_SECONDS
    return msg


# Still owed, so claimable again: a failure WeCom reported, or a row claimed with no send attempt on
# record (left by a release that could not claim on PostgreSQL: it never sent anything).
CLAIMABLE = or_(PushLog.status.in_(RETRYABLE), and_(PushLog.status == PENDING, PushLog.attempted_at.is_(None)))


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

def _insert_ignore(session: Session, values: dict) -> bool:
    """Insert the row unless (occasion, member_id) exists; True when inserted."""
    conn = session.connection()
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}.get(conn.dialect.name)
    if insert is not None:
        stmt = insert(PushLog.__table__).values(**values).on_conflict_do_nothing(
            index_elements=["occasion", "member_id"]).returning(PushLog.__table__.c.id)
        # RETURNING, not rowcount: PostgreSQL's driver reports rowcount -1 for this statement.
        return conn.execute(stmt).first() is not None
    try:
        with session.begin_nested():
            session.connection().execute(generic_insert(PushLog.__table__).values(**values))
        return True
    except IntegrityError:
        return False


def _claim(session: Session, occasion: str, push: Push) -> bool:
    """Claim the row for this send: insert it, or take over one still owed. The send follows at
    once, so the claim records the attempt (``attempted_at``)."""
    now = utcnow()
    if _insert_ignore(session, {"occasion": occasion, "member_id": push.member_id, "created_at": now,
                                "attempted_at": now, "status": PENDING, "content": push.content}):
        return True
    res = session.connection().execute(
        update(PushLog)
        .where(PushLog.occasion == occasion, PushLog.member_id == push.member_id, CLAIMABLE)
        .values(status=PENDING, created_at=now, attempted_at=now, content=push.content, error=None)
    )
    return res.rowcount == 1


def _mark(session: Session, occasion: str, push: Push, result: SendResult, at: datetime) -> str:
    if not result.ok:
        status, error = FAILED, result.error[:500]
    elif push.account in result.invalid:
        status, error = INVALID, "invaliduser"
    else:
        status, error = SENT, None
    session.connection().execute(
        update(PushLog)
        .where(PushLog.occasion == occasion, PushLog.member_id == push.member_id)
        .values(status=status, sent_at=utcnow() if status == SENT else None, error=error)
    )
    if status == SENT and push.context_item_id is not None:
        # A digest about one item: a bare "已完成" in reply applies to it.
        remember_item_sql(session.connection(), push.member_id, push.context_item_id, at)
    return status


def _step(engine: Engine, occasion: str, done: tuple[Push, SendResult] | None, nxt: Push | None,
          at: datetime) -> tuple[str | None, bool]:
    """Mark the message just sent and claim the next one, in one transaction."""
    with session_scope(engine) as s:
        status = _mark(s, occasion, done[0], done[1], at) if done else None
        claimed = _claim(s, occasion, nxt) if nxt else False
    return status, claimed


# --- delivery ---------------------------------------------------------------------------------

async def deliver(engine: Engine, sender, occasion: str, pushes: list[Push], at: datetime,
                   workers: int = DEFAULT_WORKERS) -> Tally:
    """Send each push at most once for ``occasion``, ``workers`` at a time; count what happened.

    ``sender`` is a ``bot.wecom.WeComSender`` (anything with ``async send(accounts, msg)``).
    """
    tally = Tally()
    queue = iter(pushes)

    def count(status: str | None) -> None:
        if status == SENT:
            tally.sent += 1
        elif status == FAILED:
            tally.failed += 1
        elif status == INVALID:
            tally.invalid += 1

    async def worker() -> None:
        done: tuple[Push, SendResult] | None = None
        while True:
            nxt = next(queue, None)
            status, claimed = await asyncio.to_thread(_step, engine, occasion, done, nxt, at)
            count(status)
            done = None
            if nxt is None:
                return
            if not claimed:
                tally.skipped += 1
                continue
            try:
                result = await sender.send([nxt.account], push_message(nxt.content))
            except Exception as exc:  # noqa: BLE001 - the sender should not raise; record it if it does
                log.exception("push %s to %s raised", occasion, nxt.account)
                result = SendResult(ok=False, error=redact(repr(exc)))
            done = (nxt, result)

    await asyncio.gather(*(worker() for _ in range(max(1, workers))))
    return tally

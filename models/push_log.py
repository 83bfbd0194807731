"""The push log's claim rule, shared by scheduled pushes (``schedules.delivery``) and nudges
(``models.nudges``): each ``(occasion, member)`` row is unique, so whoever inserts it owns the send.

A row is **owed** — claimable again — when WeCom answered with an error (``failed``) or when it was
claimed with no send attempt on record (``pending`` without ``attempted_at``). Any other row means
the message went out, may have gone out (``pending`` with an attempt, ``unknown``), or must not go
out (``invalid``): it is never claimed again.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, update
from sqlmodel import Session

from models.db import insert_ignoring
from models.tables import PushLog, PushStatus

RETRYABLE = (PushStatus.FAILED,)
CLAIMABLE = or_(PushLog.status.in_(RETRYABLE),
                and_(PushLog.status == PushStatus.PENDING, PushLog.attempted_at.is_(None)))


def claim(session: Session, occasion: str, member_id: int, content: str, now: datetime) -> bool:
    """Claim the ``(occasion, member)`` row for a send that follows at once: insert it ``pending``
    with the attempt on record, or take over a row still owed. False: someone else has it.

    Args:
        session: the transaction the claim commits with.
        occasion: the push-log key, e.g. ``monthly_prompt:2026-11`` or ``nudge:2026-11-20``.
        member_id: the recipient.
        content: the text about to be sent (kept for ``qingdan outbox``).
        now: when the attempt starts (UTC).
    """
    return (occasion, member_id) in claim_many(session, [(occasion, member_id, content)], now)


def claim_many(session: Session, rows: list[tuple[str, int, str]], now: datetime) -> set[tuple[str, int]]:
    """``claim`` for many ``(occasion, member_id, content)`` at once, in one transaction: one
    INSERT … ON CONFLICT DO NOTHING RETURNING over all the rows (SQLAlchemy sends it as multi-row
    statements) takes every row not yet logged — RETURNING, since PostgreSQL's driver reports no
    rowcount for it; each row already there is then taken over only if still owed (``CLAIMABLE``).
    Returns the ``(occasion, member_id)`` pairs claimed."""
    if not rows:
        return set()
    conn = session.connection()
    table = PushLog.__table__
    values = [{"occasion": o, "member_id": m, "created_at": now, "attempted_at": now,
               "status": PushStatus.PENDING, "content": content} for o, m, content in rows]
    stmt = insert_ignoring(conn.dialect.name, table, ["occasion", "member_id"]).returning(table.c.occasion, table.c.member_id)
    claimed = {(r.occasion, r.member_id) for r in conn.execute(stmt, values)}   # "insertmanyvalues"
    for o, m, content in rows:
        if (o, m) not in claimed and _take_over(session, o, m, content, now):
            claimed.add((o, m))
    return claimed


def _take_over(session: Session, occasion: str, member_id: int, content: str, now: datetime) -> bool:
    """Claim a row that exists, if it is still owed."""
    res = session.connection().execute(
        update(PushLog)
        .where(PushLog.occasion == occasion, PushLog.member_id == member_id, CLAIMABLE)
        .values(status=PushStatus.PENDING, created_at=now, attempted_at=now, content=content, error=None)
    )
    return res.rowcount == 1

"""The push log's claim rule, shared by scheduled pushes (``schedules.delivery``) and nudges
(``models.nudges``): each ``(occasion, member)`` row is unique, so whoever inserts it owns the send.

A row is **owed** — claimable again — when WeCom answered with an error (``failed``) or when it was
claimed with no send attempt on record (``pending`` without ``attempted_at``). Any other row means
the message went out, may have gone out (``pending`` with an attempt, ``unknown``), or must not go
out (``invalid``): it is never claimed again.

A row keeps what was sent: ``content``, the text (or a rich message's text form), and for a card,
an image, a textcard or news ``message``, its JSON (``bot.messages.to_stored``). ``outcome`` is the
one rule turning a send's result into a row's status.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import and_, or_, update
from sqlmodel import Session

from models.db import insert_ignoring
from models.tables import PushLog, PushStatus

if TYPE_CHECKING:
    from bot.wecom import SendResult

RETRYABLE = (PushStatus.FAILED,)
CLAIMABLE = or_(PushLog.status.in_(RETRYABLE),
                and_(PushLog.status == PushStatus.PENDING, PushLog.attempted_at.is_(None)))


class Claim(NamedTuple):
    """One row to claim: the occasion, the recipient, the text (form) and a rich message's JSON."""

    occasion: str
    member_id: int
    content: str
    message: str | None = None


def outcome(result: SendResult, account: str) -> tuple[PushStatus, str | None]:
    """The status (and error) a send's result gives the row of the recipient ``account``:
    ``failed`` when WeCom refused the call (still owed), ``invalid`` when it named the account
    invalid (never retried), else ``sent``."""
    if not result.ok:
        return PushStatus.FAILED, result.error[:500]
    if account in result.invalid:
        return PushStatus.INVALID, "invaliduser"
    return PushStatus.SENT, None


def marked(status: PushStatus, error: str | None, now: datetime) -> dict:
    """The values a row's update takes for ``outcome``'s status and error (``sent_at`` when sent)."""
    return {"status": status, "error": error, "sent_at": now if status == PushStatus.SENT else None}


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


def claim_many(session: Session, rows: list[Claim | tuple[str, int, str]], now: datetime, *,
               again: bool = False) -> set[tuple[str, int]]:
    """``claim`` for many ``Claim(occasion, member_id, content[, message])`` at once, in one transaction: one
    INSERT … ON CONFLICT DO NOTHING RETURNING over all the rows (SQLAlchemy sends it as multi-row
    statements) takes every row not yet logged — RETURNING, since PostgreSQL's driver reports no
    rowcount for it; each row already there is then taken over only if still owed (``CLAIMABLE``).
    Returns the ``(occasion, member_id)`` pairs claimed. ``again``: the same claim (the same
    ``now``, unique to it) run once more after its connection dropped, perhaps after its commit."""
    if not rows:
        return set()
    conn = session.connection()
    table = PushLog.__table__
    claims = [Claim(*row) for row in rows]
    values = [{"occasion": c.occasion, "member_id": c.member_id, "created_at": now, "attempted_at": now,
               "status": PushStatus.PENDING, "content": c.content, "message": c.message} for c in claims]
    stmt = insert_ignoring(conn.dialect.name, table, ["occasion", "member_id"]).returning(table.c.occasion, table.c.member_id)
    claimed = {(r.occasion, r.member_id) for r in conn.execute(stmt, values)}   # "insertmanyvalues"
    for c in claims:
        if (c.occasion, c.member_id) not in claimed and _take_over(session, c, now, again):
            claimed.add((c.occasion, c.member_id))
    return claimed


def _take_over(session: Session, c: Claim, now: datetime, again: bool) -> bool:
    """Claim a row that exists, if it is still owed — or, ``again``, if this very claim (the same
    ``now``) took it already and is being run again because its connection dropped at the commit."""
    ours = and_(PushLog.status == PushStatus.PENDING, PushLog.attempted_at == now) if again else None
    res = session.connection().execute(
        update(PushLog)
        .where(PushLog.occasion == c.occasion, PushLog.member_id == c.member_id,
               CLAIMABLE if ours is None else or_(CLAIMABLE, ours))
        .values(status=PushStatus.PENDING, created_at=now, attempted_at=now, content=c.content,
                message=c.message, error=None)
    )
    return res.rowcount == 1

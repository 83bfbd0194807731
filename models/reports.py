"""What a month's report stands on. A month counts as reported by what stands: a written 月报, or an
update of the person's not undone (撤回). ``MonthlyReport`` keeps one row per person and month
saying so — when and in what words — and every reader (我这个月报了吗, 谁还没报, the digests of
non-reporters, supervision, nudges, the export's 月报 sheet) reads only it. So the rule is kept
where the row is written: ``models.progress.mark_reported`` makes it on the month's first report,
``stand_on_written`` moves it onto a written report that came after an update, and ``restate``
(after an undo) moves it onto the earliest update of the month still standing, or removes it when
nothing stands. ``latest_standing`` is an item's last change still standing (the export's 最近更新).
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlmodel import Session, select

from models.lookups import month_key, report_for
from models.rows import set_columns
from models.tables import Member, MonthlyReport, ProgressUpdate, UpdateAction

REPORTING = (UpdateAction.UPDATE, UpdateAction.CORRECT)     # a person's own progress: a report


def month_bounds(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The first moment of "2026-11" and of the month after, in ``tz``."""
    year, number = int(month[:4]), int(month[5:7])
    after = (year + 1, 1) if number == 12 else (year, number + 1)
    return datetime(year, number, 1, tzinfo=tz), datetime(*after, 1, tzinfo=tz)


def _standing_updates(member_id: int):
    return select(ProgressUpdate).where(ProgressUpdate.member_id == member_id,
                                        ProgressUpdate.action.in_(REPORTING), ProgressUpdate.undone_at.is_(None))


def _made_by_update(session: Session, report: MonthlyReport) -> bool:
    """Whether ``report`` is a reply's updates (made at the same moment), not a written 月报."""
    return session.exec(select(ProgressUpdate.id).where(
        ProgressUpdate.member_id == report.member_id, ProgressUpdate.at == report.reported_at,
        ProgressUpdate.action.in_(REPORTING))).first() is not None


def restate(session: Session, member_id: int, month: str, tz: ZoneInfo) -> None:
    """After an undo: the month's report moves onto the earliest update of the month still standing,
    or is removed when none stands. A written 月报 is never undone and stays."""
    report = report_for(session, member_id, month)
    if report is None or not _made_by_update(session, report):
        return
    start, end = month_bounds(month, tz)
    first = session.exec(_standing_updates(member_id).where(ProgressUpdate.at >= start, ProgressUpdate.at < end)
                         .order_by(ProgressUpdate.at, ProgressUpdate.id)).first()
    if first is None:
        session.connection().execute(delete(MonthlyReport.__table__).where(MonthlyReport.id == report.id))
        session.expunge(report)
    elif first.at != report.reported_at:
        set_columns(session, report, reported_at=first.at, words=first.words)


def stand_on_written(session: Session, member: Member, at: datetime, words: str, tz: ZoneInfo) -> None:
    """A written 月报 after the month was reported by updates: the month now stands on it, so that
    undoing those updates leaves the month reported."""
    report = report_for(session, member.id, month_key(at, tz))
    if report is not None and _made_by_update(session, report):
        set_columns(session, report, reported_at=at, words=words)


def latest_standing(session: Session, item_id: int) -> ProgressUpdate | None:
    """The item's last change still standing (not undone, not itself an undo)."""
    return session.exec(select(ProgressUpdate).where(
        ProgressUpdate.item_id == item_id, ProgressUpdate.undone_at.is_(None),
        ProgressUpdate.action != UpdateAction.UNDO).order_by(ProgressUpdate.id.desc())).first()

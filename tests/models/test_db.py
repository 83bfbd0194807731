"""models.db: the schema by migrations, and aware times, on both engines (see tests/support/databases.py)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session, select

from models.db import analyze, init_db, make_engine, ping, write_turn
from models.lookups import unreported
from models.progress import mark_reported, record_progress
from models.tables import Item, Member, MonthlyReport, ProgressUpdate
from tests.support.org import branches

TZ = ZoneInfo("Asia/Shanghai")


def test_migrations_twice_and_progress_with_aware_times(bare_engine):
    assert init_db(bare_engine) == init_db(bare_engine)   # upgrading twice is a no-op
    assert ping(bare_engine)
    branches(bare_engine)
    at = datetime(2026, 11, 30, 23, 30, tzinfo=TZ)
    with Session(bare_engine) as s:
        wang = s.exec(select(Member).where(Member.account == "wangfang")).one()
        item = s.exec(select(Item).where(Item.code == "P-3")).one()
        record_progress(s, item=item, member=wang, at=at, words="活动室八成了", percent=80)
        mark_reported(s, wang, at, "活动室八成了", TZ)
        unit_id = wang.unit_id
        s.commit()
    with Session(bare_engine) as s:
        upd = s.exec(select(ProgressUpdate)).one()
        assert upd.at == at and upd.at.tzinfo is not None
        assert s.exec(select(MonthlyReport)).one().month == "2026-11"
        assert {m.account for m in unreported(s, unit_id, "2026-11")} == {"liming"}


def test_writers_of_one_process_take_turns_on_sqlite_only(bare_engine):
    """SQLite: one writer at a time, so the process's writers wait on a lock (not in busy naps):
    while one holds the engine's turn, nobody else gets it; another database has its own turn.
    PostgreSQL locks rows: no turn to wait for."""
    turn = write_turn(bare_engine)
    with turn:
        again = write_turn(bare_engine)
        if bare_engine.dialect.name == "sqlite":
            assert again is turn and not again.acquire(blocking=False)
            other = make_engine(f"{bare_engine.url}-other")
            assert write_turn(other).acquire(blocking=False)
            other.dispose()
        else:
            with again:     # would block forever if a turn were taken
                pass
    if bare_engine.dialect.name == "sqlite":
        assert turn.acquire(blocking=False)
        turn.release()


def test_analyze_gives_the_planner_statistics_of_our_tables(engine):
    """SQLite: the sampled statistics of the item indexes; PostgreSQL: our own tables analyzed (only
    them: a bare ANALYZE would go through the whole database, system catalogs included)."""
    analyze(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            indexes = {row[0] for row in conn.execute(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'item'"))}
            assert "ix_item_owner_year" in indexes
        else:
            analyzed = {row[0] for row in conn.execute(text(
                "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND last_analyze IS NOT NULL"))}
            assert {"item", "member", "unit", "inboundmessage", "pushlog"} <= analyzed

"""models.db: the schema by migrations, and aware times, on both engines (see tests/support/databases.py)."""
from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from bot.nlu import Update
from models.db import (
    analyze,
    init_db,
    is_busy,
    make_engine,
    ping,
    read_only_session,
    reads_are_current,
    refused_a_write,
    write_turn,
    wrote_first,
)
from models.lookups import unreported
from models.progress import lock, mark_reported, record_progress
from models.tables import Item, Member, MonthlyReport, ProgressUpdate
from tests.support.clock import NOW
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
        record_progress(s, item=item, member=wang, at=at, words="活动室八成了", update=Update(None, None, percent=80))
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


def test_reads_are_current_only_in_a_sqlite_transaction_that_wrote_first(engine):
    """The one case ``models.progress.lock`` need not re-read: SQLite, a transaction whose first
    statement wrote (it holds the write lock from then on), noted with nothing loaded before."""
    sqlite = engine.dialect.name == "sqlite"
    with Session(engine) as s:
        s.connection().execute(text("UPDATE member SET title = title WHERE id = -1"))
        wrote_first(s)
        assert reads_are_current(s) is sqlite
        s.commit()
        s.connection()
        assert not reads_are_current(s)              # a later transaction of the same session
    with Session(engine) as s:
        held = s.exec(select(Member)).first()        # (maybe from an earlier transaction)
        s.connection().execute(text("UPDATE member SET title = title WHERE id = -1"))
        wrote_first(s)
        assert not reads_are_current(s) and held in s   # an object held already: not noted


def test_lock_rereads_a_stale_item_unless_the_transaction_wrote_first(engine):
    """An item loaded in an earlier transaction and changed since by someone else is re-read by
    ``lock``; in a SQLite transaction that wrote first, what was read is what is committed."""
    with Session(engine, expire_on_commit=False) as s:
        it = s.exec(select(Item).where(Item.code == "P-1")).one()
        s.commit()
        with Session(engine) as other:
            other.exec(select(Item).where(Item.id == it.id)).one().percent = 40
            other.commit()
        assert it.percent == 0
        assert lock(s, it).percent == 40
        s.rollback()
    with Session(engine) as s:
        s.connection().execute(text("UPDATE member SET title = title WHERE id = -1"))
        wrote_first(s)
        it = s.exec(select(Item).where(Item.code == "P-1")).one()
        statements = []

        def seen(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", seen)
        try:
            assert lock(s, it).percent == 40
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        # SQLite: nothing to re-read; PostgreSQL: SELECT … FOR UPDATE
        assert (statements == []) is (engine.dialect.name == "sqlite"), statements
        record_progress(s, item=it, member=s.get(Member, it.owner_id), at=NOW, words="第1项完成60%", update=Update(None, None, percent=60))
        s.commit()
    with Session(engine) as s:
        assert s.exec(select(Item).where(Item.code == "P-1")).one().percent == 60


def test_a_sqlite_file_locked_by_another_connection_past_the_busy_wait_is_busy(engine):
    """``is_busy``: the callbacks' batch then fails for all of them at once, not once each."""
    if engine.dialect.name != "sqlite":
        return
    impatient = make_engine(engine.url.render_as_string(hide_password=False), busy_wait=0)
    holder = engine.connect()
    holder.info["begin"] = "BEGIN IMMEDIATE"
    holder.begin()
    try:
        with pytest.raises(DBAPIError) as locked, impatient.begin() as conn:
            conn.execute(update(Item).values(percent=1))
        assert is_busy(locked.value) and not refused_a_write(locked.value)
        with pytest.raises(DBAPIError) as other, impatient.connect() as conn:
            conn.exec_driver_sql("SELECT * FROM no_such_table")
        assert not is_busy(other.value)
    finally:
        holder.rollback()
        holder.close()
        impatient.dispose()


def test_a_read_only_session_reads_and_the_database_refuses_its_writes(engine):
    """Both engines refuse a write in it (``refused_a_write``), an ORM change included; the
    connection writes as usual afterwards (SQLite's query_only is reset before the pool gets it)."""
    with read_only_session(engine) as s:
        p1 = s.exec(select(Item).where(Item.code == "P-1")).one()
        with pytest.raises(DBAPIError) as refused:
            s.connection().execute(update(Item).where(Item.id == p1.id).values(percent=50))
        assert refused_a_write(refused.value)
    with read_only_session(engine) as s:
        s.exec(select(Item).where(Item.code == "P-1")).one().percent = 40
        with pytest.raises(DBAPIError) as refused:
            s.flush()
        assert refused_a_write(refused.value)
    with pytest.raises(DBAPIError) as other, read_only_session(engine) as s:
        s.connection().exec_driver_sql("SELECT * FROM no_such_table")
    assert not refused_a_write(other.value)
    for _ in range(3):                  # whichever pooled connection comes back: it writes
        with Session(engine) as s:
            s.connection().execute(update(Item).where(Item.code == "P-1").values(percent=30))
            s.commit()
    with Session(engine) as s:
        assert s.exec(select(Item).where(Item.code == "P-1")).one().percent == 30


def _open_new_file(url: str, start: float, failures) -> None:
    """A process opening the SQLite file at ``url`` at the moment ``start``, as an instance does."""
    while time.time() < start:
        pass
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - the test counts them
        failures.put(repr(exc))


def test_processes_opening_a_new_sqlite_file_together_all_get_it_in_wal(tmp_path):
    """Processes started together on a file that does not exist yet all ask SQLite for WAL at once;
    it refuses all but one with "database is locked" without waiting (about one round in five
    failed before the request was repeated)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    failures = ctx.Queue()
    for n in range(12):
        url = f"sqlite:///{tmp_path / f'new{n}.db'}"
        start = time.time() + 0.2
        procs = [ctx.Process(target=_open_new_file, args=(url, start, failures)) for _ in range(6)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert failures.empty(), failures.get()
        with make_engine(url).connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_sqlite_file_commits_to_the_disk_every_time(tmp_path):
    """WAL, and synchronous FULL: a record the person was told is kept survives a power cut."""
    with make_engine(f"sqlite:///{tmp_path / 'q.db'}").connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2        # FULL

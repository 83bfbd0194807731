"""Engine, sessions and the schema (created and upgraded through Alembic migrations)."""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from sqlalchemy import bindparam, event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlmodel import Session, SQLModel, create_engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

EXAMPLE_URLS = "sqlite:///qingdan.db 或 postgresql+psycopg://用户@主机/库名"
PG_CONNECT_TIMEOUT = 10      # seconds; libpq's default is to wait as long as TCP does

# What a driver says when it cannot connect, in the words an operator needs (first match wins).
CONNECT_REASONS = (
    ("password authentication failed", "用户名或密码不对"),
    ("does not exist", "数据库或用户不存在"),
    ("Connection refused", "连接被拒绝（数据库没有运行，或主机、端口不对）"),
    ("could not translate host name", "主机名无法解析"),
    ("Name or service not known", "主机名无法解析"),
    ("timeout expired", "连接超时"),
    ("No route to host", "网络不通"),
    ("no pg_hba.conf entry", "服务器不允许从这台机器连接（pg_hba.conf）"),
    ("unable to open database file", "无法打开数据库文件（检查路径和权限）"),
    ("readonly database", "数据库文件只读"),
)


class DatabaseError(Exception):
    """The configured database cannot be used; the message is one Chinese line for the operator."""


def safe_url(url: str | URL) -> str:
    """``url`` with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return str(url).split("@")[-1]


def check_url(url: str) -> str:
    """``url`` as the engine will use it, or DatabaseError saying what is wrong with it.

    Only SQLite and PostgreSQL (through psycopg, the driver installed) are supported;
    ``postgresql://`` and ``postgres://`` are read as ``postgresql+psycopg://``. The folder of a
    SQLite file must exist (SQLite creates the file, not the folder)."""
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(f"无法识别的数据库地址：{safe_url(url)}（应如 {EXAMPLE_URLS}）") from None
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise DatabaseError(f"不支持的数据库地址：{safe_url(url)}（只支持 SQLite 和 PostgreSQL，如 {EXAMPLE_URLS}）")
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:" \
            and not parsed.query.get("uri"):
        folder = Path(parsed.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise DatabaseError(f"SQLite 数据库所在的文件夹不存在：{folder}（先建好这个文件夹，或修改 database.url）")
    return url


def connect_reason(exc: BaseException) -> str:
    """Why a connection failed, in Chinese, with the driver's first line for reference."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = detail[0].strip() if detail else type(exc).__name__
    for needle, words in CONNECT_REASONS:
        if any(needle in line for line in detail):
            return f"{words}；{first}"
    return first


def check_files(engine: Engine) -> None:
    """For a SQLite file: DatabaseError unless this process may write the file, its ``-wal`` and
    ``-shm`` files (where they exist) and their folder. A file it cannot write makes every write
    fail; a ``-shm`` file it cannot write can also bring the process down (SIGBUS) — one line now
    instead."""
    name = engine.url.database if engine.dialect.name == "sqlite" else None
    if not name or name == ":memory:" or engine.url.query.get("uri"):
        return
    path = Path(name).expanduser().resolve()
    for target in (path.parent, path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if target.exists() and not os.access(target, os.W_OK):
            raise DatabaseError(f"SQLite 数据库{'文件夹' if target.is_dir() else '文件'}不可写：{target}"
                                "（运行 qingdan 的用户须能写数据库文件、同名的 -wal 和 -shm 文件及其所在文件夹；"
                                "请用 chown/chmod 改正后再启动）")


def check_connection(engine: Engine) -> None:
    """Connect once, or raise DatabaseError: "无法连接数据库 URL：why" (for SQLite, first
    ``check_files``)."""
    check_files(engine)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        raise DatabaseError(f"无法连接数据库 {safe_url(engine.url)}：{connect_reason(exc)}") from None


def analyze(engine: Engine) -> None:
    """Bring the query planner's statistics up to date (``ANALYZE``), so that SQLite picks the
    composite index ``ix_item_owner_year`` for "我的清单" instead of scanning the year's items.
    Run by ``serve`` at start-up and after an import; on SQLite it reads at most a sample of each
    index (``analysis_limit``), so it takes milliseconds on any size of list. On PostgreSQL only
    qingdan's own tables are analyzed: a bare ``ANALYZE`` covers every table of the database,
    the system catalogs included (0.55 s against 0.19 s on 10,000 members)."""
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("ANALYZE")
        else:
            quote = conn.dialect.identifier_preparer.quote
            ours = ", ".join(quote(t.name) for t in SQLModel.metadata.sorted_tables)   # models.tables'
            conn.exec_driver_sql(f"ANALYZE {ours}" if ours else "ANALYZE")


def _use_wal(cursor, wait: float) -> None:
    """Switch a SQLite file to WAL (a property of the file, kept once set). Processes opening a new
    file at the same moment (instances started together) all ask for it, and SQLite refuses all
    but one at once with "database is locked" — without waiting for the busy timeout, since
    waiting could deadlock; the others ask again, for up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.005)


def make_engine(url: str, *, busy_wait: float = 30.0) -> Engine:
    """An engine for ``url``.

    SQLite files get WAL and a busy timeout so serve and the CLI can share one, and transactions
    that really are transactions: the driver's own transaction handling is switched off (it starts
    no transaction before a SELECT and turns a first SAVEPOINT into a commit) and SQLAlchemy's
    ``BEGIN`` is emitted as it should be. A callback's transaction starts by writing its claim, so
    it holds SQLite's one write lock from its first statement to its commit and reads what it then
    writes with no other writer in between — SQLite's equivalent of the row locks
    (``SELECT … FOR UPDATE``) used on PostgreSQL.

    ``busy_wait`` is how long a SQLite connection waits for another's write lock (``busy_timeout``)
    before failing with "database is locked".

    A URL that is not supported, or a SQLite file in a missing folder, raises DatabaseError."""
    url = check_url(url)
    if url.startswith("sqlite"):
        busy_ms = int(busy_wait * 1000)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_wait})

        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
            conn.exec_driver_sql(conn.info.pop("begin", "BEGIN"))   # "BEGIN IMMEDIATE" when asked once

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None      # BEGIN is ours (see above)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                _use_wal(cur, busy_wait)
                # Every commit reaches the disk before the person is told "已记录" (WAL's NORMAL
                # would lose the last commits to a power cut); whatever the build's default is.
                cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={busy_ms}")
            cur.close()

        return engine
    args = {} if "connect_timeout" in url else {"connect_timeout": PG_CONNECT_TIMEOUT}
    return create_engine(url, pool_pre_ping=True, connect_args=args)


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (SQLITE_BUSY or SQLITE_LOCKED, any
    extended code): another connection held the lock past the busy timeout."""
    orig = getattr(exc, "orig", exc)
    return (getattr(orig, "sqlite_errorcode", 0) & 0xFF) in (5, 6)


def refused_a_write(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps) is the database refusing a write in a read-only
    transaction (``read_only_session``): SQLite's SQLITE_READONLY, PostgreSQL's 25006."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        orig = getattr(exc, "orig", None) or exc
        if (getattr(orig, "sqlite_errorcode", 0) & 0xFF) == 8 or getattr(orig, "sqlstate", None) == "25006":
            return True
        exc = exc.__cause__ or exc.__context__
    return False


READ_ONLY = "qingdan.read_only"     # in a connection's info while it serves ``read_only_session``


@contextmanager
def read_only_session(engine: Engine) -> Iterator[Session]:
    """A session whose one transaction may only read, always rolled back: the database itself
    refuses any write in it (``refused_a_write``). On SQLite it takes no write lock and waits for
    none (WAL: readers see the last commit and never block the writer); its connection leaves
    read-only again before it goes back to the pool."""
    with Session(engine, expire_on_commit=False) as session:
        conn = session.connection()
        sqlite = conn.dialect.name == "sqlite"
        conn.exec_driver_sql("PRAGMA query_only=ON" if sqlite else "SET TRANSACTION READ ONLY")
        raw = conn.connection.dbapi_connection     # reachable whatever state the session is left in
        conn.info[READ_ONLY] = True                # a refused write here is routine (models.health)
        try:
            yield session
        finally:
            conn.info.pop(READ_ONLY, None)
            if sqlite:
                try:
                    raw.execute("PRAGMA query_only=OFF")
                except BaseException:
                    conn.invalidate()       # never back to the pool read-only
                    raise
            session.rollback()


def alembic_config(url: str):
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


SCHEMA_LOCK = 0x71696E67   # "qing": the advisory lock key held while the schema is upgraded


def init_db(engine: Engine) -> str:
    """Create or upgrade the schema to the newest migration; returns the revision now in force."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    # Processes started together upgrade one after another: the second waits for the first, then
    # finds the schema at head. PostgreSQL: an advisory lock held by the (transactional) upgrade;
    # SQLite: the file's write lock taken first (BEGIN IMMEDIATE; the others wait, busy_timeout).
    with engine.connect() as conn:
        conn.info["begin"] = "BEGIN IMMEDIATE"
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        conn.info.pop("begin", None)
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() or ""


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "does not answer"
        return False


RECONNECT_WAITS = (0.2, 0.5, 1.0, 2.0, 4.0)     # seconds before each new try once a connection dropped


def dropped(exc: BaseException) -> bool:
    """Whether ``exc`` is a lost connection to PostgreSQL (terminated, restarted, network), or one
    that cannot be made again yet: worth a new connection. SQLite's file errors are not."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    return isinstance(exc, (OperationalError, InterfaceError)) and getattr(exc.orig, "sqlite_errorcode", None) is None \
        and type(exc.orig).__module__.startswith("psycopg")


def reconnecting(work, *args):
    """``work(*args)``, tried again on a new connection when the one it had dropped (``dropped``),
    waiting ``RECONNECT_WAITS`` in between; ``work`` must be one transaction, safe to run again
    after one that did not commit."""
    for wait in (*RECONNECT_WAITS, None):
        try:
            return work(*args)
        except DBAPIError as exc:
            if wait is None or not dropped(exc):
                raise
            log.warning("database connection lost (%s); trying again in %.1fs", type(exc.orig).__name__, wait)
            time.sleep(wait)
    raise AssertionError("unreachable")


def insert_ignoring(dialect: str, table, keys: list[str]):
    """INSERT … ON CONFLICT (``keys``) DO NOTHING for the database of ``dialect`` (a connection's
    ``dialect.name``: SQLite or PostgreSQL, the two ``make_engine`` accepts); add ``.values`` and
    ``.returning`` to taste."""
    insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    return insert(table).on_conflict_do_nothing(index_elements=keys)


@lru_cache(maxsize=32)
def insert_one_ignoring(dialect: str, table, keys: tuple[str, ...], columns: tuple[str, ...],
                        returning: tuple[str, ...] = ("id",)):
    """``insert_ignoring`` of a row whose ``columns`` are bound by name, RETURNING its ``returning``
    columns (no row when it was there already; given many rows, one per row inserted). Built once
    per dialect and table: on the callback's hot path, building the statement cost more than
    running it."""
    return (insert_ignoring(dialect, table, list(keys))
            .values({c: bindparam(c) for c in columns}).returning(*(table.c[c] for c in returning)))


_WRITE_TURNS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_WRITE_TURNS_GUARD = threading.Lock()


def write_turn(engine: Engine) -> AbstractContextManager:
    """Wait for this process's turn to write to a SQLite file (on PostgreSQL: nothing to wait for).

    SQLite lets one transaction write at a time, and a second writer waits by napping and retrying
    (``busy_timeout``: naps of 1, 2, 5 … 100 ms), so under load a wait that should take a few
    milliseconds takes hundreds and the naps decide who goes next. A process's own writers (the
    callbacks' batches, the delivery claims) take turns on a lock first: the next one starts the
    moment the one before commits. Writers in other processes (the CLI, a second ``serve``) still
    meet ``busy_timeout``. PostgreSQL locks rows, not the database: no turn is taken there."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    with _WRITE_TURNS_GUARD:
        return _WRITE_TURNS.setdefault(engine, threading.Lock())


_WROTE_FIRST = "qingdan.wrote_first"


def wrote_first(session: Session) -> None:
    """Note that ``session``'s transaction began by writing, with nothing loaded before: on SQLite
    it then holds the file's write lock from its first statement, so everything it reads is the
    latest committed state and stays so until it ends (``reads_are_current``). A callback's
    transaction begins so, with its claim. Nothing is noted on PostgreSQL, or when the session
    holds objects already (they may come from an earlier transaction and have changed since)."""
    if session.get_bind().dialect.name == "sqlite" and not session.identity_map:
        session.info[_WROTE_FIRST] = session.get_transaction()


def reads_are_current(session: Session) -> bool:
    """Whether ``wrote_first`` was noted for the transaction ``session`` is in now (not an earlier
    one: an object loaded then may have changed since)."""
    noted = session.info.get(_WROTE_FIRST)
    return noted is not None and noted is session.get_transaction()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

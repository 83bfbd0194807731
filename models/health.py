"""Whether the database takes writes: what ``/healthz`` reports, and one log line when writes start
failing — with the cause — instead of a trace per message.

``probe`` writes: one row into ``alembic_version`` in a transaction that is rolled back. A
``SELECT 1`` answers from a read-only SQLite file or a PostgreSQL that refuses writes (a standby,
``default_transaction_read_only``) as well as from a healthy one; an INSERT does not. Its answer is
kept ``PROBE_TTL`` seconds, so a flood of health checks costs one probe each time.

A write that is rolled back never reaches the disk, so a full disk passes the probe: ``watch``
also notes every write failure in traffic (``write_failure``: read-only, disk full, I/O error), and
``/healthz`` stays 503 while the last one is less than ``RECENT`` seconds old. The first failure is
logged once with its cause; the same failure again is not logged until none was seen for
``RECENT`` seconds (or a probe found writes working again: logged too).
"""
from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
import weakref
from dataclasses import dataclass

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from models.db import READ_ONLY, connect_reason, is_busy, write_turn

log = logging.getLogger(__name__)

PROBE_TTL = 2.0        # seconds a probe's answer is reused
RECENT = 60.0          # seconds a write failure seen in traffic keeps /healthz at 503
PROBE_BUSY_MS = 2000   # a SQLite probe waits this long for another process's write lock (then: busy, not broken)
PROBE_ROW = "qingdan-healthz"

# What the database says when it cannot write, in the words an operator needs.
SQLITE_REASONS = {8: "数据库只读（检查 SQLite 文件、同名 -wal/-shm 文件及其文件夹的写权限、磁盘是否只读挂载）",
                  13: "磁盘已满", 10: "磁盘读写出错（I/O 错误）", 14: "无法打开数据库文件"}
PG_REASONS = {"25006": "数据库只读（PostgreSQL 拒绝写入：备库、只读事务或 default_transaction_read_only）",
              "53100": "数据库服务器磁盘已满", "58030": "数据库服务器磁盘读写出错（I/O 错误）"}
# Failures a rolled-back write cannot meet: only time without them says they are over.
PROBE_BLIND = {SQLITE_REASONS[13], SQLITE_REASONS[10], PG_REASONS["53100"], PG_REASONS["58030"]}


def write_failure(exc: BaseException | None) -> str | None:
    """Why ``exc`` (or what it wraps) says the database cannot write, in Chinese; None for any
    other error (a bug, a constraint, a lock held too long)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        orig = getattr(exc, "orig", None) or exc
        reason = SQLITE_REASONS.get(getattr(orig, "sqlite_errorcode", 0) & 0xFF) or \
            PG_REASONS.get(getattr(orig, "sqlstate", None) or "")
        if reason:
            return reason
        exc = exc.__cause__ or exc.__context__
    return None


@dataclass
class Watch:
    """One engine's write health: the last failure seen and the last probe."""

    failing: str | None = None      # the reason of the failure being reported, if any
    failed_at: float = 0.0          # monotonic time of the last write failure seen
    probed_at: float = -PROBE_TTL
    probe: str | None = None        # the last probe's reason (None: writes work)

    def __post_init__(self):
        self.lock = threading.Lock()

    def failed(self, reason: str, detail: str) -> None:
        """A write failed for ``reason``: logged when it is news (see the module docstring)."""
        now = time.monotonic()
        with self.lock:
            news = self.failing != reason or now - self.failed_at > RECENT
            self.failing, self.failed_at = reason, now
        if news:
            log.error("database writes fail: %s (%s); the same failure is not logged again until writes work",
                      reason, detail)

    def recent(self) -> str | None:
        """The reason of a write failure seen less than ``RECENT`` seconds ago."""
        with self.lock:
            return self.failing if self.failing and time.monotonic() - self.failed_at <= RECENT else None

    def worked(self) -> None:
        """A probe wrote: a failure it would have met (read-only), or one not seen for ``RECENT``
        seconds, is over (logged once)."""
        with self.lock:
            over = self.failing is not None and (self.failing not in PROBE_BLIND
                                                 or time.monotonic() - self.failed_at > RECENT)
            if over:
                self.failing = None
        if over:
            log.warning("database writes work again")


_WATCHES: weakref.WeakKeyDictionary[Engine, Watch] = weakref.WeakKeyDictionary()
_GUARD = threading.Lock()


def watch(engine: Engine) -> Watch:
    """The engine's Watch, noting every write failure its connections meet (installed once)."""
    with _GUARD:
        if engine in _WATCHES:
            return _WATCHES[engine]
        _WATCHES[engine] = w = Watch()

    @event.listens_for(engine, "handle_error")
    def _noted(context) -> None:  # noqa: ANN001
        if _read_only(context.connection):
            return                      # a write refused on purpose (models.db.read_only_session)
        reason = write_failure(context.original_exception)
        if reason:
            w.failed(reason, str(context.original_exception).strip().splitlines()[0][:200])
        if reason == SQLITE_REASONS[8] and context.engine.dialect.name == "sqlite":
            # SQLite opened the file read-only and keeps it so: connections are opened again (once
            # the file is writable they write again, with no restart).
            context.is_disconnect = True

    return w


def _read_only(conn) -> bool:  # noqa: ANN001
    try:
        return bool(conn is not None and conn.info.get(READ_ONLY))
    except SQLAlchemyError:  # a connection already invalidated cannot say; it was not read-only on purpose
        return False


def probe(engine: Engine) -> str | None:
    """None when a write goes through (one INSERT, rolled back), else why not in Chinese. Another
    process holding SQLite's write lock past ``PROBE_BUSY_MS`` means busy, not broken: None."""
    try:
        with write_turn(engine), engine.connect() as conn:
            raw = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
            if raw is not None:          # outside any transaction, on the driver's connection
                busy = raw.execute("PRAGMA busy_timeout").fetchone()[0]
                raw.execute(f"PRAGMA busy_timeout={PROBE_BUSY_MS}")
            try:
                with conn.begin() as tx:
                    conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": PROBE_ROW})
                    tx.rollback()
            finally:
                if raw is not None:
                    with contextlib.suppress(sqlite3.Error):    # closed when the failure invalidated it
                        raw.execute(f"PRAGMA busy_timeout={int(busy)}")
    except DBAPIError as exc:
        if is_busy(exc):
            return None
        return write_failure(exc) or f"数据库无法使用：{connect_reason(exc)}"
    except Exception as exc:  # noqa: BLE001 - anything else also means "cannot write"
        return f"数据库无法使用：{type(exc).__name__}"
    return None


def writable(engine: Engine) -> str | None:
    """None when the database takes writes, else why not: a probe at most every ``PROBE_TTL``
    seconds, and a write failure seen in traffic less than ``RECENT`` seconds ago."""
    w = watch(engine)
    now = time.monotonic()
    with w.lock:
        stale = now - w.probed_at >= PROBE_TTL
        if stale:
            w.probed_at = now           # others reuse the last answer meanwhile
    if stale:
        w.probe = probe(engine)
        if w.probe is None:
            w.worked()
    return w.probe or w.recent()

"""/healthz reflects a write, not a ``SELECT 1``: 503 and why (in Chinese, no secret) on a SQLite
file that cannot be written and on a PostgreSQL that refuses writes; the messages that fail
meanwhile get the failure text, and the log says why once, not once per message."""
from __future__ import annotations

import asyncio
import logging
import os
import shutil
import stat
import subprocess
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from bot.app import build_app
from bot.runtime import Clock, Runtime
from bot.texts import FAILED
from models.health import PROBE_TTL, write_failure
from tests.support import wecom as wf
from tests.support.clock import NOW, TZ
from tests.support.config import SECRET, make_config


@contextmanager
def read_only(path: Path):
    """``path`` read-only for this process — root included (``chattr +i``) — and writable again
    afterwards; skipped where neither works."""
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    immutable = os.geteuid() == 0 and shutil.which("chattr") is not None and \
        subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    try:
        try:
            with open(path, "r+b"):
                pytest.skip("cannot make a file read-only here (root without chattr)")
        except PermissionError:
            pass
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


@contextmanager
def refusing_writes(db_url: str):
    """A URL to the same database on which nothing can be written: the SQLite file read-only, or
    every PostgreSQL transaction read-only (as on a standby)."""
    if db_url.startswith("sqlite"):
        with read_only(Path(db_url.removeprefix("sqlite:///"))):
            yield db_url
    else:
        yield db_url.replace("options=", "options=-cdefault_transaction_read_only%3Don%20", 1)


@pytest.fixture
def app_over(standin, aiohttp_client):
    runtimes = []

    async def build(url: str):
        clock = Clock(TZ)
        clock.offset = NOW - datetime.now(TZ)
        runtimes.append(Runtime.build(make_config(url, standin.base_url), clock=clock))
        return await aiohttp_client(build_app(runtimes[-1]))

    yield build
    for runtime in runtimes:
        runtime.close()


async def test_healthz_is_503_and_says_why_when_nothing_can_be_written(org, db_url, app_over, caplog):
    with refusing_writes(db_url) as url:
        client = await app_over(url)
        with caplog.at_level(logging.DEBUG):
            resp = await client.get("/healthz")
            assert resp.status == 503
            body = await resp.json()
            assert body["status"] == "database unavailable" and "数据库只读" in body["reason"]
            assert SECRET not in await resp.text() and "password" not in await resp.text()

            replies = [await wf.say(client, "wangfang", f"P-{n} 已完成") for n in (1, 2, 3)]
        assert replies == [FAILED] * 3               # each person told, in the generic words
    failing = [r for r in caplog.records if r.getMessage().startswith("database writes fail")]
    assert len(failing) == 1 and "数据库只读" in failing[0].getMessage()      # once, with its cause
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r is not failing[0]]
    if db_url.startswith("sqlite"):
        started = time.monotonic()   # the file writable again: healthy again within PROBE_TTL, no restart
        while (resp := await client.get("/healthz")).status == 503:
            assert time.monotonic() - started < PROBE_TTL + 2, await resp.text()
            await asyncio.sleep(0.1)
        assert await wf.say(client, "wangfang", "P-1 已完成") != FAILED


async def test_healthz_is_ok_while_writes_go_through_and_questions_log_nothing(org, db_url, app_over, caplog):
    client = await app_over(db_url)
    with caplog.at_level(logging.DEBUG):
        assert "王芳" in await wf.say(client, "wangfang", "我的清单")      # answered read-only first
        assert "已" in await wf.say(client, "wangfang", "P-1 已完成")
        resp = await client.get("/healthz")
    assert resp.status == 200 and await resp.json() == {"status": "ok"}
    assert not [r for r in caplog.records if r.getMessage().startswith("database writes fail")]


def test_write_failure_names_read_only_full_disk_and_nothing_else():
    import sqlite3

    def sqlite_error(code: int) -> sqlite3.OperationalError:
        exc = sqlite3.OperationalError("x")
        exc.sqlite_errorcode = code
        return exc

    assert "只读" in write_failure(sqlite_error(8))
    assert write_failure(sqlite_error(13)) == "磁盘已满"
    assert write_failure(sqlite_error(5)) is None          # locked: busy, not broken
    assert write_failure(ValueError("x")) is None


def test_a_shm_file_that_cannot_be_written_stops_a_command_with_one_line(tmp_path, standin):
    """A ``-shm`` file the process cannot write (left by another user) makes writes fail and can
    bring the process down (SIGBUS): the command stops first, naming the file, in one line."""
    import sqlite3

    from tests.support.cli import qingdan
    from tests.support.config import write_config

    db = tmp_path / "qingdan.db"
    holder = sqlite3.connect(db)                 # another process's connection keeps -wal and -shm there
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x)")
    holder.commit()
    shm = tmp_path / "qingdan.db-shm"
    assert shm.exists()
    config = write_config(tmp_path / "config.toml", f"sqlite:///{db}", standin.base_url)
    try:
        with read_only(shm):
            out = qingdan("remind", "--at", "2026-11-25T09:00+08:00", config=config)
    finally:
        holder.close()
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "不可写" in lines[0] and str(shm) in lines[0], out.stderr

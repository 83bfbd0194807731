"""Fresh databases for tests, on SQLite and on PostgreSQL, with the schema built by the migrations
exactly as ``qingdan init-db`` builds it in production.

PostgreSQL is $QINGDAN_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test);
each database is a schema of its own, dropped afterwards. When no server answers, PostgreSQL
tests are skipped — unless $QINGDAN_TEST_REQUIRE_PG is set (``.ci/run`` sets it), then they fail.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("QINGDAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ENGINES = ("sqlite", "postgresql")


def _pg_unavailable(exc: Exception) -> None:
    if os.environ.get("QINGDAN_TEST_REQUIRE_PG"):
        raise exc
    pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}")


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database of ``kind`` ("sqlite" or "postgresql"), removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'qingdan.db'}"
        return
    schema = f"qingdan_test_{secrets.token_hex(5)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        admin.dispose()
        _pg_unavailable(exc)
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

"""Fresh databases for tests, on SQLite and on PostgreSQL, and the schema built by the migrations
exactly as ``qingdan init-db`` builds it in production.

PostgreSQL is $QINGDAN_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test);
each database is a schema of its own, dropped afterwards. When no server answers, PostgreSQL
tests are skipped — unless $QINGDAN_TEST_REQUIRE_PG is set (``.ci/run`` sets it), then they fail.

Running the migrations costs about a second a database, so they run once per test session and
engine, into a template (``Templates``), and each test gets a copy of what they built: SQLite
copies the template's file, PostgreSQL replays the template schema as ``pg_dump`` writes it (its
tables, sequences, indexes, constraints and alembic revision) into the test's own schema. The
template is built in the session from the migrations of the checkout under test and never kept
on disk between sessions, so a new migration is always in it. ``tests/models/test_migrations.py``
runs the migrations themselves from empty on both engines and checks the copy against them.
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from models.db import init_db, make_engine

PG_URL = os.environ.get("QINGDAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ENGINES = ("sqlite", "postgresql")
TEMPLATE_MARK = "qingdan_template_schema"       # stands for the test's schema in the replayed script


def _pg_unavailable(exc: Exception) -> None:
    if os.environ.get("QINGDAN_TEST_REQUIRE_PG"):
        raise exc
    pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}")


def _schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


def _schema_of(url: str) -> str:
    return url.rsplit("search_path%3D", 1)[1]


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
    try:
        yield _schema_url(schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _pg_dump_script(schema: str) -> str | None:
    """The schema ``schema`` as SQL statements naming it ``TEMPLATE_MARK``, or None without pg_dump."""
    if shutil.which("pg_dump") is None:
        return None
    url = make_url(PG_URL)
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    dump = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "--schema", schema,
                           "--dbname", target], capture_output=True, text=True, env=env, timeout=120)
    if dump.returncode != 0:
        return None
    data = subprocess.run(["pg_dump", "--data-only", "--inserts", "--table", f"{schema}.alembic_version",
                           "--dbname", target], capture_output=True, text=True, env=env, timeout=120)
    if data.returncode != 0:
        return None
    kept = [line for line in (dump.stdout + "\n" + data.stdout).splitlines()
            if line and not line.startswith(("--", "\\", "SET ", "SELECT pg_catalog.set_config", "CREATE SCHEMA"))]
    return "\n".join(kept).replace(schema, TEMPLATE_MARK)


class Templates:
    """The schema the migrations build, once per session and engine, and copies of it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._sqlite: Path | None = None
        self._pg_script: str | None = None
        self._pg_built = False

    def _sqlite_file(self) -> Path:
        if self._sqlite is None:
            path = self.folder / "template.db"
            engine = make_engine(f"sqlite:///{path}")
            init_db(engine)
            engine.dispose()               # the last connection closed: the WAL is in the file
            self._sqlite = path
        return self._sqlite

    def _pg(self) -> str | None:
        if not self._pg_built:
            with fresh_database("postgresql", self.folder) as url:
                engine = make_engine(url)
                init_db(engine)
                engine.dispose()
                self._pg_script = _pg_dump_script(_schema_of(url))
            self._pg_built = True
        return self._pg_script

    def fill(self, url: str) -> None:
        """Give the empty database at ``url`` (from ``fresh_database``) the migrated schema."""
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
            shutil.copyfile(self._sqlite_file(), url.removeprefix("sqlite:///"))
            return
        script = self._pg() if url.startswith("postgresql") else None
        if script is None:                 # no pg_dump (or a file already there): migrate this one
            engine = make_engine(url)
            init_db(engine)
            engine.dispose()
            return
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"BEGIN;\n{script.replace(TEMPLATE_MARK, _schema_of(url))}\nCOMMIT;")
        finally:
            admin.dispose()

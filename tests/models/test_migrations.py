"""The migrations build exactly the schema the models describe, on both engines, from empty; and
the schema each test gets (a copy of the session's template, tests/support/databases.py) is the
one they build."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import models.tables  # noqa: F401 - the tables register on SQLModel.metadata
from models.db import init_db, make_engine
from tests.support.databases import fresh_database


def test_the_migrated_schema_matches_the_models(db_url):
    engine = make_engine(db_url)
    init_db(engine)                        # from an empty database, as ``qingdan init-db`` does
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = [d for d in compare_metadata(ctx, SQLModel.metadata)]
    engine.dispose()
    assert diff == []


def shape(engine) -> list[str]:
    """Tables, columns, keys, indexes, constraints, sequences and the revision, as comparable text."""
    ins, pg = inspect(engine), engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        parts = [f"revision {MigrationContext.configure(conn).get_current_revision()}"]
    parts += [f"sequence {name}" for name in sorted(ins.get_sequence_names())] if pg else []
    for table in sorted(ins.get_table_names()):
        parts += [f"{table} column {c}" for c in ins.get_columns(table)]
        parts.append(f"{table} primary key {ins.get_pk_constraint(table)}")
        for kind, rows in (("foreign key", ins.get_foreign_keys(table)), ("index", ins.get_indexes(table)),
                           ("unique", ins.get_unique_constraints(table)), ("check", ins.get_check_constraints(table))):
            parts += sorted(f"{table} {kind} {row}" for row in rows)
    return [p.replace(ins.default_schema_name, "SCHEMA") for p in parts] if pg else parts


def test_each_test_gets_a_copy_of_what_the_migrations_build(db_url, tmp_path, schema_templates):
    migrated = make_engine(db_url)
    init_db(migrated)
    (tmp_path / "copy").mkdir()
    with fresh_database(migrated.dialect.name, tmp_path / "copy") as url:
        schema_templates.fill(url)
        copy = make_engine(url)
        assert shape(copy) == shape(migrated)
        assert len(shape(copy)) > 50
        assert init_db(copy) == init_db(migrated)              # at the newest revision: nothing to do
        copy.dispose()
    migrated.dispose()


def test_instances_starting_together_upgrade_the_schema_once(db_url, tmp_path):
    """Four ``qingdan init-db`` processes at the same moment on an empty database (as instances
    started together): each ends at the newest revision, none fails — on PostgreSQL they take
    turns under an advisory lock; on SQLite the file's write lock does it."""
    import subprocess
    import sys

    from tests.support.config import write_config

    config = write_config(tmp_path / "config.toml", db_url, "http://127.0.0.1:9/cgi-bin/")
    procs = [subprocess.Popen([sys.executable, "-m", "bot", "init-db", "--config", str(config)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [(p.wait(120), *p.communicate()) for p in procs]
    assert [code for code, _, _ in results] == [0, 0, 0, 0], results

"""The migrations build exactly the schema the models describe, on both engines."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models.tables  # noqa: F401 - the tables register on SQLModel.metadata


def test_the_migrated_schema_matches_the_models(bare_engine):
    with bare_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = [d for d in compare_metadata(ctx, SQLModel.metadata)]
    assert diff == []



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

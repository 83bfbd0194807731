"""The schema and the domain operations on PostgreSQL, as production runs them.

Uses $QINGDAN_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test) in a
schema of its own; skipped when no server answers, unless $QINGDAN_TEST_REQUIRE_PG is set (CI).
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from models.db import init_db, make_engine
from models.lookups import unreported
from models.progress import mark_reported, record_progress
from models.tables import Item, Member, MonthlyReport, ProgressUpdate
from tests.conftest import seed

URL = os.environ.get("QINGDAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def pg_engine():
    schema = f"qingdan_test_{secrets.token_hex(4)}"
    admin = create_engine(URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        if os.environ.get("QINGDAN_TEST_REQUIRE_PG"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {URL}: {exc.__class__.__name__}")
    sep = "&" if "?" in URL else "?"
    engine = make_engine(f"{URL}{sep}options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_migrations_and_progress_on_postgresql(pg_engine):
    assert init_db(pg_engine) == init_db(pg_engine)   # upgrading twice is a no-op
    seed(pg_engine)
    at = datetime(2026, 11, 30, 23, 30, tzinfo=TZ)
    with Session(pg_engine) as s:
        wang = s.exec(select(Member).where(Member.account == "wangfang")).one()
        item = s.exec(select(Item).where(Item.code == "P-3")).one()
        record_progress(s, item=item, member=wang, at=at, words="活动室八成了", percent=80)
        mark_reported(s, wang, at, "活动室八成了", TZ)
        unit_id = wang.unit_id
        s.commit()
    with Session(pg_engine) as s:
        upd = s.exec(select(ProgressUpdate)).one()
        assert upd.at == at and upd.at.tzinfo is not None
        assert s.exec(select(MonthlyReport)).one().month == "2026-11"
        assert {m.account for m in unreported(s, unit_id, "2026-11")} == {"liming"}

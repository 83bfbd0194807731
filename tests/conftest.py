"""The one shared set-up: a fresh database per test on SQLite and on PostgreSQL (schema built by
the migrations, once per session: ``tests.support.databases.Templates``), the organisation builder, the stand-in WeCom API, and the real aiohttp app with a
runtime pointed at the stand-in. Helpers live in ``tests/support/``."""
from __future__ import annotations

import gc
from datetime import datetime

import pytest

from bot.app import build_app
from bot.runtime import Clock, Runtime
from bot.wecom_standin import StandIn, ThreadedStandIn
from models.db import make_engine
from tests.support import org as org_support
from tests.support import wecom as wf
from tests.support.clock import NOW, TZ
from tests.support.config import SECRET, make_config
from tests.support.databases import ENGINES, Templates, fresh_database


@pytest.fixture(autouse=True)
def collector_threshold():
    """``bot.cli.main`` raises the cycle collector's threshold for its process; a test that calls it
    directly leaves the next test Python's own."""
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


@pytest.fixture(params=ENGINES)
def db_url(request, tmp_path):
    """A new, empty database: every test that touches the database runs on both engines."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def schema_templates(tmp_path_factory) -> Templates:
    return Templates(tmp_path_factory.mktemp("templates"))


@pytest.fixture
def bare_engine(db_url, schema_templates):
    """The schema as ``qingdan init-db`` makes it (a copy of this session's), and no rows."""
    schema_templates.fill(db_url)
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def org(bare_engine) -> org_support.Org:
    """机关党委 with two branches, their people and items (``tests.support.org.branches``)."""
    return org_support.branches(bare_engine)


@pytest.fixture
def engine(bare_engine, org):
    """The database with the ``org`` organisation in it."""
    return bare_engine


@pytest.fixture
async def standin():
    async with StandIn(corp_id=wf.CORP_ID, secret=SECRET) as s:
        yield s


@pytest.fixture
def threaded_standin():
    """The stand-in in a thread of its own, for tests that run ``qingdan`` commands (``tests.support.cli``)."""
    with ThreadedStandIn(corp_id=wf.CORP_ID, secret=SECRET) as s:
        yield s


@pytest.fixture
def config(db_url, standin):
    return make_config(db_url, standin.base_url)


@pytest.fixture
def runtime(engine, config):
    """A runtime whose clock reads ``NOW`` (2026-11-20 10:00 Shanghai)."""
    clock = Clock(TZ)
    clock.offset = NOW - datetime.now(TZ)
    rt = Runtime.build(config, clock=clock)
    yield rt
    rt.close()


@pytest.fixture
async def client(runtime, aiohttp_client):
    return await aiohttp_client(build_app(runtime))

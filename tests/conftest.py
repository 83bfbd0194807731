"""Shared fixtures: a real SQLite file with a small organisation, the stand-in WeCom API,
and the real aiohttp app with a runtime pointed at the stand-in."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import Config
from bot.runtime import Clock, Runtime
from bot.wecom_standin import StandIn
from models.db import init_db, make_engine, session_scope
from models.tables import Item, Member, StarScore, Unit
from tests import wecom_fixture as wf

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def seed(engine) -> None:
    """机关党委 with two branches; a secretary, members, an administrator, and their items."""
    with session_scope(engine) as s:
        root = Unit(name="机关党委", kind="机关党委")
        s.add(root)
        s.flush()
        b1 = Unit(name="第一党支部", kind="党支部", parent_id=root.id)
        b2 = Unit(name="第二党支部", kind="党支部", parent_id=root.id)
        s.add_all([b1, b2])
        s.flush()
        people = [
            Member(account="jiwei", name="纪伟", unit_id=root.id, title="机关党委书记"),
            Member(account="liming", name="李明", unit_id=b1.id, title="支部书记"),
            Member(account="wangfang", name="王芳", unit_id=b1.id, title="党员"),
            Member(account="zhaolei", name="赵磊", unit_id=b1.id, title="党员", is_admin=True),
            Member(account="sunli", name="孙丽", unit_id=b2.id, title="支部书记"),
            Member(account="zhouqiang", name="周强", unit_id=b2.id, title="党员"),
        ]
        s.add_all(people)
        s.flush()
        by = {m.account: m for m in people}

        def item(owner, kind, code, title, **kw):
            s.add(Item(kind=kind, code=code, title=title, owner_id=by[owner].id, unit_id=by[owner].unit_id,
                       year=2026, **kw))

        item("wangfang", "project", "P-1", "制定年度学习计划", deadline=date(2026, 12, 31))
        item("wangfang", "project", "P-2", "开展主题党日活动", deadline=date(2026, 11, 10))
        item("wangfang", "project", "P-3", "建设党员活动室", deadline=date(2026, 12, 20))
        item("wangfang", "rectification", "Z-1", "党费收缴不规范", deadline=date(2026, 11, 30), source="巡察")
        item("liming", "responsibility", "R-1", "每月召开支委会", target_count=12, done_count=9, percent=75,
             status="in_progress")
        item("liming", "responsibility", "R-3", "支部书记讲党课", target_count=2)
        item("liming", "rectification", "Z-2", "党员活动室未按标准建设", deadline=date(2026, 10, 31))
        item("zhouqiang", "project", "P-9", "撰写调研报告", deadline=date(2026, 12, 1))
        s.add(StarScore(unit_id=b1.id, year=2026, organisation=14, team=14, system=14, venue=14, activities=14,
                        performance=14, satisfaction_score=14, satisfaction_rate=92))
        s.add(StarScore(unit_id=b2.id, year=2026, organisation=14, team=14, system=14, venue=14, activities=14,
                        performance=14, satisfaction_score=14, satisfaction_rate=92, three_meetings_ok=False))


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'qingdan.db'}")
    init_db(eng)
    seed(eng)
    yield eng
    eng.dispose()


@pytest.fixture
async def standin():
    async with StandIn(corp_id=wf.CORP_ID, secret="test-secret") as s:
        yield s


def make_config(db_url: str, api_base_url: str) -> Config:
    cfg = Config()
    cfg.wecom.corp_id, cfg.wecom.agent_id, cfg.wecom.secret = wf.CORP_ID, wf.AGENT_ID, "test-secret"
    cfg.wecom.token, cfg.wecom.encoding_aes_key, cfg.wecom.api_base_url = wf.TOKEN, wf.AES_KEY, api_base_url
    cfg.wecom.max_retries = 2
    cfg.database.url = db_url
    return cfg


@pytest.fixture
def runtime(engine, standin):
    """A runtime whose clock reads ``NOW`` (2026-11-20 10:00 Shanghai)."""
    cfg = make_config(engine.url.render_as_string(hide_password=False), standin.base_url)
    clock = Clock(TZ)
    clock.offset = NOW - datetime.now(TZ)
    rt = Runtime.build(cfg, clock=clock)
    yield rt
    rt.close()


@pytest.fixture
async def client(runtime, aiohttp_client):
    from bot.app import build_app

    return await aiohttp_client(build_app(runtime))

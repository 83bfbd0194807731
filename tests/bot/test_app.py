"""bot.app: /healthz says whether the database takes writes (more: test_health.py); start-up loads reply understanding once."""
from __future__ import annotations

import asyncio
import shutil
import time

from bot.app import build_app, preload
from bot.nlu import segmenter
from bot.runtime import Runtime
from models.db import init_db, make_engine
from models.health import PROBE_TTL
from tests.support.config import make_config


async def test_healthz_is_ok_while_the_database_answers(client):
    resp = await client.get("/healthz")
    assert resp.status == 200 and await resp.json() == {"status": "ok"}


async def test_healthz_is_503_when_the_database_stops_answering(aiohttp_client, standin, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite:///{folder / 'qingdan.db'}"
    init_db(make_engine(url))
    runtime = Runtime.build(make_config(url, standin.base_url))
    try:
        client = await aiohttp_client(build_app(runtime))
        assert (await client.get("/healthz")).status == 200
        runtime.engine.dispose()
        shutil.rmtree(folder)                           # the disk went away: no connection opens
        started = time.monotonic()
        while (resp := await client.get("/healthz")).status == 200:    # the last probe's answer, for a moment
            assert time.monotonic() - started < PROBE_TTL + 1
            await asyncio.sleep(0.1)
        assert resp.status == 503
        assert await resp.json() == {"status": "database unavailable", "reason": "无法打开数据库文件"}
    finally:
        runtime.close()


def test_start_up_teaches_reply_understanding_every_item_title(org, runtime):
    """An item's title is a word from the first reply on: start-up adds every title to the dictionary."""
    title = {"sqlite": "甲乙丙丁", "postgresql": "戊己庚辛"}[runtime.engine.dialect.name] + "台账数字化专项"
    org.item("wangfang", "P-7", title, kind="project")
    assert not segmenter.is_word(title)
    assert preload(runtime) >= 0
    assert segmenter.is_word(title)

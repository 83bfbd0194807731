"""bot.wecom_media: media/get bounded by size (the header and the bytes read) and by time, its
trouble one Chinese line with no token; against the stand-in and a WeCom that lies about sizes."""
from __future__ import annotations

import asyncio
import secrets

import pytest
from aiohttp import web

from bot.config import WeComConfig
from bot.wecom import WeComSender
from bot.wecom_media import MediaUnavailable
from tests.support import wecom as wf
from tests.support.config import SECRET


def sender_for(base_url: str) -> WeComSender:
    return WeComSender(WeComConfig(corp_id=wf.CORP_ID, agent_id=wf.AGENT_ID, secret=SECRET,
                                   api_base_url=base_url, max_retries=0, timeout=5))


async def test_the_bytes_of_a_media_id_come_back(standin):
    data = secrets.token_bytes(300_000)
    sender = sender_for(standin.base_url)
    try:
        assert await sender.download_media(standin.state.add_media(data), 2**20, 5) == data
    finally:
        await sender.aclose()


async def test_an_unknown_media_id_is_one_chinese_line_without_the_token(standin):
    sender = sender_for(standin.base_url)
    try:
        with pytest.raises(MediaUnavailable) as caught:
            await sender.download_media("no-such-media", 2**20, 5)
    finally:
        await sender.aclose()
    assert "超过3天或已失效" in str(caught.value) and "access_token" not in str(caught.value)


def lying_wecom(size: int, *, declared: int | None, delay: float = 0.0) -> web.Application:
    """gettoken, and a media/get that streams ``size`` bytes, declaring ``declared`` (None: chunked)."""
    async def gettoken(request: web.Request) -> web.Response:
        return web.json_response({"errcode": 0, "access_token": "t", "expires_in": 7200})

    async def media_get(request: web.Request) -> web.StreamResponse:
        res = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
        if declared is not None:
            res.content_length = declared
        else:
            res.enable_chunked_encoding()
        await res.prepare(request)
        await asyncio.sleep(delay)
        for _ in range(size // 65536):
            await res.write(b"\xff" * 65536)
        return res

    app = web.Application()
    app.router.add_get("/cgi-bin/gettoken", gettoken)
    app.router.add_get("/cgi-bin/media/get", media_get)
    return app


async def test_a_stream_past_the_limit_is_cut_off_though_no_length_was_declared(aiohttp_server):
    server = await aiohttp_server(lying_wecom(4 * 2**20, declared=None))
    sender = sender_for(str(server.make_url("/cgi-bin/")))
    try:
        with pytest.raises(MediaUnavailable, match="大小超过1MB"):
            await sender.download_media("m", 2**20, 5)
    finally:
        await sender.aclose()


async def test_a_declared_length_past_the_limit_is_refused_before_reading(aiohttp_server):
    server = await aiohttp_server(lying_wecom(65536, declared=20 * 2**20))
    sender = sender_for(str(server.make_url("/cgi-bin/")))
    try:
        with pytest.raises(MediaUnavailable, match="大小超过10MB"):
            await sender.download_media("m", 10 * 2**20, 5)
    finally:
        await sender.aclose()


async def test_a_download_that_takes_too_long_is_given_up(aiohttp_server):
    server = await aiohttp_server(lying_wecom(65536, declared=None, delay=3))
    sender = sender_for(str(server.make_url("/cgi-bin/")))
    try:
        with pytest.raises(MediaUnavailable, match="下载超过0.5秒"):
            await sender.download_media("m", 2**20, 0.5)
    finally:
        await sender.aclose()

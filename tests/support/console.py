"""Logging in to the console (``bot.console``) as WeCom would have a person do it, through the
stand-in's OAuth and SSO pages (``bot.wecom_standin_login``), by HTTP; and the console served for
a real browser (``LiveConsole``: the app and the stand-in on an event loop in a thread)."""
from __future__ import annotations

import asyncio
import re
import secrets
import threading
from datetime import datetime
from html import unescape

import aiohttp
from aiohttp import web
from yarl import URL

from bot.app import build_app
from bot.config import Config
from bot.runtime import Clock, Runtime
from bot.wecom_standin import StandIn
from tests.support import wecom as wf
from tests.support.clock import NOW, TZ
from tests.support.config import SECRET, make_config

WECOM_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh ColorScheme/Light")
PC_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"


def console_config(db_url: str, standin: StandIn) -> Config:
    """The tests' configuration with the console's logins pointed at the stand-in too."""
    cfg = make_config(db_url, standin.base_url)
    cfg.wecom.oauth_url, cfg.wecom.sso_url = standin.oauth_url, standin.sso_url
    return cfg


async def begin(client, ua: str = PC_UA, path: str = "/console/") -> URL:
    """Open ``path`` without a session: where the console sends the browser (WeCom's login)."""
    resp = await client.get(path, headers={"User-Agent": ua}, allow_redirects=False)
    assert resp.status == 302, await resp.text()
    return URL(resp.headers["Location"])


async def wecom_answers(login: URL, account: str) -> URL:
    """What the stand-in's login page at ``login`` redirects back to once ``account`` logs in:
    OAuth for the person signed in to the WeCom client, SSO after the form is sent."""
    async with aiohttp.ClientSession() as http:
        if login.path.startswith("/connect/"):
            resp = await http.get(login.with_fragment(None), allow_redirects=False,
                                  cookies={"standin_wecom_user": account})
        else:
            resp = await http.post(login.with_query(None), data={**login.query, "userid": account},
                                   allow_redirects=False)
        assert resp.status == 302, await resp.text()
        return URL(resp.headers["Location"])


async def come_back(client, back: URL):
    """The browser following WeCom's redirect back to the console."""
    return await client.get(back.path_qs, allow_redirects=False)


async def login(client, account: str, ua: str = PC_UA, path: str = "/console/"):
    """Log ``account`` in; the answer of ``/console/auth`` (a redirect to ``path``)."""
    resp = await come_back(client, await wecom_answers(await begin(client, ua, path), account))
    assert resp.status == 302 and resp.headers["Location"] == path, await resp.text()
    return resp


async def log_in_as(client, account: str) -> None:
    """Log in afresh as ``account`` (the cookies of whoever was logged in are dropped)."""
    client.session.cookie_jar.clear()
    await login(client, account)


async def fetch(client, path: str, status: int = 200):
    """GET ``path`` (no redirect followed), checked to answer ``status``: the response and its body."""
    resp = await client.get(path, allow_redirects=False)
    body = await resp.read()
    assert resp.status == status, body.decode(errors="replace")
    return resp, body


def page_text(html: str) -> str:
    """A page's words, tags dropped and entities read."""
    return unescape(re.sub(r"<[^>]+>", " ", html))


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html)[1]


class LiveConsole:
    """The stand-in and the real app (``build_app``) on 127.0.0.1, on an event loop of their own
    thread, the runtime's clock at ``NOW``: for a browser, which the test drives synchronously."""

    def __init__(self, db_url: str):
        self.db_url = db_url
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="console-live", daemon=True)
        self.runtime: Runtime | None = None
        self.url = ""

    def __enter__(self) -> LiveConsole:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(60)
        return self

    async def _start(self) -> None:
        self.standin = await StandIn(corp_id=wf.CORP_ID, secret=SECRET).start()
        clock = Clock(TZ)
        clock.offset = NOW - datetime.now(TZ)
        self.runtime = Runtime.build(console_config(self.db_url, self.standin), clock=clock)
        self._runner = web.AppRunner(build_app(self.runtime), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    def say(self, account: str, text: str) -> str:
        """``text`` from ``account`` as WeCom posts it to the running app; the passive reply."""
        async def post() -> str:
            async with aiohttp.ClientSession(base_url=self.url) as http:
                return await wf.say(http, account, text)

        return asyncio.run_coroutine_threadsafe(post(), self._loop).result(30)

    def send_photo(self, account: str, data: bytes) -> str:
        """A photo from ``account`` (an image message whose MediaId the stand-in serves); the reply."""
        async def post() -> str:
            media_id = self.standin.state.add_media(data, "image")
            async with aiohttp.ClientSession(base_url=self.url) as http:
                return await wf.deliver(http, wf.image_xml(account, secrets.randbelow(10**9), media_id=media_id))

        return asyncio.run_coroutine_threadsafe(post(), self._loop).result(30)

    async def _stop(self) -> None:
        await self._runner.cleanup()
        await self.standin.stop()

    def __exit__(self, *exc) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(30)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            if self.runtime:
                self.runtime.close()

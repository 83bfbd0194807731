"""The bot as the demo runs it: the real aiohttp app and the local WeCom stand-in on 127.0.0.1, on an
event loop in a background thread, so that the terminal can stay in the main thread.

``demo_config`` gives the configuration: a generated WeCom configuration (random token,
EncodingAESKey, corp id) and the demo's SQLite file. ``DemoServer`` then talks as a member
(``say``: a text-message XML with a fresh MsgId, encrypted and signed with the demo token, POSTed
to ``/wecom/callback``, the encrypted passive reply decrypted), taps a card's button (``tap``: the
``template_card_event`` WeCom would post, the same way), runs the scheduled pushes due at a
moment of the demo clock (``run_due``, the production path of ``schedules.runner``), and hands over
what the stand-in recorded (``drain``).
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import queue
import secrets
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web
from sqlmodel import select

from bot import config as config_mod
from bot.app import build_app
from bot.config import Config
from bot.demo.folder import DB_FILE
from bot.runtime import Clock, Runtime
from bot.wecom_standin import StandIn, card_event_xml, open_reply, seal_callback, text_message_xml
from models.db import session_scope
from models.tables import Member, PushLog, PushStatus
from schedules.digests import PUSHES
from schedules.runner import run_due
from schedules.timetable import due, quiet_at
from schedules.upcoming import next_push_at


def demo_config(config_path: str | None, data_dir: Path) -> Config:
    """The configuration (the schedule and zone of ``--config`` / ``$QINGDAN_CONFIG`` /
    ``./config.toml`` if there is one, else the defaults) with the database on the demo's SQLite
    file and a freshly generated WeCom configuration: a real one is neither needed nor used."""
    cfg = config_mod.load(config_path)
    cfg.database.url = f"sqlite:///{(data_dir / DB_FILE).resolve()}"
    w = cfg.wecom
    w.corp_id = "wwdemo" + secrets.token_hex(5)
    w.agent_id = 1000002
    w.secret = secrets.token_urlsafe(24)
    w.token = secrets.token_urlsafe(16)
    w.encoding_aes_key = base64.b64encode(os.urandom(32)).decode().rstrip("=")   # 43 characters
    w.api_base_url = "http://127.0.0.1:0/cgi-bin/"    # the stand-in's, once it has a port
    w.max_retries = 1
    w.timeout = 5.0
    cfg.require_wecom()
    return cfg


class DemoServer:
    """The WeCom stand-in and the real app on 127.0.0.1, on an event loop in its own thread.

    Use it as a context manager. ``pushes`` receives every message the stand-in records (what
    would have gone to WeCom); ``drain`` empties it.
    """

    def __init__(self, cfg: Config, clock: Clock):
        self.cfg = cfg
        self.clock = clock
        self.pushes: queue.Queue = queue.Queue()
        self.runtime: Runtime | None = None
        self.standin: StandIn | None = None
        self.callback_url = ""
        self.console_url = ""
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="qingdan-demo", daemon=True)

    # -- life cycle -------------------------------------------------------------------------
    def __enter__(self) -> DemoServer:
        self._thread.start()
        try:
            self._call(self._start())
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self._thread.is_alive():
            try:
                self._call(self._stop(), timeout=10)
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(10)
        if self.runtime:
            self.runtime.close()

    def _call(self, coro, timeout: float | None = 60):
        """Run ``coro`` on the server loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _start(self) -> None:
        w = self.cfg.wecom
        self.standin = await StandIn(corp_id=w.corp_id, secret=w.secret).start()
        self.standin.state.listeners.append(self.pushes.put)
        w.api_base_url = self.standin.base_url
        w.oauth_url, w.sso_url = self.standin.oauth_url, self.standin.sso_url    # the console logs in here
        self.runtime = Runtime.build(self.cfg, clock=self.clock)
        self.standin.state.people = await asyncio.to_thread(self._people)
        self.standin.state.known_users = {account for account, _ in self.standin.state.people}
        self._runner = web.AppRunner(build_app(self.runtime), access_log=None)
        await self._runner.setup()      # runs on_startup: reply understanding is loaded here
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.callback_url = f"http://127.0.0.1:{port}/wecom/callback"
        self.console_url = f"http://127.0.0.1:{port}/console/"
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    async def _stop(self) -> None:
        """Close whatever ``_start`` got as far as opening."""
        for closer in (self._http and self._http.close, self._runner and self._runner.cleanup,
                       self.standin and self.standin.stop):
            if closer:
                await closer()

    def _people(self) -> list[tuple[str, str]]:
        """Every member (the stand-in answers "invalid user" for anybody else), as the console's
        demo login lists them: "王晓东（wangxiaodong）· 市政协机关党委 · 机关党委书记 · 管理员"."""
        from bot.demo.chat import load_people

        return [(p.account, f"{p.name}（{p.account}）· {p.label().replace('·', ' · ')}")
                for p in load_people(self.runtime)]

    # -- talking as a member ----------------------------------------------------------------
    def say(self, account: str, text: str) -> str:
        """Send ``text`` as ``account`` the way WeCom does; the decrypted passive reply ("" if none)."""
        return self._call(self._say(account, text))

    async def _say(self, account: str, text: str) -> str:
        w = self.cfg.wecom
        xml = text_message_xml(w.corp_id, w.agent_id, account, text, secrets.randbits(62),
                               int(self.clock.now().timestamp()))
        return await self._post(xml)

    def tap(self, account: str, task_id: str, key: str) -> tuple[str, list]:
        """Tap the button ``key`` of the card ``task_id`` sent to ``account``, the way WeCom reports
        it: the stand-in issues the tap's ResponseCode, and a ``template_card_event`` carrying it goes
        to the bot, encrypted. The decrypted passive reply, and the card updates the bot made."""
        return self._call(self._tap(account, task_id, key))

    async def _tap(self, account: str, task_id: str, key: str) -> tuple[str, list]:
        w = self.cfg.wecom
        made = len(self.standin.state.updates)
        code = self.standin.state.tap(account, task_id, key)
        xml = card_event_xml(w.corp_id, w.agent_id, account, task_id, key, code,
                             sent_at=int(self.clock.now().timestamp()))
        reply = await self._post(xml)
        return reply, self.standin.state.updates[made:]

    async def _post(self, xml: str) -> str:
        """``xml`` encrypted and posted to the bot's callback as WeCom does; the decrypted passive reply."""
        w = self.cfg.wecom
        params, body = seal_callback(self.runtime.crypto, w.corp_id, w.agent_id, xml)
        async with self._http.post(self.callback_url, params=params, data=body.encode("utf-8"),
                                   headers={"Content-Type": "text/xml"}) as resp:
            answer = await resp.text()
            if resp.status != 200:
                raise RuntimeError(f"回调返回 HTTP {resp.status}：{answer[:200]}")
        return open_reply(self.runtime.crypto, answer)

    # -- the scheduled pushes ---------------------------------------------------------------
    def run_due(self, at: datetime) -> list[tuple[str, list]]:
        """Run every push due at ``at`` in one go, as ``qingdan remind`` and the scheduler do (so a
        person due two pushes gets them in one message); returns the messages the stand-in
        recorded grouped by what their recipient got, e.g. ("月报提醒", [...]), ("月报提醒、截止提醒", [...])."""
        occasions = due(at, self.cfg.schedule)
        if not occasions:
            return []
        self._call(run_due(self.cfg, self.runtime.engine, self.runtime.sender, at), timeout=120)
        labels = self._labels_sent([o.key for o in occasions], {o.key: PUSHES[o.kind].label for o in occasions})
        grouped: dict[str, list] = {}
        for message in self.drain():
            who = message.touser[0] if message.touser else ""
            grouped.setdefault("、".join(labels.get(who, [])) or "推送", []).append(message)
        return list(grouped.items())

    def _labels_sent(self, keys: list[str], label: dict[str, str]) -> dict[str, list[str]]:
        """Account → the labels of the occasions ``keys`` (in that order) the push log has as sent to them."""
        order = {key: i for i, key in enumerate(keys)}
        out: dict[str, list[tuple[int, str]]] = {}
        with session_scope(self.runtime.engine) as s:
            rows = s.exec(select(Member.account, PushLog.occasion).join(Member, Member.id == PushLog.member_id)
                          .where(PushLog.occasion.in_(keys), PushLog.status == PushStatus.SENT))
            for account, occasion in rows:
                out.setdefault(account, []).append((order[occasion], label[occasion]))
        return {account: [name for _, name in sorted(found)] for account, found in out.items()}

    def settle_past(self, now: datetime) -> None:
        """On new demo data, count what fell due before the demo began as sent, as if the bot
        had been running all year: the first fast-forward then shows only what is new. (Run at
        the last moment outside the quiet hours, when sends are allowed.)"""
        at = now
        for _ in range(24):
            if not quiet_at(at, self.cfg.schedule):
                break
            at -= timedelta(hours=1)
        self.run_due(at)
        self.drain()

    def next_push(self, after: datetime) -> datetime | None:
        """When the next scheduled push that would reach somebody goes out, after ``after``
        (``schedules.upcoming.next_push_at`` on the demo database)."""
        with session_scope(self.runtime.engine) as s:
            return next_push_at(s, after, self.cfg.schedule)

    def drain(self, wait_for: str | None = None, timeout: float = 0.0) -> list:
        """The messages the stand-in recorded since last asked; with ``wait_for``, wait up to
        ``timeout`` seconds for one addressed to that account."""
        got = []
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(queue.Empty):
                while True:
                    got.append(self.pushes.get_nowait())
            if wait_for is None or any(wait_for in m.touser for m in got) or time.monotonic() >= deadline:
                return got
            with contextlib.suppress(queue.Empty):
                got.append(self.pushes.get(timeout=max(0.0, min(0.2, deadline - time.monotonic()))))

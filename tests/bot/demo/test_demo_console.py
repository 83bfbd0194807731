"""``qingdan demo``'s console: its logins point at the demo's own stand-in WeCom, whose login page
lists the demo's people to choose from ("以谁的身份登录"), by HTTP as a browser goes through it."""
from __future__ import annotations

import asyncio
import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import aiohttp

from bot.demo.folder import BOOK_FILE
from bot.demo.organisation import prepare_data
from bot.demo.server import DemoServer, demo_config
from bot.runtime import Clock

TZ = ZoneInfo("Asia/Shanghai")
PC = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"


async def _log_in_as(console_url: str, account: str) -> tuple[str, str]:
    """Through the picker as ``account``: the picker page, then the 管理 page once logged in."""
    jar = aiohttp.CookieJar(unsafe=True)               # cookies for 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=jar, headers={"User-Agent": PC}) as http:
        first = await http.get(console_url + "admin", allow_redirects=False)
        login = first.headers["Location"]
        picker = await (await http.get(login)).text()
        hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', picker))
        back = await http.post(login.split("?")[0], data={**{k: unescape(v) for k, v in hidden.items()},
                                                          "userid": account}, allow_redirects=False)
        auth = await http.get(back.headers["Location"], allow_redirects=False)
        assert auth.headers["Location"] == "/console/admin"
        page = await http.get(console_url + "admin")
        return picker, await page.text()


def test_the_demo_console_logs_in_as_whoever_is_picked(tmp_path):
    cfg = demo_config(None, tmp_path)
    now = datetime(2026, 11, 22, 10, 0, tzinfo=TZ)
    prepare_data(cfg, tmp_path / BOOK_FILE, now)
    with DemoServer(cfg, Clock(cfg.tz, now - datetime.now(TZ))) as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/console/", server.console_url)
        assert cfg.wecom.sso_url == server.standin.sso_url and cfg.wecom.oauth_url == server.standin.oauth_url
        picker, admin = asyncio.run(_log_in_as(server.console_url, "wangxiaodong"))
    assert "以谁的身份登录" in picker
    people = re.findall(r'name="userid" value="([^"]+)"', picker)
    assert len(people) == 22 and "wangxiaodong" in people and "linfeng" in people
    assert "王晓东（wangxiaodong）" in picker and "管理员" in picker
    assert "<h1>管理</h1>" in admin and "王晓东" in admin

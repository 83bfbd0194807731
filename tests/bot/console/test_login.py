"""Logging in to the console with WeCom (bot.console.routes.login): OAuth in WeCom's browser, SSO
elsewhere, through the stand-in's pages; the state, the code's single use and five minutes, the
roll, the session cookie, CSRF on logout, and the limit on failed logins."""
from __future__ import annotations

from datetime import timedelta

import pytest
from yarl import URL

from bot.app import build_app
from bot.console.session import LOGIN_COOKIE, SESSION_COOKIE, safe_next
from bot.texts import LEFT_THE_ROLLS, NOT_A_MEMBER
from tests.support.console import PC_UA, WECOM_UA, begin, come_back, csrf_of, login, wecom_answers
from tests.support.org import leave


async def test_wecom_browser_is_sent_to_oauth_and_a_pc_to_sso(client, standin):
    oauth = await begin(client, WECOM_UA)
    assert str(oauth.with_query(None).with_fragment(None)) == standin.oauth_url
    assert oauth.fragment == "wechat_redirect"
    q = oauth.query
    assert (q["appid"], q["response_type"], q["scope"], q["agentid"]) == ("wwqingdantest", "code", "snsapi_base",
                                                                           "1000002")
    assert URL(q["redirect_uri"]).path == "/console/auth" and len(q["state"]) >= 20
    sso = await begin(client, PC_UA)
    assert str(sso.with_query(None)) == standin.sso_url
    assert sso.query["login_type"] == "CorpApp" and sso.query["appid"] == "wwqingdantest"
    assert sso.query["state"] != q["state"]


@pytest.mark.parametrize("ua", [WECOM_UA, PC_UA], ids=["oauth", "sso"])
async def test_a_member_logs_in_and_gets_a_sealed_session_cookie(client, ua):
    resp = await login(client, "wangfang", ua)
    cookie = resp.cookies[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/console/"
    assert cookie["max-age"] == str(8 * 3600) and not cookie["secure"]
    assert "wangfang" not in cookie.value                 # encrypted, not merely signed
    page = await client.get("/console/")
    assert page.status == 200 and "王芳" in await page.text()


async def test_the_cookies_are_secure_when_the_console_is_reached_by_https(runtime, aiohttp_client):
    runtime.config.web.base_url = "https://qingdan.example.gov.cn"
    client = await aiohttp_client(build_app(runtime))
    resp = await client.get("/console/", headers={"User-Agent": PC_UA}, allow_redirects=False)
    assert URL(resp.headers["Location"]).query["redirect_uri"] == "https://qingdan.example.gov.cn/console/auth"
    assert resp.cookies[LOGIN_COOKIE]["secure"]


async def test_a_code_works_once(client):
    back = await wecom_answers(await begin(client), "wangfang")
    assert (await come_back(client, back)).status == 302
    client.session.cookie_jar.clear()
    again = (await begin(client)).query["state"]
    resp = await client.get("/console/auth", params={"code": back.query["code"], "state": again},
                            allow_redirects=False)
    assert resp.status == 400 and "已使用" in await resp.text()
    assert SESSION_COOKIE not in resp.cookies


async def test_a_made_up_code_or_one_older_than_five_minutes_is_refused(client, standin):
    state = (await begin(client)).query["state"]
    made_up = await client.get("/console/auth", params={"code": "forged", "state": state}, allow_redirects=False)
    assert made_up.status == 400 and SESSION_COOKIE not in made_up.cookies
    back = await wecom_answers(await begin(client), "wangfang")
    standin.state.clock = lambda: __import__("time").time() + 301
    old = await come_back(client, back)
    assert old.status == 400 and "5分钟" in await old.text() and SESSION_COOKIE not in old.cookies


async def test_a_state_not_this_browsers_is_refused_and_the_code_not_spent(client):
    back = await wecom_answers(await begin(client), "wangfang")
    forged = await client.get("/console/auth", params={"code": back.query["code"], "state": "x" * 24},
                              allow_redirects=False)
    assert forged.status == 400 and "不是从本浏览器发起" in await forged.text()
    client.session.cookie_jar.clear()                   # another browser, with no login under way
    assert (await come_back(client, back)).status == 400
    assert (await begin(client)) and (await come_back(client, back)).status == 400   # a new state is not this one


async def test_nobody_on_the_rolls_gets_a_chinese_page(client, org):
    stranger = await come_back(client, await wecom_answers(await begin(client), "nobody"))
    assert stranger.status == 403 and NOT_A_MEMBER in await stranger.text()
    leave(org, "zhouqiang")
    left = await come_back(client, await wecom_answers(await begin(client), "zhouqiang"))
    assert left.status == 403 and LEFT_THE_ROLLS in await left.text()
    assert SESSION_COOKIE not in left.cookies


async def test_failed_logins_are_limited_per_address(runtime, aiohttp_client):
    runtime.config.web.login_failures = 3
    client = await aiohttp_client(build_app(runtime))
    for _ in range(3):
        state = (await begin(client)).query["state"]
        await client.get("/console/auth", params={"code": "forged", "state": state}, allow_redirects=False)
    back = await wecom_answers(await begin(client), "wangfang")
    blocked = await come_back(client, back)
    assert blocked.status == 429 and "10分钟后再试" in await blocked.text()
    runtime.clock.offset += timedelta(minutes=10, seconds=1)
    await login(client, "wangfang")


async def test_a_session_ends_after_its_hours_and_a_tampered_cookie_is_none(client, runtime):
    await login(client, "wangfang")
    runtime.clock.offset += timedelta(hours=8, seconds=1)
    assert (await client.get("/console/", allow_redirects=False)).status == 302
    runtime.clock.offset -= timedelta(hours=8, seconds=1)
    assert (await client.get("/console/", allow_redirects=False)).status == 200
    sealed = next(c for c in client.session.cookie_jar if c.key == SESSION_COOKIE).value
    client.session.cookie_jar.clear()
    assert (await client.get("/console/", cookies={SESSION_COOKIE: sealed}, allow_redirects=False)).status == 200
    tampered = sealed[:30] + ("A" if sealed[30] != "A" else "B") + sealed[31:]
    assert (await client.get("/console/", cookies={SESSION_COOKIE: tampered}, allow_redirects=False)).status == 302


async def test_logout_is_a_post_with_the_csrf_token(client):
    await login(client, "wangfang")
    token = csrf_of(await (await client.get("/console/")).text())
    for data in ({}, {"csrf": "wrong"}):
        refused = await client.post("/console/logout", data=data, allow_redirects=False)
        assert refused.status == 403 and "校验码" in await refused.text()
    assert (await client.get("/console/", allow_redirects=False)).status == 200      # still logged in
    assert (await client.get("/console/logout", allow_redirects=False)).status == 405
    out = await client.post("/console/logout", data={"csrf": token}, allow_redirects=False)
    assert out.status == 200 and "已退出" in await out.text()
    assert (await client.get("/console/", allow_redirects=False)).status == 302


async def test_after_login_the_page_first_asked_for_opens(client):
    await login(client, "liming", path="/console/board?kind=project")
    assert safe_next("//evil.example/console/") == safe_next("https://evil.example/") == "/console/"


async def test_the_stand_in_refuses_a_login_wecom_would_refuse(client, standin):
    import aiohttp

    login_url = await begin(client, WECOM_UA)
    async with aiohttp.ClientSession() as http:
        for key, value in (("appid", "wwsomeoneelse"), ("scope", "snsapi_userinfo"), ("redirect_uri", "javascript:x")):
            resp = await http.get(login_url.with_fragment(None).update_query({key: value}), allow_redirects=False,
                                  cookies={"standin_wecom_user": "wangfang"})
            assert resp.status == 400, key
        sso = await begin(client, PC_UA)
        wrong = await http.post(sso.with_query(None), data={**sso.query, "login_type": "ServiceApp",
                                                             "userid": "wangfang"}, allow_redirects=False)
        assert wrong.status == 400


def test_the_address_counted_is_the_one_nginx_saw_only_behind_a_local_proxy():
    from unittest import mock

    from aiohttp.test_utils import make_mocked_request

    from bot.console.limits import client_address

    def request(peer: str, forwarded: str):
        transport = mock.Mock()
        transport.get_extra_info.side_effect = lambda key, default=None: (peer, 40000) if key == "peername" else default
        return make_mocked_request("GET", "/console/auth", headers={"X-Forwarded-For": forwarded}, transport=transport)

    assert client_address(request("127.0.0.1", "1.2.3.4, 5.6.7.8")) == "5.6.7.8"
    assert client_address(request("10.1.2.3", "5.6.7.8")) == "5.6.7.8"
    assert client_address(request("5.6.7.8", "10.0.0.1")) == "5.6.7.8"      # not believed from outside

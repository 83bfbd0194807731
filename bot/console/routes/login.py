"""Logging in to the console with WeCom, and out.

An unauthenticated page request is sent to WeCom: in WeCom's own browser (its User-Agent says
``wxwork``) to OAuth2 ``snsapi_base`` (``[wecom] oauth_url``), elsewhere to 企业微信授权登录
(``[wecom] sso_url``), each with a fresh random ``state`` kept in a sealed cookie for ten minutes.
WeCom comes back to ``/console/auth?code=…&state=…``: the state must be this browser's, the code
is turned into the userid by ``auth/getuserinfo`` (a code works once, for five minutes: WeCom's
rule), the userid must be a member on the rolls; then the session cookie is set. Every failure is
counted against the address (``limits.LoginLimiter``) and answered with a Chinese page; nothing
of the code, the token or a secret is shown or logged.
"""
from __future__ import annotations

import asyncio
import secrets
from urllib.parse import urlencode

from aiohttp import web

from bot.console import CONSOLE, SESSION
from bot.console.limits import client_address
from bot.console.routes.pages import refusal, render_page
from bot.console.session import safe_next
from bot.texts import LEFT_THE_ROLLS, NOT_A_MEMBER
from models.db import read_only_session
from models.lookups import member_by_account

OPEN_PATHS = {"/console/login", "/console/auth"}
AGAIN = ("/console/login", "重新登录")
TOO_MANY = "登录失败次数过多，请10分钟后再试。"
BAD_STATE = "登录请求已过期，或不是从本浏览器发起的，本次未登录。请重新登录。"
BAD_CODE = "企业微信的登录凭证无效、已使用或已过期（每个凭证只能用一次，5分钟内有效），本次未登录。请重新登录。"
NO_WECOM = "暂时无法连接企业微信，本次未登录。请稍后再试。"


def redirect(location: str) -> web.Response:
    return web.Response(status=302, headers={"Location": location})


def in_wecom(request: web.Request) -> bool:
    """WeCom's own browser (on a phone or the PC client): its User-Agent carries ``wxwork``."""
    return "wxwork" in request.headers.get("User-Agent", "").lower()


def _redirect_uri(request: web.Request) -> str:
    base = request.app[CONSOLE].runtime.config.web.base_url or f"{request.scheme}://{request.host}"
    return f"{base}/console/auth"


def wecom_login_url(request: web.Request, state: str) -> str:
    w = request.app[CONSOLE].runtime.config.wecom
    if in_wecom(request):
        query = {"appid": w.corp_id, "redirect_uri": _redirect_uri(request), "response_type": "code",
                 "scope": "snsapi_base", "state": state, "agentid": w.agent_id}
        return f"{w.oauth_url}?{urlencode(query)}#wechat_redirect"
    query = {"login_type": "CorpApp", "appid": w.corp_id, "agentid": w.agent_id,
             "redirect_uri": _redirect_uri(request), "state": state}
    return f"{w.sso_url}?{urlencode(query)}"


def to_login(request: web.Request, after: str | None = None) -> web.Response:
    """To WeCom's login for this browser, coming back to ``after`` (default: the page asked for)."""
    state = secrets.token_urlsafe(18)
    response = redirect(wecom_login_url(request, state))
    request.app[CONSOLE].cookies.begin_login(response, state, safe_next(after or request.path_qs))
    return response


async def login(request: web.Request) -> web.Response:
    return to_login(request, request.query.get("next"))


def _failed(request: web.Request, status: int, reason: str) -> web.Response:
    request.app[CONSOLE].limiter.failed(client_address(request))
    return refusal(request, status, reason, AGAIN)


async def auth(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    if console.limiter.blocked(client_address(request)):
        return refusal(request, 429, TOO_MANY)
    after = console.cookies.login_under_way(request, request.query.get("state", ""))
    code = request.query.get("code", "")
    if after is None or not code:
        return _failed(request, 400, BAD_STATE if after is None else BAD_CODE)
    userid, result = await console.runtime.sender.user_of_code(code)
    if userid is None and not result.ok and result.errcode is None:
        return refusal(request, 502, NO_WECOM, AGAIN)
    if userid is None and not result.ok:
        return _failed(request, 400, BAD_CODE)
    account = await asyncio.to_thread(_on_the_rolls, console.runtime.engine, userid)
    if account is None or isinstance(account, bool):
        return _failed(request, 403, LEFT_THE_ROLLS if account is False else NOT_A_MEMBER)
    response = redirect(after)
    console.cookies.start_session(response, account)
    return response


def _on_the_rolls(engine, userid: str | None) -> str | bool | None:
    """The account of the member ``userid`` names; False: they left; None: nobody."""
    if not userid:
        return None
    with read_only_session(engine) as session:
        member = member_by_account(session, userid)
        return None if member is None else (member.account if member.active else False)


async def logout(request: web.Request) -> web.Response:
    """A POST (with the CSRF token, checked by ``guard``): the session cookie is removed."""
    response = await render_page(request, "message.html", 200, title="已退出登录",
                                 reason="您已退出清单控制台。", link=AGAIN)
    request.app[CONSOLE].cookies.end_session(response)
    request[SESSION] = None
    return response


def add_routes(sub: web.Application) -> None:
    sub.router.add_get("/login", login)
    sub.router.add_get("/auth", auth)
    sub.router.add_post("/logout", logout)

"""The stand-in WeCom's side of a console login (``bot.console``): the OAuth2 authorize page of
WeCom's own browser, the 企业微信授权登录 (SSO) page of a PC, and ``auth/getuserinfo``.

* ``/connect/oauth2/authorize`` — WeCom's browser knows who is signed in to the client and
  answers at once with a redirect carrying a code. The stand-in's "client" is the cookie
  ``standin_wecom_user``; without it the page asks which userid to open as (and sets it).
* ``/wwlogin/sso/login`` — in WeCom a QR code scanned with the phone; here a form: the userid
  and 确认登录, which redirects with a code. In the demo (``state.people`` set) both pages list
  the demo's people instead, one button each: "以谁的身份登录".
* ``/cgi-bin/auth/getuserinfo`` — a code is good once and for five minutes (``CODE_SECONDS``),
  as WeCom's; any other is refused with 40029 invalid code.

Codes are issued for the stand-in's ``corp_id`` only (``appid``), to an ``http(s)`` redirect_uri.
"""
from __future__ import annotations

import html
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

CODE_SECONDS = 300
CLIENT_COOKIE = "standin_wecom_user"
INVALID_CODE = {"errcode": 40029, "errmsg": "invalid code"}


@dataclass
class LoginCode:
    userid: str
    issued_at: float
    used: bool = False


def issue_login_code(state, userid: str) -> str:
    """A code for ``userid`` as WeCom puts in the redirect after a login."""
    code = secrets.token_urlsafe(24)
    state.login_codes[code] = LoginCode(userid, state.clock())
    return code


def _page(title: str, body: str, status: int = 200) -> web.Response:
    return web.Response(status=status, content_type="text/html", charset="utf-8", text=(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f'<body><h1>{html.escape(title)}</h1>{body}</body></html>'))


def _refusal(state, q, *extra: str) -> str | None:
    """Why WeCom would not show its login page for these parameters (None: it would)."""
    if q.get("appid") != state.corp_id:
        return "appid 不是本企业的企业ID"
    if not q.get("redirect_uri", "").startswith(("http://", "https://")):
        return "redirect_uri 无效"
    if not q.get("agentid"):
        return "缺少 agentid"
    return next((f"{k} 应为 {v}" for k, v in zip(extra[::2], extra[1::2], strict=True) if q.get(k) != v), None)


def _back(q, userid: str, state) -> web.HTTPFound:
    code = issue_login_code(state, userid)
    sep = "&" if "?" in q["redirect_uri"] else "?"
    return web.HTTPFound(q["redirect_uri"] + sep + urlencode({"code": code, "state": q.get("state", "")}))


def _ask_userid(action: str, q, title: str, button: str, people: list[tuple[str, str]]) -> web.Response:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in q.items())
    if people:
        return _page("以谁的身份登录（演示）", f'<form method="post" action="{action}">{hidden}<ul>' + "".join(
            f'<li><button type="submit" name="userid" value="{html.escape(account)}">{html.escape(label)}</button></li>'
            for account, label in people) + "</ul></form>")
    return _page(title, f'<form method="post" action="{action}">{hidden}'
                        f'<label>企业微信账号（userid）<input name="userid" autofocus></label>'
                        f'<button type="submit">{button}</button></form>')


def add_login_routes(app: web.Application, state, token_refusal) -> None:
    async def authorize(request: web.Request) -> web.Response:
        q = dict(request.query) if request.method == "GET" else dict(await request.post())
        why = _refusal(state, q, "response_type", "code", "scope", "snsapi_base")
        if why:
            return _page("参数错误", f"<p>{html.escape(why)}</p>", 400)
        userid = q.pop("userid", "") or request.cookies.get(CLIENT_COOKIE, "")
        if not userid:
            return _ask_userid("/connect/oauth2/authorize", q, "企业微信（替身）：以谁的身份打开", "打开", state.people)
        found = _back(q, userid, state)
        found.set_cookie(CLIENT_COOKIE, userid, path="/connect/", httponly=True, samesite="Lax")
        raise found

    async def sso(request: web.Request) -> web.Response:
        q = dict(request.query) if request.method == "GET" else dict(await request.post())
        why = _refusal(state, q, "login_type", "CorpApp")
        if why:
            return _page("参数错误", f"<p>{html.escape(why)}</p>", 400)
        userid = q.pop("userid", "")
        if request.method == "GET" or not userid:
            return _ask_userid("/wwlogin/sso/login", q, "企业微信授权登录（替身）", "确认登录", state.people)
        raise _back(q, userid, state)

    async def getuserinfo(request: web.Request) -> web.Response:
        if (refusal := token_refusal(request)) is not None:
            return refusal
        found = state.login_codes.get(request.query.get("code", ""))
        if found is None or found.used or state.clock() - found.issued_at > CODE_SECONDS:
            return web.json_response(INVALID_CODE)
        found.used = True
        return web.json_response({"errcode": 0, "errmsg": "ok", "userid": found.userid})

    app.router.add_route("*", "/connect/oauth2/authorize", authorize)
    app.router.add_route("*", "/wwlogin/sso/login", sso)
    app.router.add_get("/cgi-bin/auth/getuserinfo", getuserinfo)

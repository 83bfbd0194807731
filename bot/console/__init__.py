"""The web console inside ``qingdan serve`` (docs/console.md): pages for members, secretaries and
the organ, logged in with WeCom, server-rendered from jinja2 templates (autoescaped), no script.

Mounted by ``bot.app`` as a sub-application at ``/console/`` (``add_console``); its middleware
(``guard``) is the one door: security headers on every answer, a login for every page but the
login's own (``routes.login``), and the session's CSRF token on every POST. Database work and
rendering run on the database threads (``pages``), never on the event loop.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.console.limits import LoginLimiter
from bot.console.session import Cookies, cookie_key
from bot.runtime import Runtime

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                               "form-action 'self' https: http:; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass
class Console:
    runtime: Runtime
    cookies: Cookies
    limiter: LoginLimiter
    env: jinja2.Environment


log = logging.getLogger(__name__)
CONSOLE = web.AppKey("console", Console)
STATUS_ZH = {404: "没有找到这个页面。", 405: "不能这样打开这个页面。"}
SESSION = "console_session"          # request key: the Session of a logged-in request
MULTIPART = "console_multipart"      # request key: a multipart form's reader, past its csrf field
CSRF_BYTES = 256                     # a csrf field longer than this is not a token


def build_console(runtime: Runtime) -> web.Application:
    """The console as an application to mount at ``/console/``."""
    from bot.console.routes import admin, login, nudge, pages, publicity, read_back, rectifications, stars

    sub = web.Application(middlewares=[guard])
    env = aiohttp_jinja2.setup(sub, loader=jinja2.PackageLoader("bot.console", "templates"), autoescape=True,
                               auto_reload=False,         # templates are read once: no file checked a page
                               undefined=jinja2.StrictUndefined)
    cfg = runtime.config.web
    now = lambda: runtime.clock.now().timestamp()       # noqa: E731 - the runtime's clock, moved by tests and the demo
    sub[CONSOLE] = Console(runtime, Cookies(cookie_key(runtime.config), cfg.secure, cfg.session_hours * 3600, now),
                           LoginLimiter(cfg.login_failures, now), env)
    login.add_routes(sub)
    _evidence_routes(sub)
    pages.add_routes(sub)
    for module in (rectifications, stars, publicity, read_back, nudge, admin):
        module.add_routes(sub)
    if not cfg.base_url:
        log.info("console: [web] base_url not set, logins return to the address each request came by")
    return sub


def add_console(app: web.Application, runtime: Runtime) -> None:
    app.add_subapp("/console/", build_console(runtime))


@web.middleware
async def guard(request: web.Request, handler):
    from bot.console.routes.login import OPEN_PATHS, to_login
    from bot.console.routes.pages import refusal

    console = request.app[CONSOLE]
    session = console.cookies.session(request)
    if session is None and request.path not in OPEN_PATHS:
        response = to_login(request) if request.method in ("GET", "HEAD") else refusal(request, 403, "请先登录。")
    elif request.method == "POST" and not (session and session.csrf_ok(await _csrf_field(request))):
        response = refusal(request, 403, "请求无效：缺少或不符的校验码。请返回页面刷新后重试。")
    else:
        request[SESSION] = session
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            response = refusal(request, exc.status, STATUS_ZH.get(exc.status, "请求无法处理。"))
    served = response.content_type == "image/jpeg" or "Content-Disposition" in response.headers
    cache = response.headers.get("Cache-Control") if served else None
    response.headers.update(HEADERS)
    if cache:                           # a photo's or file's bytes (routes.photos) may be kept by the browser only
        response.headers["Cache-Control"] = cache
    return response


def _evidence_routes(sub: web.Application) -> None:
    """Issue 25's pages: an item's photos (``routes.photos``) and a branch's 三会一课 (``routes.meetings``)."""
    from bot.console.routes import meetings, photos

    for module in (photos, meetings):
        module.add_routes(sub)


async def _csrf_field(request: web.Request) -> str | None:
    """The form's csrf field. A multipart form (an upload) is read as a stream, never whole: its
    first field must be the csrf token; the reader, past it, is left for the route (``MULTIPART``)."""
    if request.content_type != "multipart/form-data":
        return (await request.post()).get("csrf")
    reader = await request.multipart()
    part = await reader.next()
    if part is None or getattr(part, "name", None) != "csrf":
        return None
    token = b""
    while chunk := await part.read_chunk(CSRF_BYTES):
        token += chunk
        if len(token) > CSRF_BYTES:
            return None
    request[MULTIPART] = reader
    return token.decode("utf-8", "replace")

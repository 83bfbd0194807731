"""The console's pages: 我的清单 (``/console/``), 单位 — the 挂图作战 board (``/console/board``),
and a person's whole list (``/console/people/{id}``). Each reads the database and renders on a
database thread (``page``), in one read-only transaction, as the viewer the session names — who
must still be on the rolls; what they may see is ``bot.console.board``'s to decide.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from aiohttp import web
from sqlmodel import Session

from bot.console import CONSOLE, SESSION
from bot.console.board import SIGNALS, Refused, board, my_rows, person, read_filters
from bot.console.board_charts import board_charts
from bot.statuses import KIND_ZH, STATUS_ZH
from bot.texts import LEFT_THE_ROLLS, day, month_zh
from models.db import read_only_session
from models.ladder import Tally, marks_of_year
from models.lookups import member_by_account, month_key
from models.organisation import Tree
from models.tables import Member

Build = Callable[[Session, Member, datetime], tuple[str, dict]]


def _context(request: web.Request, viewer: Member | None, unit: str = "") -> dict:
    session = request.get(SESSION)
    return {"viewer": viewer, "unit_name": unit, "csrf": session.csrf if session else "",
            "lead": bool(viewer and (viewer.is_secretary or viewer.is_admin)), "KIND_ZH": KIND_ZH,
            "STATUS_ZH": STATUS_ZH, "SIGNALS": SIGNALS, "link": None}


def refusal(request: web.Request, status: int, reason: str, link: tuple[str, str] | None = None) -> web.Response:
    """A short Chinese page saying why (403, 404, 429 …); rendered on the loop: it reads nothing."""
    env = request.app[CONSOLE].env
    html = env.get_template("message.html").render(**{**_context(request, None), "title": "无法打开",
                                                      "reason": reason, "link": link})
    return web.Response(status=status, text=html, content_type="text/html", charset="utf-8")


async def render_page(request: web.Request, name: str, status: int = 200, **ctx) -> web.Response:
    html = request.app[CONSOLE].env.get_template(name).render(**{**_context(request, None), **ctx})
    return web.Response(status=status, text=html, content_type="text/html", charset="utf-8")


async def page(request: web.Request, build: Build) -> web.Response:
    """``build`` run for the viewer on a database thread, its template rendered there too."""
    console = request.app[CONSOLE]
    runtime, account = console.runtime, request[SESSION].account
    now = runtime.clock.now().astimezone(runtime.tz)

    def work() -> tuple[int, str, bool]:
        with read_only_session(runtime.engine) as session:
            viewer = member_by_account(session, account)
            if viewer is None or not viewer.active:
                return 403, _message(request, None, "", LEFT_THE_ROLLS), True
            unit = Tree.load(session).name(viewer.unit_id)
            try:
                name, ctx = build(session, viewer, now)
            except Refused as r:
                return r.status, _message(request, viewer, unit, r.reason), False
            return 200, console.env.get_template(name).render(**{**_context(request, viewer, unit), **ctx}), False

    status, html, gone = await asyncio.to_thread(work)
    response = web.Response(status=status, text=html, content_type="text/html", charset="utf-8")
    if gone:
        console.cookies.end_session(response)
    return response


def _message(request: web.Request, viewer: Member | None, unit: str, reason: str) -> str:
    ctx = {**_context(request, viewer, unit), "title": "无法打开", "reason": reason,
           "link": ("/console/", "返回我的清单") if viewer else None}
    return request.app[CONSOLE].env.get_template("message.html").render(**ctx)


def _dates(now: datetime) -> dict:
    return {"today": day(now.date()), "today_year": now.year, "month": month_zh(month_key(now, now.tzinfo))}


async def my_list(request: web.Request) -> web.Response:
    from bot.console.routes.read_back import pending  # it acts through this module's pages

    runtime = request.app[CONSOLE].runtime

    def build(session: Session, viewer: Member, now: datetime) -> tuple[str, dict]:
        rows = my_rows(session, viewer, now.date(), now.tzinfo)
        return "list.html", {"title": "我的清单", "person": viewer, "rows": rows, **_dates(now),
                             "read_back": pending(session, runtime, viewer, now)}

    return await page(request, build)


async def person_page(request: web.Request) -> web.Response:
    raw = request.match_info["member_id"]

    def build(session: Session, viewer: Member, now: datetime) -> tuple[str, dict]:
        if not raw.isdigit() or len(raw) > 12:
            raise Refused(404, "没有这个人。")
        target, rows = person(session, viewer, int(raw), now.date(), now.tzinfo)
        title = "我的清单" if target.id == viewer.id else f"{target.name}的清单"
        marks = marks_of_year(session, now.year)[0].get(target.id, Tally())
        return "list.html", {"title": title, "person": target, "rows": rows, "marks": marks, **_dates(now)}

    return await page(request, build)


async def board_page(request: web.Request) -> web.Response:
    def build(session: Session, viewer: Member, now: datetime) -> tuple[str, dict]:
        filters = read_filters(request.query)
        raw = request.query.get("page", "1")
        number = int(raw) if raw.isdigit() and len(raw) <= 6 else 1
        found = board(session, viewer, filters, now.date(), month_key(now, now.tzinfo), number)
        kept = urlencode([(k, v) for k, v in request.query.items() if k != "page" and v])
        return "board.html", {"title": f"{found.label} 挂图作战", "board": found, "page_query": kept, **_dates(now),
                              **board_charts(session, found, now.date())}

    return await page(request, build)


def add_routes(sub: web.Application) -> None:
    sub.router.add_get("/", my_list)
    sub.router.add_get("/board", board_page)
    sub.router.add_get("/people/{member_id}", person_page)

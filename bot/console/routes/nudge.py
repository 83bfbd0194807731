"""The 催报 button on the 单位 board (``POST /console/board/nudge``): chat's "提醒第二支部没报的" for
the unit of the row — ``models.nudges.plan_unit`` (the unit must lie within the secretary's reach;
the month's non-reporters there and below) and ``handlers.nudge.remind`` (each person at most once
a day, claimed in the push log; the reminder sent after the commit). A second press the same day
reminds nobody again and says so.
"""
from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from bot.console.acting import act, form_number
from bot.console.board import Refused
from bot.router import Message
from bot.texts import NUDGE_SECRETARIES_ONLY
from handlers.nudge import remind
from models.lookups import month_key
from models.nudges import plan_unit
from models.organisation import Tree


def _nudge(msg: Message, form: Mapping) -> tuple[int, str, dict]:
    if not msg.member.is_secretary:
        raise Refused(403, NUDGE_SECRETARIES_ONLY)
    tree = Tree.load(msg.session)
    unit = form_number(form, "unit")
    if unit not in tree.units:
        raise Refused(404, "没有这个单位。")
    month = month_key(msg.at, msg.runtime.tz)
    found = plan_unit(msg.session, tree, msg.member, unit, month)
    if isinstance(found, str):
        raise Refused(403, found)
    return 200, "message.html", {"title": "催报", "reason": remind(msg, tree, found, month),
                                 "link": ("/console/board", "返回单位页面")}


async def nudge(request: web.Request) -> web.Response:
    return await act(request, _nudge)


def add_routes(sub: web.Application) -> None:
    sub.router.add_post("/board/nudge", nudge)

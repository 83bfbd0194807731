"""The console's actions (销号, 退回, a read-back's 确认 or a line changed, 催报): each runs chat's own
code — the handler function, with its rules in ``models`` — on a ``bot.router.Message`` made for
the viewer as if they had typed the words (``as_chat``), in ONE transaction on a database thread,
taking this process's write turn as the callbacks do. What the handler puts in ``msg.outbox`` (the
owner told of a 销号, the nudged reminded) is sent after the commit, as after a callback
(``bot.answering.deliver``). An action refused (``Refused``) writes nothing.

Words kept with what is recorded begin with ``WEB`` ("[网页] 销号"), as a card's tap is kept with
"[按钮] …".
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime

from aiohttp import web
from sqlmodel import Session

from bot.answering import deliver
from bot.console import CONSOLE, SESSION
from bot.console.board import Refused
from bot.console.routes.pages import _context
from bot.router import Message, understand
from bot.runtime import Runtime
from bot.texts import LEFT_THE_ROLLS
from models.conversation import waiting_for
from models.db import session_scope, write_turn
from models.lookups import member_by_account, owners_items
from models.organisation import Tree
from models.tables import Member

WEB = "[网页] "

Run = Callable[[Message, Mapping], tuple[int, str, dict]]     # (msg, the form) → status, template, its context


def as_chat(session: Session, runtime: Runtime, member: Member, at: datetime, text: str = "") -> Message:
    """The ``Message`` chat would make of ``member`` typing ``text`` at ``at``: their items of the
    year numbered as in chat, what the bot waits for from them, the words understood."""
    items = owners_items(session, [member.id], at.year)[member.id]
    return Message(member=member, text=text, parsed=understand(text, items) if text else None, items=items, at=at,
                   session=session, runtime=runtime, waiting=waiting_for(member, at))


async def act(request: web.Request, run: Run) -> web.Response:
    """``run`` for the logged-in viewer in one transaction; its outbox sent after the commit; its
    page rendered (the context's ``reason``: the reply, as the sends turned out). A ``Refused`` rolls the transaction back and is answered with its reason."""
    console = request.app[CONSOLE]
    runtime, account = console.runtime, request[SESSION].account
    now = runtime.clock.now().astimezone(runtime.tz)
    form = await request.post()

    def work() -> tuple[int, str, dict, list, bool]:
        shown, unit = None, ""         # the viewer as the page shows them: a copy, whatever is rolled back
        try:
            with write_turn(runtime.engine), session_scope(runtime.engine) as session:
                viewer = member_by_account(session, account)
                if viewer is None or not viewer.active:
                    return 403, "message.html", _said(request, None, "", LEFT_THE_ROLLS), [], True
                shown, unit = Member(**viewer.model_dump()), Tree.load(session).name(viewer.unit_id)
                msg = as_chat(session, runtime, viewer, now)
                status, name, ctx = run(msg, form)
        except Refused as r:
            return r.status, "message.html", _said(request, shown, unit, r.reason), [], False
        return status, name, {**_context(request, shown, unit), **ctx}, msg.outbox, False

    status, name, ctx, outbox, gone = await asyncio.to_thread(work)
    if outbox:      # the reply as the sends turned out (a nudge says who was not reached)
        ctx["reason"] = await deliver(runtime, outbox, ctx.get("reason", ""))
    html = console.env.get_template(name).render(**ctx)
    response = web.Response(status=status, text=html, content_type="text/html", charset="utf-8")
    if gone:
        console.cookies.end_session(response)
    return response


def _said(request: web.Request, viewer: Member | None, unit: str, reason: str) -> dict:
    """The context of a message page saying ``reason``."""
    return {**_context(request, viewer, unit), "title": "无法办理", "reason": reason,
            "link": ("/console/", "返回我的清单") if viewer else None}


def form_number(form, name: str) -> int:
    """A whole number sent by a form (an id), or 404."""
    raw = form.get(name, "")
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 12:
        raise Refused(404, "没有找到这个页面。")
    return int(raw)

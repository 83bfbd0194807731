"""A read-back from chat on 我的清单 (the 有误，我来改 link of the read-back card): the report the
bot read back (我理解为……) and waits for, shown line by line, to confirm or to change one line.

Each action is chat's own, as if typed: 确认 is ``handlers.read_back.confirm`` (every line stored
once, confirmed); a line's new figure or status is ``handlers.read_back.fix_line`` with
"第3条是60%", a line dropped the same with "第2条删掉". Each form carries the read-back it was
shown (``since``): after a 确认, 取消 or change made meanwhile (in chat or another page), or after
the read-back lapsed, the form records nothing and says so. The summary changed on the page is
not sent to chat again; the card in chat is then out of date, as after a typed change.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlmodel import Session

from bot.console.acting import act, as_chat
from bot.console.board import Refused
from bot.nlu.text import normalize
from bot.router import Message
from bot.runtime import Runtime
from bot.texts import moment
from handlers import read_back
from handlers.summary import shown_lines
from models.conversation import Waiting
from models.tables import Member

OUT_OF_DATE = ("这份核对内容已处理或已变化（此后已确认、取消、修改或超时作废），本次未做任何记录。"
               "请返回我的清单查看。")
BACK = ("/console/", "返回我的清单")
CHANGE_MAX = 40


@dataclass
class Pending:
    since: str                 # when it began waiting: what each form carries
    lines: list[str]           # its numbered lines, as chat shows them
    until: str                 # when it lapses, as chat says it


def pending(session: Session, runtime: Runtime, viewer: Member, now: datetime) -> Pending | None:
    """The read-back waiting for the viewer's 确认, if one is."""
    msg = as_chat(session, runtime, viewer, now)
    state = msg.waiting
    if state is None or state.kind != Waiting.READ_BACK:
        return None
    return Pending(state.since.isoformat(), shown_lines(msg.items, state.lines, msg), moment(state.expires, runtime.tz))


def _still(msg: Message, form: Mapping) -> None:
    state = msg.waiting
    if state is None or state.kind != Waiting.READ_BACK or form.get("since") != state.since.isoformat():
        raise Refused(409, OUT_OF_DATE)


def _done(title: str, reply: str) -> tuple[int, str, dict]:
    return 200, "message.html", {"title": title, "reason": reply, "link": BACK}


def _confirm(msg: Message, form: Mapping) -> tuple[int, str, dict]:
    _still(msg, form)
    msg.text = "确认"
    return _done("已确认保存", read_back.confirm(msg))


def _fix(msg: Message, form: Mapping) -> tuple[int, str, dict]:
    """One line changed ("第3条是60%") or dropped ("第3条删掉"), by chat's own words and code."""
    _still(msg, form)
    raw = str(form.get("line", ""))
    if not raw.isdigit() or len(raw) > 3:
        raise Refused(400, "请从页面上选择要修改的一条。")
    change = normalize(str(form.get("change", ""))).strip()[:CHANGE_MAX]
    if "drop" in form:
        change = "删掉"
    elif not change:
        raise Refused(400, f"请写明第{raw}条要改成什么（如“60%”“已完成”），或点“删掉这条”。")
    elif not change.startswith(("是", "改", "为")):
        change = "是" + change
    msg.text = f"第{raw}条{change}"
    before = (msg.member.waiting, msg.member.waiting_at)
    reply = read_back.fix_line(msg)
    msg.outbox.clear()         # the new summary is this page's, not sent to chat again
    if (msg.member.waiting, msg.member.waiting_at) == before:
        return 400, "message.html", {"title": "未修改", "reason": reply, "link": BACK}
    if msg.member.waiting is None:
        return _done("核对内容已清空", reply)
    return _done("已修改", f"已按“{msg.text}”修改。请返回我的清单核对，无误后点“确认保存”。")


async def confirm(request: web.Request) -> web.Response:
    return await act(request, _confirm)


async def fix(request: web.Request) -> web.Response:
    return await act(request, _fix)


def add_routes(sub: web.Application) -> None:
    sub.router.add_post("/read-back/confirm", confirm)
    sub.router.add_post("/read-back/fix", fix)

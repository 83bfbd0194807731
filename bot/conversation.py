"""From one typed text to one reply: who is speaking, what they mean, which handler answers.

Used by the WeCom callback and by the demo's terminal chat alike.
"""
from __future__ import annotations

import logging
from datetime import datetime

from bot import nlu
from bot.router import Message
from bot.runtime import Runtime
from models.db import session_scope
from models.lookups import member_by_account, my_items
from models.tables import Item

log = logging.getLogger(__name__)

NOT_A_MEMBER = "您好，您还不在本系统的党员名单中，暂时无法使用。如需开通，请联系机关党委管理员。"
NOT_TEXT = "暂时只能识别文字消息。请直接输入文字，例如“我的清单”“第2项完成80%”，回复“帮助”查看全部用法。"
FAILED = "抱歉，处理您的消息时出错了，本次未做任何更改。请稍后再试，或联系管理员。"
WELCOME = "欢迎使用清单助手！回复“我的清单”查看您的任务，回复“帮助”查看全部用法。"


def item_refs(items: list[Item]) -> list[nlu.ItemRef]:
    """The sender's items as reply understanding sees them, in "我的清单" order."""
    return [nlu.ItemRef(id=i.code, title=i.title, kind=i.kind, target=i.target_count) for i in items]


async def answer(runtime: Runtime, account: str, text: str, *, msg_id: str | None = None,
                 at: datetime | None = None) -> str:
    """The reply to ``text`` typed by ``account``; the data changes only if the handler succeeds."""
    at = (at or runtime.clock.now()).astimezone(runtime.tz)
    text = (text or "").strip()
    try:
        with session_scope(runtime.engine) as session:
            member = member_by_account(session, account)
            if member is None:
                return NOT_A_MEMBER
            items = my_items(session, member.id, at.year)
            parsed = nlu.parse(text, item_refs(items))
            msg = Message(member=member, text=text, parsed=parsed, items=items, at=at,
                          session=session, runtime=runtime, msg_id=msg_id)
            return await runtime.dispatcher.feed(msg)
    except Exception:  # noqa: BLE001 - the person always gets an answer; the log gets the trace
        log.exception("handling %r from %s failed", text, account)
        return FAILED

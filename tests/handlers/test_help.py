"""帮助, by role."""
from __future__ import annotations

from handlers.help import show_help


async def test_help_by_role(chat):
    member = await chat.ask(show_help, "wangfang", "帮助", "help")
    assert "第1项完成80%" in member and "撤回" in member and "销号" not in member and "通知收到情况" not in member
    secretary = await chat.ask(show_help, "liming", "帮助", "help")
    assert "销号 Z-1" in secretary and "提醒没报的" in secretary and "通知收到情况" in secretary   # for their own notices
    admin = await chat.ask(show_help, "zhaolei", "帮助", "help")
    assert "通知收到情况" in admin and "销号" not in admin
    for text in (member, secretary, admin):
        assert len(text.encode()) <= 2048

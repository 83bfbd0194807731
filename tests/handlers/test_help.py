"""帮助."""
from __future__ import annotations

from handlers.help import show_help


async def test_help_lists_what_can_be_said(chat):
    assert "第2项完成80%" in await chat.ask(show_help, "wangfang", "帮助", "help")

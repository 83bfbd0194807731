"""Anything not understood."""
from handlers.unknown import not_understood


async def test_unknown_changes_nothing_and_says_what_can_be_said(chat):
    reply = await chat.ask(not_understood, "wangfang", "今天天气不错", "unknown")
    assert "没有看懂" in reply and "未做任何记录" in reply

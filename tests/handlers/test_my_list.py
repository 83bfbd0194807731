"""我的清单."""
from __future__ import annotations

from handlers.my_list import show_my_list


async def test_my_list_numbers_items_and_shows_how_to_reply(chat):
    reply = await chat.ask(show_my_list, "liming", "我的清单", "my_list")
    assert reply.splitlines()[1].startswith("1. [R-1] 每月召开支委会｜已完成9/12次")
    assert "3. [Z-2]" in reply and "（已逾期）" in reply and "回复如" in reply


async def test_my_list_for_someone_with_no_items(chat):
    reply = await chat.ask(show_my_list, "zhaolei", "我的清单", "my_list")
    assert "暂无清单事项" in reply

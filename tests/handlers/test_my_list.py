"""我的清单."""
from __future__ import annotations

from sqlmodel import Session

from bot.nlu import Parse
from handlers.my_list import show_my_list


async def test_my_list_numbers_items_and_shows_how_to_reply(chat):
    reply = await chat.ask(show_my_list, "liming", "我的清单", "my_list")
    assert reply.splitlines()[1].startswith("1. [R-1] 每月召开支委会｜已开展9/12次，落后进度")
    assert "3. [Z-2]" in reply and "（已逾期）" in reply
    assert reply.splitlines()[-1] == "回复如：Z-2已整改到位、第1项本月开展了1次"     # his own items, no 第4项


async def test_my_list_for_someone_with_no_items(chat):
    reply = await chat.ask(show_my_list, "zhaolei", "我的清单", "my_list")
    assert "暂无清单事项" in reply


async def test_a_question_about_one_item_answers_with_that_items_line(chat, engine):
    with Session(engine) as s:
        msg = chat.message(s, "wangfang", "第2项完成了吗？", Parse("my_list", asked_items=["P-2"]))
        reply = show_my_list(msg)
    assert reply.splitlines()[1].startswith("2. [P-2] 开展主题党日活动｜未开始｜截止2026年11月10日（已逾期）")
    assert "[P-1]" not in reply

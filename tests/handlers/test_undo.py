"""撤回 / 更正: the sender's last reply taken back, or moved to the item named."""
from __future__ import annotations

from sqlmodel import Session, select

from handlers.progress import record_updates
from handlers.undo import correct_last_reply
from models.tables import Item, ProgressUpdate
from tests.handlers.conftest import Update


def percent(engine, code: str) -> int:
    with Session(engine) as s:
        return s.exec(select(Item).where(Item.code == code)).one().percent


async def test_nothing_to_take_back_says_so_and_writes_nothing(chat, engine):
    assert await chat.ask(correct_last_reply, "wangfang", "撤回", "unknown") == "24小时内没有您可撤回的进展记录。"
    with Session(engine) as s:
        assert s.exec(select(ProgressUpdate)).all() == []


async def test_take_back_restores_each_item_of_the_last_reply_by_its_number(chat, engine):
    await chat.ask(record_updates, "wangfang", "第1项完成80%，第3项完成50%", "progress",
                   [Update("P-1", "in_progress", 80), Update("P-3", "in_progress", 50)])
    reply = await chat.ask(correct_last_reply, "wangfang", "撤回", "unknown")
    assert reply.startswith("已撤回上一条记录：")
    assert "[P-1] 制定年度学习计划：恢复为未开始" in reply and "[P-3] 建设党员活动室：恢复为未开始" in reply
    assert (percent(engine, "P-1"), percent(engine, "P-3")) == (0, 0)


async def test_not_that_one_moves_the_update_and_says_both_sides(chat, engine):
    await chat.ask(record_updates, "wangfang", "第1项完成80%", "progress", [Update("P-1", "in_progress", 80)])
    reply = await chat.ask(correct_last_reply, "wangfang", "不对，是第3项", "unknown")
    assert reply.startswith("已更正：") and "[P-1] 制定年度学习计划：恢复为未开始" in reply
    assert "第3项 [P-3] 建设党员活动室：进行中 80%" in reply
    assert (percent(engine, "P-1"), percent(engine, "P-3")) == (0, 80)

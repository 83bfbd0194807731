"""整改清单."""
from __future__ import annotations

from handlers.rectifications import show_rectifications
from tests.support.statements import asked_before_and_after_more_units


async def test_rectifications(chat):
    reply = await chat.ask(show_rectifications, "liming", "整改清单", "rectifications")
    assert "共2项" in reply and "[Z-1]" in reply and "[Z-2]" in reply and "（已逾期）" in reply
    assert reply.count("共2项") == 1                 # one unit: its counts once, in the head
    reply = await chat.ask(show_rectifications, "zhouqiang", "整改清单", "rectifications")
    assert "暂无整改事项" in reply


async def test_the_statements_run_do_not_grow_with_the_units_asked_about(chat, engine, org):
    reply, more = await asked_before_and_after_more_units(chat, engine, org, show_rectifications, "jiwei", "整改清单", "rectifications")
    assert "整改事项共2项" in reply and "整改事项共14项" in more, more

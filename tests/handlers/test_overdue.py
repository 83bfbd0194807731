"""逾期事项: the unit for a secretary, their own for a member."""
from __future__ import annotations

from handlers.overdue import show_overdue
from tests.support.statements import asked_before_and_after_more_units


async def test_overdue_secretary_sees_the_unit_member_sees_own(chat):
    reply = await chat.ask(show_overdue, "liming", "有哪些逾期的", "overdue")
    assert "[P-2]" in reply and "王芳" in reply and "[Z-2]" in reply and "已逾期10天" in reply
    reply = await chat.ask(show_overdue, "wangfang", "超期事项", "overdue")
    assert "[P-2]" in reply and "[Z-2]" not in reply
    reply = await chat.ask(show_overdue, "zhouqiang", "超期事项", "overdue")
    assert "没有逾期" in reply


async def test_the_statements_run_do_not_grow_with_the_units_asked_about(chat, engine, org):
    reply, more = await asked_before_and_after_more_units(chat, engine, org, show_overdue, "jiwei", "有哪些逾期的", "overdue")
    assert "逾期事项共" in reply and "[Z-21]" in more, more

"""我这个月报了吗."""
from __future__ import annotations

from handlers.report_status import show_report_status
from tests.support.statements import asked_before_and_after_more_units


async def test_report_status(chat, engine):
    reply = await chat.ask(show_report_status, "wangfang", "我这个月报了吗", "report_status")
    assert "尚未报送" in reply
    reply = await chat.ask(show_report_status, "liming", "本月月报情况", "report_status")
    assert "第一党支部应报2人，已报0人" in reply


async def test_the_statements_run_do_not_grow_with_the_units_asked_about(chat, engine, org):
    reply, more = await asked_before_and_after_more_units(chat, engine, org, show_report_status, "jiwei", "本月月报情况", "report_status")
    assert "应报3人" in reply and "应报15人" in more, more

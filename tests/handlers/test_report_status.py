"""我这个月报了吗."""
from __future__ import annotations

from handlers.report_status import show_report_status


async def test_report_status(chat, engine):
    reply = await chat.ask(show_report_status, "wangfang", "我这个月报了吗", "report_status")
    assert "尚未报送" in reply
    reply = await chat.ask(show_report_status, "liming", "本月月报情况", "report_status")
    assert "第一党支部应报2人，已报0人" in reply

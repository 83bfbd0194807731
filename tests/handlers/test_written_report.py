"""书面月报: "月报：…" counts as the month's report."""
from __future__ import annotations

from sqlmodel import Session, select

from bot.nlu import Parse, Update
from handlers.written_report import _written, receive_written_report
from models.tables import MonthlyReport


async def test_a_written_report_counts_as_reported(chat, engine):
    reply = await chat.ask(receive_written_report, "zhouqiang", "月报：本月完成调研提纲，走访3个科室。", "unknown")
    assert "计为已报送" in reply
    with Session(engine) as s:
        r = s.exec(select(MonthlyReport)).one()
        assert r.month == "2026-11" and r.words.startswith("月报：本月完成调研提纲")
    reply = await chat.ask(receive_written_report, "zhouqiang", "月报：补充一点", "unknown")
    assert "此前已报送" in reply


async def test_a_written_report_naming_items_goes_to_progress(chat, engine):
    with Session(engine) as s:
        def msg(text, parsed):
            return chat.message(s, "wangfang", text, parsed)
        assert _written(msg("月报：走访了3个科室", Parse("unknown")))
        assert not _written(msg("月报：第2项完成80%", Parse("progress", [Update("P-2", None, percent=80)])))
        assert not _written(msg("月报情况", Parse("report_status")))

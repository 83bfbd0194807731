"""书面月报: "月报：…" counts as the month's report; so does "本月无新进展", changing no item."""
from __future__ import annotations

from sqlmodel import Session, select

from bot.nlu import Parse, Update
from handlers.written_report import NO_NEWS, _written, receive_written_report
from models.tables import MonthlyReport, ProgressUpdate
from tests.support import wecom as wf


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


async def test_no_news_typed_counts_as_the_months_report_and_changes_no_item(client, engine):
    reply = await wf.say(client, "wangfang", "本月无新进展")
    assert "计为您2026年11月已报送月报，未更改任何事项" in reply
    with Session(engine) as s:
        assert s.exec(select(MonthlyReport)).one().words == "本月无新进展"
        assert s.exec(select(ProgressUpdate)).all() == []
    assert "此前已报送" in await wf.say(client, "wangfang", "本月没有新进展。")
    assert "未开始 → 已完成" in await wf.say(client, "wangfang", "第1项已完成")     # an item named: progress as ever


def test_what_reads_as_no_news():
    for words in ("本月无新进展", "无新进展", "本月暂无新进展。", "这个月没有新进展", "本月没有进展", "本月未开展"):
        assert NO_NEWS.match(words), words
    for words in ("无进展", "第2项本月未开展", "本月无新进展，第2项完成80%"):
        assert not NO_NEWS.match(words), words

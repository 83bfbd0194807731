"""整改销号 by the secretary, and the written monthly report."""
from __future__ import annotations

from sqlmodel import Session, select

from handlers.close_off import _closing_others, close_off_rectifications
from handlers.written_report import _written, receive_written_report
from models.tables import Item, MonthlyReport, ProgressUpdate


def status(engine, code):
    with Session(engine) as s:
        return s.exec(select(Item).where(Item.code == code)).one().status


async def test_the_secretary_closes_off_a_members_rectification(chat, engine):
    reply = await chat.ask(close_off_rectifications, "liming", "Z-1已销号", "progress")
    assert "[Z-1] 党费收缴不规范（王芳）：已销号" in reply
    assert status(engine, "Z-1") == "closed"
    with Session(engine) as s:
        upd = s.exec(select(ProgressUpdate)).one()
        assert upd.words == "Z-1已销号" and upd.status_after == "closed"
    reply = await chat.ask(close_off_rectifications, "liming", "Z-1、Z-7销号", "progress")
    assert "此前已销号" in reply and "没有这个整改事项" in reply


async def test_close_off_is_only_for_secretaries_of_the_unit(chat, engine):
    from tests.handlers.conftest import Chat  # noqa: F401
    from bot.nlu import Parse
    from bot.router import Message
    from models.lookups import member_by_account, my_items
    from tests.support.clock import NOW

    with Session(engine) as s:
        def msg(account, text):
            m = member_by_account(s, account)
            return Message(member=m, text=text, parsed=Parse("progress"), items=my_items(s, m.id, 2026),
                           at=NOW, session=s, runtime=chat.runtime)
        assert _closing_others(msg("liming", "Z-1已销号"))
        assert not _closing_others(msg("wangfang", "Z-1已销号"))      # not a secretary: progress handles it
        assert not _closing_others(msg("liming", "Z-2已销号"))        # his own item: progress handles it
        assert not _closing_others(msg("liming", "Z-1已完成"))


async def test_a_written_report_counts_as_reported(chat, engine):
    reply = await chat.ask(receive_written_report, "zhouqiang", "月报：本月完成调研提纲，走访3个科室。", "unknown")
    assert "计为已报送" in reply
    with Session(engine) as s:
        r = s.exec(select(MonthlyReport)).one()
        assert r.month == "2026-11" and r.words.startswith("月报：本月完成调研提纲")
    reply = await chat.ask(receive_written_report, "zhouqiang", "月报：补充一点", "unknown")
    assert "此前已报送" in reply


async def test_a_written_report_naming_items_goes_to_progress(chat, engine):
    from bot.nlu import Parse, Update
    from bot.router import Message
    from models.lookups import member_by_account, my_items
    from tests.support.clock import NOW

    with Session(engine) as s:
        m = member_by_account(s, "wangfang")

        def msg(text, parsed):
            return Message(member=m, text=text, parsed=parsed, items=my_items(s, m.id, 2026), at=NOW,
                           session=s, runtime=chat.runtime)
        assert _written(msg("月报：走访了3个科室", Parse("unknown")))
        assert not _written(msg("月报：第2项完成80%", Parse("progress", [Update("P-2", None, percent=80)])))
        assert not _written(msg("月报情况", Parse("report_status")))

"""谁还没报."""
from __future__ import annotations

from sqlmodel import Session, select

from handlers.unreported import show_unreported
from models.tables import Member, MonthlyReport
from tests.support.clock import NOW
from tests.support.statements import asked_before_and_after_more_units


async def test_unreported_is_for_secretaries(chat, engine):
    reply = await chat.ask(show_unreported, "wangfang", "谁还没报", "unreported")
    assert reply == "“谁还没报”仅限各级书记使用。您可以回复“我这个月报了吗”查看本人月报。"
    reply = await chat.ask(show_unreported, "liming", "谁还没报", "unreported")
    assert "未报2人" in reply and "王芳" in reply and "李明" in reply and "周强" not in reply
    with Session(engine) as s:
        wang = s.exec(select(Member).where(Member.account == "wangfang")).one()
        s.add(MonthlyReport(member_id=wang.id, month="2026-11", reported_at=NOW, words="第1项完成"))
        s.commit()
    reply = await chat.ask(show_unreported, "liming", "谁还没报", "unreported")
    assert "未报1人" in reply and "王芳" not in reply


async def test_the_statements_run_do_not_grow_with_the_units_asked_about(chat, engine, org):
    reply, more = await asked_before_and_after_more_units(chat, engine, org, show_unreported, "jiwei", "谁还没报", "unreported")
    assert "未报3人" in reply and "未报15人" in more and "成员11" in more

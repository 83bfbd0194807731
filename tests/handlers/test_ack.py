"""收到: acknowledges the latest notice not yet acknowledged, else the plain answer."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.texts import ACKNOWLEDGED
from handlers.ack import acknowledge_notice
from handlers.broadcast import broadcast, send_notice
from models.tables import Member, NoticeReceipt
from tests.support.clock import NOW


async def _notice(chat, text: str, at) -> None:
    await chat.ask(broadcast, "zhaolei", text, "broadcast", at=at)
    await chat.ask(send_notice, "zhaolei", "确认", "unknown", at=at)


async def test_ack_without_a_notice_is_the_plain_answer(chat):
    assert await chat.ask(acknowledge_notice, "wangfang", "收到", "ack") == ACKNOWLEDGED


async def test_ack_takes_the_latest_unacknowledged_notice_first(chat, engine):
    await _notice(chat, "通知：周一学习", NOW - timedelta(hours=2))
    await _notice(chat, "通知：周五开会", NOW - timedelta(hours=1))
    reply = await chat.ask(acknowledge_notice, "wangfang", "收到", "ack")
    assert reply.startswith("已确认收到通知“周五开会”") and "还有1条通知未确认" in reply
    reply = await chat.ask(acknowledge_notice, "wangfang", "好的", "ack")
    assert reply == "已确认收到通知“周一学习”。"
    assert await chat.ask(acknowledge_notice, "wangfang", "收到", "ack") == ACKNOWLEDGED
    with Session(engine) as s:
        wang = s.exec(select(Member).where(Member.account == "wangfang")).one()
        rows = s.exec(select(NoticeReceipt).where(NoticeReceipt.member_id == wang.id)).all()
        assert len(rows) == 2 and all(r.acknowledged_at == NOW for r in rows)
        others = s.exec(select(NoticeReceipt).where(NoticeReceipt.member_id != wang.id)).all()
        assert others and all(r.acknowledged_at is None for r in others)


async def test_a_bare_confirm_without_a_draft(chat):
    await _notice(chat, "通知：周五开会，收到请回复确认", NOW - timedelta(hours=1))
    assert (await chat.ask(acknowledge_notice, "wangfang", "确认", "unknown")).startswith("已确认收到通知")
    assert "没有待确认的通知" in await chat.ask(acknowledge_notice, "zhaolei", "确认", "unknown")
    assert await chat.ask(acknowledge_notice, "wangfang", "确认", "unknown") == ACKNOWLEDGED

"""通知: audience and body read by bot.nlu.notices; sent after the transaction commits."""
from __future__ import annotations

from sqlmodel import Session, select

from handlers.broadcast import broadcast
from models.tables import AuditEvent, Notice


async def test_broadcast_to_secretaries_and_everyone(chat, standin, engine):
    reply = await chat.ask(broadcast, "zhaolei", "通知 全体书记：周五前报述职材料", "broadcast")
    assert "全体书记，共3人" in reply
    assert sorted(standin.state.sent[-1].touser) == ["jiwei", "liming", "sunli"]
    reply = await chat.ask(broadcast, "zhaolei", "通知：明天开会", "broadcast")
    assert "全体党员，共5人" in reply and "zhaolei" not in standin.state.sent[-1].touser
    reply = await chat.ask(broadcast, "zhaolei", "通知 第九党支部：开会", "broadcast")
    assert "没有找到组织" in reply
    with Session(engine) as s:
        assert len(s.exec(select(Notice)).all()) == 2
        assert {e.action for e in s.exec(select(AuditEvent))} == {"broadcast"}


async def test_broadcast_refused_for_non_admin_is_audited(chat, standin, engine):
    reply = await chat.ask(broadcast, "liming", "通知：明天开会", "broadcast")
    assert "仅限管理员" in reply and standin.state.sent == []
    with Session(engine) as s:
        assert s.exec(select(AuditEvent)).one().action == "broadcast_refused"

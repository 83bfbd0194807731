"""催报: each non-reporter in the secretary's units reminded at most once a day."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from handlers.nudge import nudge
from models.tables import PushLog, PushStatus
from tests.support.clock import NOW


async def test_only_secretaries_nudge(chat, standin):
    assert "“提醒没报的”（催报）仅限各级书记使用。" in await chat.ask(nudge, "wangfang", "提醒没报的", "unknown")
    assert standin.state.sent == []


async def test_nudge_once_a_day(chat, standin, engine):
    reply = await chat.ask(nudge, "liming", "提醒没报的", "unknown")
    assert reply == "已提醒第一党支部2026年11月未报送的1人：王芳。"           # not himself
    assert standin.state.sent[-1].touser == ["wangfang"]
    content = standin.state.sent[-1].content
    assert content.startswith("【催报】第一党支部书记李明提醒您：请报送2026年11月清单进展") and "回复“我的清单”查看事项" in content
    reply = await chat.ask(nudge, "liming", "提醒没报的", "unknown", at=NOW + timedelta(hours=2))
    assert "今日均已提醒过" in reply and "王芳" in reply and len(standin.state.sent) == 1
    reply = await chat.ask(nudge, "jiwei", "催报", "unreported", at=NOW + timedelta(hours=3))
    assert "已提醒机关党委及下级单位2026年11月未报送的2人：李明、周强" in reply
    assert "未重复提醒1人：王芳" in reply
    reply = await chat.ask(nudge, "liming", "提醒王芳报送", "unknown", at=NOW + timedelta(days=1))
    assert reply.startswith("已提醒王芳")
    with Session(engine) as s:
        rows = s.exec(select(PushLog).order_by(PushLog.id)).all()
        assert [r.occasion for r in rows] == ["nudge:2026-11-20"] * 3 + ["nudge:2026-11-21"]
        assert {r.status for r in rows} == {PushStatus.SENT} and all(r.sent_at for r in rows)


async def test_named_unit_or_person_within_the_units(chat, standin):
    reply = await chat.ask(nudge, "liming", "提醒周强报送", "unknown")
    assert "周强（第二党支部）不在您负责的单位范围内" in reply and standin.state.sent == []
    reply = await chat.ask(nudge, "liming", "提醒第二支部没报的", "unknown")
    assert "第二党支部不在您负责的单位范围内，无法提醒。您可提醒第一党支部" in reply
    reply = await chat.ask(nudge, "jiwei", "提醒二支部没报的", "unknown")
    assert reply == "已提醒第二党支部2026年11月未报送的1人：周强。"
    assert "没有找到名为“吴敏”的党员" in await chat.ask(nudge, "jiwei", "提醒吴敏报送", "unknown")
    assert "没有找到组织“第九支部”" in await chat.ask(nudge, "jiwei", "提醒第九支部没报的", "unknown")
    assert "没有需要报送的事项" in await chat.ask(nudge, "jiwei", "提醒孙丽报送", "unknown")


async def test_a_failed_send_may_be_retried_the_same_day(chat, standin, engine):
    standin.state.fail_accounts = {"wangfang"}
    reply = await chat.ask(nudge, "liming", "提醒没报的", "unknown")
    assert "催报发送失败" in reply
    standin.state.fail_accounts = set()
    reply = await chat.ask(nudge, "liming", "提醒没报的", "unknown")
    assert reply.startswith("已提醒第一党支部")
    with Session(engine) as s:
        assert s.exec(select(PushLog)).one().status == PushStatus.SENT

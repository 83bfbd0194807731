"""The query handlers answer from the database, in Chinese, with the right scope."""
from __future__ import annotations

from sqlmodel import Session, select

from handlers.broadcast import broadcast, split_notice
from handlers.help import show_help
from handlers.my_list import show_my_list
from handlers.overdue import show_overdue
from handlers.rectifications import show_rectifications
from handlers.report_status import show_report_status
from handlers.star_level import show_star_level
from handlers.unknown import not_understood
from handlers.unreported import show_unreported
from models.tables import AuditEvent, Member, MonthlyReport, Notice
from tests.support.clock import NOW


async def test_my_list_numbers_items_and_shows_how_to_reply(chat):
    reply = await chat.ask(show_my_list, "liming", "我的清单", "my_list")
    assert reply.splitlines()[1].startswith("1. [R-1] 每月召开支委会｜已完成9/12次")
    assert "3. [Z-2]" in reply and "（已逾期）" in reply and "回复如" in reply


async def test_my_list_for_someone_with_no_items(chat):
    reply = await chat.ask(show_my_list, "zhaolei", "我的清单", "my_list")
    assert "暂无清单事项" in reply


async def test_star_level_four_stars_and_weak_lax(chat):
    reply = await chat.ask(show_star_level, "wangfang", "我单位星级", "star_level")
    assert "第一党支部2026年度星级考评：四星（总分98分）" not in reply  # 7 × 14 = 98 → five stars
    assert "五星" in reply and "98" in reply
    reply = await chat.ask(show_star_level, "zhouqiang", "我们支部几星", "star_level")
    assert "未评星" in reply and "软弱涣散" in reply and "三会一课未落实" in reply
    reply = await chat.ask(show_star_level, "jiwei", "我单位星级", "star_level")
    assert "暂无星级评分记录" in reply


async def test_overdue_secretary_sees_the_unit_member_sees_own(chat):
    reply = await chat.ask(show_overdue, "liming", "有哪些逾期的", "overdue")
    assert "[P-2]" in reply and "王芳" in reply and "[Z-2]" in reply and "已逾期10天" in reply
    reply = await chat.ask(show_overdue, "wangfang", "超期事项", "overdue")
    assert "[P-2]" in reply and "[Z-2]" not in reply
    reply = await chat.ask(show_overdue, "zhouqiang", "超期事项", "overdue")
    assert "没有逾期" in reply


async def test_unreported_is_for_secretaries(chat, engine):
    reply = await chat.ask(show_unreported, "wangfang", "谁还没报", "unreported")
    assert "供各级书记" in reply
    reply = await chat.ask(show_unreported, "liming", "谁还没报", "unreported")
    assert "未报2人" in reply and "王芳" in reply and "李明" in reply and "周强" not in reply
    with Session(engine) as s:
        wang = s.exec(select(Member).where(Member.account == "wangfang")).one()
        s.add(MonthlyReport(member_id=wang.id, month="2026-11", reported_at=NOW, words="第1项完成"))
        s.commit()
    reply = await chat.ask(show_unreported, "liming", "谁还没报", "unreported")
    assert "未报1人" in reply and "王芳" not in reply


async def test_rectifications(chat):
    reply = await chat.ask(show_rectifications, "liming", "整改清单", "rectifications")
    assert "共2项" in reply and "[Z-1]" in reply and "[Z-2]" in reply and "（已逾期）" in reply
    reply = await chat.ask(show_rectifications, "zhouqiang", "整改清单", "rectifications")
    assert "暂无整改事项" in reply


async def test_report_status(chat, engine):
    reply = await chat.ask(show_report_status, "wangfang", "我这个月报了吗", "report_status")
    assert "尚未报送" in reply
    reply = await chat.ask(show_report_status, "liming", "本月月报情况", "report_status")
    assert "本单位应报2人，已报0人" in reply


async def test_help_and_unknown(chat):
    assert "第2项完成80%" in await chat.ask(show_help, "wangfang", "帮助", "help")
    reply = await chat.ask(not_understood, "wangfang", "今天天气不错", "unknown")
    assert "没有看懂" in reply and "未做任何记录" in reply


def test_split_notice():
    assert split_notice("通知 全体党员：明天开会") == ("全体党员", "明天开会")
    assert split_notice("通知：明天开会") == ("", "明天开会")
    assert split_notice("发通知 全体书记: 报材料") == ("全体书记", "报材料")
    assert split_notice("通知 全体 明天开会") == ("全体", "明天开会")


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

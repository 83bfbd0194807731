"""通知收到情况: per unit, how many acknowledged and who has not."""
from __future__ import annotations

from datetime import timedelta

from handlers.ack import acknowledge_notice
from handlers.broadcast import broadcast, send_notice
from handlers.notice_receipts import show_receipts
from tests.support.clock import NOW


async def _notice(chat, account: str, text: str, at) -> None:
    await chat.ask(broadcast, account, text, "broadcast", at=at)
    await chat.ask(send_notice, account, "确认", "unknown", at=at)


async def test_receipts_per_unit_for_the_latest_notice(chat):
    assert "还没有发送过通知" in await chat.ask(show_receipts, "zhaolei", "通知收到情况", "ack")
    assert "“通知收到情况”仅限发送通知的管理员和书记使用。" in await chat.ask(show_receipts, "wangfang", "通知收到情况", "ack")
    await _notice(chat, "zhaolei", "通知 全体书记：周一交材料", NOW - timedelta(hours=3))
    await _notice(chat, "zhaolei", "通知：周五开会", NOW - timedelta(hours=2))
    for account in ("wangfang", "liming", "sunli"):
        await chat.ask(acknowledge_notice, account, "收到", "ack")
    reply = await chat.ask(show_receipts, "zhaolei", "谁没收到通知", "unreported")
    lines = reply.splitlines()
    assert lines[0].startswith("通知“周五开会”") and lines[0].endswith("已确认3/5人")
    assert "机关党委 0/1 已确认，未确认：纪伟" in lines
    assert "第一党支部 2/2 已确认" in lines
    assert "第二党支部 1/2 已确认，未确认：周强" in lines
    assert "此前的通知：" in lines and any("“周一交材料”已确认0/3人" in x for x in lines)
    brief = await chat.ask(show_receipts, "zhaolei", "所有通知收到情况", "ack")
    assert brief.startswith("您最近2条通知的确认情况") and "已确认3/5人" in brief and "已确认0/3人" in brief

"""Notices with care and nudges (issue 10, points 5 and 6), driven as WeCom drives them: real
encrypted callbacks to the real app, over 党组 → 机关党委 → three branches (one without a secretary)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from bot.fitting import MAX_TEXT_BYTES
from handlers.broadcast import notice_parts
from models.tables import ItemKind, Member, Notice, NoticeReceipt, NoticeStatus, PushLog, PushStatus
from tests.bot.test_callback import say
from tests.support.clock import NOW
from tests.support.org import three_levels

COMMITTEE_AND_BELOW = ["li", "lin", "qian", "sun", "wu", "zhao", "zhou"]


@pytest.fixture
def org(bare_engine):
    """党组 (王) → 机关党委 (李, and 管理员 an administrator) → 第一 (赵: 孙一, 周二), 第二 (钱: 吴三)
    and 第三党支部 (no secretary: 林三); each member owns an open item."""
    o = three_levels(bare_engine)
    o.unit("b3", "第三党支部", "党支部", parent="committee")
    o.person("lin", "林三", "b3")
    o.person("guan", "管理员", "committee", is_admin=True)
    for account in ("sun", "zhou", "wu", "lin"):
        o.item(account, f"P-{account}", "撰写调研报告", kind=ItemKind.PROJECT, deadline=date(2026, 12, 1))
    return o


def _to(standin) -> list[str]:
    return sorted(standin.state.sent[-1].touser)


async def test_preview_then_confirm_sends_to_the_unit_and_the_units_below(client, standin, engine):
    preview = await say(client, "guan", "通知 机关党委：周五下午3点在三楼会议室集中学习")
    assert preview.startswith("将发送给机关党委及下级单位共7人（机关党委1人、第一党支部3人、第二党支部2人、第三党支部1人）")
    assert "周五下午3点在三楼会议室集中学习" in preview and "回复“确认”发送" in preview
    assert standin.state.sent == []
    assert await say(client, "guan", "确认") == "通知已发送给机关党委及下级单位，共7人。回复“通知收到情况”查看确认情况。"
    assert _to(standin) == COMMITTEE_AND_BELOW                      # not the sender, not the 党组 above
    assert standin.state.sent[-1].msgtype == "template_card"        # a card with 收到 (bot.cards.notice)
    assert standin.state.sent[-1].raw["template_card"]["sub_title_text"].startswith("周五下午3点")
    with Session(engine) as s:
        notice = s.exec(select(Notice)).one()
        assert (notice.status, notice.recipients, notice.include_below) == (NoticeStatus.SENT, 7, True)
        assert len(s.exec(select(NoticeReceipt).where(NoticeReceipt.notice_id == notice.id)).all()) == 7


async def test_only_this_unit(client, standin):
    assert "将发送给机关党委共1人" in await say(client, "guan", "通知 机关党委（仅本单位）：周五学习")
    await say(client, "guan", "确认")
    assert _to(standin) == ["li"]


async def test_a_secretarys_notice_stays_within_their_units(client, standin):
    reply = await say(client, "zhao", "通知 第二支部：周五学习")
    assert "第二党支部不在您负责的单位范围内" in reply and "第一党支部" in reply
    assert "将发送给第一党支部共2人" in await say(client, "zhao", "通知：周五学习")
    await say(client, "zhao", "确认")
    assert _to(standin) == ["sun", "zhou"]
    assert "仅限管理员和各级书记" in await say(client, "sun", "通知：周五学习")


async def test_another_message_leaves_the_draft_waiting_for_its_confirmation(client, standin, engine):
    await say(client, "guan", "通知：周五学习")
    reply = await say(client, "guan", "我的清单")
    assert "通知" not in reply and "取消" not in reply         # answered as usual, the draft left alone
    assert "已发送" in await say(client, "guan", "确认")
    assert len(standin.state.sent) == 1
    with Session(engine) as s:
        assert s.exec(select(Notice)).one().status == NoticeStatus.SENT


async def test_cancel_cancels_the_draft(client, standin, engine):
    await say(client, "guan", "通知：周五学习")
    assert await say(client, "guan", "取消") == "通知“周五学习”已取消，未发送。"
    assert "没有待确认的通知" in await say(client, "guan", "确认")      # nothing waits for 确认 any more
    assert standin.state.sent == []
    with Session(engine) as s:
        assert s.exec(select(Notice)).one().status == NoticeStatus.CANCELLED


async def test_a_late_confirm_says_it_expired(client, standin, runtime):
    await say(client, "guan", "通知：周五学习")
    runtime.clock.offset += timedelta(minutes=11)
    assert "超过10分钟未确认，已作废" in await say(client, "guan", "确认")
    assert standin.state.sent == []


async def test_a_long_notice_goes_in_numbered_parts_never_cut(client, standin):
    lines = [f"{i}. 请各支部于周五前将第{i}项学习材料报送机关党委办公室，并做好会议记录。" for i in range(1, 61)]
    body = "\n".join(lines)
    assert len(body.encode()) > MAX_TEXT_BYTES
    n = len(notice_parts(body, "管理员"))
    assert n > 2
    preview = await say(client, "guan", f"通知 全体书记：{body}")
    assert f"将分{n}条发送" in preview
    await say(client, "guan", "确认")
    sent = standin.state.sent
    assert [m.content.split("】", 1)[0] for m in sent] == [f"【通知（{i}/{n}）" for i in range(1, n + 1)]
    assert all(sorted(m.touser) == ["li", "qian", "wang", "zhao"] for m in sent)
    assert all(len(m.content.encode()) <= MAX_TEXT_BYTES for m in sent)
    received = "\n".join(m.content.split("】", 1)[1] for m in sent)
    assert all(line in received for line in lines)


async def test_ack_acknowledges_the_latest_and_receipts_count_per_unit(client, standin, engine, runtime):
    await say(client, "li", "通知：周一交材料")
    await say(client, "li", "确认")
    runtime.clock.offset += timedelta(hours=1)
    await say(client, "li", "通知：周五开会")
    await say(client, "li", "确认")
    assert await say(client, "sun", "收到") == "已确认收到通知“周五开会”。\n您还有1条通知未确认，再回复“收到”可逐条确认。"
    assert await say(client, "sun", "收到") == "已确认收到通知“周一交材料”。"
    assert (await say(client, "lin", "好的")).startswith("已确认收到通知“周五开会”。")
    reply = await say(client, "li", "通知收到情况")
    lines = reply.splitlines()
    assert lines[0].startswith("通知“周五开会”") and lines[0].endswith("已确认2/7人")
    assert "机关党委 0/1 已确认，未确认：管理员" in lines
    assert "第一党支部 1/3 已确认，未确认：赵书记、周二" in lines
    assert "第三党支部 1/1 已确认" in lines
    assert any("“周一交材料”已确认1/7人" in line for line in lines)
    assert (await say(client, "li", "谁没收到通知")).splitlines()[0].endswith("已确认2/7人")
    with Session(engine) as s:
        acked = s.exec(select(Member.account).join(NoticeReceipt, NoticeReceipt.member_id == Member.id)
                       .where(NoticeReceipt.acknowledged_at.is_not(None))).all()
        assert sorted(acked) == ["lin", "sun", "sun"]


async def test_nudges_once_a_day_within_the_secretarys_units(client, standin, engine, org, runtime):
    org.reported("sun", "2026-11", NOW)
    assert "仅限各级书记使用" in await say(client, "sun", "提醒没报的")
    reply = await say(client, "zhao", "提醒没报的")
    assert reply == "已提醒第一党支部2026年11月未报送的1人：周二。"
    assert _to(standin) == ["zhou"] and standin.state.sent[-1].content.startswith("【催报】第一党支部书记赵书记提醒您")
    assert "今日均已提醒过" in await say(client, "zhao", "提醒没报的")
    assert len(standin.state.sent) == 1                                 # nothing new the same day
    reply = await say(client, "li", "催报")
    assert reply.startswith("已提醒机关党委及下级单位2026年11月未报送的2人：吴三、林三。")
    assert "未重复提醒1人：周二" in reply
    reply = await say(client, "zhao", "提醒吴三报送")
    assert "吴三（第二党支部）不在您负责的单位范围内" in reply
    assert await say(client, "li", "提醒第三支部没报的") == ("第三党支部2026年11月未报送的1人今日均已提醒过，未重复提醒："
                                                           "林三。每人每天最多提醒一次，明天可再提醒。")
    runtime.clock.offset += timedelta(days=1)
    assert await say(client, "li", "提醒第三支部没报的") == "已提醒第三党支部2026年11月未报送的1人：林三。"
    with Session(engine) as s:
        rows = s.exec(select(PushLog).order_by(PushLog.id)).all()
        assert [r.occasion for r in rows] == ["nudge:2026-11-20"] * 3 + ["nudge:2026-11-21"]
        assert all(r.status == PushStatus.SENT for r in rows)


@pytest.mark.parametrize("word", ["发送", "发吧", "可以发送", "确认"])
async def test_words_that_say_send_send_the_draft(client, standin, engine, word):
    await say(client, "guan", "通知：周五学习")
    assert "已发送" in await say(client, "guan", word)
    assert len(standin.state.sent) == 1


@pytest.mark.parametrize("word", ["好的", "可以", "嗯"])
async def test_agreement_that_does_not_say_send_asks_once_more_and_keeps_the_draft(client, standin, engine, word):
    await say(client, "guan", "通知：周五学习")
    again = await say(client, "guan", word)
    assert "还未发送" in again and "回复“确认”发送" in again
    assert standin.state.sent == []
    assert "已发送" in await say(client, "guan", "确认")
    with Session(engine) as s:
        assert s.exec(select(Notice)).one().status == NoticeStatus.SENT


async def test_cancel_with_no_draft_answers_about_notices(client, standin):
    assert "没有待确认的通知" in await say(client, "guan", "取消")
    assert standin.state.sent == []

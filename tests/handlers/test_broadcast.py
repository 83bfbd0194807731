"""通知: a preview first (a draft), "确认" sends it after the transaction commits, anything else
cancels it; numbered parts when long; receipts per recipient."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.fitting import MAX_TEXT_BYTES
from handlers.broadcast import broadcast, cancel_notice, notice_parts, send_notice
from models.tables import AuditEvent, Member, Notice, NoticeReceipt, NoticeStatus
from tests.support.clock import NOW


async def _send(chat, account: str, text: str, at=NOW) -> tuple[str, str]:
    preview = await chat.ask(broadcast, account, text, "broadcast", at=at)
    sent = await chat.ask(send_notice, account, "确认", "unknown", at=at + timedelta(minutes=1))
    return preview, sent


async def test_preview_then_confirm_sends_to_secretaries_and_everyone(chat, standin, engine):
    preview = await chat.ask(broadcast, "zhaolei", "通知 全体书记：周五前报述职材料", "broadcast")
    assert "将发送给全体书记共3人" in preview and "周五前报述职材料" in preview and "回复“确认”发送" in preview
    assert standin.state.sent == []                                   # nothing before 确认
    sent = await chat.ask(send_notice, "zhaolei", "确认", "unknown")
    assert "通知已发送给全体书记，共3人" in sent
    assert sorted(standin.state.sent[-1].touser) == ["jiwei", "liming", "sunli"]
    card = standin.state.sent[-1].raw["template_card"]            # a card with 收到 (bot.cards.notice)
    assert card["sub_title_text"] == "周五前报述职材料" and card["main_title"]["desc"] == "——赵磊"
    assert [b["text"] for b in card["button_list"]] == ["收到"]
    preview, sent = await _send(chat, "zhaolei", "通知：明天开会")
    assert "全体党员共5人" in preview and "全体党员，共5人" in sent
    assert "zhaolei" not in standin.state.sent[-1].touser
    with Session(engine) as s:
        notices = s.exec(select(Notice).order_by(Notice.id)).all()
        assert [n.status for n in notices] == [NoticeStatus.SENT, NoticeStatus.SENT]
        assert [n.recipients for n in notices] == [3, 5] and all(n.sent_at for n in notices)
        assert len(s.exec(select(NoticeReceipt)).all()) == 8
        assert {e.action for e in s.exec(select(AuditEvent))} == {"broadcast"}


async def test_no_such_unit_names_the_closest(chat, standin, engine):
    reply = await chat.ask(broadcast, "zhaolei", "通知 第九党支部：开会", "broadcast")
    assert "没有找到组织“第九党支部”" in reply and "第一党支部" in reply and "未发送" in reply
    with Session(engine) as s:
        assert s.exec(select(Notice)).all() == []


async def test_a_member_cannot_send_and_is_audited(chat, standin, engine):
    reply = await chat.ask(broadcast, "wangfang", "通知：明天开会", "broadcast")
    assert "仅限管理员和各级书记" in reply and standin.state.sent == []
    with Session(engine) as s:
        assert s.exec(select(AuditEvent)).one().action == "broadcast_refused"


async def test_a_notice_needs_a_body(chat, standin):
    reply = await chat.ask(broadcast, "zhaolei", "通知 全体书记", "broadcast")
    assert "请写明通知内容" in reply


async def test_a_secretary_reaches_their_unit_and_those_below_only(chat, standin):
    preview, sent = await _send(chat, "jiwei", "通知：周五学习")
    assert "将发送给机关党委及下级单位共5人" in preview and "第一党支部3人" in preview
    assert sorted(standin.state.sent[-1].touser) == ["liming", "sunli", "wangfang", "zhaolei", "zhouqiang"]
    preview, _ = await _send(chat, "liming", "通知 全体党员：周五学习")
    assert "第一党支部共2人" in preview
    assert sorted(standin.state.sent[-1].touser) == ["wangfang", "zhaolei"]
    reply = await chat.ask(broadcast, "liming", "通知 第二党支部：周五学习", "broadcast")
    assert "第二党支部不在您负责的单位范围内" in reply and "第一党支部" in reply
    reply = await chat.ask(broadcast, "liming", "通知 全体书记：周五学习", "broadcast")
    assert "暂无其他在册成员" in reply


async def test_short_unit_names_and_only_this_unit(chat, standin):
    preview, _ = await _send(chat, "jiwei", "通知 二支部：周五学习")
    assert "第二党支部共2人" in preview
    assert sorted(standin.state.sent[-1].touser) == ["sunli", "zhouqiang"]
    preview, _ = await _send(chat, "zhaolei", "通知 机关党委（仅本单位）：周五学习")
    assert "将发送给机关党委共1人" in preview
    assert standin.state.sent[-1].touser == ["jiwei"]


async def test_members_who_left_get_nothing(chat, standin, engine):
    with Session(engine) as s:
        m = s.exec(select(Member).where(Member.account == "zhouqiang")).one()
        m.active = False
        s.add(m)
        s.commit()
    preview, _ = await _send(chat, "zhaolei", "通知 第二党支部：周五学习")
    assert "共1人" in preview and standin.state.sent[-1].touser == ["sunli"]


async def test_late_confirm_says_expired_and_sends_nothing(chat, standin, engine):
    await chat.ask(broadcast, "zhaolei", "通知：明天开会", "broadcast")
    reply = await chat.ask(send_notice, "zhaolei", "确认", "unknown", at=NOW + timedelta(minutes=11))
    assert "超过10分钟未确认" in reply and "未发送" in reply and standin.state.sent == []
    with Session(engine) as s:
        assert s.exec(select(Notice)).one().status == NoticeStatus.CANCELLED


async def test_cancel_cancels_and_a_new_notice_replaces_the_draft(chat, standin, engine):
    await chat.ask(broadcast, "zhaolei", "通知：明天开会", "broadcast")
    await chat.ask(broadcast, "zhaolei", "通知：后天开会", "broadcast")
    assert await chat.ask(cancel_notice, "zhaolei", "取消", "unknown") == "通知“后天开会”已取消，未发送。"
    with Session(engine) as s:
        assert {n.status for n in s.exec(select(Notice))} == {NoticeStatus.CANCELLED}
        assert s.exec(select(NoticeReceipt)).all() == []
        assert s.exec(select(Member).where(Member.account == "zhaolei")).one().waiting is None
    assert standin.state.sent == []


async def test_a_long_notice_goes_in_numbered_parts(chat, standin):
    body = "\n".join(f"第{i}条：请各支部于周五前将学习材料报送机关党委办公室，逾期不候。" for i in range(1, 81))
    preview = await chat.ask(broadcast, "zhaolei", f"通知 全体书记：{body}", "broadcast")
    parts = len(notice_parts(body, "赵磊"))
    assert parts >= 3 and f"将分{parts}条发送" in preview
    await chat.ask(send_notice, "zhaolei", "确认", "unknown")
    sent = standin.state.sent
    assert len(sent) == parts
    assert [m.content.split("】", 1)[0] for m in sent] == [f"【通知（{i}/{parts}）" for i in range(1, parts + 1)]
    assert all(len(m.content.encode()) <= MAX_TEXT_BYTES for m in sent)
    assert "——赵磊" in sent[-1].content and "——赵磊" not in sent[0].content


def test_notice_parts_are_lossless_within_the_limit_and_cut_after_sentences():
    assert notice_parts("明天开会", "赵磊") == ["【通知】明天开会\n——赵磊\n收到请回复“收到”。"]
    body = "。".join("学习贯彻党的二十大精神" * 3 for _ in range(60)) + "。"
    parts = notice_parts(body, "赵磊")
    assert len(parts) > 1 and all(len(p.encode()) <= MAX_TEXT_BYTES for p in parts)
    texts = [p.split("】", 1)[1] for p in parts]
    texts[-1] = texts[-1].rsplit("\n——", 1)[0]
    assert "".join(texts) == body
    assert all(t.endswith("。") for t in texts)
    one_line = "党" * 2000                                            # no sentence end: cut by characters
    parts = notice_parts(one_line, "赵磊")
    assert all(len(p.encode()) <= MAX_TEXT_BYTES for p in parts)
    assert "".join(p.split("】", 1)[1] for p in parts).count("党") == 2000

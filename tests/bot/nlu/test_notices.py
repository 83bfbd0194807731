"""通知 (notices.py): the command, its audience and its body."""
from __future__ import annotations

import pytest

from bot import nlu
from bot.nlu.notices import (
    AudienceKind,
    Notice,
    ReceiptsQuestion,
    is_cancellation,
    is_confirmation,
    is_notice,
    read_notice,
    read_receipts_question,
)


@pytest.mark.parametrize("text,target,body,audience", [
    ("通知 全体党员：明天下午3点开会", "全体党员", "明天下午3点开会", AudienceKind.EVERYONE),
    ("群发通知 第一党支部：周五开会", "第一党支部", "周五开会", AudienceKind.UNIT),
    ("发公告 第一党支部：周五交材料", "第一党支部", "周五交材料", AudienceKind.UNIT),
    ("请发一条通知 全体书记 周五交材料", "全体书记", "周五交材料", AudienceKind.SECRETARIES),
    ("【通知】周五下午学习", "", "周五下午学习", AudienceKind.EVERYONE),
    ("通知：下午开会", "", "下午开会", AudienceKind.EVERYONE),
    ("通知 全体书记", "全体书记", "", AudienceKind.SECRETARIES),
    ("通知 第一党支部 周五开会", "第一党支部", "周五开会", AudienceKind.UNIT),
    ("通知 本单位：周五开会", "本单位", "周五开会", AudienceKind.OWN_UNIT),
    ("通知 各支部 周五前交材料", "各支部", "周五前交材料", AudienceKind.EVERYONE),
])
def test_read_notice(text, target, body, audience):
    notice = read_notice(text)
    assert notice == Notice(target, body)
    assert notice.audience is audience


@pytest.mark.parametrize("text,target,body,audience", [
    ("通知 第一党支部（仅本单位）：周五开会", "第一党支部", "周五开会", AudienceKind.UNIT),
    ("通知 第一党支部 仅本单位：周五开会", "第一党支部", "周五开会", AudienceKind.UNIT),
    ("通知 第一党支部 仅本单位 周五开会", "第一党支部", "周五开会", AudienceKind.UNIT),
    ("通知 第一党支部(本级)：周五开会", "第一党支部", "周五开会", AudienceKind.UNIT),
    ("通知 仅第一党支部：周五开会", "第一党支部", "周五开会", AudienceKind.UNIT),
    ("通知 机关党委不含下级：周五开会", "机关党委", "周五开会", AudienceKind.UNIT),
    ("通知 仅本单位：周五开会", "", "周五开会", AudienceKind.OWN_UNIT),
])
def test_only_this_unit(text, target, body, audience):
    notice = read_notice(text)
    assert notice == Notice(target, body, only_unit=True)
    assert notice.audience is audience


@pytest.mark.parametrize("text", ["确认", "确认！", "确认发送", "确定", "好的，确认", " 確認 "])
def test_confirmation(text):
    assert is_confirmation(text) and not is_cancellation(text)


@pytest.mark.parametrize("text", ["确认收到", "收到", "已确认", "确认第2项完成", "我确认一下"])
def test_what_is_not_a_confirmation(text):
    assert not is_confirmation(text)


@pytest.mark.parametrize("text", ["取消", "不发了", "算了", "先不发", "撤回"])
def test_cancellation(text):
    assert is_cancellation(text) and not is_confirmation(text)


@pytest.mark.parametrize("text,recent", [
    ("通知收到情况", False), ("通知回执", False), ("谁没收到通知", False), ("谁还没确认通知？", False),
    ("查看通知收到情况", False), ("通知谁没收到", False), ("请问哪些人还没有收到上条通知", False),
    ("通知阅读情况", False), ("所有通知收到情况", True), ("最近的通知回执", True),
])
def test_receipts_question(text, recent):
    assert read_receipts_question(text) == ReceiptsQuestion(recent)


@pytest.mark.parametrize("text", ["收到", "通知收到了", "通知 全体党员：周五开会", "谁还没报", "第2项完成"])
def test_what_is_not_a_receipts_question(text):
    assert read_receipts_question(text) is None


@pytest.mark.parametrize("text", ["通知下发了吗", "通知收到了", "通知已阅", "收到通知", "今天有通知吗", "第2项已完成",
                                  "通知回执", "通知阅读情况"])
def test_what_is_not_a_notice(text):
    assert not is_notice(text)
    assert read_notice(text) is None


def test_a_notice_is_the_broadcast_intent():
    assert nlu.parse("群发通知 第一党支部：周五开会", []).intent == "broadcast"
    assert nlu.parse("通知收到了", []).intent == "ack"

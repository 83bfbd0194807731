"""通知 (notices.py): the command, its audience and its body."""
from __future__ import annotations

import pytest

from bot import nlu
from bot.nlu.notices import AudienceKind, Notice, is_notice, read_notice


@pytest.mark.parametrize("text,target,body,audience", [
    ("通知 全体党员：明天下午3点开会", "全体党员", "明天下午3点开会", AudienceKind.EVERYONE),
    ("群发通知 第一党支部：周五开会", "第一党支部", "周五开会", AudienceKind.UNIT),
    ("发公告 第一党支部：周五交材料", "第一党支部", "周五交材料", AudienceKind.UNIT),
    ("请发一条通知 全体书记 周五交材料", "全体书记", "周五交材料", AudienceKind.SECRETARIES),
    ("【通知】周五下午学习", "", "周五下午学习", AudienceKind.EVERYONE),
    ("通知：下午开会", "", "下午开会", AudienceKind.EVERYONE),
    ("通知 全体书记", "全体书记", "", AudienceKind.SECRETARIES),
])
def test_read_notice(text, target, body, audience):
    notice = read_notice(text)
    assert notice == Notice(target, body)
    assert notice.audience is audience


@pytest.mark.parametrize("text", ["通知下发了吗", "通知收到了", "通知已阅", "收到通知", "今天有通知吗", "第2项已完成"])
def test_what_is_not_a_notice(text):
    assert not is_notice(text)
    assert read_notice(text) is None


def test_a_notice_is_the_broadcast_intent():
    assert nlu.parse("群发通知 第一党支部：周五开会", []).intent == "broadcast"
    assert nlu.parse("通知收到了", []).intent == "ack"

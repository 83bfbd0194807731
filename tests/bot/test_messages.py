"""bot.messages: each kind of message makes its part of ``message/send`` and comes back whole from
what the push log stores."""
from __future__ import annotations

import json

import pytest

from bot.messages import (
    Button,
    Image,
    News,
    Text,
    TextCard,
    as_message,
    button_card,
    from_stored,
    notice_card,
    to_stored,
)

CARD = button_card("push-17", "【截止提醒】讲专题党课", [Button("已完成", "done", 1), Button("遇到困难", "blocked", 2)],
                   "【截止提醒】讲专题党课 今天到期。回复如“第1项完成”。", desc="今天到期",
                   fields=[("事项", "X-1 讲专题党课")])
KINDS = [Text("你好"), CARD,
         notice_card("【通知】", "https://example.org/n/1", "【通知】周五学习", sub_title="周五下午三点"),
         Image("photo.png", "[图片] 会议照片", data=b"\x89PNG\r\n-bytes"),
         Image("big.png", "[图片] 台账", path="/srv/media/big.png"),
         TextCard("月度报告", "十一月", "https://example.org/r/11", "月度报告：https://example.org/r/11", button="查看"),
         News("学习材料", "第一讲", "https://example.org/s/1", "学习材料：https://example.org/s/1")]


@pytest.mark.parametrize("message", KINDS, ids=lambda m: f"{m.kind}")
def test_what_the_push_log_stores_gives_the_same_message_back(message):
    stored = to_stored(message)
    assert from_stored(stored, message.text) == message
    if isinstance(message, Text):
        assert stored is None                       # a text is its content column alone
    else:
        assert json.loads(stored)["text"] == message.text
    assert "media_id" not in (stored or "")         # a media_id expires: never stored


def test_each_kind_is_its_part_of_message_send():
    card = CARD.to_wecom()
    assert card["msgtype"] == "template_card" and card["template_card"]["task_id"] == "push-17"
    assert card["template_card"]["button_list"] == [{"text": "已完成", "style": 1, "key": "done"},
                                                    {"text": "遇到困难", "style": 2, "key": "blocked"}]
    assert card["template_card"]["main_title"] == {"title": "【截止提醒】讲专题党课", "desc": "今天到期"}
    assert card["template_card"]["horizontal_content_list"] == [{"keyname": "事项", "value": "X-1 讲专题党课"}]
    notice = KINDS[2].to_wecom()["template_card"]
    assert notice["card_type"] == "text_notice" and notice["card_action"] == {"type": 1, "url": "https://example.org/n/1"}
    assert KINDS[3].to_wecom("M1") == {"msgtype": "image", "image": {"media_id": "M1"}}
    assert KINDS[5].to_wecom()["textcard"]["btntxt"] == "查看"
    assert KINDS[6].to_wecom()["news"]["articles"][0]["url"] == "https://example.org/s/1"
    assert as_message("你好") == Text("你好") and as_message(CARD) is CARD


def test_an_image_reads_its_file_when_sent(tmp_path):
    (tmp_path / "a.png").write_bytes(b"PNGDATA")
    assert Image("a.png", "[图片]", path=str(tmp_path / "a.png")).content() == b"PNGDATA"
    assert Image("b.png", "[图片]", data=b"RAW").content() == b"RAW"


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        from_stored('{"kind": "voice", "text": "x"}', "x")

"""bot.router.Outgoing and bot.answering.deliver: what a handler sends to others after its commit
goes as the kind of message it is — a string as a text, a card as a card — and its ``report``
sees the send's result."""
from __future__ import annotations

from bot.answering import deliver
from bot.messages import Button, Text, button_card
from bot.router import Outgoing


def test_a_string_is_a_text_and_a_card_keeps_its_text_form():
    card = button_card("notice-7", "【通知】周五学习", [Button("收到", "ack")], "【通知】周五学习。回复“收到”确认。")
    assert Outgoing(["a"], "你好").message == Text("你好") and Outgoing(["a"], "你好").text == "你好"
    assert Outgoing(["a"], card).message is card and Outgoing(["a"], card).text == card.text


async def test_deliver_sends_each_outgoing_as_its_kind_and_reports_the_result(runtime, standin):
    card = button_card("notice-7", "【通知】周五学习", [Button("收到", "ack")], "【通知】周五学习。回复“收到”确认。")
    seen = []

    def report(result) -> str:
        seen.append(result)
        return f"已发送（{'成功' if result.ok else '失败'}）"

    reply = await deliver(runtime, [Outgoing(["sun", "wu"], card, report), Outgoing(["li"], "另行通知")], "处理中")
    await runtime.sender.aclose()
    assert reply == "已发送（成功）"
    assert [(m.msgtype, sorted(m.touser)) for m in standin.state.sent] == [("template_card", ["sun", "wu"]),
                                                                         ("text", ["li"])]
    assert standin.state.sent[0].raw["template_card"]["button_list"] == [{"text": "收到", "style": 1, "key": "ack"}]
    assert seen[0].response_code == standin.state.sent[0].response_code is not None

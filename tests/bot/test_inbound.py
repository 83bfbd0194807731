"""bot.inbound: every inbound kind, sent as WeCom sends it (a real encrypted callback), reaches the
handler registered for its kind with its own fields — read from the XML, since wechatpy 1.8.18
parses none of a template card's. A recording router put in front of ``handlers.ROUTERS`` stands
where a module's router would (as a Bolt test registers a listener)."""
from __future__ import annotations

import secrets
import time

import pytest
import xmltodict
from sqlmodel import Session, select

from bot.inbound import Selection, dedupe_key, read_inbound
from bot.router import Message, Router
from models.tables import InboundMessage
from tests.support import wecom as wf


@pytest.fixture
def seen(runtime):
    """The messages the recording router took, in order; it answers each with its kind."""
    taken: list[Message] = []
    recorder = Router("recorder")

    def record(msg: Message) -> str:
        taken.append(msg)
        return f"收到{msg.kind}"

    for kind in ("image", "voice", "video", "file", "location", "link", "event:template_card_event",
                 "event:enter_agent", "event:click", "event:view", "event:subscribe"):
        recorder.on(kind)(record)
    runtime.dispatcher.routers.insert(0, recorder)
    return taken


async def test_a_card_tap_reaches_its_handler_with_task_key_and_response_code(client, seen):
    at = int(time.time())
    reply = await wf.deliver(client, wf.card_event_xml("wangfang", at, task_id="remind-P1-20261120", key="done:P-1",
                                                 response_code="rc-42"))
    assert reply == "收到event:template_card_event"
    tap = seen[0].inbound
    assert (tap.task_id, tap.event_key, tap.response_code, tap.card_type) == \
        ("remind-P1-20261120", "done:P-1", "rc-42", "button_interaction")
    assert seen[0].member.account == "wangfang" and [i.code for i in seen[0].items][:1] == ["P-1"]


async def test_a_vote_card_brings_what_was_selected(client, seen):
    await wf.deliver(client, wf.card_event_xml("wangfang", int(time.time()), task_id="vote-1", key="submit",
                                         card_type="vote_interaction", selected={"q1": ["a", "c"], "q2": ["b"]}))
    assert seen[0].inbound.selected == (Selection("q1", ("a", "c")), Selection("q2", ("b",)))


async def test_an_image_reaches_its_handler_with_its_media_id(client, seen):
    assert await wf.deliver(client, wf.image_xml("wangfang", secrets.randbelow(10**9), media_id="MEDIA-77")) == "收到image"
    assert (seen[0].inbound.media_id, seen[0].inbound.pic_url) == ("MEDIA-77", "http://127.0.0.1/x.png")


@pytest.mark.parametrize("kind", ["voice", "video", "file", "location", "link"])
async def test_each_other_message_kind_is_routed_by_its_kind(client, seen, kind):
    assert await wf.deliver(client, wf.media_xml("wangfang", kind, secrets.randbelow(10**9))) == f"收到{kind}"


@pytest.mark.parametrize("event", ["enter_agent", "click", "view", "subscribe"])
async def test_each_event_is_routed_by_its_name(client, seen, event):
    assert await wf.deliver(client, wf.event_xml("wangfang", event, int(time.time()), key="my_list")) == f"收到event:{event}"
    assert seen[0].inbound.event_key == "my_list"


async def test_a_retried_card_tap_is_handled_once(client, seen, engine):
    xml = wf.card_event_xml("wangfang", int(time.time()), task_id="t-1", key="done:P-1")
    params, body = wf.envelope(xml)
    replies = []
    for _ in range(3):                 # WeCom retries three times
        resp = await client.post("/wecom/callback", params=params, data=body)
        assert resp.status == 200
        replies.append(wf.read_reply(await resp.text(), params))
    assert len(seen) == 1 and replies[0] == "收到event:template_card_event"
    with Session(engine) as s:
        assert len(s.exec(select(InboundMessage)).all()) == 1


def _raw(xml: str) -> dict:
    return xmltodict.parse(xml)["xml"]


def test_the_dedupe_keys_of_messages_and_events():
    assert dedupe_key(_raw(wf.text_xml("wangfang", "好", msg_id=77))) == "msg:wangfang:77"
    tap = _raw(wf.card_event_xml("liming", 1700000000, task_id="t-9", key="k", response_code="rc"))
    assert dedupe_key(tap) == "event:liming:1700000000:event:template_card_event:k:t-9:rc"
    # Two members tapping the same card at the same second are two callbacks.
    other = _raw(wf.card_event_xml("wangfang", 1700000000, task_id="t-9", key="k", response_code="rc"))
    assert dedupe_key(other) != dedupe_key(tap)


def test_fields_that_are_not_text_are_read_as_absent():
    raw = _raw(wf.text_xml("wangfang", "好", msg_id=5))
    raw["Content"] = {"b": "x"}         # an element where a text was expected
    raw["MsgId"] = {"nested": "1"}
    inbound = read_inbound(raw)
    assert (inbound.text, inbound.msg_id, inbound.kind) == ("", None, "text")
    assert read_inbound({}).kind == ""


def test_two_messages_without_a_msg_id_in_one_second_are_two_and_a_retry_is_one():
    def without_id(text: str) -> dict:
        raw = _raw(wf.text_xml("wangfang", text, msg_id=1, at=1700000000))
        del raw["MsgId"]
        return raw

    assert dedupe_key(without_id("第1项完成了")) != dedupe_key(without_id("第2项完成了"))
    assert dedupe_key(without_id("第1项完成了")) == dedupe_key(without_id("第1项完成了"))


async def test_two_messages_without_a_msg_id_in_one_second_are_both_answered(client, engine):
    at = int(time.time())
    for text in ("第1项完成了", "我的清单"):
        xml = wf.text_xml("wangfang", text, msg_id=1, at=at).replace("<MsgId>1</MsgId>", "")
        assert "<MsgId>" not in xml
        assert await wf.deliver(client, xml)
    with Session(engine) as s:
        assert len(s.exec(select(InboundMessage)).all()) == 2

"""bot.router: the first handler whose intent and predicate match answers, in the routers' order."""
from __future__ import annotations

import pytest

from bot.inbound import Inbound
from bot.nlu import Parse, Update
from bot.router import Dispatcher, Message, Router
from models.conversation import State, Waiting
from models.tables import Member
from tests.support.clock import NOW


def message(text: str, intent: str, waiting: State | None = None) -> Message:
    return Message(member=Member(account="a", name="甲", unit_id=1), text=text, parsed=Parse(intent), items=[],
                   at=NOW, session=None, runtime=None, waiting=waiting)


def inbound(msg_type: str, event: str | None = None) -> Message:
    return Message(member=Member(account="a", name="甲", unit_id=1), text="", parsed=None, items=[], at=NOW,
                   session=None, runtime=None, inbound=Inbound(key="k", account="a", msg_type=msg_type, event=event))


def test_the_first_matching_handler_answers_in_router_order():
    first, second = Router("first"), Router("second")

    @second.message(intent="my_list")
    def listed(msg):
        return "second"

    @first.message(intent="my_list", when=lambda msg: "全部" in msg.text)
    def everything(msg):
        return "first"

    dispatcher = Dispatcher([first, second])
    assert dispatcher.feed(message("我的清单", "my_list")) == "second"
    assert dispatcher.feed(message("我的全部清单", "my_list")) == "first"


def test_a_predicate_is_asked_only_for_its_own_intent():
    asked: list[str] = []
    router = Router("r")

    def costly(msg):
        asked.append(msg.text)
        return True

    @router.message(intent="progress", when=costly)
    def progress(msg):
        return "进展"

    @router.message()
    def anything(msg):
        return "其他"

    dispatcher = Dispatcher([router])
    assert dispatcher.feed(message("我的清单", "my_list")) == "其他" and asked == []
    assert dispatcher.feed(message("第1项完成", "progress")) == "进展" and asked == ["第1项完成"]


def test_no_handler_for_a_message_is_an_error_not_a_silence():
    with pytest.raises(LookupError):
        Dispatcher([Router("empty")]).feed(message("你好", "unknown"))


def test_every_intent_reaches_its_own_handler_in_the_real_routers():
    """In handlers.ROUTERS each intent reply understanding gives is answered by the module of that
    name (``handlers/<intent>.py``), not by one before it in the order nor by the catch-all; the
    catch-all answers only "unknown"."""
    from bot.nlu import INTENTS
    from handlers import ROUTERS

    dispatcher = Dispatcher(ROUTERS)
    reached = {intent: dispatcher.resolve(message("", intent)).__module__ for intent in INTENTS}
    assert reached == {intent: f"handlers.{intent}" for intent in INTENTS}


def test_each_kind_goes_to_its_own_observer_before_the_catch_alls():
    router, last = Router("r"), Router("last")
    router.image()(lambda msg: "图片")
    router.event("click")(lambda msg: "菜单")
    router.card_tap()(lambda msg: "卡片")
    last.message()(lambda msg: "文字")
    last.media()(lambda msg: "其他消息")
    last.event()(lambda msg: "其他事件")
    dispatcher = Dispatcher([last, router])      # a router later in the order still has its own kind first
    assert dispatcher.feed(inbound("image")) == "图片"
    assert dispatcher.feed(inbound("event", "click")) == "菜单"
    assert dispatcher.feed(inbound("event", "template_card_event")) == "卡片"
    assert dispatcher.feed(inbound("voice")) == "其他消息"
    assert dispatcher.feed(inbound("something_new")) == "其他消息"
    assert dispatcher.feed(inbound("event", "view")) == "其他事件"
    assert dispatcher.feed(message("你好", "unknown")) == "文字"
    assert Dispatcher([router]).resolve(inbound("voice")) is None        # no catch-all: nobody


def test_a_handler_for_a_state_matches_only_while_the_bot_waits_for_it():
    router = Router("r")
    router.message(intent="progress", waiting=Waiting.WHICH_ITEM)(lambda msg: "那一项")
    router.message(intent="progress")(lambda msg: "进展")
    dispatcher = Dispatcher([router])
    which = State(Waiting.WHICH_ITEM, NOW, update=Update(None, "done"), words="已完成")
    notice = State(Waiting.NOTICE_CONFIRMATION, NOW, notice_id=1)
    assert dispatcher.feed(message("第1项", "progress", which)) == "那一项"
    assert dispatcher.feed(message("第1项", "progress", notice)) == "进展"
    assert dispatcher.feed(message("第1项", "progress")) == "进展"


def test_every_kind_has_an_answer_in_the_real_routers():
    """Whatever WeCom sends — a message of any type, any event — somebody in handlers.ROUTERS answers."""
    from handlers import ROUTERS

    dispatcher = Dispatcher(ROUTERS)
    for kind in ("image", "voice", "video", "file", "location", "link", "shortvideo"):
        assert dispatcher.resolve(inbound(kind)) is not None, kind
    for event in ("enter_agent", "subscribe", "click", "view", "template_card_event", "unsubscribe", "new_event"):
        assert dispatcher.resolve(inbound("event", event)) is not None, event

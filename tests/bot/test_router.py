"""bot.router: the first handler whose intent and predicate match answers, in the routers' order."""
from __future__ import annotations

import pytest

from bot.nlu import Parse
from bot.router import Dispatcher, Message, Router
from models.tables import Member
from tests.support.clock import NOW


def message(text: str, intent: str) -> Message:
    return Message(member=Member(account="a", name="甲", unit_id=1), text=text, parsed=Parse(intent), items=[],
                   at=NOW, session=None, runtime=None)


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


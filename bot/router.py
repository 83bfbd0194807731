"""Routers in the aiogram manner: each handler module owns a ``Router`` and registers its handlers
on the observer of one inbound kind — ``message`` (text, by intent), ``image``, ``media`` (voice,
video, file, location, link), ``event`` (enter_agent, click, view, subscribe …) and ``card_tap``
(``template_card_event``). ``handlers.ROUTERS`` lists the routers in priority order; for each
inbound the first handler registered for its kind whose filters match answers.

What the bot waits for from the person (``models.conversation``: which item, a notice's 确认) is
read once per inbound, before routing, into ``Message.waiting``; a handler registered with
``waiting=`` matches only while that is what is waited for.

A handler is ``def handler(msg: Message) -> str``: synchronous, it runs inside the callback's one
transaction (``bot.conversation``) and returns the reply the person reads ("" for none). A handler
that must send messages to others (a notice) does not send: it puts an ``Outgoing`` in
``msg.outbox``, which is sent after the transaction commits.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlmodel import Session

from bot import nlu
from bot.inbound import MESSAGE_KINDS
from bot.messages import CardUpdate, OutMessage, as_message
from models.conversation import State, Waiting, waiting_for
from models.tables import Item, Member

if TYPE_CHECKING:
    from bot.inbound import Inbound
    from bot.runtime import Runtime
    from bot.wecom import SendResult

Handler = Callable[["Message"], str]
Filter = Callable[["Message"], bool]

CARD_TAP = "template_card_event"
ANY_MESSAGE = "message"         # the observer of every message kind that has none of its own
ANY_EVENT = "event"             # the observer of every event that has none of its own


@dataclass
class Outgoing:
    """A message to others (a ``bot.messages`` value; a string is a text), sent once the handler's
    transaction has committed — or a tapped card's update (``CardUpdate``), made then.

    ``report(result)``, when given, turns the send's outcome into the reply the sender reads."""

    accounts: list[str]
    message: OutMessage | CardUpdate | str
    report: Callable[[SendResult], str] | None = None

    def __post_init__(self) -> None:
        self.message = as_message(self.message)

    @property
    def text(self) -> str:
        """The message's text form."""
        return self.message.text


@dataclass
class Message:
    """One inbound from a known member — a text understood, an image, an event, a card tap — with
    what a handler needs to answer it."""

    member: Member
    text: str                    # a text's words; a menu click's key; "" otherwise
    parsed: nlu.Parse | None         # the text understood (None for what is not text)
    items: list[Item]            # the sender's items of the year, numbered as "我的清单" shows them
    at: datetime                 # when it arrived, in the configured zone
    session: Session
    runtime: Runtime
    msg_id: str | None = None
    outbox: list[Outgoing] = field(default_factory=list)
    inbound: Inbound | None = None   # the callback's own fields (event key, TaskId, MediaId …)
    waiting: State | None = None     # what the bot waits for from the sender, read before routing
    page: int = 1                    # which page of a long answer is asked for ("更多": bot.paging)

    @property
    def kind(self) -> str:
        return self.inbound.kind if self.inbound is not None else "text"

    @property
    def intent(self) -> str:
        return self.parsed.intent if self.parsed is not None else ""


def understand(text: str, items: list[Item]) -> nlu.Parse:
    """``text`` understood against the sender's items, in "我的清单" order (第2项 = items[1])."""
    return nlu.parse(text, [nlu.ItemRef(id=i.code, title=i.title, kind=i.kind, target=i.target_count) for i in items])


class Route(NamedTuple):
    intent: str | None          # a text's intent, or None for any
    when: Filter | None         # a predicate, or None for always
    waiting: Waiting | None     # matches only while the bot waits for this from the sender
    handler: Handler


@dataclass
class Router:
    name: str
    observers: dict[str, list[Route]] = field(default_factory=dict)     # inbound kind → routes, in order

    def on(self, kind: str, *, intent: str | None = None, when: Filter | None = None,
           waiting: Waiting | None = None):
        """Register a handler for one inbound kind ("text", "image", "event:click", …)."""
        def register(fn: Handler) -> Handler:
            self.observers.setdefault(kind, []).append(Route(intent, when, waiting, fn))
            return fn

        return register

    def message(self, intent: str | None = None, when: Filter | None = None, waiting: Waiting | None = None):
        """A text message (by its intent and/or any predicate on it)."""
        return self.on("text", intent=intent, when=when, waiting=waiting)

    def image(self, when: Filter | None = None, waiting: Waiting | None = None):
        return self.on("image", when=when, waiting=waiting)

    def media(self, when: Filter | None = None):
        """Every message kind that has no observer of its own here (voice, video, file, location …)."""
        return self.on(ANY_MESSAGE, when=when)

    def event(self, *names: str, when: Filter | None = None):
        """Events by name ("enter_agent", "click" …); no name: every event without a handler of its own."""
        def register(fn: Handler) -> Handler:
            for kind in [f"event:{name}" for name in names] or [ANY_EVENT]:
                self.on(kind, when=when)(fn)
            return fn

        return register

    def card_tap(self, when: Filter | None = None, waiting: Waiting | None = None):
        """A tap on a template card's button (or a vote / choice submitted)."""
        return self.on(f"event:{CARD_TAP}", when=when, waiting=waiting)


def _observers(kind: str) -> tuple[str, ...]:
    """The observers an inbound of ``kind`` is offered to, most specific first."""
    if kind.startswith("event:"):
        return kind, ANY_EVENT
    if kind == "text":
        return ("text",)
    return (kind, ANY_MESSAGE) if kind in MESSAGE_KINDS else (ANY_MESSAGE,)


class Dispatcher:
    """The routers in order; ``feed`` answers with the first matching handler."""

    def __init__(self, routers: Sequence[Router] = ()) -> None:
        self.routers: list[Router] = list(routers)

    def resolve(self, msg: Message) -> Handler | None:
        """The first handler registered for the message's kind whose intent (if it names one) is the
        message's, whose state (if it names one) is what the bot waits for, and whose predicate (if
        it has one) holds. The intent is compared first: a predicate reads the text again."""
        intent, waiting = msg.intent, msg.waiting.kind if msg.waiting is not None else None
        for observer in _observers(msg.kind):
            for router in self.routers:
                for route in router.observers.get(observer, ()):
                    if ((route.intent is None or route.intent == intent)
                            and (route.waiting is None or route.waiting == waiting)
                            and (route.when is None or route.when(msg))):
                        return route.handler
        return None

    def feed(self, msg: Message) -> str:
        """The reply to ``msg``: what the bot waits for from the sender is read first, then the
        first matching handler answers."""
        if msg.waiting is None:
            msg.waiting = waiting_for(msg.member, msg.at)
        handler = self.resolve(msg)
        if handler is None:
            raise LookupError(f"no handler for {msg.kind!r} (intent {msg.intent!r})")
        return handler(msg)

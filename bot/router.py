"""Routers in the aiogram manner: each handler module owns a ``Router``; ``handlers.ROUTERS``
lists them in priority order and the first handler whose filter matches answers.

A handler is ``def handler(msg: Message) -> str``: synchronous, it runs on a worker thread inside
the callback's one transaction (``bot.conversation``), and returns the reply the person reads.
A handler that must send messages to others (a notice) does not send: it puts an ``Outgoing`` in
``msg.outbox``, which is sent after the transaction commits.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.messages import OutMessage, as_message
from models.tables import Item, Member

if TYPE_CHECKING:
    from bot.nlu import Parse
    from bot.runtime import Runtime
    from bot.wecom import SendResult

Handler = Callable[["Message"], str]
Filter = Callable[["Message"], bool]


@dataclass
class Outgoing:
    """A message to others (a ``bot.messages`` value; a string is a text), sent once the handler's
    transaction has committed.

    ``report(result)``, when given, turns the send's outcome into the reply the sender reads."""

    accounts: list[str]
    message: OutMessage | str
    report: Callable[[SendResult], str] | None = None

    def __post_init__(self) -> None:
        self.message = as_message(self.message)

    @property
    def text(self) -> str:
        """The message's text form."""
        return self.message.text


@dataclass
class Message:
    """One text from a known member, understood, with what a handler needs to answer it."""

    member: Member
    text: str
    parsed: Parse
    items: list[Item]            # the sender's items of the year, numbered as "我的清单" shows them
    at: datetime                 # when it arrived, in the configured zone
    session: Session
    runtime: Runtime
    msg_id: str | None = None
    outbox: list[Outgoing] = field(default_factory=list)

    @property
    def intent(self) -> str:
        return self.parsed.intent


@dataclass
class Router:
    name: str
    # (intent or None for any, predicate or None for always, handler), in registration order
    handlers: list[tuple[str | None, Filter | None, Handler]] = field(default_factory=list)

    def message(self, intent: str | None = None, when: Filter | None = None):
        """Register a handler for an intent (and/or any predicate on the message)."""
        def register(fn: Handler) -> Handler:
            self.handlers.append((intent, when, fn))
            return fn

        return register


class Dispatcher:
    """The routers in order; ``feed`` answers with the first matching handler."""

    def __init__(self, routers: Sequence[Router] = ()) -> None:
        self.routers: list[Router] = list(routers)

    def resolve(self, msg: Message) -> Handler | None:
        """The first handler whose intent (if it names one) is the message's and whose predicate
        (if it has one) holds. The intent is compared first: a predicate reads the text again, and
        every message passes a dozen handlers that want another intent."""
        intent = msg.intent
        for router in self.routers:
            for wanted, when, handler in router.handlers:
                if (wanted is None or wanted == intent) and (when is None or when(msg)):
                    return handler
        return None

    def feed(self, msg: Message) -> str:
        handler = self.resolve(msg)
        if handler is None:
            raise LookupError(f"no handler for intent {msg.intent!r}")
        return handler(msg)

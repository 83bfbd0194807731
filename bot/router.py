"""Routers in the aiogram manner: each handler module owns a ``Router``; the app includes them
in priority order and the first handler whose filter matches answers.

A handler is ``async def handler(msg: Message) -> str`` and returns the reply the person reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Awaitable, Callable

from sqlmodel import Session

from models.tables import Item, Member

if TYPE_CHECKING:
    from bot.nlu import Parse
    from bot.runtime import Runtime

Handler = Callable[["Message"], Awaitable[str]]
Filter = Callable[["Message"], bool]


@dataclass
class Message:
    """One text from a known member, understood, with what a handler needs to answer it."""

    member: Member
    text: str
    parsed: "Parse"
    items: list[Item]            # the sender's items of the year, numbered as "我的清单" shows them
    at: datetime                 # when it arrived, in the configured zone
    session: Session
    runtime: "Runtime"
    msg_id: str | None = None

    @property
    def intent(self) -> str:
        return self.parsed.intent


@dataclass
class Router:
    name: str
    handlers: list[tuple[Filter, Handler]] = field(default_factory=list)

    def message(self, intent: str | None = None, when: Filter | None = None):
        """Register a handler for an intent (and/or any predicate on the message)."""
        def matches(msg: Message) -> bool:
            return (intent is None or msg.intent == intent) and (when is None or when(msg))

        def register(fn: Handler) -> Handler:
            self.handlers.append((matches, fn))
            return fn

        return register


class Dispatcher:
    def __init__(self) -> None:
        self.routers: list[Router] = []

    def include_routers(self, *routers: Router) -> None:
        self.routers.extend(routers)

    def resolve(self, msg: Message) -> Handler | None:
        for router in self.routers:
            for matches, handler in router.handlers:
                if matches(msg):
                    return handler
        return None

    async def feed(self, msg: Message) -> str:
        handler = self.resolve(msg)
        if handler is None:
            raise LookupError(f"no handler for intent {msg.intent!r}")
        return await handler(msg)

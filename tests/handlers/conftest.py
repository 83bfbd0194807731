"""Handlers are called directly with a Message, as aiogram/Bolt tests do."""
from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.nlu import Parse, Update
from bot.router import Message
from models.lookups import member_by_account, my_items
from tests.support.clock import NOW


class Chat:
    """Builds the Message a handler gets, and commits what it changed."""

    def __init__(self, runtime, engine):
        self.runtime, self.engine = runtime, engine

    async def ask(self, handler, account: str, text: str, intent: str, updates=(), at=NOW) -> str:
        with Session(self.engine, expire_on_commit=False) as s:
            member = member_by_account(s, account)
            msg = Message(member=member, text=text, parsed=Parse(intent=intent, updates=list(updates)),
                          items=my_items(s, member.id, at.year), at=at, session=s, runtime=self.runtime,
                          msg_id="t1")
            reply = await handler(msg)
            s.commit()
        return reply


@pytest.fixture
def chat(runtime, engine):
    return Chat(runtime, engine)


__all__ = ["Chat", "Update"]

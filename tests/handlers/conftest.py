"""Handlers are called directly with a Message, as aiogram/Bolt tests do."""
from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.answering import deliver
from bot.nlu import Parse, Update
from bot.router import Message
from models.conversation import waiting_for
from models.lookups import member_by_account, my_items
from tests.support.clock import NOW


class Chat:
    """Builds the Message a handler gets, commits what it changed, then sends its outbox."""

    def __init__(self, runtime, engine):
        self.runtime, self.engine = runtime, engine

    def message(self, session: Session, account: str, text: str, parsed: Parse, at=NOW) -> Message:
        member = member_by_account(session, account)
        return Message(member=member, text=text, parsed=parsed, items=my_items(session, member.id, at.year),
                       at=at, session=session, runtime=self.runtime, msg_id="t1",
                       waiting=waiting_for(member, at))      # read before routing, as the dispatcher does

    async def ask(self, handler, account: str, text: str, intent: str, updates=(), at=NOW) -> str:
        with Session(self.engine, expire_on_commit=False) as s:
            msg = self.message(s, account, text, Parse(intent=intent, updates=list(updates)), at)
            reply = handler(msg)
            s.commit()
        return await deliver(self.runtime, msg.outbox, reply)


@pytest.fixture
def chat(runtime, engine):
    return Chat(runtime, engine)


__all__ = ["Chat", "Update"]

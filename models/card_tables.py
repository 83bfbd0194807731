"""The tables of template cards: a tap taken (``CardTap``) and a card sent as an answer (``SentCard``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import at_field as _at


class CardTap(SQLModel, table=True):
    """A tap on a template card that was taken (``bot.cards``): one per card and addressee (a notice's
    one card goes to many), so a second tap on the same card finds it and changes nothing."""

    __table_args__ = (UniqueConstraint("task_id", "member_id", name="uq_cardtap_task_member"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: str = Field(index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    at: datetime = _at()
    key: str                                      # the button's key (``bot.cards.keys.KEYS``)
    response_code: str | None = None              # what updated the card (once, within 72 hours)


class SentCard(SQLModel, table=True):
    """A template card sent as an answer, not a push (a read-back, a close-off request, a notice):
    its JSON with what the bot must know when it is tapped (``bot.messages.TemplateCard.about``).
    ``member_id``: its addressee; None for a card to many (a notice: its receipts say who)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: str = Field(unique=True, index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    at: datetime = _at()
    message: str                                  # the card as JSON (bot.messages.to_stored)

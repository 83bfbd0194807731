"""Cards sent as answers, not pushes: a report read back, a close-off request to the secretary, a
notice. Each is kept as a ``SentCard`` row (its JSON and ``about``) in the transaction that sends
it, so a tap finds it (``bot.cards.taps``), and goes out after the commit (``msg.outbox``).

Their task_ids are ``qd@<kind>@<ref>@<addressee>`` (``bot.cards.task_ids``): the ref is random for a
read-back and a close-off request (never used twice in the app), the notice's id for a notice (one
card to all its recipients, addressee 0). With ``[wecom] cards = false`` nothing is kept and the
text form goes instead.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable

from bot.cards.task_ids import task_id
from bot.messages import OutMessage, TemplateCard, to_stored
from bot.router import Message, Outgoing
from models.tables import SentCard

TO_MANY = 0         # the addressee part of the task_id of a card to many (a notice)


def new_task_id(kind: str, member_id: int, ref: str | None = None) -> str:
    """A task_id for a card of ``kind`` to ``member_id``; a random ref unless given."""
    return task_id(f"{kind}:{ref or secrets.token_hex(6)}", member_id)


def cards_on(msg: Message) -> bool:
    return bool(msg.runtime.config.wecom.cards)


def card_or_text(msg: Message, make: Callable[[str], TemplateCard | None], kind: str, member_id: int | None,
                 text: str, ref: str | None = None) -> OutMessage | str:
    """The card ``make(task_id)`` builds, kept for its taps; ``text`` when cards are off or the card
    does not fit (``make`` gives None)."""
    if not cards_on(msg):
        return text
    tid = new_task_id(kind, member_id if member_id is not None else TO_MANY, ref)
    card = make(tid)
    if card is None:
        return text
    msg.session.add(SentCard(task_id=tid, member_id=member_id, at=msg.at, message=to_stored(card)))
    return card


def send(msg: Message, accounts: list[str], message: OutMessage | str, report=None) -> None:
    """``message`` to ``accounts`` after the commit."""
    msg.outbox.append(Outgoing(accounts, message, report))

"""The rules every tap on a card obeys before anything changes, and the record of a tap taken.

A tap is taken only when: the task_id is one the bot made (``bot.cards.task_ids``) and its push log
row — or, for a card sent as an answer, its ``SentCard`` row (``bot.cards.answers``) — holds that card;
the key is one of the card's buttons; the tapper is the card's addressee (the row's member; a card
to many, a notice, leaves that to its module); the card was not tapped before by the tapper
(``CardTap``, unique per task_id and member: a second tap, or a concurrent one, finds it); and no
newer pushed card of the same occasion kind about the same item was sent to the person since (the
older card is out of date). The card's own module then checks that what it is about is as the card
showed it. Every refusal changes nothing and says why, in Chinese.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from bot.cards.keys import KEYS, Key
from bot.cards.task_ids import kind_of, read_task_id
from bot.messages import CardUpdate, TemplateCard, from_stored
from bot.router import Message, Outgoing
from models.db import insert_one_ignoring
from models.tables import CardTap, Member, PushLog, SentCard


def on_cards(kind: str) -> Callable[[Message], bool]:
    """The filter of a card module's tap handler: taps on the bot's cards sent on occasions of
    ``kind`` ("deadline", the task_id's occasion kind; ``bot.cards.task_ids``)."""
    def taps_a_card_of_kind(msg: Message) -> bool:
        return msg.inbound is not None and kind_of(msg.inbound.task_id) == kind
    return taps_a_card_of_kind


NOT_OURS = "这张卡片已失效，本次点击未做任何记录。请直接输入文字回复，例如“第2项完成80%”。"
NOT_YOURS = "这张卡片是发给{name}的，您的点击未做任何记录。您自己的事项请回复“我的清单”查看。"
TAPPED_BEFORE = "这张卡片已经点选过（{what}），本次点击未做任何记录。{again}"
UPDATE_FAILED = "（卡片未能更新，您的点选已记录。）\n"
OUT_OF_DATE = "这张卡片已过时：此后已发出关于这一项的新提醒，本次点击未做任何记录。请在最新的提醒中点选，或直接回复文字。"


@dataclass
class Tapped:
    """A tap that passed the shared rules: the card's push log row, the card, the key."""

    row: PushLog | SentCard
    card: TemplateCard
    key: Key

    @property
    def about(self) -> dict[str, Any]:
        return dict(self.card.about)


def _card_of(session: Session, task_id: str | None) -> tuple[PushLog | SentCard, TemplateCard] | None:
    read = read_task_id(task_id)
    if read is None:
        return None
    row = session.exec(select(PushLog).where(PushLog.occasion == read[0], PushLog.member_id == read[1])).first()
    if row is None:
        row = session.exec(select(SentCard).where(SentCard.task_id == task_id)).first()
    card = from_stored(row.message, getattr(row, "content", "")) if row is not None and row.message else None
    if not isinstance(card, TemplateCard) or card.task_id != task_id:
        return None
    return row, card


def _buttons(card: TemplateCard) -> set[str]:
    return {b.get("key") for b in card.card.get("button_list") or []}


def tapped_card(session: Session, member: Member, task_id: str | None, key: str | None) -> Tapped | str:
    """The card tapped, if the tap passes the shared rules (the item's own check aside); else why not."""
    found = _card_of(session, task_id)
    if found is None or key not in _buttons(found[1]) or key not in KEYS:
        return NOT_OURS
    row, card = found
    if row.member_id is not None and row.member_id != member.id:
        addressee = session.get(Member, row.member_id)
        return NOT_YOURS.format(name=addressee.name if addressee is not None else "他人")
    earlier = session.exec(select(CardTap).where(CardTap.task_id == task_id, CardTap.member_id == member.id)).first()
    if earlier is not None:
        was = KEYS.get(earlier.key)
        return TAPPED_BEFORE.format(what=was.text if was else earlier.key, again=was.again if was else "")
    if isinstance(row, PushLog) and _superseded(session, row, card):
        return OUT_OF_DATE
    return Tapped(row, card, KEYS[key])


def _superseded(session: Session, row: PushLog, card: TemplateCard) -> bool:
    """Whether a newer pushed card of the same occasion kind about the same item went to the same person."""
    item_id = card.about.get("item_id")
    if item_id is None:
        return False
    kind = row.occasion.split(":", 1)[0]
    later = session.exec(select(PushLog.message).where(
        PushLog.member_id == row.member_id, PushLog.occasion.startswith(f"{kind}:"), PushLog.occasion > row.occasion,
        PushLog.message.is_not(None))).all()
    return any((json.loads(m).get("about") or {}).get("item_id") == item_id for m in later)


def take(session: Session, tapped: Tapped, member: Member, at: datetime, response_code: str | None) -> bool:
    """Record the tap taken (one row per card and tapper); False when another tap of the tapper's on
    the card was taken first."""
    conn = session.connection()
    stmt = insert_one_ignoring(conn.dialect.name, CardTap.__table__, ("task_id", "member_id"),
                               ("task_id", "member_id", "at", "key", "response_code"))
    made = conn.execute(stmt, {"task_id": tapped.card.task_id, "member_id": member.id, "at": at,
                               "key": tapped.key.name, "response_code": response_code}).scalar()
    return made is not None


# --- answering a tap: the callback is answered empty, the tapper told by message -------------------

def tell(msg: Message, text: str) -> str:
    """Say ``text`` to the tapper by message (the callback itself is answered empty)."""
    msg.outbox.append(Outgoing([msg.member.account], text))
    return ""


def acknowledge(msg: Message, what: str, reply: str) -> None:
    """The card updated to show ``what`` was recorded; ``reply`` sent instead if WeCom refuses."""
    code = msg.inbound.response_code
    if code:
        msg.outbox.append(Outgoing([msg.member.account], CardUpdate(code, what, UPDATE_FAILED + reply)))
    else:
        msg.outbox.append(Outgoing([msg.member.account], reply))


def take_and_apply(msg: Message, tapped: Tapped, apply: Callable[[], str], what: str) -> bool:
    """Take the tap (once per card and tapper), apply it, and have the card show ``what``; False
    (and the person told) when another tap of theirs on the card was taken first."""
    if not take(msg.session, tapped, msg.member, msg.at, msg.inbound.response_code):
        tell(msg, TAPPED_BEFORE.format(what=tapped.key.text, again=tapped.key.again))
        return False
    acknowledge(msg, what, apply())
    return True

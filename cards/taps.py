"""The rules every tap on a card obeys before anything changes, and the record of a tap taken.

A tap is taken only when: the task_id is one the bot made (``cards.task_ids``) and its push log
row holds that card; the key is one of the card's buttons; the tapper is the card's addressee (the
row's member); the card was not tapped before (``CardTap``, unique per task_id: a second tap, or a
concurrent one, finds it); and no newer card of the same occasion kind about the same item was sent
to the person since (the older card is out of date). The card's own module then checks that its
item is as the card showed it. Every refusal changes nothing and says why, in Chinese.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from bot.messages import TemplateCard, from_stored
from cards.keys import KEYS, Key
from cards.task_ids import read_task_id
from models.db import insert_one_ignoring
from models.tables import CardTap, Member, PushLog

NOT_OURS = "这张卡片已失效，本次点击未做任何记录。请直接输入文字回复，例如“第2项完成80%”。"
NOT_YOURS = "这张卡片是发给{name}的，您的点击未做任何记录。您自己的事项请回复“我的清单”查看。"
TAPPED_BEFORE = "这张卡片已经点选过（{what}），本次点击未做任何记录。如需更改，请直接回复文字，如“完成80%”，或回复“撤回”。"
OUT_OF_DATE = "这张卡片已过时：此后已发出关于这一项的新提醒，本次点击未做任何记录。请在最新的提醒中点选，或直接回复文字。"


@dataclass
class Tapped:
    """A tap that passed the shared rules: the card's push log row, the card, the key."""

    row: PushLog
    card: TemplateCard
    key: Key

    @property
    def about(self) -> dict[str, Any]:
        return dict(self.card.about)


def _card_of(session: Session, task_id: str | None) -> tuple[PushLog, TemplateCard] | None:
    read = read_task_id(task_id)
    if read is None:
        return None
    row = session.exec(select(PushLog).where(PushLog.occasion == read[0], PushLog.member_id == read[1])).first()
    card = from_stored(row.message, row.content) if row is not None and row.message else None
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
    if row.member_id != member.id:
        addressee = session.get(Member, row.member_id)
        return NOT_YOURS.format(name=addressee.name if addressee is not None else "他人")
    earlier = session.exec(select(CardTap).where(CardTap.task_id == task_id)).first()
    if earlier is not None:
        return TAPPED_BEFORE.format(what=KEYS[earlier.key].text if earlier.key in KEYS else earlier.key)
    if _superseded(session, row, card):
        return OUT_OF_DATE
    return Tapped(row, card, KEYS[key])


def _superseded(session: Session, row: PushLog, card: TemplateCard) -> bool:
    """Whether a newer card of the same occasion kind about the same item went to the same person."""
    item_id = card.about.get("item_id")
    if item_id is None:
        return False
    kind = row.occasion.split(":", 1)[0]
    later = session.exec(select(PushLog.message).where(
        PushLog.member_id == row.member_id, PushLog.occasion.startswith(f"{kind}:"), PushLog.occasion > row.occasion,
        PushLog.message.is_not(None))).all()
    return any((json.loads(m).get("about") or {}).get("item_id") == item_id for m in later)


def take(session: Session, tapped: Tapped, member: Member, at: datetime, response_code: str | None) -> bool:
    """Record the tap taken (one row per card); False when another tap on the card was taken first."""
    conn = session.connection()
    stmt = insert_one_ignoring(conn.dialect.name, CardTap.__table__, ("task_id",),
                               ("task_id", "member_id", "at", "key", "response_code"))
    made = conn.execute(stmt, {"task_id": tapped.card.task_id, "member_id": member.id, "at": at,
                               "key": tapped.key.name, "response_code": response_code}).scalar()
    return made is not None

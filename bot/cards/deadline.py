"""The deadline reminder about one item (截止提醒) as a ``button_interaction`` card.

Its buttons by the item's kind (``bot.cards.keys``): a project, a rectification or a duty without a
target count — 已完成 / 在推进 / 遇到困难; a quantified duty — 本月开展了1次 / 本月未开展. Its text
form is the reminder as text (what ``[wecom] cards = false`` sends, and the WeChat plug-in shows):
it says how to answer by typing. What the card knows of its item when sent (``about``): the item,
its owner, its state and its last update — a tap is refused when any has changed since.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from bot.cards.keys import KEYS, Key
from bot.cards.task_ids import task_id
from bot.messages import TemplateCard, button_card, card_fits
from bot.texts import day, progress_zh
from models.tables import Item, ProgressUpdate

OCCASION_KIND = "deadline"
TYPING = "也可直接回复文字，如“已完成”“完成80%”"
TYPING_COUNT = "也可直接回复文字，如“本月开展了1次”“今年已开展5次”"


def keys_for(item: Item) -> list[Key]:
    """The buttons of a card about ``item``."""
    names = ("once", "none") if item.target_count else ("done", "going", "blocked")
    return [KEYS[n] for n in names]


def last_updates(session: Session, item_ids: Iterable[int]) -> dict[int, int]:
    """Each item's last ``ProgressUpdate`` id (any action: an update, an undo, a review), in one query."""
    ids = list(item_ids)
    if not ids:
        return {}
    rows = session.connection().execute(select(ProgressUpdate.item_id, func.max(ProgressUpdate.id))
                                        .where(ProgressUpdate.item_id.in_(ids)).group_by(ProgressUpdate.item_id))
    return dict(rows.all())


def state_of(item: Item, last_update: int) -> dict[str, Any]:
    """What a tap checks the item against: its owner, status, figures and last update."""
    return {"item_id": item.id, "owner_id": item.owner_id, "status": str(item.status), "percent": item.percent,
            "count": item.done_count, "last_update": last_update}


def deadline_card(occasion: str, member_id: int, item: Item, line: str, note: str, text: str,
                  last_update: int, today: date) -> TemplateCard | None:
    """The card of the reminder ``text`` about ``item`` (``line``: its numbered line, ``note``:
    "还有3天" / "今天截止" / "已逾期1天"); None when it would exceed WeCom's limits (then the
    reminder goes as text)."""
    card = button_card(task_id(occasion, member_id), f"【截止提醒】{note}", [k.button for k in keys_for(item)], text,
                       sub_title=f"{line}\n{TYPING_COUNT if item.target_count else TYPING}",
                       fields=[("进度", progress_zh(item, today)), ("截止", day(item.deadline))])
    if not card_fits(card.card):
        return None
    return TemplateCard(card.card, text, {"occasion": OCCASION_KIND, **state_of(item, last_update)})


def changed_since(item: Item, about: dict, last_update: int) -> bool:
    """Whether ``item`` is not as the card showed it (updated, undone, reviewed, handed over)."""
    return state_of(item, last_update) != {k: about.get(k) for k in state_of(item, last_update)}

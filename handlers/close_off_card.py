"""Taps on the close-off request's card (``bot.cards.close_off``), and the reason asked after 退回.

同意销号 is the typed "销号 Z-1": the same rule (``models.progress.close_off``: only a secretary
answering for the owner, never for their own item, only a rectification reported done), kept as
"[按钮] 销号"; the owner is told. 退回 asks the reason in chat (``Waiting.RETURN_REASON``): the
next message is the reason, and the item goes back as the typed "退回 Z-1 原因：……" would
(``models.progress.send_back``), kept as "[按钮] 退回（原因：……）"; the owner is told with the
reason. "取消" instead of a reason sends nothing back.

A tap that breaks a rule (``bot.cards.taps``; the item changed since the card was sent; the review
refused) changes nothing and is told why; the card is updated after the commit, or the person told
by text.
"""
from __future__ import annotations

from bot.cards.close_off import OCCASION_KIND
from bot.cards.deadline import changed_since, last_updates
from bot.cards.taps import Tapped, acknowledge, on_cards, take, tapped_card, tell
from bot.nlu.codes import Review, read_review
from bot.nlu.notices import is_cancellation
from bot.router import Message, Router
from bot.texts import progress_zh
from handlers.close_off import review_item
from models.conversation import State, Waiting, stop_waiting, wait_for
from models.progress import lock
from models.tables import Item, ItemStatus, Member

router = Router("close_off_card")
reasons = Router("close_off_card.reasons")

GONE = "卡片上的整改事项已不存在，本次点击未做任何记录。"
CHANGED = "卡片发出后该整改事项已有变动（现为：{now}），本次点击未做任何记录。回复“整改清单”查看。"
REFUSED = "本次点击未做任何记录：{line}"
ASK_REASON = "请回复退回[{code}] {title}的原因（如“台账不全”），收到后即退回并告知{owner}；回复“取消”则不退回。"
NOT_RETURNED = "已取消，[{code}] {title}未退回。"
QUESTIONS = frozenset({"help", "my_list", "star_level", "overdue", "unreported", "rectifications", "report_status",
                       "broadcast"})


def _owner_name(msg: Message, item: Item) -> str:
    owner = msg.session.get(Member, item.owner_id)
    return owner.name if owner is not None else ""


@router.card_tap(when=on_cards(OCCASION_KIND))
def tap_close_off_card(msg: Message) -> str:
    """同意销号 / 退回 on the rectification the card is about; else why the tap changes nothing."""
    tapped = tapped_card(msg.session, msg.member, msg.inbound.task_id, msg.inbound.event_key)
    if isinstance(tapped, str):
        return tell(msg, tapped)
    item = msg.session.get(Item, tapped.about.get("item_id"))
    if item is None:
        return tell(msg, GONE)
    lock(msg.session, item)
    if changed_since(item, tapped.about, last_updates(msg.session, [item.id]).get(item.id, 0)):
        return tell(msg, CHANGED.format(now=progress_zh(item, msg.at.date())))
    if tapped.key.name == "close_off":
        return _close_off(msg, tapped, item)
    return _ask_reason(msg, tapped, item)


def _taken(msg: Message, tapped: Tapped) -> None:
    """Record the tap; the item lock and the change check above make a second one see the change."""
    if not take(msg.session, tapped, msg.member, msg.at, msg.inbound.response_code):
        raise RuntimeError(f"card {tapped.card.task_id} tapped twice past the item lock")


def _close_off(msg: Message, tapped: Tapped, item: Item) -> str:
    line = review_item(msg, Review("close", (item.code,)), item, tapped.key.tapped_words)
    if item.status != ItemStatus.CLOSED:
        return tell(msg, REFUSED.format(line=line.lstrip("· ")))
    _taken(msg, tapped)
    acknowledge(msg, "已同意销号", f"整改销号结果：\n{line}")
    return ""


def _ask_reason(msg: Message, tapped: Tapped, item: Item) -> str:
    if not (msg.member.is_secretary and item.owner_id != msg.member.id and item.status == ItemStatus.DONE):
        return tell(msg, REFUSED.format(line="只有报告已完成、待销号的他人整改事项可由书记退回"))
    _taken(msg, tapped)
    wait_for(msg.session, msg.member, State(Waiting.RETURN_REASON, msg.at, words=tapped.key.tapped_words,
                                            item_ids=(item.id,)))
    acknowledge(msg, "退回：请回复原因", ASK_REASON.format(code=item.code, title=item.title,
                                                      owner=_owner_name(msg, item)))
    return ""


def _gives_reason(msg: Message) -> bool:
    """A message while the bot waits for a return reason: the reason, unless it is a question or a
    command of its own (a notice, another 销号 / 退回)."""
    return bool(msg.text.strip()) and msg.intent not in QUESTIONS and read_review(msg.text) is None


@reasons.message(waiting=Waiting.RETURN_REASON, when=_gives_reason)
def send_back_with_reason(msg: Message) -> str:
    """The reason: the rectification goes back with it (or "取消": it does not)."""
    state = msg.waiting
    stop_waiting(msg.session, msg.member)
    item = msg.session.get(Item, state.item_ids[0]) if state.item_ids else None
    if item is None:
        return "该整改事项已不存在，未退回。"
    if is_cancellation(msg.text):
        return NOT_RETURNED.format(code=item.code, title=item.title)
    reason = msg.text.strip()
    return "整改退回结果：\n" + review_item(msg, Review("return", (item.code,), reason), item,
                                         f"{state.words}（原因：{reason}）")

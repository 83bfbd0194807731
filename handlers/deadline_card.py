"""Taps on the deadline reminder's card (``bot.cards.deadline``), and what is in the way after 遇到困难.

A tap is recorded exactly as its words typed about the card's item would be (``bot.cards.keys``: the
same ``Update`` reply understanding makes of "已完成", the same rules, the same 撤回), kept as
"[按钮] 已完成"; "本月未开展" is the month's report in those words and changes no item (as typed:
``handlers.written_report``). 遇到困难 marks the item 受阻 and asks what is in the way; the next
message is kept with that update. The callback is answered empty (WeCom's passive reply to a card
event is not to be relied on): after the commit the card is updated to show what was recorded, and
if WeCom refuses the update (its response_code used or past 72 hours) the person is told by text.

A tap that breaks a rule (``bot.cards.taps``; the item changed since the card was sent) changes
nothing and is told why, by text.
"""
from __future__ import annotations

from dataclasses import replace

from bot.cards.deadline import OCCASION_KIND, changed_since, last_updates
from bot.cards.keys import Key
from bot.cards.taps import on_cards, take_and_apply, tapped_card, tell
from bot.nlu import Update
from bot.router import Message, Router, understand
from bot.texts import progress_zh
from handlers.progress import record
from handlers.written_report import report_in_words
from models.conversation import State, Waiting, stop_waiting, wait_for
from models.progress import add_reason, lock, preview
from models.tables import Item, ItemStatus

router = Router("deadline_card")
reasons = Router("deadline_card.reasons")

NOT_ON_LIST = "卡片上的事项已不在您的清单中，本次点击未做任何记录。回复“我的清单”查看您的事项。"
CHANGED = "卡片发出后该事项已有变动（现为：{now}），本次点击未做任何记录。请直接回复文字报送，如“已完成”“完成80%”。"
NO_CHANGE = "本次点击未做任何记录：{note}。"
ASK_REASON = "已记录：[{code}] {title} 遇到困难。请问遇到了什么困难？直接回复即可，您的说明将与这条记录一并保存。"
RECORDED = "已记录：{what} · 可回复“撤回”"


def _update(msg: Message, item: Item, key: Key) -> Update | None:
    """The update reply understanding makes of the key's words said about ``item``."""
    parsed = understand(key.words, [item])
    updates = [u for u in parsed.updates if u.status or u.count or u.percent is not None]
    return replace(updates[0], item=item.code) if parsed.intent == "progress" and len(updates) == 1 else None


@router.card_tap(when=on_cards(OCCASION_KIND))
def tap_deadline_card(msg: Message) -> str:
    """Record the tap (see the module docstring), or say why it changes nothing."""
    tapped = tapped_card(msg.session, msg.member, msg.inbound.task_id, msg.inbound.event_key)
    if isinstance(tapped, str):
        return tell(msg, tapped)
    item = next((i for i in msg.items if i.id == tapped.about.get("item_id")), None)
    if item is None or item.owner_id != msg.member.id:
        return tell(msg, NOT_ON_LIST)
    lock(msg.session, item)
    if changed_since(item, tapped.about, last_updates(msg.session, [item.id]).get(item.id, 0)):
        return tell(msg, CHANGED.format(now=progress_zh(item, msg.at.date())))
    msg.text = tapped.key.tapped_words          # what the records and a secretary's 待销号 quote
    if tapped.key.name == "none":
        take_and_apply(msg, tapped, lambda: report_in_words(msg, msg.text, no_news=True), "已记录：本月未开展")
        return ""
    update = _update(msg, item, tapped.key)
    after = preview(item, update, named=False) if update is not None else None
    if after is None or not after.changes:
        return tell(msg, NO_CHANGE.format(note=after.note if after is not None else "没能读懂这个按钮"))
    taken = take_and_apply(msg, tapped, lambda: record(msg, [(item, update, False)], msg.text),
                  RECORDED.format(what=tapped.key.text))
    if taken and tapped.key.name == "blocked" and item.status == ItemStatus.BLOCKED:
        wait_for(msg.session, msg.member, State(Waiting.BLOCKED_REASON, msg.at, words=msg.text, item_ids=(item.id,)))
        tell(msg, ASK_REASON.format(code=item.code, title=item.title))
    return ""


def _gives_reason(msg: Message) -> bool:
    """A message while the bot waits for what is in the way: the reason, unless it reports progress
    (names an item, or a state other than 受阻: "已完成") — and only while the item is still 受阻
    (not undone meanwhile)."""
    item_ids = msg.waiting.item_ids if msg.waiting is not None else ()
    blocked = any(i.id in item_ids and i.status == ItemStatus.BLOCKED for i in msg.items)
    progress = msg.intent == "progress" and any(u.item or u.status not in (None, ItemStatus.BLOCKED)
                                                for u in msg.parsed.updates)
    return blocked and not progress and bool(msg.text.strip())


@reasons.message(waiting=Waiting.BLOCKED_REASON, when=_gives_reason)
def keep_reason(msg: Message) -> str:
    """The reason, kept with the 遇到困难 update."""
    state = msg.waiting
    stop_waiting(msg.session, msg.member)
    item = next(i for i in msg.items if i.id in state.item_ids)
    if not add_reason(msg.session, item=item, member=msg.member, words=state.words, reason=msg.text.strip()):
        return "该“遇到困难”记录已不在，您的说明未保存。如需报送，请直接回复进展。"
    return (f"已记下：[{item.code}] {item.title} 遇到的困难——“{msg.text.strip()}”，与该项的“遇到困难”记录一并保存。"
            "如需书记协调，可联系本支部书记。")

"""报进度: replies become progress updates on the sender's own items.

When the reply does not say which item, the item the bot last spoke about (a reminder, a
question) is meant if that was recent; otherwise the bot asks, keeping the update until the
person answers with an item ("第2项"). When two items match equally, it asks, never guesses.
What the bot remembers between messages is ``models.conversation``'s; the state rules are
``models.progress``'s.
"""
from __future__ import annotations

from bot.router import Message, Router
from bot.texts import (ANSWER_WITH_ITEM, ASK_ITEM_STATE, MORE_ITEMS, NO_ITEMS_TO_UPDATE, item_line, month_zh,
                       numbered, progress_zh)
from bot.wecom import fit_lines
from models.conversation import PendingUpdate, item_in_mind, keep_pending, remember_item, take_pending
from models.lookups import month_key, report_for
from models.progress import mark_reported, record_progress
from models.tables import Item

router = Router("progress")


def _has_state(u) -> bool:
    return bool(u.status or u.percent is not None or u.count)


def _pending(msg: Message, u) -> PendingUpdate:
    return PendingUpdate(status=u.status, percent=u.percent, count=u.count, words=msg.text,
                         total=getattr(u, "total", None))


def _number(msg: Message, item: Item) -> int:
    return next(n for n, i in enumerate(msg.items, 1) if i.id == item.id)


def _ask_which(msg: Message, candidates: list[Item] | None = None) -> str:
    if candidates:
        head = "您说的是哪一项？以下事项都符合："
        lines = numbered(msg.items, only=candidates, today=msg.at.date())
    else:
        open_items = [i for i in msg.items if i.is_open] or msg.items
        head = "请问是哪一项的进展？您的未完成事项："
        lines = numbered(msg.items, only=open_items, today=msg.at.date())
    return fit_lines(head, lines, MORE_ITEMS, footer=ANSWER_WITH_ITEM)


def _plan(msg: Message) -> tuple[list[tuple[Item, dict]], str] | str:
    """(item, state) pairs to apply and the words to keep; or the reply when nothing is applied."""
    session, member = msg.session, msg.member
    by_code = {i.code: i for i in reversed(msg.items)}
    updates = msg.parsed.updates
    ambiguous = next((u for u in updates if u.item is None and u.candidates), None)
    if ambiguous:
        if _has_state(ambiguous):
            keep_pending(session, member, _pending(msg, ambiguous), msg.at)
        return _ask_which(msg, [by_code[c] for c in ambiguous.candidates if c in by_code])
    if not any(_has_state(u) for u in updates):
        named = [by_code[u.item] for u in updates if u.item in by_code]
        pending = take_pending(session, member, msg.at)
        if pending and len(named) == 1:
            return [(named[0], pending.state())], f"{pending.words}（{msg.text}）"
        if len(named) == 1:
            item = named[0]
            remember_item(session, member, item, msg.at)
            return f"{item_line(_number(msg, item), item, msg.at.date())}\n{ASK_ITEM_STATE}"
        return _ask_which(msg, named or None)
    planned = []
    for u in updates:
        if not _has_state(u):
            continue
        item = by_code.get(u.item) if u.item else item_in_mind(member, msg.items, msg.at)
        if item is None:
            keep_pending(session, member, _pending(msg, u), msg.at)
            return _ask_which(msg)
        planned.append((item, {"status": u.status, "percent": u.percent, "count": u.count}))
    take_pending(session, member, msg.at)
    return planned, msg.text


@router.message(intent="progress")
def record_updates(msg: Message) -> str:
    """Apply every understood update in one go and confirm what changed in one reply."""
    if not msg.items:
        return NO_ITEMS_TO_UPDATE
    plan = _plan(msg)
    if isinstance(plan, str):
        return plan
    planned, words = plan
    tz = msg.runtime.tz
    first_of_month = report_for(msg.session, msg.member.id, month_key(msg.at, tz)) is None
    lines = [f"已记录{msg.member.name}的进展："]
    for item, state in planned:
        before = progress_zh(item)
        change = record_progress(msg.session, item=item, member=msg.member, at=msg.at, words=words,
                                 msg_id=msg.msg_id, **state)
        lines.append(f"第{_number(msg, item)}项 [{item.code}] {item.title}：{before} → {progress_zh(item)}")
        if change.note:
            lines.append(f"  （{change.note}）")
        remember_item(msg.session, msg.member, item, msg.at)
    mark_reported(msg.session, msg.member, msg.at, words, tz)
    if first_of_month:
        lines.append(f"已计入{month_zh(month_key(msg.at, tz))}月报。")
    return fit_lines(lines[0], lines[1:], "…及其余{n}项", footer="")

"""报进度: replies become progress updates on the sender's own items.

When the reply does not say which item, the item the bot last spoke about (a reminder, a
question) is meant if that was recent; otherwise the bot asks, keeping the update until the
person answers with an item ("第2项"). When two items match equally, it asks, never guesses.
"""
from __future__ import annotations

import json
from datetime import timedelta

from bot.router import Message, Router
from bot.texts import MORE_ITEMS, item_line, month_zh, numbered, progress_zh
from bot.wecom import fit_lines
from models.lookups import month_key, report_for
from models.progress import mark_reported, record_progress
from models.tables import Item

router = Router("progress")

CONTEXT_TTL = timedelta(days=3)     # a reminder about one item makes "已完成" mean that item
PENDING_TTL = timedelta(hours=2)    # an update waiting for "which item?"


def _has_state(u) -> bool:
    return bool(u.status or u.percent is not None or u.count)


def _fresh(at, since, ttl) -> bool:
    return since is not None and at - since <= ttl


def _context_item(msg: Message) -> Item | None:
    m = msg.member
    if m.context_item_id and _fresh(msg.at, m.context_at, CONTEXT_TTL):
        return next((i for i in msg.items if i.id == m.context_item_id), None)
    return None


def _keep_pending(msg: Message, update) -> None:
    msg.member.pending_update = json.dumps(
        {"status": update.status, "percent": update.percent, "count": update.count, "words": msg.text},
        ensure_ascii=False)
    msg.member.pending_at = msg.at
    msg.session.add(msg.member)


def _take_pending(msg: Message) -> dict | None:
    m = msg.member
    data = json.loads(m.pending_update) if m.pending_update and _fresh(msg.at, m.pending_at, PENDING_TTL) else None
    m.pending_update, m.pending_at = None, None
    msg.session.add(m)
    return data


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
    return fit_lines(head, lines, MORE_ITEMS, footer="请回复序号或编号，如“第2项”。")


@router.message(intent="progress")
async def record_updates(msg: Message) -> str:
    """Apply every understood update in one go and confirm what changed in one reply."""
    if not msg.items:
        return "您本年度暂无清单事项，无法记录进展。如有疑问请联系机关党委。"
    by_code = {i.code: i for i in reversed(msg.items)}
    updates = msg.parsed.updates
    ambiguous = next((u for u in updates if u.item is None and u.candidates), None)
    if ambiguous:
        if _has_state(ambiguous):
            _keep_pending(msg, ambiguous)
        return _ask_which(msg, [by_code[c] for c in ambiguous.candidates if c in by_code])

    planned: list[tuple[Item, dict]] = []
    words = msg.text
    if not any(_has_state(u) for u in updates):
        named = [by_code[u.item] for u in updates if u.item in by_code]
        pending = _take_pending(msg)
        if pending and len(named) == 1:
            words = f"{pending.pop('words')}（{msg.text}）"
            planned.append((named[0], pending))
        elif len(named) == 1:
            item = named[0]
            _set_context(msg, item)
            return (f"{item_line(_number(msg, item), item, msg.at.date())}\n"
                    f"请回复这一项的进展，如“完成80%”“已完成”。")
        else:
            return _ask_which(msg, named or None)
    else:
        for u in updates:
            if not _has_state(u):
                continue
            state = {"status": u.status, "percent": u.percent, "count": u.count}
            item = by_code.get(u.item) if u.item else _context_item(msg)
            if item is None:
                _keep_pending(msg, u)
                return _ask_which(msg)
            planned.append((item, state))
        _take_pending(msg)

    first_of_month = report_for(msg.session, msg.member.id, month_key(msg.at, msg.runtime.tz)) is None
    lines = [f"已记录{msg.member.name}的进展："]
    for item, state in planned:
        before = progress_zh(item)
        change = record_progress(msg.session, item=item, member=msg.member, at=msg.at, words=words,
                                 msg_id=msg.msg_id, **state)
        lines.append(f"第{_number(msg, item)}项 [{item.code}] {item.title}：{before} → {progress_zh(item)}")
        if change.note:
            lines.append(f"  （{change.note}）")
        _set_context(msg, item)
    mark_reported(msg.session, msg.member, msg.at, words, msg.runtime.tz)
    if first_of_month:
        lines.append(f"已计入{month_zh(month_key(msg.at, msg.runtime.tz))}月报。")
    return fit_lines(lines[0], lines[1:], "…及其余{n}项", footer="")


def _set_context(msg: Message, item: Item) -> None:
    msg.member.context_item_id, msg.member.context_at = item.id, msg.at
    msg.session.add(msg.member)

"""撤回 / 更正: the sender takes back their last reply ("撤回") or moves it to another item
("不对，是第3项"). The grammar is ``bot.nlu.corrections``; the rules are ``models.corrections``.
A statement of done moved onto a rectification asks its secretary to close it off, as if said of it."""
from __future__ import annotations

from bot import nlu
from bot.nlu.corrections import read_correction
from bot.router import Message, Router
from bot.texts import progress_zh
from handlers.progress import ask_for_close_off
from models.corrections import move, undo
from models.lookups import item_with_code
from models.tables import Item, ItemStatus

router = Router("undo")


def _target(msg: Message) -> Item | None:
    """The one item a move names, read like any reply; None when it names no single item or states
    something (then the message is progress, not a correction: "不对，第3项还没完成")."""
    correction = read_correction(msg.text)
    if correction is None or correction.target is None:
        return None
    parsed = nlu.parse(correction.target, [nlu.ItemRef(i.code, i.title, i.kind, i.target_count) for i in msg.items])
    named = [u for u in parsed.updates if u.item]
    if parsed.intent != "progress" or len(named) != 1 or len(parsed.updates) != 1:
        return None
    u = named[0]
    if u.status or u.percent is not None or u.count or u.total is not None:
        return None
    return item_with_code(msg.items, u.item)


def _is_correction(msg: Message) -> bool:
    correction = read_correction(msg.text)
    return correction is not None and (correction.target is None or _target(msg) is not None)


def _number(msg: Message, item: Item) -> str:
    n = next((n for n, i in enumerate(msg.items, 1) if i.id == item.id), None)
    return f"第{n}项 " if n else ""


@router.message(when=_is_correction)
def correct_last_reply(msg: Message) -> str:
    """Undo the last reply, or move its update to the item named; say what changed."""
    target = _target(msg)
    if target is None:
        undone = undo(msg.session, msg.member, msg.at, msg.text, msg.msg_id)
        if not undone.changes and not undone.refused:
            return "24小时内没有您可撤回的进展记录。"
        lines = ["已撤回上一条记录：" if undone.changes else "未能撤回："]
        lines += [f"{_number(msg, c.item)}[{c.item.code}] {c.item.title}：恢复为{progress_zh(c.item, msg.at.date())}"
                  for c in undone.changes]
        lines += [f"{_number(msg, item)}[{item.code}] {item.title}：{why}" for item, why in undone.refused]
        return "\n".join(lines)
    was = ItemStatus(target.status)
    undone, change, why = move(msg.session, msg.member, target, msg.at, msg.text, msg.msg_id)
    if change is None or not change.applied:
        return f"未作更正：{why or change.note}"
    ask_for_close_off(msg, target, was, target.updated_words or msg.text)   # a statement of done, moved to it
    old = undone.changes[0].item
    return (f"已更正：\n{_number(msg, old)}[{old.code}] {old.title}：恢复为{progress_zh(old, msg.at.date())}\n"
            f"{_number(msg, target)}[{target.code}] {target.title}：{progress_zh(target, msg.at.date())}\n"
            "如仍有误，可再回复“撤回”。")

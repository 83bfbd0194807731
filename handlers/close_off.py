"""整改销号: a secretary closes off a done rectification of another member of their unit by its 编号
("Z-2已销号", "销号 Z-02"). The command's grammar is ``bot.nlu.codes``; the rule (only done ones,
never one's own) is ``models.progress.close_off``.

A member's own "已销号" is handled by ``progress`` and recorded as done, awaiting this step.
"""
from __future__ import annotations

from bot.nlu.codes import close_off_codes
from bot.router import Message, Router
from models.lookups import item_with_code, unit_item_by_code
from models.progress import CloseOffRefused, close_off
from models.tables import ItemKind, Member

router = Router("close_off")


def _closing_others(msg: Message) -> bool:
    """A secretary's close-off naming at least one item that is not their own."""
    if not msg.member.is_secretary:
        return False
    codes = close_off_codes(msg.text)
    return bool(codes) and any(item_with_code(msg.items, c) is None for c in codes)


@router.message(when=_closing_others)
def close_off_rectifications(msg: Message) -> str:
    """Close off each named rectification of the secretary's unit; the owner's own items stay with progress."""
    lines = []
    for code in close_off_codes(msg.text):
        item = item_with_code(msg.items, code) or unit_item_by_code(
            msg.session, msg.member.unit_id, code, msg.at.year, ItemKind.RECTIFICATION)
        if item is None:
            lines.append(f"· {code.upper()}：本单位{msg.at.year}年度没有这个整改事项")
            continue
        owner = msg.session.get(Member, item.owner_id)
        try:
            close_off(msg.session, item=item, secretary=msg.member, at=msg.at, words=msg.text, msg_id=msg.msg_id)
        except CloseOffRefused as refused:
            lines.append(f"· [{item.code}] {item.title}（{owner.name}）：未销号，{refused}")
            continue
        lines.append(f"· [{item.code}] {item.title}（{owner.name}）：已销号")
    return "整改销号结果：\n" + "\n".join(lines)

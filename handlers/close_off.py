"""整改销号: a secretary closes off a rectification of their unit by its 编号 ("Z-2已销号").

A member's own "已销号" is handled by ``progress`` and recorded as done, awaiting this step.
"""
from __future__ import annotations

import re

from bot.router import Message, Router
from models.lookups import unit_item_by_code
from models.progress import close_off
from models.tables import ItemKind, Member

router = Router("close_off")

CLOSE = re.compile(r"^\s*(?P<codes>[A-Za-z]{1,4}-?\d{1,4}(?:\s*[、,，和及]\s*[A-Za-z]{1,4}-?\d{1,4})*)\s*(?:已经?|予以|同意)?销号\s*[。.!！]?\s*$")
CODE = re.compile(r"[A-Za-z]{1,4}-?\d{1,4}")


def _closing_others(msg: Message) -> bool:
    if not msg.member.is_secretary:
        return False
    m = CLOSE.match(msg.text)
    if not m:
        return False
    own = {i.code.upper().replace("-", "") for i in msg.items}
    return any(c.upper().replace("-", "") not in own for c in CODE.findall(m["codes"]))


@router.message(when=_closing_others)
async def close_off_rectifications(msg: Message) -> str:
    """Close off each named rectification of the secretary's unit; the owner's own items stay with progress."""
    lines = []
    for code in CODE.findall(CLOSE.match(msg.text)["codes"]):
        item = next((i for i in msg.items if i.code.upper().replace("-", "") == code.upper().replace("-", "")), None)
        item = item or unit_item_by_code(msg.session, msg.member.unit_id, code, msg.at.year,
                                         ItemKind.RECTIFICATION.value)
        if item is None:
            lines.append(f"· {code.upper()}：本单位{msg.at.year}年度没有这个整改事项")
            continue
        if item.status == "closed":
            lines.append(f"· [{item.code}] {item.title}：此前已销号")
            continue
        close_off(msg.session, item=item, secretary=msg.member, at=msg.at, words=msg.text, msg_id=msg.msg_id)
        owner = msg.session.get(Member, item.owner_id)
        lines.append(f"· [{item.code}] {item.title}（{owner.name}）：已销号")
    return "整改销号结果：\n" + "\n".join(lines)

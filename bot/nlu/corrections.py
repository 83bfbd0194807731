"""撤回 and 更正: the grammar of taking back the last reply, or moving it to another item.

    "撤回", "撤销", "撤回上一条", "刚才那条撤回", "撤销刚才的记录"   → undo
    "不对，是第3项", "错了，应该是第3项", "搞错了 是Z-2", "更正：第3项"  → move to "第3项" / "Z-2"

Only the whole message counts (politeness and punctuation aside), so "撤回了整改方案" stays progress.
The target of a move is read by the rest of reply understanding (a position, an 编号, title words).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_FILLER = r"[\s,，.。!！:：;；~、]*"
_UNDO_RE = re.compile(
    rf"^{_FILLER}(?:请|麻烦)?(?:帮我)?(?:把)?(?:刚才|上一条|上条|刚刚|前面)?(?:那条|的|的记录|记录|那个)?"
    rf"(?:撤回|撤销|撤消|取消)(?:一下)?(?:上一条|上条|刚才的?|刚刚的?|本次|这次|那条)?(?:记录|消息|进展|那条)?(?:吧|了)?{_FILLER}$")
_MOVE_RE = re.compile(
    rf"^{_FILLER}(?:不对|错了|搞错了|弄错了|说错了|报错了|更正|纠正|改一下|改成)(?:了)?{_FILLER}"
    rf"(?:应该是|应是|是|改为|改成|改到)?{_FILLER}(?P<target>\S.{{0,30}}?){_FILLER}$")


@dataclass(frozen=True)
class Correction:
    """An undo (``target`` None) or a move of the last reply's update to ``target`` ("第3项")."""

    target: str | None = None


def read_correction(text: str) -> Correction | None:
    """The correction ``text`` asks for, or None when it is not one."""
    if _UNDO_RE.match(text or ""):
        return Correction()
    m = _MOVE_RE.match(text or "")
    if m and m["target"]:
        return Correction(m["target"])
    return None

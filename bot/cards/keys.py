"""What a card's button keys mean: THE registry, one entry per key any card uses.

A key stands for words a person could type (``words``): a tap on it is recorded exactly as those
words would be, by the same rules, kept as "[按钮] 已完成" (``tapped_words``). A card shows the
key's ``text`` on its button, in WeCom's ``style`` (1–4); a second tap is told ``again``: what to
do instead.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.messages import Button

TAPPED = "[按钮] "      # what the words of a tap begin with, where they are kept


@dataclass(frozen=True)
class Key:
    name: str           # the button's key (what the tap event's EventKey carries)
    text: str           # the button's text
    words: str          # what a tap means, as the person would type it
    style: int = 1
    again: str = ""     # what a second tap on the card is told besides that it changes nothing

    @property
    def button(self) -> Button:
        return Button(self.text, self.name, self.style)

    @property
    def tapped_words(self) -> str:
        """The words a tap is kept with: "[按钮] 已完成"."""
        return TAPPED + self.words


CHANGE = "如需更改，请直接回复文字，如“完成80%”，或回复“撤回”。"

KEYS: dict[str, Key] = {k.name: k for k in (
    # a deadline reminder about a project, a rectification or a duty without a target count
    Key("done", "已完成", "已完成", 1, CHANGE),
    Key("going", "在推进", "在推进", 4, CHANGE),
    Key("blocked", "遇到困难", "遇到困难", 3, CHANGE),
    # a deadline reminder about a quantified duty (目标次数)
    Key("once", "本月开展了1次", "本月开展了1次", 1, CHANGE),
    Key("none", "本月未开展", "本月未开展", 4, CHANGE),
    # a report read back (我理解为……): 确认 as typed; 有误 says how to fix a line by typing
    Key("confirm", "确认保存", "确认", 1, "如需更改，请回复“撤回”后重新报送。"),
    Key("amend", "有误，我来改", "有误", 4),
    # a close-off request to the secretary (整改待销号): "销号 Z-1" / "退回 Z-1 原因：…" as typed
    Key("close_off", "同意销号", "销号", 1, "如需重开，请回复如“重开 Z-1 原因：……”。"),
    Key("send_back", "退回", "退回", 3),
    # a notice: the receipt, as typed 收到
    Key("received", "收到", "收到", 1),
)}

"""What everybody received in a demo session: each message the stand-in recorded, kept by
recipient with when it came and what it was, so that "/看 李娜" shows what another member got and
switching to a member shows what they received since their messages were last shown; and the last
card each received, whose buttons "/点 2" taps."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.demo.clock_phrases import clock_text


def indent(text: str, prefix: str = "  ") -> str:
    """Every line of ``text`` after ``prefix``."""
    return "\n".join(prefix + line for line in text.splitlines())


_HEADING_RE = re.compile(r"^【([^】（(]+)")


def message_label(content: str) -> str:
    """What a message is, by its 【…】 heading ("【催报】…" → 催报, "【通知（1/3）】…" → 通知)."""
    found = _HEADING_RE.match(content)
    return found[1] if found else "消息"


def shown(message) -> str:
    """A message as the terminal shows it: a card's buttons numbered for "/点 2"."""
    if message.msgtype != "template_card":
        return message.content
    card = message.raw.get("template_card") or {}
    title = card.get("main_title") or {}
    lines = [f"{x.get('keyname', '')}：{x.get('value', '')}" for x in card.get("horizontal_content_list", [])]
    buttons = "  ".join(f"[{n}] {b.get('text', '')}" for n, b in enumerate(card.get("button_list", []), 1))
    hint = "（卡片：输入 /点 1 点选第1个按钮）" if buttons else ""
    return "\n".join(filter(None, [title.get("title"), title.get("desc"), card.get("sub_title_text"), *lines,
                                    buttons, hint]))


@dataclass
class Received:
    at: datetime
    label: str
    content: str


class Inbox:
    """Every message the stand-in recorded, by recipient, and how far each person has seen theirs."""

    def __init__(self) -> None:
        self.by_account: dict[str, list[Received]] = {}
        self.shown: dict[str, int] = {}
        self.last_card: dict[str, dict] = {}       # account → the last card they received ("/点 2")

    def add(self, at: datetime, label: str, message) -> None:
        for account in message.touser:
            self.by_account.setdefault(account, []).append(Received(at, label, shown(message)))
            if message.msgtype == "template_card":
                self.last_card[account] = message.raw.get("template_card") or {}

    def of(self, account: str) -> list[Received]:
        return self.by_account.get(account, [])

    def unseen(self, account: str) -> list[Received]:
        """What ``account`` received since their messages were last shown; now shown."""
        got = self.of(account)[self.shown.get(account, 0):]
        self.seen(account)
        return got

    def seen(self, account: str) -> None:
        self.shown[account] = len(self.of(account))


def received_text(name: str, messages: list[Received]) -> str:
    """The messages as the demo shows them: when, what, in full."""
    lines = []
    for r in messages:
        lines.append(f"  〔{clock_text(r.at)}〕{name}收到{r.label}：")
        lines.append(indent(r.content, "    "))
    return "\n".join(lines)

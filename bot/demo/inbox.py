"""What everybody received in a demo session: each message the stand-in recorded, kept by
recipient with when it came and what it was, so that "/看 李娜" shows what another member got and
switching to a member shows what they received since their messages were last shown."""
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

    def add(self, at: datetime, label: str, message) -> None:
        for account in message.touser:
            self.by_account.setdefault(account, []).append(Received(at, label, message.content))

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

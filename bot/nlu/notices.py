"""通知: the one grammar of a notice an administrator sends — the command, its audience, its body.

    "通知 全体党员：明天下午3点开会"       → audience 全体党员, body 明天下午3点开会
    "群发通知 第一党支部：周五开会"         → audience 第一党支部
    "发公告 第一党支部：……", "请发一条通知 全体书记 周五交材料"
    "【通知】周五下午学习"                  → no audience named (everyone), body 周五下午学习

The command is a verb (发 / 发布 / 发送 / 群发 / 下发, optional for 通知) and 通知 or 公告, at the
start of the message. What follows is "AUDIENCE：BODY", or "AUDIENCE BODY" when the audience is
one of the fixed words for everyone or all secretaries, or just the body. A question about a
notice ("通知下发了吗", "通知收到了") is not a notice.

``Audience`` says whom the words mean: everyone, the secretaries, or a unit to be looked up by
name (the lookup is the database's business, in ``models.lookups``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_VERB = r"(?:发布|发送|群发|下发|发)"
_COMMAND_RE = re.compile(
    r"^[\s【\[(「『]*(?:请|帮我|麻烦你?)?(?:帮我)?"
    rf"(?:{_VERB}?(?:一[个条则份])?通知(?!收到|已收到|已阅|已读|了吗|吗|呢|在哪|是什么|什么)"
    rf"|{_VERB}(?:一[个条则份])?公告)"
    r"[\]】)」』]*\s*[:：]?\s*")
# "通知下发了吗": a question about a notice, not one to send.
_ASKS_ABOUT_A_NOTICE_RE = re.compile(r"^[^:：]*(?:吗|呢|么|\?|？)\W*$")
_TARGET_RE = re.compile(r"^(?P<target>[^:：\s]{1,30})\s*[:：]\s*(?P<body>.*)$", re.S)

EVERYONE = frozenset({"全体", "全体党员", "所有人", "全员", "大家", "全部", "所有党员", "全体人员", "全体同志"})
SECRETARIES = frozenset({"书记", "全体书记", "所有书记", "各级书记", "各支部书记", "支部书记", "各书记",
                         "各党支部书记"})


class AudienceKind(StrEnum):
    EVERYONE = "all"
    SECRETARIES = "secretaries"
    UNIT = "unit"


@dataclass(frozen=True)
class Notice:
    """A notice command read: whom it names (``target`` as typed, "" for none) and its body."""

    target: str
    body: str

    @property
    def audience(self) -> AudienceKind:
        if not self.target or self.target in EVERYONE:
            return AudienceKind.EVERYONE
        if self.target in SECRETARIES:
            return AudienceKind.SECRETARIES
        return AudienceKind.UNIT


def is_notice(text: str) -> bool:
    """Whether ``text`` is a command to send a notice (not a question about one)."""
    return bool(_COMMAND_RE.match(text)) and not _ASKS_ABOUT_A_NOTICE_RE.search(text)


def read_notice(text: str) -> Notice | None:
    """The audience and body of a notice command, or None when ``text`` is not one.

    The body may be empty ("通知 全体书记"): the handler asks for it rather than send nothing."""
    if not is_notice(text):
        return None
    rest = text[_COMMAND_RE.match(text).end():].strip()
    t = _TARGET_RE.match(rest)
    if t:
        return Notice(t["target"].strip(), t["body"].strip())
    first, _, after = rest.partition(" ")
    if first in EVERYONE or first in SECRETARIES:
        return Notice(first, after.strip())
    return Notice("", rest)

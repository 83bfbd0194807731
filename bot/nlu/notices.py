"""通知: the one grammar of notices — the command with its audience and body, the sender's
"确认" of a previewed notice, and the question "通知收到情况".

    "通知 全体党员：明天下午3点开会"       → audience 全体党员, body 明天下午3点开会
    "群发通知 第一党支部：周五开会"         → audience 第一党支部 (and the units below)
    "通知 第一党支部（仅本单位）：周五开会" → 第一党支部 only ("仅本单位", "本级", "不含下级")
    "通知 第一党支部 周五开会"              → a unit-like first word is the audience
    "发公告 第一党支部：……", "请发一条通知 全体书记 周五交材料"
    "通知 本单位：……", "通知 仅本单位：……"  → the sender's own unit (with / without those below)
    "【通知】周五下午学习"                  → no audience named (everyone), body 周五下午学习

The command is a verb (发 / 发布 / 发送 / 群发 / 下发, optional for 通知) and 通知 or 公告, at the
start of the message. What follows is "AUDIENCE：BODY", or "AUDIENCE BODY" when the audience is
one of the fixed words for everyone or all secretaries or looks like a unit, or just the body. A
question about a notice ("通知下发了吗", "通知收到了", "通知回执") is not a notice.

``Audience`` says whom the words mean: everyone, the secretaries, the sender's own unit, or a unit
to be looked up by name (the lookup is the database's business, in ``models.notices``).

``is_confirmation`` reads "确认" (send the previewed notice), ``is_cancellation`` "取消";
``read_receipts_question`` reads "通知收到情况", "通知回执", "谁没收到通知".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .text import normalize, strip_punctuation

_VERB = r"(?:发布|发送|群发|下发|发)"
_COMMAND_RE = re.compile(
    r"^[\s【\[(「『]*(?:请|帮我|麻烦你?)?(?:帮我)?"
    rf"(?:{_VERB}?(?:一[个条则份])?通知(?!收到|已收到|已阅|已读|了吗|吗|呢|在哪|是什么|什么|回执|阅读情况|确认情况|签收)"
    rf"|{_VERB}(?:一[个条则份])?公告|群发(?=\s*[:：])|转发(?:给)?(?=[^:：]{{1,12}}[:：]))"
    r"[\]】)」』]*\s*[:：]?\s*")
# "通知下发了吗": a question about a notice, not one to send.
_ASKS_ABOUT_A_NOTICE_RE = re.compile(r"^[^:：]*(?:吗|呢|么|\?|？)\W*$")
_TARGET_RE = re.compile(r"^(?P<target>[^:：\s]{1,30})\s*[:：]\s*(?P<body>.*)$", re.S)
# "仅本单位", "（本级）", "不含下级": this unit only, not the units below it.
_ONLY_RE = re.compile(r"[（(]?\s*(?:(?:仅|只)(?:发给?|限)?(?:本单位|本级|本支部|本组织|该单位)|不含下级(?:单位)?|本级)\s*[)）]?")
_ONLY_PREFIX_RE = re.compile(r"^(?:仅|只)(?:发给?|限)?(?=\S{2,})")
_UNIT_WORD_RE = re.compile(r"(?:党支部|支部|党总支|总支|党委|党组|党小组|单位)$")

EVERYONE = frozenset({"全体", "全体党员", "所有人", "全员", "大家", "全部", "所有党员", "全体人员", "全体同志",
                      "全机关", "各单位", "各支部", "各党支部", "所有单位", "全部单位"})
SECRETARIES = frozenset({"书记", "全体书记", "所有书记", "各级书记", "各支部书记", "支部书记", "各书记",
                         "各党支部书记"})
OWN_UNIT = frozenset({"本单位", "本支部", "我单位", "我支部", "本组织", "我们支部", "本党支部"})


class AudienceKind(StrEnum):
    EVERYONE = "all"
    SECRETARIES = "secretaries"
    UNIT = "unit"
    OWN_UNIT = "own"           # the sender's own unit


@dataclass(frozen=True)
class Notice:
    """A notice command read: whom it names (``target`` as typed, "" for none), its body, and
    whether it is for the named unit only (``only_unit``: "仅本单位"), not the units below."""

    target: str
    body: str
    only_unit: bool = False

    @property
    def audience(self) -> AudienceKind:
        if self.target in OWN_UNIT or (not self.target and self.only_unit):
            return AudienceKind.OWN_UNIT
        if not self.target or self.target in EVERYONE:
            return AudienceKind.EVERYONE
        if self.target in SECRETARIES:
            return AudienceKind.SECRETARIES
        return AudienceKind.UNIT


def is_notice(text: str) -> bool:
    """Whether ``text`` is a command to send a notice (not a question about one)."""
    return bool(_COMMAND_RE.match(text)) and not _ASKS_ABOUT_A_NOTICE_RE.search(text)


def _named(target: str, body: str, only: bool = False) -> Notice:
    """The notice with "仅本单位" taken out of the audience words (or a 仅 before a unit)."""
    marker = _ONLY_RE.search(target)
    if marker:
        only, target = True, (target[:marker.start()] + target[marker.end():]).strip()
    elif _ONLY_PREFIX_RE.match(target) and target not in EVERYONE | SECRETARIES:
        only, target = True, _ONLY_PREFIX_RE.sub("", target)
    return Notice(target, body.strip(), only)


def read_notice(text: str) -> Notice | None:
    """The audience and body of a notice command, or None when ``text`` is not one.

    The body may be empty ("通知 全体书记"): the handler asks for it rather than send nothing."""
    if not is_notice(text):
        return None
    rest = text[_COMMAND_RE.match(text).end():].strip()
    head, colon, body = re.split(r"([:：])", rest, maxsplit=1) if re.search(r"[:：]", rest) else (rest, "", "")
    if colon and len(head) <= 40 and _ONLY_RE.search(head):     # "第一党支部 仅本单位：周五开会"
        return _named(head.strip(), body)
    t = _TARGET_RE.match(rest)
    if t:
        return _named(t["target"].strip(), t["body"])
    words = rest.split(None, 2)
    if len(words) >= 2 and _ONLY_RE.fullmatch(words[1]):      # "第一党支部 仅本单位 周五开会"
        return _named(words[0], words[2] if len(words) > 2 else "", only=True)
    first, _, after = rest.partition(" ")
    if first in EVERYONE or first in SECRETARIES or first in OWN_UNIT or _ONLY_RE.search(first) \
            or (_UNIT_WORD_RE.search(first) and after.strip()):
        return _named(first, after)
    return Notice("", rest)


# --- the sender's answer to a preview -------------------------------------------------------------

_CONFIRM_RE = re.compile(r"(?:好的?|可以|没问题|无误)?(?:确认|确定)(?:无误)?(?:发送|发布|下发|发出|发)?(?:吧|的)?"
                         r"|(?:好的?|可以|行)?(?:请|就)?(?:发送|发布|下发|发出去?|发吧)(?:吧|了)?")
_YES_RE = re.compile(r"(?:好的?|好吧|可以|行|嗯+|对|是的?|没问题|ok|OK|Ok|收到)(?:的|了|吧)?")
_CANCEL_RE = re.compile(r"(?:取消|撤销|撤回|不发了?|先不发|暂不发送?|算了|不用发了?)(?:发送|通知|吧|了)?")


def _bare(text: str) -> str:
    return strip_punctuation(normalize(text or ""))


def is_confirmation(text: str) -> bool:
    """"确认", "确认发送", "确定": the sender sends the notice previewed to them."""
    return _CONFIRM_RE.fullmatch(_bare(text)) is not None


def is_loose_yes(text: str) -> bool:
    """"好的", "可以", "嗯": agreement that does not say "send" (the bot asks once more)."""
    return _YES_RE.fullmatch(_bare(text)) is not None


def names_a_notice_cancellation(text: str) -> bool:
    """"取消", "不发了", "算了": a cancellation that can only be about a notice (not "撤回", which
    also takes back a progress report)."""
    return is_cancellation(text) and not re.search(r"撤回|撤销", _bare(text))


def is_cancellation(text: str) -> bool:
    """"取消", "不发了", "算了": the sender drops the notice previewed to them."""
    return _CANCEL_RE.fullmatch(_bare(text)) is not None


# --- 通知收到情况 ------------------------------------------------------------------------------------

_RECENT = r"(?:最近|近期|所有|全部|历次|各条|每条|以往|之前|历史)"
_RECEIPTS_RES = [re.compile(p) for p in (
    r"(?:查看|查询|查|看看|看下|看一下)?(?P<all>" + _RECENT + r"(?:的|几条|发的)?)?(?:上一?条|刚才的?|我发的)?"
    r"通知(?:的)?(?:收到|回执|确认|阅读|已读|签收|回复)(?:情况|状态|统计|名单|了吗|了没有?|没有)?(?:怎么样|如何)?",
    r"(?:谁|哪些人|哪几位|哪些同志|有谁|哪位)(?:还)?(?:没|未)(?:有)?(?:收到|确认|回复|看|阅读|读|签收)(?:过)?"
    r"(?P<all>" + _RECENT + r")?(?:的|发的)?(?:上一?条|刚才的?|我的|我发的)?通知",
    r"(?P<all>" + _RECENT + r")?通知(?:有)?(?:谁|哪些人|哪几位|哪些同志|哪位)(?:还)?(?:没|未)(?:有)?(?:收到|确认|回复|看|阅读|读|签收)",
)]


@dataclass(frozen=True)
class ReceiptsQuestion:
    """"通知收到情况": the latest notice in detail, or (``recent``) every recent one briefly."""

    recent: bool = False


def read_receipts_question(text: str) -> ReceiptsQuestion | None:
    """The question about who has acknowledged one's notices, or None."""
    bare = re.sub(r"^(?:请问|请|麻烦|帮我)", "", _bare(text))
    bare = re.sub(r"(?:吗|呢|一下)$", "", bare)
    for pattern in _RECEIPTS_RES:
        m = pattern.fullmatch(bare)
        if m:
            return ReceiptsQuestion(recent=bool(m.group("all")))
    return None

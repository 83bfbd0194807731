"""催报: the one grammar of a secretary's nudge to those who have not reported this month.

    "提醒没报的", "催一下没报的", "提醒未报人员", "催报"      → everyone not reported in the sender's units
    "提醒第二支部没报的", "催报第二支部", "第二支部没报的催一下"  → that unit (and the units below)
    "提醒吴敏报送", "催吴敏报一下月报"                        → that person

``read_nudge`` returns the ``Nudge`` with its ``target`` as typed ("" for none); whether the target
is a unit or a person, and whether it lies within the sender's units, is the database's business
(``models.nudges``). Words for everyone ("大家", "全机关", "所有人") name no one in particular.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import normalize, strip_punctuation

_POLITE_RE = re.compile(r"^(?:请|麻烦|帮我|帮忙|给)+|(?:吧|哈|啊|呀|一下子)$")
_VERB = r"(?:提醒|催促|催一催|催|督促)(?:一下|下)?"
_REPORT = r"(?:报送|上报|填报|汇报|提交|报|交)"
_NOT = r"(?:还)?(?:没有|没|未|尚未)(?:有)?"
_WHO = r"(?:的)?(?:人员|人|同志|党员|同事|单位)?"
_WHAT = r"(?:本月的?|这个月的?)?(?:月报|进展|进度|清单进展|清单)?"
_THEN = r"(?:抓紧|尽快|赶紧|赶快)?(?:报送|上报|报|交|填报|汇报)?(?:一下)?" + _WHAT
_NUDGE_RES = [re.compile(p) for p in (
    # 提醒（第二支部）没报的（人）（尽快报送）
    rf"{_VERB}(?P<target>.{{0,20}}?)(?:中|里|里面)?(?:的)?{_NOT}{_REPORT}{_WHAT}{_WHO}{_THEN}",
    # 催报（第二支部）, 催交月报
    r"催(?:报|交)(?:月报)?(?P<target>.{0,20}?)(?:的)?(?:月报)?",
    # （第二支部）没报的提醒一下
    rf"(?P<target>.{{0,20}}?)(?:的)?{_NOT}{_REPORT}{_WHAT}{_WHO}{_VERB}",
    # 提醒吴敏（尽快）报送（月报）
    rf"{_VERB}(?P<target>.{{1,20}}?)(?:同志)?(?:抓紧|尽快|赶紧|赶快|及时|按时)?{_REPORT}(?:一下)?{_WHAT}",
)]
EVERYONE = frozenset({"大家", "所有人", "全体", "全体党员", "全部", "所有", "全员", "各位", "全机关", "各单位",
                      "各支部", "全部单位", "所有单位", "本单位", "我单位", "本支部", "我们支部", "他们", "大伙"})
MYSELF = frozenset({"我", "我自己", "自己", "本人"})
_QUESTION_RE = re.compile(r"[?？]|(?:吗|呢|么|没有?|了没)\W*$")


@dataclass(frozen=True)
class Nudge:
    """A nudge read: whom it names (a unit or a person, as typed; "" for everyone in scope)."""

    target: str = ""


def read_nudge(text: str) -> Nudge | None:
    """The nudge ``text`` asks for, or None when it is not one."""
    clean = normalize(text or "")
    if _QUESTION_RE.search(clean):            # "催报了吗": a question, not a nudge
        return None
    bare = _POLITE_RE.sub("", strip_punctuation(clean))
    for pattern in _NUDGE_RES:
        m = pattern.fullmatch(bare)
        if m:
            target = re.sub(r"^(?:一下|下)|(?:的|中|里)$", "", m["target"] or "")
            if target in MYSELF:
                return None
            return Nudge("" if target in EVERYONE else target)
    return None

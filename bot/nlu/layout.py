"""The layout of a reply: what to read, in which clauses, under which section.

A 月报 is more than a list of clauses. Before the clauses are read, the normalized text loses:

* a pasted example or bot prompt ("回复如：第2项完成80%", "可回复：XM-01已完成", "例如 活动室建设完成50%"):
  from the marker to the end of its line, since it reports nothing;
* a salutation at the start ("书记，", "报告书记：", "书记你好") and a closing at the end ("请书记审阅",
  "谢谢书记");
* a detail in brackets that restates a count ("召开机关党委会议2次（含1次专题研究换届工作）",
  "谈心谈话2次（与新任支部书记各谈1次）");
* the denied half of a contrast: "不是没完成，是已经完成了" reads "已经完成了".

The rest is split into clauses at sentence punctuation, at a colon (not a clock time), after a
question mark (kept, so a clause still shows it asks), before enumeration markers ("1.", "(2)",
"3、") and before the entries of a check list ("1✓ 2✓ 3✗ 4 50%"). Each clause is then classed:

* a **header** ("11月工作汇报：", "本月情况：", "这个月主要做了几件事：") is dropped;
* a **section header** naming a kind of item ("一、责任清单", "整改事项：", "项目方面") is dropped
  and sets the section: positions in the clauses under it count within that kind;
* a **stock phrase** about all work ("各项工作有序推进", "扎实推进各项工作") or a manner word before a
  general activity without a figure ("认真学习了党的理论", "积极参加支部活动") is dropped.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .prefilter import needing
from .text import CHECK, CJK, CROSS

KIND_WORDS = {
    "responsibility": r"责任清单|责任事项|履职事项|责任",
    "project": r"项目清单|项目事项|项目",
    "rectification": r"整改清单|整改事项|整改问题|问题清单|问题整改|整改",
}
_KIND_RE = "|".join(f"(?P<{kind}>{words})" for kind, words in KIND_WORDS.items())

_PROMPT_RE = re.compile(r"(?:(?:请|可以?)?回复(?:如|格式|示例|例如|样式|方式)?|格式|示例|范例|样例|例如|比如|譬如|例|举例)\s*:"
                        r"[^\n]*|(?:例如|比如|譬如|举例来说|举个例子)[^\n]*"
                        r"|(?:(?:请|可以?)?回复[^\n“\"]{0,12}?)?(?:如|像)\s*[“\"][^”\"\n]*[”\"]"
                        # a pasted reminder: "【月报提醒】您有5项未完成事项，请回复进展。——"
                        r"|【[^】]{0,10}(?:提醒|助手|通知)】[^—\n]*")
_SALUTATION_RE = re.compile(rf"^(?:报告|尊敬的|亲爱的)?[{CJK}]{{0,3}}?(?:书记|领导|老师|主任|部长)"
                            r"(?:(?:您好|你好|好)[,:!\s]*|[,:!\s]+)")
_CLOSING_RE = re.compile(r"(?:(?:以上|特此报告|报告完毕)[,.。]?)?(?:请|敬请)?(?:书记|领导)?"
                         r"(?:审阅|审核|指示|批示|指正|阅示)[.。!]*\s*$"
                         r"|(?:谢谢|感谢|辛苦了?)(?:书记|领导|老师|您)?[.。!]*\s*$|(?:特此报告|报告完毕)[.。!]*\s*$")
_DETAIL_RE = re.compile(r"\((?:含|包括|其中|即|注|备注)[^()]*\)|(?<=[次回场])\s*\([^()]*\)")
_CONTRAST_RE = re.compile(r"(?:并不是|不是|并非)[^,;。!?\n]{1,20}[,;]\s*(?:而|其实|实际上)?是"
                          r"|(?<=[,;])\s*(?:而?不是|并非|而非)[^,;。!?\n]{1,6}(?=[,;。!?\n]|$)")

_ENUM_AHEAD = rf"\(?\d{{1,2}}[.)、](?=[{CJK}A-Za-z“\"'《【])"
_CHECK_AHEAD = rf"\d{{1,2}}\s*(?:[{CHECK}{CROSS}]|\s\d{{1,3}}(?:\.\d+)?%)"
_SPLIT_AT = (        # where clauses split, in order
    r"[,;。!\n…]+|(?<=\?)",
    rf"(?<!\d):|:(?!\d)"
    rf"|\s+(?={_ENUM_AHEAD})|(?<=[{CJK}%{CHECK}{CROSS}”\"])(?={_ENUM_AHEAD})"
    rf"|\s+(?={_CHECK_AHEAD})|(?<=[{CHECK}{CROSS}])\s*(?=\d)"
    rf"|(?<=[{CJK}%{CHECK}{CROSS}])(?=[一二三四五六七八九十]{{1,2}}[、.](?:{'|'.join(KIND_WORDS.values())}))",
)
# The second part behind a look-ahead for the characters that follow where any of it can match
# (a colon, a space, an enumeration's "(" or digit, a Chinese numeral), so that most positions
# cost one set test; ``tests/bot/nlu/test_layout.py`` checks the split is the plain pattern's.
_SPLIT_RE = re.compile(rf"{_SPLIT_AT[0]}|(?=[:\s(\d一二三四五六七八九十])(?:{_SPLIT_AT[1]})")
_CAPTURING_SPLIT_RE = re.compile(f"({_SPLIT_RE.pattern})")
_JOINING_RE = re.compile(r"^[,:\s]*[,:][,:\s]*$")
_HEADER_RE = re.compile(
    r"^(?:.{0,12}(?:情况|汇报|进展|小结|总结|月报|如下|几件事)"
    r"|(?:.{0,6}(?:本月|这个?月|上个?月|本季度?|[\d一二三四五六七八九十]{1,2}月份?|近期|今年).{0,6}))$")
_SECTION_RE = re.compile(rf"^(?:[一二三四五六七八九十]{{1,2}}[、.]|\(?\d{{1,2}}[.)、])?\s*(?:{_KIND_RE})"
                         r"(?:清单|事项|方面|类|部分|情况|工作|进展)*(?:的)?(?:那|这)?(?:[两二三四五六七八九十几\d]{1,2}(?:条|项|个))?$")
# An ordinal counted within a kind ("整改清单第一条", "第一条整改"): later ordinals of the same
# counter word ("…，第二条已销号") count within that kind too, until another kind is named.
_ORD = r"第\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?P<unit>条|项|件|个)"
_KIND_ORDINAL_RE = re.compile(rf"(?:{_KIND_RE})(?:清单|事项)?(?:里|中|的|里的|中的)?\s*{_ORD}")
_ORDINAL_KIND_RE = re.compile(rf"{_ORD}\s*(?:{_KIND_RE})(?!到位|完|好|了|中|过|措施)")
_ORDINAL_RE = re.compile(_ORD)
_STOCK_RE = re.compile(r"各(?:个|项|方面|类)(?:的)?(?:工作|任务|事项|要求)?|各项"
                       # a manner word before a general activity, with no figure: "认真学习了党的理论"
                       rf"|^(?:本月|这个?月)?(?:认真|积极|扎实|深入|切实|主动|努力|踊跃)(?:地)?"
                       rf"(?:学习|参加|参与|履行|开展|落实|做好|完成)(?:了)?[{CJK}]{{0,8}}$")


@dataclass
class Clause:
    text: str
    question: bool = False          # ends with a question mark
    section: str | None = None      # the kind of item the section it stands in is about
    joined: bool = False            # follows the clause before it within one sentence (after "," or ":")
    after_colon: bool = False       # follows a colon: "提升班：50%", "已完成：手册、公开栏"


# The characters one of which every match of a pattern above holds (``prefilter.needing``).
_MAY_PROMPT = needing("layout._PROMPT_RE", _PROMPT_RE, ":例如像【")
_MAY_SALUTE = needing("layout._SALUTATION_RE", _SALUTATION_RE, "书领师任部")
_MAY_CLOSE = needing("layout._CLOSING_RE", _CLOSING_RE, "阅核示正谢辛告")
_MAY_DETAIL = needing("layout._DETAIL_RE", _DETAIL_RE, "(")
_MAY_CONTRAST = needing("layout._CONTRAST_RE", _CONTRAST_RE, "是非")
_MAY_SECTION = needing("layout._SECTION_RE", _SECTION_RE, "责项整问")
_MAY_HEADER = needing("layout._HEADER_RE", _HEADER_RE, "情汇进小总月如几本近今")
_MAY_STOCK = needing("layout._STOCK_RE", _STOCK_RE, "各认积扎深切主努踊")


_MAY_CLEAN = re.compile("|".join(guard.pattern for guard in (_MAY_PROMPT, _MAY_SALUTE, _MAY_CLOSE, _MAY_DETAIL, _MAY_CONTRAST)))


def clean(text: str) -> str:
    """The normalized reply without examples, salutation, bracketed details and denied halves."""
    if not _MAY_CLEAN.search(text):
        return text         # most replies: one search instead of five
    if _MAY_PROMPT.search(text):
        text = _PROMPT_RE.sub("", text)
    if _MAY_SALUTE.search(text):
        text = _SALUTATION_RE.sub("", text, count=1)
    if _MAY_CLOSE.search(text):
        text = _CLOSING_RE.sub("", text, count=1)
    if _MAY_DETAIL.search(text):
        text = _DETAIL_RE.sub("", text)
    return _CONTRAST_RE.sub("", text) if _MAY_CONTRAST.search(text) else text


def split_clauses(text: str) -> list[str]:
    """The clauses of a normalized reply, in order, without empty ones ("?" kept at the end)."""
    return [c.strip() for c in _SPLIT_RE.split(text) if c and c.strip(" ?")]


def section_kind(clause: str) -> str | None:
    """The kind a section header names ("一、责任清单" → responsibility), or None."""
    m = _SECTION_RE.match(clause.strip()) if _MAY_SECTION.search(clause) else None
    return m.lastgroup if m else None


def clauses(text: str, dropped: list[tuple[str, str]] | None = None,
            names_item: Callable[[str], bool] | None = None) -> list[Clause]:
    """The clauses to read, with what they are (see the module docstring).

    ``dropped``, when given, receives (words, why) for what is not read; ``names_item`` tells
    whether words name an item of the list: a header that does is a label ("听取汇报：本季度1次").
    """
    out: list[Clause] = []
    section: str | None = None
    cleaned = clean(text)
    if dropped is not None:
        _note_cleaning(text, dropped)
    pieces = _CAPTURING_SPLIT_RE.split(cleaned)
    counted: tuple[str, str] | None = None      # (kind, counter word) of the last ordinal within a kind
    for k in range(0, len(pieces), 2):
        part = (pieces[k] or "").strip()
        if not part.strip(" ?"):
            continue
        joined = k > 0 and bool(_JOINING_RE.search(pieces[k - 1] or ""))
        after_colon = joined and ":" in pieces[k - 1]
        kind = section_kind(part)
        why = None
        if kind:
            section = kind
            why = f"section:{kind}"
        elif _header(part, cleaned) and not (names_item and names_item(part)):
            why = "header"
        elif _MAY_STOCK.search(part) and _STOCK_RE.search(part):
            why = "stock"
        if why:
            if dropped is not None:
                dropped.append((part, why))
            continue
        own = _ordinal_kind(part) if "第" in part else None
        here = section
        if own:
            counted = own
        elif counted:
            ordinal = _ORDINAL_RE.search(part)
            if ordinal and ordinal["unit"] == counted[1]:
                here = counted[0]
            elif _KIND_NAMED_RE.search(part):
                counted = None
        out.append(Clause(part.rstrip("?").strip(), part.endswith("?"), here, joined, after_colon))
    return out


_KIND_NAMED_RE = re.compile(_KIND_RE)


def _ordinal_kind(part: str) -> tuple[str, str] | None:
    """The kind and counter word of an ordinal counted within a kind in ``part``, if any."""
    m = _KIND_ORDINAL_RE.search(part) or _ORDINAL_KIND_RE.search(part)
    if not m:
        return None
    kind = next(k for k in KIND_WORDS if m.group(k))
    return kind, m["unit"]


def _note_cleaning(text: str, dropped: list[tuple[str, str]]) -> None:
    for pattern, why in ((_PROMPT_RE, "example"), (_SALUTATION_RE, "salutation"), (_CLOSING_RE, "closing"),
                         (_DETAIL_RE, "detail"),
                         (_CONTRAST_RE, "denied")):
        for m in pattern.finditer(text):
            if m.group():
                dropped.append((m.group(), why))


def _header(part: str, text: str) -> bool:
    """Whether ``part`` of ``text`` is worded as a header and followed by a colon."""
    return ":" in text and _MAY_HEADER.search(part) is not None and _HEADER_RE.match(part) is not None \
        and _before_colon(text, part)


def _before_colon(text: str, part: str) -> bool:
    """Whether ``part`` is followed by a colon in ``text`` (a header, not a sentence)."""
    at = text.find(part)
    return at >= 0 and text[at + len(part):at + len(part) + 1] == ":"

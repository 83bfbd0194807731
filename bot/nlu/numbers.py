"""Numbers in replies: Chinese numerals, how far along (percent) and how many times (count).

Works on normalized text (half-width digits and "%"). Each finder returns spans so the caller can
tell which item a number belongs to.

Percent: 80%, 百分之八十, 八成, 七成半 (75), 一半, 三分之二, 3/4 (after a progress word), 完成度85;
what is left ("还有三成没做", "还差30%") is turned round (70).

Count: "2次", "两回", "两堂", "×2" after a word; an ordinal ("第二次", "第一期") is one time;
"一次是…" describes one of the times already counted and counts nothing; a figure after a word
of the year's running total ("今年已召开8次", "累计9次", "全年2次") is a total, not a count.
"""
from __future__ import annotations

import re

from .prefilter import needing

CN_DIGITS = "零〇一二两三四五六七八九"
_DIGIT_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
                "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT_VALUE = {"十": 10, "百": 100, "千": 1000}

# A number as people write it: Arabic digits or Chinese numerals up to the thousands.
NUMBER = r"(?:\d{1,4}|[零〇一二两三四五六七八九十百千]{1,5})"


def to_int(word: str) -> int | None:
    """The value of "85", "八十五", "十", "一百", "两"; None when ``word`` is not a number."""
    word = word.strip()
    if not word:
        return None
    if word.isascii() and word.isdigit():
        return int(word)
    total, digit = 0, None
    for ch in word:
        if ch in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[ch]
        elif ch in _UNIT_VALUE:
            total += (1 if digit is None else digit) * _UNIT_VALUE[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _clamp_percent(value: float) -> int | None:
    """A percentage as a whole number; None for a figure over 100, which no progress can be."""
    if value > 100:
        return None
    return max(0, int(value + 0.5))


# ---- percent -------------------------------------------------------------------------------

_PERCENT_PATTERNS: list[tuple[re.Pattern, str]] = [
    # 80% / 80 % / 85.5%
    (re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%"), "digits"),
    # 百分之八十 / 百分之85 / 百分之百
    (re.compile(r"百分之\s*(\d{1,3}(?:\.\d+)?|[零〇一二两三四五六七八九十百]{1,4})"), "number"),
    # 八十% (Chinese numeral before a percent sign)
    (re.compile(r"([零〇一二两三四五六七八九十百]{1,4})\s*%"), "number"),
    # 八成 / 八成五 / 七成半 / 十成 — not 完成, 成功, 成果, 成员 ...
    (re.compile(r"(?<![统唯万第])([一二两三四五六七八九十])成([一二三四五六七八九半](?!成))?"
                r"(?![功绩果员立效为本熟型就长交品都年人])"), "tenths"),
    # 三分之二 / 2分之1
    (re.compile(r"(\d{1,2}|[一二两三四五六七八九十])分之(\d{1,2}|[一二两三四五六七八九十])"), "fraction"),
    # 3/4 after a progress word (a bare 3/4 may be a date)
    (re.compile(r"(?:(?<=完成|进度|进展|推进|到了|达到|已到)|(?<=[约了]))\s*(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])"), "slash"),
    # 一半 / 半数 (一小半, 一大半 are words of degree, read by the state reader)
    (re.compile(r"(?<![小大])一半|半数"), "half"),
    # 完成度85 / 进度：40 / 完成率 90
    (re.compile(r"(?:完成度|完成率|完成比例|完成进度|进度|进展)\s*[:：]?\s*(?:为|是|已|已经|达|达到|到|约|近|接近)?\s*"
                r"(\d{1,3})(?![\d.]|\s*[次项个条件天日月号年人场期遍回])"), "number"),
    # 完成85 / 推进到80 (two or three digits, so that 完成3 is not read as 3%)
    (re.compile(r"(?:完成了?|推进到|推进至|达到|达)\s*(\d{2,3})(?![\d.]|\s*[次项个条件天日月号年人场期遍回])"), "number"),
]


# Per pattern above, the characters one of which its every match holds (``prefilter.needing``):
# a cheap test first, since most clauses hold no figure of most forms.
_NEEDED = ("%", "之", "%", "成", "之", "/", "半", "度率比进", "完推达")
for (_pattern, _kind), _chars in zip(_PERCENT_PATTERNS, _NEEDED, strict=True):
    needing(f"numbers._PERCENT_PATTERNS[{_kind}:{_chars}]", _pattern, _chars)
_NEEDED_CHARS = [frozenset(chars) for chars in _NEEDED]
_PERCENT_CHARS_RE = re.compile("[" + re.escape("".join(_NEEDED)) + "]")


def find_percents(text: str) -> list[tuple[int, int, int | None]]:
    """Every (start, end, percent) in ``text``, non-overlapping, in order.

    An impossible figure ("760%") comes with percent None: a figure was given but cannot be read.
    """
    found: list[tuple[int, int, int | None]] = []
    taken: list[tuple[int, int]] = []   # spans read already, impossible figures (760%) included
    present = set(_PERCENT_CHARS_RE.findall(text))
    if not present:
        return found
    for (pattern, kind), needed in zip(_PERCENT_PATTERNS, _NEEDED_CHARS, strict=True):
        if needed.isdisjoint(present):
            continue
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            value = _percent_value(m, kind)
            if value is not None and _LEFT_RE.search(text[max(0, start - 6):start]):
                value = 100 - value
            if value is not None or kind in ("digits", "number"):
                found.append((start, end, value))
    return sorted(found)


# What is left, before a percent: "还有三成没做", "还差30%" → the rest is done.
_LEFT_RE = re.compile(r"(?:还有|还差|还剩下?|剩下|剩余|剩|尚有|尚差|差)\s*(?:约|大约|近)?\s*$")


def _percent_value(m: re.Match, kind: str) -> int | None:
    if kind == "half":
        return 50
    if kind == "digits":
        return _clamp_percent(float(m.group(1)))
    if kind == "number":
        raw = m.group(1)
        if raw == "百":
            return 100
        value = float(raw) if raw[0].isdigit() else to_int(raw)
        return None if value is None else _clamp_percent(value)
    if kind == "tenths":
        half = m.group(2) == "半"
        tens, ones = to_int(m.group(1)), 5 if half else to_int(m.group(2)) if m.group(2) else 0
        return _clamp_percent(tens * 10 + ones)
    if kind in ("fraction", "slash"):
        whole, part = to_int(m.group(1)), to_int(m.group(2))
        if kind == "slash":
            part, whole = whole, part
        if not whole or part is None or part > whole:
            return None
        return _clamp_percent(100 * part / whole)
    return None


# ---- count ---------------------------------------------------------------------------------

COUNT_UNITS = "次回场遍趟轮堂期此"     # 此: "一此", voice input for 一次
_COUNT_RE = re.compile(rf"(?:(?P<ordinal>第\s*)?(?P<n>{NUMBER})|(?P<first>首))\s*(?:[{COUNT_UNITS}])(?!数|序|[是在为])"
                       rf"|(?<=[\u4e00-\u9fff)”\"])\s*[×xX✕*]\s*(?P<times>\d{{1,3}})(?![\d%.])"
                       rf"|(?<=[A-Za-z0-9\x00])\s*[×✕]\s*(?P<times2>\d{{1,3}})(?![\d%.])")
_MAY_COUNT = needing("numbers._COUNT_RE", _COUNT_RE, COUNT_UNITS + "×xX✕*")
# Words of the year's running total, shortly before a count.
_TOTAL_RE = re.compile(r"今年|全年|本年度?|年内|累计|共计|总共|一共|合计|截[至止](?:目前|今天|现在)|迄今|至今|到目前为止")
_INSTANCE_RE = re.compile(r"其中\s*$")
# A rate ("每月1次", "每季度一次") says how often, not how many times this time.
_RATE_RE = re.compile(r"每\s*(?:个|一个)?\s*(?:月|周|星期|季度?|年|半年|天|日)\s*(?:至少|不少于|开展|召开|组织)?\s*$")
_TOTAL_LOOK_BACK = 12


def find_counts(text: str) -> list[tuple[int, int, int, str]]:
    """Every (start, end, times, kind) in ``text``; kind is "count", "ordinal", "total" or
    "bad_count" (a negative number of times: no figure to keep).

    "2次" is 2, "三次" is 3, "党课×2" is 2, an ordinal "第二次" is 1; "今年已召开8次" is a total of 8.
    A count followed by 是/在/为 ("一次是…") or after 其中 describes a time already counted: skipped.
    """
    found = []
    previous_end = 0
    for m in _COUNT_RE.finditer(text) if _MAY_COUNT.search(text) else ():
        if m["times"] or m["times2"]:
            value, kind = int(m["times"] or m["times2"]), "count"
        elif m["ordinal"] or m["first"]:
            value, kind = 1, "ordinal"
        else:
            value, kind = to_int(m["n"]), "count"
        if value is None or not 0 < value <= 1000 or _INSTANCE_RE.search(text[max(0, m.start() - 4):m.start()]):
            continue
        if text[max(0, m.start() - 1):m.start()] in ("-", "负"):
            found.append((m.start() - 1, m.end(), 0, "bad_count"))   # "开了-1次": no count, and nothing held
            previous_end = m.end()
            continue
        if _LEFT_RE.search(text[max(0, m.start() - 6):m.start()]) or _RATE_RE.search(text[max(0, m.start() - 8):m.start()]):
            continue        # "还差2次": what is left to do; "每月1次": how often
        before = text[max(previous_end, m.start() - _TOTAL_LOOK_BACK):m.start()]
        if kind == "count" and _TOTAL_RE.search(before):
            kind = "total"
        elif kind == "ordinal" and m["n"] and _TOTAL_RE.search(before) and to_int(m["n"]):
            kind, value = "total", to_int(m["n"])   # "今年第二次": the year's second time, a total of 2
        found.append((m.start(), m.end(), value, kind))
        previous_end = m.end()
    return found

"""Numbers in replies: Chinese numerals, how far along (percent) and how many times (count).

Works on normalized text (half-width digits and "%"). Each finder returns (start, end, value)
spans so the caller can tell which item a number belongs to.
"""
from __future__ import annotations

import re

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
    # 八成 / 八成五 / 十成 — not 完成, 成功, 成果, 成员 ...
    (re.compile(r"(?<![统唯万第])([一二两三四五六七八九十])成([一二三四五六七八九](?!成))?"
                r"(?![功绩果员立效为本熟型就长交品都年人])"), "tenths"),
    # 三分之二 / 2分之1
    (re.compile(r"(\d{1,2}|[一二两三四五六七八九十])分之(\d{1,2}|[一二两三四五六七八九十])"), "fraction"),
    # 一半 / 半数
    (re.compile(r"一半|半数"), "half"),
    # 完成度85 / 进度：40 / 完成率 90
    (re.compile(r"(?:完成度|完成率|完成比例|完成进度|进度|进展)\s*[:：]?\s*(?:为|是|已|已经|达|达到|到|约|近|接近)?\s*"
                r"(\d{1,3})(?![\d.]|\s*[次项个条件天日月号年人场期遍回])"), "number"),
    # 完成85 / 推进到80 (two or three digits, so that 完成3 is not read as 3%)
    (re.compile(r"(?:完成了?|推进到|推进至|达到|达)\s*(\d{2,3})(?![\d.]|\s*[次项个条件天日月号年人场期遍回])"), "number"),
]


def find_percents(text: str) -> list[tuple[int, int, int]]:
    """Every (start, end, percent) in ``text``, non-overlapping, in order."""
    found: list[tuple[int, int, int]] = []
    taken: list[tuple[int, int]] = []   # spans read already, impossible figures (760%) included
    for pattern, kind in _PERCENT_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            value = _percent_value(m, kind)
            if value is not None:
                found.append((start, end, value))
    return sorted(found)


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
        tens, ones = to_int(m.group(1)), to_int(m.group(2)) if m.group(2) else 0
        return _clamp_percent(tens * 10 + ones)
    if kind == "fraction":
        whole, part = to_int(m.group(1)), to_int(m.group(2))
        if not whole or part is None or part > whole:
            return None
        return _clamp_percent(100 * part / whole)
    return None


# ---- count ---------------------------------------------------------------------------------

_COUNT_RE = re.compile(rf"(第\s*)?({NUMBER})\s*(?:次|回|场|遍|趟|轮)(?!数|序)")


def find_counts(text: str) -> list[tuple[int, int, int]]:
    """Every (start, end, times) in ``text``: "2次" is 2, "三次" is 3, an ordinal "第二次" is 1."""
    found = []
    for m in _COUNT_RE.finditer(text):
        value = 1 if m.group(1) else to_int(m.group(2))
        if value is not None and 0 < value <= 1000:
            found.append((m.start(), m.end(), value))
    return found

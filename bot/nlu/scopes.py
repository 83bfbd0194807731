"""What a question is about: a unit, a person, a month — "第二支部谁还没报", "李娜报了吗",
"11月谁还没报", "上个月的逾期", "全机关星级".

Unit names are matched in the forms people say them. From a unit's full name come its short forms:

    第一党支部 → 第一支部, 一支部, 1支部, 第1支部, 第一党支部
    第二党总支 → 第二总支, 二总支, …
    市政协机关党委 → 机关党委

A form shared by two units names neither (it is not a unique short form). "全机关", "全部单位",
"所有支部" name the whole organisation. People are matched by their names as written. A month is
"11月" (the latest such month not after today: in December "11月" is this year's, in January it is
last year's), "上个月"/"上月", or "本月"/"这个月".
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from .numbers import to_int

_CN = "零一二三四五六七八九十"
_WHOLE_RE = re.compile(r"全机关|全部单位|所有单位|全体单位|各单位|全单位|整个机关|所有支部|各支部|各党支部|全部支部")
_MONTH_RE = re.compile(r"(?<![\d年])(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?!底之前|份以后)")
_LAST_MONTH_RE = re.compile(r"上个?月")
_THIS_MONTH_RE = re.compile(r"本月|这个月|当月")
_SUFFIXES = (("党支部", ("党支部", "支部")), ("党总支", ("党总支", "总支")))


@dataclass(frozen=True)
class Scope:
    """What a question names; empty fields: it names nothing of that kind."""

    units: tuple[str, ...] = ()          # full unit names, in the order mentioned
    people: tuple[str, ...] = ()         # names as given
    month: str | None = None             # "2026-11"
    whole: bool = False                  # the whole organisation
    unknown_units: tuple[str, ...] = field(default=())   # unit-like words that match no unit


def unit_forms(name: str) -> set[str]:
    """The forms people use for a unit of this full name (the full name included)."""
    forms = {name}
    for suffix, shorts in _SUFFIXES:
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            numbered = re.fullmatch(r"(.*?)第?([一二三四五六七八九十]{1,3}|\d{1,2})", base)
            stems = {base}
            if numbered:
                head, n = numbered.groups()
                value = to_int(n)
                for num in {n, str(value)} if value else {n}:
                    stems |= {f"{head}第{num}", f"{head}{num}", f"第{num}", num}
            forms |= {stem + short for stem in stems for short in shorts if stem}
    if name.endswith("机关党委") and name != "机关党委":
        forms.add("机关党委")
    return {f for f in forms if len(f) >= 3}


def unit_index(names: Iterable[str]) -> dict[str, str]:
    """Form → full name, for forms that name exactly one unit."""
    return dict(_unit_index(frozenset(names)))


@lru_cache(maxsize=8)
def _unit_index(names: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """``unit_index`` as (form, full name) pairs, longest form first; made once per set of names
    (an organisation of 500 units has some 3,000 forms, and the names rarely change)."""
    owners: dict[str, set[str]] = {}
    for name in names:
        for form in unit_forms(name):
            owners.setdefault(form, set()).add(name)
    unique = [(form, next(iter(full))) for form, full in owners.items() if len(full) == 1]
    return tuple(sorted(unique, key=lambda pair: (-len(pair[0]), pair[0])))


# "我们支部", "本支部", "哪个支部": the asker's own or a question word, not a unit's name.
_NOT_A_NAME = ("我", "本", "咱", "这", "那", "该", "各", "全", "所有", "哪", "什么", "每个", "下级", "上级", "其他")
_UNIT_LIKE_RE = re.compile(r"(?:第?[一二三四五六七八九十\d]{1,3}|[\u4e00-\u9fff]{1,6}?)(?:党支部|支部|党总支|总支|党委|党组)")


def read_scope(text: str, unit_names: Iterable[str], people: Iterable[str], today: date) -> Scope:
    """The units, people and month ``text`` names (see the module docstring)."""
    taken = [False] * len(text)
    units: list[tuple[int, str]] = []
    for form, full in _unit_index(frozenset(unit_names)):     # longest forms first
        start = text.find(form)
        while start >= 0:
            end = start + len(form)
            if not any(taken[start:end]):
                units.append((start, full))
                taken[start:end] = [True] * len(form)
            start = text.find(form, end)
    unknown = [m.group() for m in _UNIT_LIKE_RE.finditer(text)
               if not any(taken[m.start():m.end()]) and not _WHOLE_RE.search(m.group())
               and not m.group().startswith(_NOT_A_NAME)]
    named = [(text.find(p), p) for p in sorted({p for p in people if len(p) >= 2 and p in text}, key=len, reverse=True)]
    return Scope(
        units=tuple(dict.fromkeys(name for _, name in sorted(units))),
        people=tuple(dict.fromkeys(p for _, p in sorted(named))),
        month=_month(text, today),
        whole=bool(_WHOLE_RE.search(text)),
        unknown_units=tuple(u for u in unknown if u not in ("党支部", "支部", "党委", "党组", "总支", "党总支")),
    )


def _month(text: str, today: date) -> str | None:
    if _LAST_MONTH_RE.search(text):
        y, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return f"{y:04d}-{m:02d}"
    m = _MONTH_RE.search(text)
    if m:
        month = to_int(m["m"])
        if month and 1 <= month <= 12:
            year = today.year if month <= today.month else today.year - 1
            return f"{year:04d}-{month:02d}"
    if _THIS_MONTH_RE.search(text):
        return f"{today.year:04d}-{today.month:02d}"
    return None


def closest_units(word: str, unit_names: Iterable[str], n: int = 3) -> list[str]:
    """Unit names sharing the most characters with ``word``, for "没有这个单位，相近的有…"."""
    scored = sorted(((len(set(word) & set(name)), name) for name in unit_names), key=lambda p: (-p[0], p[1]))
    return [name for score, name in scored[:n] if score > 1]

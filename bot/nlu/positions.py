"""Items named by their place: in the whole list ("第3项") or within a kind ("整改第二条").

"我的清单" shows the items in order, so "第3项" is the third. A position may also count within
the items of one kind, in list order, when a kind word stands right before it ("整改第二条",
"项目清单第一项", "项目第二项和第三项"), when one stands right after it and the item at that place
of the whole list is of another kind ("第二条整改"), or when the clause stands in a section about
one kind ("二、整改清单：1.…", see ``layout``).

Forms: 第3项 · 第三项 · 第二条 · 第1、3项 · 第1-3项 · 1到3项 · 3、4两项 · "4 5两项" · 前两项 · 后面三项 ·
最后一项 · 倒数第二项 · "那一条" (the only item of the kind named) · an enumeration "1." / "(2)" /
"一、" or a check-list entry "1✓" / "4 50%" at the start of a clause (used only when the clause
names no item otherwise).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from .layout import KIND_WORDS
from .numbers import to_int
from .prefilter import guarded, needing
from .text import CHECK, CROSS

_NUM = r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})"
_JOIN = r"\s*(?:[、/&和及与跟+]|以及)\s*第?\s*|\s+(?=\d)"
_RANGE = r"\s*(?:-|~|至|到|—)\s*第?\s*"
_UNIT = r"\s*(?:[两二三四五六七八九十几]\s*)?(?:项|条|件|个(?![月人季年星小支])|点(?![钟半多]))"
_ONE_UNIT = r"(?:项|条|件|个(?![月人季年星小支]))"
POSITIONS_RE = guarded("positions.POSITIONS_RE", (
    rf"倒数\s*第\s*(?P<from_end>{_NUM}){_ONE_UNIT}"
    rf"|第\s*(?P<listed>{_NUM}(?:(?:{_JOIN}|{_RANGE}){_NUM})*){_UNIT}"
    rf"|(?<![\d.%第])(?P<bare>{_NUM}(?:(?:{_JOIN}|{_RANGE}){_NUM})+){_UNIT}"
    rf"|前\s*(?P<first>{_NUM}|两)\s*{_ONE_UNIT}"
    rf"|(?<![之以])后\s*(?:面|边)?(?:的)?\s*(?P<latter>{_NUM}|两)\s*{_ONE_UNIT}"
    rf"|(?P<last>最后|最末|末)\s*(?:一|1)?\s*{_ONE_UNIT}"
    rf"|(?<![第\d一二三四五六七八九十])(?P<that>那|这)\s*(?:一|1)?\s*(?:项|条|件)"
), 0, "0123456789一七三九二五八六十前后最末第倒这那四")
LEADING_POSITION_RE = re.compile(rf"^\s*(?P<n>{_NUM})\s*(?:项|条|件)(?!目|任务)")
ENUMERATION_RE = re.compile(
    rf"^\s*(?:\(?(?P<n>\d{{1,2}})[.)、](?!\d)|(?P<cn>[一二三四五六七八九十]{{1,2}})[、.]"
    rf"|(?P<check>\d{{1,2}})(?=\s*[{CHECK}{CROSS}]|\s+\d{{1,3}}(?:\.\d+)?%))")
_JOINED_RE = re.compile(r"\s*(?:[、,/&和及与跟+]|以及)\s*")
_TOKEN_RE = re.compile(rf"{_NUM}|[-~至到—]")

KIND_BEFORE_RE = re.compile("(?:" + "|".join(f"(?P<{k}>{w})" for k, w in KIND_WORDS.items()) +
                            r")(?:清单|事项|方面|类|部分)?(?:里|中|的|里的|中的)?\s*$")
KIND_AFTER_RE = re.compile("\\s*(?:" + "|".join(f"(?P<{k}>{w})" for k, w in KIND_WORDS.items()) + ")")


_KIND_COUNT_RE = re.compile(
    rf"(?P<n>[两二三四五六七八九]|\d)\s*(?:个|条|项)\s*(?:{'|'.join(f'(?P<{k}>{w})' for k, w in KIND_WORDS.items())})"
    rf"|(?:{'|'.join(f'(?P<{k}_>{w})' for k, w in KIND_WORDS.items())})(?:清单|事项)?(?:的)?(?:那|这)(?P<n2>[两二三四五六七八九]|\d)\s*(?:个|条|项)")


_KIND_HINT_RE = re.compile("|".join(KIND_WORDS.values()))
_MAY_KIND = needing("positions._KIND_HINT_RE", _KIND_HINT_RE, "责项整问")


class Position(NamedTuple):
    start: int
    end: int
    items: tuple[int, ...]


def find_positions(clause: str, kinds: Sequence[str], section: str | None = None) -> list[Position]:
    """The position references in ``clause`` (0-based item indexes), in order.

    ``kinds`` are the kinds of the list's items, in list order; ``section`` the kind of the
    section the clause stands in, if any.
    """
    found = []
    previous: tuple[int, str | None] = (-1, None)     # end and kind of the position before
    for m in POSITIONS_RE.finditer(clause):
        start = m.start()
        before = KIND_BEFORE_RE.search(clause[max(0, start - 8):start])
        kind = before.lastgroup if before else None
        if before:
            start -= len(before.group())
        elif previous[1] and _JOINED_RE.fullmatch(clause[previous[0]:start]):
            kind = previous[1]      # "项目第二项和第三项": the kind holds for the joined position
        numbers = _numbers(m)
        if kind is None:
            after = KIND_AFTER_RE.match(clause, m.end())
            if (after and numbers and not _all_of_kind(numbers, m, kinds, after.lastgroup)
                    and resolve(m, numbers, kinds, after.lastgroup)):
                kind = after.lastgroup
        previous = (m.end(), kind)
        kind = kind or section
        items = resolve(m, numbers, kinds, kind)
        if m["that"] and not items:
            continue        # "那条" of several: the clause's other words may still name the item
        found.append(Position(start, m.end(), items))
    return found + _every_of_kind(clause, kinds, found)


def _every_of_kind(clause: str, kinds: Sequence[str], found: list[Position]) -> list[Position]:
    """"两个整改都整改到位了", "整改那三条": all items of a kind, when the number said is how many
    the list has (another number names no item)."""
    out: list[Position] = []
    if not (_MAY_KIND.search(clause) and _KIND_HINT_RE.search(clause)):
        return out
    for m in _KIND_COUNT_RE.finditer(clause):
        if any(p.start < m.end() and m.start() < p.end for p in found):
            continue
        kind = next(k for k in KIND_WORDS if m.group(k) or m.group(k + "_"))
        scope = tuple(i for i, k in enumerate(kinds) if k == kind)
        if len(scope) > 1 and to_int(m["n"] or m["n2"]) == len(scope):
            out.append(Position(m.start(), m.end(), scope))
    return out


def _numbers(m: re.Match) -> list[int]:
    """The 1-based numbers a match lists ("第1、3项" → [1, 3], "1-3项" → [1, 2, 3], "前两项" → [1, 2])."""
    if m["first"]:
        return list(range(1, (to_int(m["first"]) or 0) + 1))
    if m["from_end"] or m["last"] or m["that"] or m["latter"]:
        return []
    numbers: list[int] = []
    pending_range = False
    for token in _TOKEN_RE.findall(m["listed"] or m["bare"]):
        value = to_int(token)
        if value is None:
            pending_range = bool(numbers)
            continue
        if pending_range and value >= numbers[-1]:
            numbers.extend(range(numbers[-1] + 1, min(value, numbers[-1] + 50) + 1))
        else:
            numbers.append(value)
        pending_range = False
    return numbers


def _all_of_kind(numbers: list[int], m: re.Match, kinds: Sequence[str], kind: str) -> bool:
    """Whether the items at these places of the whole list are all of ``kind``."""
    return all(1 <= n <= len(kinds) and kinds[n - 1] == kind for n in numbers)


def resolve(m: re.Match | None, numbers: list[int], kinds: Sequence[str], kind: str | None) -> tuple[int, ...]:
    """Item indexes of 1-based ``numbers`` (or of 最后/倒数/那一条 in ``m``) in the list or in ``kind``."""
    scope = [i for i, k in enumerate(kinds) if k == kind] if kind else list(range(len(kinds)))
    if m is not None:
        if m["last"]:
            return tuple(scope[-1:])
        if m["from_end"]:
            back = to_int(m["from_end"]) or 0
            return (scope[-back],) if 1 <= back <= len(scope) else ()
        if m["that"]:
            return tuple(scope) if kind and len(scope) == 1 else ()
        if m["latter"]:
            back = to_int(m["latter"]) or 0
            return tuple(scope[-back:]) if 1 <= back <= len(scope) else ()
    seen: list[int] = []
    for n in numbers:
        if 1 <= n <= len(scope) and scope[n - 1] not in seen:
            seen.append(scope[n - 1])
    return tuple(seen)

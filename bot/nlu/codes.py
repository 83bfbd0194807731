"""编号: the one grammar of item codes, and of the commands that name items by code.

An item's 编号 is letters then digits ("Z-2", "XM-3", "R-12"). People type the same code in many
ways: "Z-2", "Z-02", "z2", "z 2", "Z－2" (full width), "Z_2", "Z.2". ``code_key`` maps all of them
to one key ("Z2": upper-case prefix, the number without leading zeros), so a code is compared by its
key everywhere — reply understanding, close-off commands and database lookups alike.

A close-off command names one or more codes and the verb 销号, in either order:
"Z-2已销号", "Z-2、Z-3予以销号", "同意销号 Z-02", "销号 z2". A secretary sends a reported-done
rectification back, or reopens a closed one, with the verb first and a reason after:
"退回 Z-2 原因：台账不全", "重开 Z-2，原因是复查发现问题反弹".
"""
from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass

from .prefilter import needing

# A code inside free text: not glued to other letters or digits, not a percentage ("A4纸" is not
# excluded by shape; callers keep only codes of prefixes their list has).
CODE_RE = re.compile(r"(?<![A-Za-z0-9])(?P<prefix>[A-Za-z]{1,6})\s*[-_.–—]?\s*(?P<num>\d{1,4})(?![\d%])")
_MAY_CODE = needing("codes.CODE_RE", CODE_RE, string.ascii_letters)
_WHOLE_CODE_RE = re.compile(r"\s*(?P<prefix>[A-Za-z]{1,6})\s*[-_.–—]?\s*(?P<num>\d{1,4})\s*")

_CODES = r"[A-Za-z]{1,6}\s*[-_.–—]?\s*\d{1,4}(?:\s*[、,，和及/]\s*[A-Za-z]{1,6}\s*[-_.–—]?\s*\d{1,4})*"
_END = r"\s*[。.!！]?\s*$"
_CLOSE_AFTER_RE = re.compile(rf"^\s*(?P<codes>{_CODES})\s*(?:已经?|予以|同意|可以|准予)?\s*销号(?:了)?{_END}")
_CLOSE_BEFORE_RE = re.compile(rf"^\s*(?:同意|予以|准予|请|确认)?\s*销号\s*[:：]?\s*(?P<codes>{_CODES}){_END}")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def code_key(code: str) -> str | None:
    """The comparison key of a code: "Z-02" → "Z2", "xm 3" → "XM3"; None if it is not a code."""
    m = _WHOLE_CODE_RE.fullmatch(_fold(code))
    if not m:
        return None
    return m["prefix"].upper() + str(int(m["num"]))


def key_of(code: str) -> str:
    """``code_key`` of a stored code, or the code itself upper-cased when it has another shape."""
    return code_key(code) or _fold(code).strip().upper()


def find_codes(text: str) -> list[tuple[int, int, str, str]]:
    """Every code-shaped run in ``text``: (start, end, key, prefix upper-cased), in order.

    ``text`` should already be NFKC-normalized (as reply understanding's clauses are), so that
    positions refer to it."""
    return [(m.start(), m.end(), m["prefix"].upper() + str(int(m["num"])), m["prefix"].upper())
            for m in CODE_RE.finditer(text)] if _MAY_CODE.search(text) else []


def close_off_codes(text: str) -> list[str] | None:
    """The codes a close-off command names, as typed and in order; None if ``text`` is not one.

    >>> close_off_codes("销号 Z-02")
    ['Z-02']
    """
    folded = _fold(text)
    m = _CLOSE_AFTER_RE.match(folded) or _CLOSE_BEFORE_RE.match(folded)
    if not m:
        return None
    return [c.group().replace(" ", "") for c in CODE_RE.finditer(m["codes"])]


_SEND_BACK_RE = re.compile(
    rf"^\s*(?P<verb>退回|驳回|打回|重开|重新打开|重启)\s*[:：]?\s*(?P<codes>{_CODES})"
    r"\s*[,，:：;；。]?\s*(?:原因|理由)?\s*(?:是|为)?\s*[:：]?\s*(?P<reason>.*?)\s*$", re.S)
_REOPEN_VERBS = ("重开", "重新打开", "重启")


@dataclass(frozen=True)
class Review:
    """A secretary's word on rectifications: 销号 (close), 退回 (send back), 重开 (reopen)."""

    verb: str                    # "close" | "return" | "reopen"
    codes: tuple[str, ...]       # as typed
    reason: str = ""


def read_review(text: str) -> Review | None:
    """"销号 Z-2" / "Z-2已销号", "退回 Z-2 原因：台账不全", "重开 Z-2 原因…"; None otherwise.
    The reason may be empty: the handler asks for one."""
    closing = close_off_codes(text)
    if closing:
        return Review("close", tuple(closing))
    m = _SEND_BACK_RE.match(_fold(text))
    if not m:
        return None
    verb = "reopen" if m["verb"] in _REOPEN_VERBS else "return"
    return Review(verb, tuple(c.group().replace(" ", "") for c in CODE_RE.finditer(m["codes"])), m["reason"].strip())

"""Fitting text into one WeCom message: the 2048-byte rule, in one place.

WeCom takes a text message of at most ``MAX_TEXT_BYTES`` bytes of UTF-8 (a Chinese character is
three). Every reply, push and notice is measured with ``byte_size`` and made to fit by one of:
``fit_text`` (cut on a character boundary, "…" at the end), ``fit_lines`` (the lines that fit and
a line saying how many are left out) or ``chunks`` (a long text in pieces, cut after a line or a
sentence, for a notice sent in numbered parts).
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence

MAX_TEXT_BYTES = 2048
_SENTENCE_END_RE = re.compile(r"(?<=[\n。！？；!?;])")


def byte_size(text: str) -> int:
    """How many bytes ``text`` takes in a message (UTF-8)."""
    return len(text.encode("utf-8"))


def _cut(text: str, room: int) -> str:
    """The longest start of ``text`` within ``room`` bytes, on a character boundary."""
    return text.encode("utf-8")[:room].decode("utf-8", "ignore")


def fit_text(text: str, limit: int = MAX_TEXT_BYTES, tail: str = "…") -> str:
    """``text`` cut on a character boundary so that it is at most ``limit`` UTF-8 bytes."""
    if byte_size(text) <= limit:
        return text
    return _cut(text, limit - byte_size(tail)) + tail


def fit_lines(head: str, lines: Iterable[str], more: str, footer: str = "", limit: int = MAX_TEXT_BYTES,
              count: int | None = None) -> str:
    """``head``, as many ``lines`` as fit in ``limit`` bytes, then ``footer``. If some lines are
    left out, ``more.format(n=...)`` stands in their place (e.g. "…及其余{n}项，回复“我的清单”查看").

    ``lines`` may be a generator when ``count`` says how many lines it would give: only the lines
    that fit are then made (a question over a whole organ has thousands, a message holds a few dozen)."""
    return fit_page(head, lines, more, footer, limit=limit, count=count)[0]


def fit_page(head: str, lines: Iterable[str], more: str, footer: str = "", start: int = 0,
             limit: int = MAX_TEXT_BYTES, count: int | None = None,
             weight: Callable[[str], int] | None = None) -> tuple[str, int]:
    """``fit_lines`` from line ``start`` on (the lines before it are passed over); the text, and the
    index of the first line it left out (the number of lines when none was).

    With ``weight``, ``more`` counts what the lines left out stand for (the items under a unit's
    heading, the people a unit's line names) and ``count`` is the weight of all the lines."""
    weigh = weight or (lambda _line: 1)
    lines = list(lines) if weight is not None and not isinstance(lines, Sequence) else lines
    total = (len(lines) if weight is None else sum(map(weigh, lines))) if count is None else count
    before = sum(map(weigh, lines[:start])) if weight is not None else start
    tail = "\n" + footer if footer else ""
    body, shown, left = head, start, total - before
    for line in itertools.islice(lines, start, None):
        rest = left - weigh(line)
        closing = ("\n" + more.format(n=rest) if rest > 0 else "") + tail
        if byte_size(body + "\n" + line + closing) > limit:
            return fit_text(body + "\n" + more.format(n=left) + tail, limit), shown
        body += "\n" + line
        shown, left = shown + 1, rest
    return body + tail, shown


def chunks(text: str, budget: int) -> list[str]:
    """``text`` in pieces of at most ``budget`` bytes, cut after a line or a sentence where one
    fits, else on a character boundary; joined again they are ``text``."""
    out, current = [], ""
    for piece in _SENTENCE_END_RE.split(text):
        if byte_size(current + piece) <= budget:
            current += piece
            continue
        if current:
            out.append(current)
        while byte_size(piece) > budget:
            cut = _cut(piece, budget)
            out.append(cut)
            piece = piece[len(cut):]
        current = piece
    return out + ([current] if current else [])

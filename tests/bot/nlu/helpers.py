"""Shorthand for the reply-understanding tests: updates as sorted tuples."""
from __future__ import annotations

from bot import nlu
from tests.support.item_lists import SETS


def updates(text: str, items) -> list[tuple]:
    """The parse of ``text`` as sorted (item, status, percent, count) tuples; asserts progress."""
    p = nlu.parse(text, items)
    assert p.intent == "progress", (text, p)
    return sorted(((u.item, u.status, u.percent, u.count) for u in p.updates), key=repr)


def full(text: str, items) -> list[tuple]:
    """Like ``updates`` with the total: (item, status, percent, count, total)."""
    p = nlu.parse(text, items)
    assert p.intent == "progress", (text, p)
    return sorted(((u.item, u.status, u.percent, u.count, u.total) for u in p.updates), key=repr)


def check(set_name: str, text: str, expected: list[tuple]) -> None:
    assert updates(text, SETS[set_name]) == sorted(expected, key=repr), text

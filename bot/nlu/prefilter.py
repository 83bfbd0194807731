"""A regular expression's possible first characters, to skip where it cannot start.

Python's ``re`` tries every alternative of a long alternation at every position of the text; the
state reader's one pattern has a hundred. ``guarded`` puts a look-ahead for the characters a match
can start with in front, so a position that cannot start a match costs one set test (the state
reader runs over twice as fast). The characters are written beside the pattern, since working them
out (``first_chars``, from the parsed pattern) and compiling twice would cost start-up 70 ms;
``tests/bot/nlu/test_prefilter.py`` checks that they are exactly the pattern's and that the matches
are the same.
"""
from __future__ import annotations

import re
import re._constants as C  # noqa: N812 - the parser's own names
import re._parser as P  # noqa: N812


def first_chars(pattern: re.Pattern) -> set[str] | None:
    """The characters a match of ``pattern`` can start with; None when any (or an empty match)."""
    found, nullable = _firsts(P.parse(pattern.pattern, pattern.flags))
    if found is None or nullable:
        return None
    if pattern.flags & re.IGNORECASE:
        found |= {c.swapcase() for c in found}
    return found


GUARDED: dict[str, tuple[str, int, str]] = {}     # name -> (source, flags, first characters), for the test


def guarded(name: str, source: str, flags: int, chars: str) -> re.Pattern:
    """``source`` compiled behind a look-ahead for ``chars``, the characters a match starts with."""
    return re.compile(guard(name, source, flags, chars), flags)


def guard(name: str, source: str, flags: int, chars: str) -> str:
    """``source`` behind a look-ahead for ``chars``, the characters a match starts with, not
    compiled: for an alternative of a longer pattern, so that a position where it cannot start
    costs one set test instead of trying its own alternatives."""
    GUARDED[name] = (source, flags, chars)
    charset = "".join(re.escape(c) for c in chars)
    return f"(?=[{charset}])(?:{source})"


NEEDED: dict[str, tuple[re.Pattern, str]] = {}    # name -> (pattern, characters), for the test


def needing(name: str, pattern: re.Pattern, chars: str) -> re.Pattern:
    """A pattern finding any of ``chars``, one of which every match of ``pattern`` holds: where it
    finds none, ``pattern`` cannot match. Finding a few characters costs less than trying a long
    alternation at every position, and most replies hold none of the characters (no example, no
    salutation, no header...). ``tests/bot/nlu/test_prefilter.py`` proves the characters from the
    parsed pattern."""
    NEEDED[name] = (pattern, chars)
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]", pattern.flags & re.IGNORECASE)


def _firsts(items) -> tuple[set[str] | None, bool]:
    """(first characters, can be empty) of a parsed sequence; None for "any character"."""
    out: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            return out | {chr(av)}, False
        if op is C.IN:
            chars = _charset(av)
            return (None, False) if chars is None else (out | chars, False)
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue        # zero width
        if op is C.SUBPATTERN:
            found, nullable = _firsts(av[3])
        elif op is C.BRANCH:
            found, nullable = set(), False
            for branch in av[1]:
                more, empty = _firsts(branch)
                if more is None:
                    return None, False
                found |= more
                nullable = nullable or empty
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            found, nullable = _firsts(av[2])
            nullable = nullable or av[0] == 0
        else:
            return None, False
        if found is None:
            return None, False
        out |= found
        if not nullable:
            return out, False
    return out, True


def _charset(av) -> set[str] | None:
    chars: set[str] = set()
    for op, arg in av:
        if op is C.LITERAL:
            chars.add(chr(arg))
        elif op is C.CATEGORY and arg is C.CATEGORY_DIGIT:
            chars.update("0123456789")
        elif op is C.RANGE and arg[1] - arg[0] <= 4096:
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:
            return None
    return chars

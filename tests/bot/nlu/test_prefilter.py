"""bot.nlu.prefilter: the characters written beside a guarded pattern are exactly those its
matches can start with, and guarding changes no match."""
from __future__ import annotations

import json
import re
import re._constants as C  # noqa: N812 - the parser's own names
import re._parser as P  # noqa: N812
from pathlib import Path

import pytest

from bot.nlu import codes, intents, items, layout, numbers, positions, prefilter, progress, states  # noqa: F401 - importing them registers their patterns
from bot.nlu.text import normalize

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "nlu"
SAMPLES = ["第1、2项分别完成80%、50%", "支委会✅ 党小组会✅ 活动室🚧还在施工", "Z-1 Z-2 都整改完了，等机关党委验收销号",
           "DONE", "前两项都完成了，后面三项还在推进", "倒数第二项已经整改到位", "那一条 not started", "好的，弄完了跟你说"]


def _texts() -> list[str]:
    texts = list(SAMPLES)
    for name in ("dev.jsonl", "dev2.jsonl", "dev3.jsonl"):
        if (SHARED / name).exists():
            texts += [json.loads(line)["text"] for line in (SHARED / name).read_text(encoding="utf-8").splitlines()
                      if line.strip()]
    return [normalize(t) for t in texts]


@pytest.mark.parametrize("name", sorted(prefilter.GUARDED))
def test_the_written_first_characters_are_the_patterns_own(name):
    source, flags, chars = prefilter.GUARDED[name]
    found = prefilter.first_chars(re.compile(source, flags))
    written = set(chars) | ({c.swapcase() for c in chars} if flags & re.IGNORECASE else set())
    assert found == written, (sorted(found - written), sorted(written - found))


@pytest.mark.parametrize("name", sorted(prefilter.GUARDED))
def test_guarding_changes_no_match(name):
    source, flags, chars = prefilter.GUARDED[name]
    plain, fast = re.compile(source, flags), prefilter.guarded("test", source, flags, chars)
    del prefilter.GUARDED["test"]
    for text in _texts():
        assert [(m.span(), m.lastgroup) for m in plain.finditer(text)] == \
               [(m.span(), m.lastgroup) for m in fast.finditer(text)], text


def test_first_chars_says_any_when_a_match_can_start_anywhere():
    assert prefilter.first_chars(re.compile(r"a|.b")) is None
    assert prefilter.first_chars(re.compile(r"x?y")) == {"x", "y"}
    assert prefilter.first_chars(re.compile(r"(?<!q)\d|中", re.IGNORECASE)) == set("0123456789中")


def _holds_one_of(sequence, chars: set[str]) -> bool:
    """Whether every match of a parsed sequence holds one of ``chars`` (proved, or False)."""
    return any(_item_holds(op, av, chars) for op, av in sequence)


def _item_holds(op, av, chars: set[str]) -> bool:
    if op is C.LITERAL:
        return chr(av) in chars
    if op is C.IN:
        return all(o is C.LITERAL and chr(a) in chars
                   or o is C.RANGE and all(chr(c) in chars for c in range(a[0], a[1] + 1)) for o, a in av)
    if op is C.SUBPATTERN:
        return _holds_one_of(av[3], chars)
    if op is C.BRANCH:
        return all(_holds_one_of(branch, chars) for branch in av[1])
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        return av[0] >= 1 and _holds_one_of(av[2], chars)
    return False


@pytest.mark.parametrize("name", sorted(prefilter.NEEDED))
def test_every_match_holds_one_of_the_needed_characters(name):
    pattern, chars = prefilter.NEEDED[name]
    assert _holds_one_of(P.parse(pattern.pattern, pattern.flags), set(chars)), name


def test_the_proof_of_needed_characters_can_fail():
    assert _holds_one_of(P.parse("ab?|c"), set("ac"))
    assert not _holds_one_of(P.parse("ab?|c"), set("bc"))
    assert not _holds_one_of(P.parse("a*c?"), set("ac"))
    assert _holds_one_of(P.parse("x?[a-c]"), set("abc"))
    assert not _holds_one_of(P.parse("x?[a-d]"), set("abc"))
    assert not _holds_one_of(P.parse("x?[^a-c]"), set("abc"))

"""bot.nlu.prefilter: the characters written beside a guarded pattern are exactly those its
matches can start with, and guarding changes no match."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.nlu import positions, prefilter, states  # noqa: F401 - importing them registers their patterns
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

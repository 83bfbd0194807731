"""bot.nlu.titles: a title's substring weights are exactly those of their definition (hypothesis)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot import nlu
from bot.nlu.segmenter import is_word
from bot.nlu.text import normalize
from bot.nlu.titles import (
    GENERIC_CHAR_WEIGHT,
    MAX_MATCH,
    PUNCT,
    UNCOVERED_CHAR_WEIGHT,
    _is_generic,
    _substring_weights,
    title_bigrams,
    title_weights,
)


def _weights_by_definition(title: str) -> dict[str, float]:
    """A title's substring weights straight from their definition (``titles._substring_weights``'s
    docstring), recounting every substring from scratch: the reference the running sums must match."""
    n = len(title)
    words = [(i, j) for i in range(n) for j in range(i + 2, min(n, i + 4) + 1)
             if not any(ch in PUNCT for ch in title[i:j])]
    generic = [(i, j) for i, j in words if _is_generic(title[i:j])]
    content = [(i, j) for i, j in words if (i, j) not in generic and is_word(title[i:j])
               and not any(gi <= i and j <= gj for gi, gj in generic)]
    weights: dict[str, float] = {}
    for i in range(n):
        for j in range(i + 2, min(n, i + MAX_MATCH) + 1):
            if any(ch in PUNCT for ch in title[i:j]):
                break
            cover = [max([1.0 for a, b in content if i <= a and b <= j and a <= k < b]
                         + [GENERIC_CHAR_WEIGHT for a, b in generic if i <= a and b <= j and a <= k < b], default=0.0)
                     for k in range(i, j)]
            weight = sum(cover) + (UNCOVERED_CHAR_WEIGHT * cover.count(0.0) if j - i >= 3 else 0.0)
            weights[title[i:j]] = max(weights.get(title[i:j], 0.0), weight)
    return weights


_TITLE_CHARS = st.sampled_from(list("建设党员活动室规范化支部标准工作会议记录整改问题学习计划组织生活三会一课（）、 -1"))


@settings(max_examples=300, deadline=None)
@given(title=st.text(_TITLE_CHARS, min_size=0, max_size=24))
def test_title_weights_are_those_of_their_definition(title):
    nlu.load()
    title = normalize(title)
    assert _substring_weights(title) == _weights_by_definition(title)


@settings(max_examples=300, deadline=None)
@given(title=st.text(_TITLE_CHARS, min_size=0, max_size=24))
def test_a_titles_bigrams_are_exactly_the_two_characters_it_weighs(title):
    """``title_bigrams`` picks a reply's candidate titles without weighing them: it must be the
    two-character keys of ``title_weights``, or a title a reply names would be missed."""
    nlu.load()
    assert title_bigrams(title) == {k for k in title_weights(title) if len(k) == 2}

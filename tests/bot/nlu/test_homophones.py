"""bot.nlu.homophones: words typed by voice, read as the state and title words they sound like."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu import homophones
from bot.nlu.items import index_for
from bot.nlu.text import normalize
from bot.nlu.titles import title_words
from tests.support.item_lists import SETS, VETERANS


@pytest.mark.parametrize("heard,meant", [
    ("换届选举已完城", "换届选举已完成"), ("档案整理进读60%", "档案整理进度60%"), ("已消号", "已销号"),
    ("第三相完成了", "第三项完成了"), ("第2象完成", "第2项完成"), ("第三条", "第三条"),
])
def test_state_word_homophones(heard, meant):
    assert homophones.repair(heard) == meant


def test_title_word_homophones_come_from_the_list():
    sounds = index_for(tuple((i["id"], i["title"], i["kind"], i["target"]) for i in VETERANS)).sounds
    assert homophones.repair("标准话建设完成百分之七十", sounds) == "标准化建设完成百分之七十"


@pytest.mark.parametrize("text", ["成功", "完成了", "督导三会一课落实情况", "进度60%", "已销号", "第三个"])
def test_real_words_are_never_repaired(text):
    sounds = index_for(tuple((i["id"], i["title"], i["kind"], i["target"]) for i in VETERANS)).sounds
    assert homophones.repair(text, sounds) == text


def test_sound_drops_tones():
    assert homophones.sound("项") == homophones.sound("相") == "xiang"
    assert homophones.sound("A") == "A"


def _title_lists():
    """The test item lists' titles, each list alone and all together (titles shared across lists)."""
    lists = [tuple(i["title"] for i in items) for items in SETS.values()]
    return [*lists, tuple(t for titles in lists for t in titles)]


@pytest.mark.parametrize("titles", _title_lists())
def test_a_lists_vocabulary_is_the_one_built_at_once(titles):
    """``ListVocabulary`` gathers per key exactly what ``vocabulary`` builds for the whole list:
    every key it has, with the same words in the same order; any other key it admits has none."""
    whole = homophones.vocabulary(w for t in titles for w in title_words(t))
    lazy = homophones.ListVocabulary(titles)
    for key, words in whole.items():
        assert key in lazy and lazy[key] == words
    spoken = [homophones.sound(ch) for t in titles for ch in normalize(t)]
    for key in zip(spoken, spoken[1:], strict=False):
        if key not in whole:
            assert key not in lazy or lazy[key] == ()


@settings(max_examples=200, deadline=None)
@given(heard=st.text(alphabet=st.sampled_from(list("标准话化建设完城成进读度已消销号活动室党课第三相项2象，")), max_size=16),
       set_name=st.sampled_from(sorted(SETS)))
def test_repairs_are_those_of_the_whole_vocabulary(heard, set_name):
    """A reply is repaired alike with the list's vocabulary gathered per key or built at once."""
    titles = tuple(i["title"] for i in SETS[set_name])
    whole = homophones.vocabulary(w for t in titles for w in title_words(t))
    assert homophones.repair(heard, homophones.ListVocabulary(titles)) == homophones.repair(heard, whole)

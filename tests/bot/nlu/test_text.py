"""Clean-up (text.py), layout (layout.py) and voice-input homophones (homophones.py)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu import homophones, layout, parse, titles
from bot.nlu.items import clear_cache, index_for
from bot.nlu.text import CHECK, CROSS, normalize, to_simplified
from bot.nlu.titles import title_words
from tests.support.item_lists import SETS, VETERANS


@pytest.mark.parametrize("raw,clean", [
    ("第２项已完成", "第2项已完成"), ("80％", "80%"), ("ＸＭ－３", "XM-3"), ("①完成②进行中", "1.完成2.进行中"),
    ("學習計劃已完成", "学习计划已完成"), ("換屆選舉已全部完成", "换届选举已全部完成"), ("還沒開始", "还没开始"),
    ("黨員活動室建設完成百分之八十", "党员活动室建设完成百分之八十"), ("第二條已完成", "第二条已完成"),
    ("活动 室 建设", "活动室建设"), ("支部委员会会议开了", "支委会开了"), ("支部大会开过了", "支部党员大会开过了"),
    ("调研报告✔️", f"调研报告{CHECK}"), ("第2项✅", f"第2项{CHECK}"), ("3✘", f"3{CROSS}"), ("3❌", f"3{CROSS}"),
    ("党课×2", "党课×2"), ("×", CROSS), ("  好 ", "好"),
])
def test_normalize(raw, clean):
    assert normalize(raw) == clean


def test_simplified_text_is_left_alone_and_phrases_convert_as_phrases():
    text = "调研报告已完成，著手下一步"
    assert to_simplified(text) is text
    assert to_simplified("乾部後來") == "干部后来"


# ---- layout ----------------------------------------------------------------------------------

def texts(raw: str) -> list[str]:
    return [c.text for c in layout.clauses(normalize(raw))]


@pytest.mark.parametrize("raw,clauses", [
    ("1、2项已完成，第3项进行中", ["1、2项已完成", "第3项进行中"]),
    ("1.学习计划已完成 2.调研报告写了一半", ["1.学习计划已完成", "2.调研报告写了一半"]),
    ("第2项：完成80%", ["第2项", "完成80%"]),
    ("下午3:30开会", ["下午3:30开会"]),
    ("1✔ 2✔ 3✘ 4 50%", [f"1{CHECK}", f"2{CHECK}", f"3{CROSS}", "4 50%"]),
    ("11月工作汇报：1.召开机关党委会议1次；2.讲党课1次", ["1.召开机关党委会议1次", "2.讲党课1次"]),
    ("书记，我这月的情况：先锋岗已挂牌", ["先锋岗已挂牌"]),
    ("报告书记：机关党委会议本月开了", ["机关党委会议本月开了"]),
    ("书记你好我这个月调研报告已经写完了", ["我这个月调研报告已经写完了"]),
    ("支部书记讲党课完成了", ["支部书记讲党课完成了"]),               # a title, not a salutation
    ("召开机关党委会议2次（含1次专题研究换届工作）", ["召开机关党委会议2次"]),
    ("调研报告不是没完成，是已经完成了", ["调研报告已经完成了"]),
    ("学习计划并不是还没开始，而是已经在做了", ["学习计划已经在做了"]),
    ("回复如：第2项完成80%", []),
    ("可回复：XM-01已完成", []),
    ("回复格式：项目名称+进度，例如 活动室建设完成50%", []),
    ("第1项已完成\n回复如：第2项完成80%", ["第1项已完成"]),
    ("各项工作正在有序推进中", []),
    ("本月扎实推进各项工作，第2项已完成", ["第2项已完成"]),
])
def test_clauses(raw, clauses):
    assert texts(raw) == clauses


def test_a_question_mark_stays_with_its_clause():
    got = layout.clauses(normalize("调研报告写了一半，什么时候交？"))
    assert [(c.text, c.question) for c in got] == [("调研报告写了一半", False), ("什么时候交", True)]


def test_sections_set_the_kind_of_the_clauses_under_them():
    got = layout.clauses(normalize("一、责任清单\n1.支委会开了1次\n二、整改清单：第二条已整改"))
    assert [(c.text, c.section) for c in got] == [("1.支委会开了1次", "responsibility"),
                                                  ("第二条已整改", "rectification")]
    assert layout.section_kind("项目方面") == "project"
    assert layout.section_kind("项目清单第一项完成70%") is None


def test_what_is_dropped_can_be_listed():
    dropped: list = []
    layout.clauses(normalize("书记，本月情况：各项工作有序推进。回复如：第2项完成80%"), dropped)
    assert {why for _, why in dropped} == {"salutation", "header", "stock", "example"}


# ---- voice-input homophones --------------------------------------------------------------------

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


def test_a_reply_naming_items_by_position_weighs_no_title():
    """"第1项完成80%" against a list seen for the first time needs its 编号 and positions, not the
    weights of its titles (the costly part of a new list's index)."""
    clear_cache()
    titles.title_weights.cache_clear()
    items = [{"id": f"N-{k}", "title": f"新事项{k}号调研课题", "kind": "project", "target": None} for k in range(1, 6)]
    parsed = parse("第1项完成80%", items)
    assert [(u.item, u.percent) for u in parsed.updates] == [("N-1", 80)]
    assert titles.title_weights.cache_info().currsize == 0

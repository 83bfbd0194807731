"""bot.nlu.items: which item a clause names — by 编号 and by title words (positions: test_positions.py)."""
from __future__ import annotations

import pytest

from bot import nlu
from bot.nlu import parse, titles
from bot.nlu.items import clear_cache
from tests.bot.nlu.helpers import check, updates
from tests.support.item_lists import LEADER, OFFICE, SETS, TASKS, VETERANS

IDS = [
    ("mixed", "XM-3完成", [("XM-3", "done", None, None)]),
    ("mixed", "xm-3 完成", [("XM-3", "done", None, None)]),
    ("mixed", "XM3完成了", [("XM-3", "done", None, None)]),
    ("mixed", "ＸＭ－３已完成", [("XM-3", "done", None, None)]),
    ("mixed", "zg2已销号", [("ZG-2", "closed", None, None)]),
    ("mixed", "ZG-1 80%", [("ZG-1", "in_progress", 80, None)]),
    ("mixed", "XM-9已完成", [(None, "done", None, None)]),    # not in the list
    ("branch", "Z-2", [("Z-2", None, None, None)]),
    ("branch", "z-1已整改", [("Z-1", "done", None, None)]),
    ("branch", "Z－2整改完毕", [("Z-2", "done", None, None)]),
    ("branch", "z-1号问题已整改，申请销号", [("Z-1", "done", None, None)]),
    ("tasks", "P-1 done", [("P-1", "done", None, None)]),
    ("tasks", "P1、P2已完成", [("P-1", "done", None, None), ("P-2", "done", None, None)]),
    ("staff", "xm1完成", [("XM-01", "done", None, None)]),
    ("staff", "XM 03 完成80%", [("XM-03", "in_progress", 80, None)]),
    ("staff", "XM-02 done", [("XM-02", "done", None, None)]),
]


@pytest.mark.parametrize("set_name,text,expected", IDS, ids=[c[1] for c in IDS])
def test_ids(set_name, text, expected):
    check(set_name, text, expected)


TITLES = [
    ("tasks", "活动室建好了", [("P-3", "done", None, None)]),
    ("tasks", "建设党员活动室已完成", [("P-3", "done", None, None)]),
    ("tasks", "学习计划已制定", [("P-1", "done", None, None)]),
    ("tasks", "调研报告弄好了", [("P-4", "done", None, None)]),
    ("tasks", "學習計劃已完成", [("P-1", "done", None, None)]),
    ("tasks", "調研報告寫完了", [("P-4", "done", None, None)]),
    ("tasks", "学习计划和调研报告都完成了", [("P-1", "done", None, None), ("P-4", "done", None, None)]),
    ("tasks", "完成了学习计划和调研报告", [("P-1", "done", None, None), ("P-4", "done", None, None)]),
    ("tasks", "学习计划已完成调研报告写了一半", [("P-1", "done", None, None), ("P-4", "in_progress", 50, None)]),
    ("branch", "规范化建设完成", [("P-2", "done", None, None)]),
    ("branch", "党费收缴不规范的问题已经整改到位", [("Z-2", "done", None, None)]),
    ("branch", "党员活动室未按标准建设问题已整改完毕", [("Z-1", "done", None, None)]),
    ("branch", "活动室整改进行中", [("Z-1", "in_progress", None, None)]),
    ("mixed", "档案已补齐", [("ZG-2", "done", None, None)]),
    ("mixed", "档案不完整问题已整改", [("ZG-2", "done", None, None)]),
    ("mixed", "主题教育已完成", [("XM-1", "done", None, None)]),
    ("mixed", "主题党日已开展", [("XM-2", "done", None, None)]),
    ("mixed", "活动室整改已完成", [("ZG-1", "done", None, None)]),          # 整改 names the rectification
    ("mixed", "活动室建设项目已完成", [("XM-3", "done", None, None)]),       # 项目 names the project
    ("mixed", "学时已满", [("ZR-3", "done", None, None)]),
    ("group", "民主生活会整改已完成", [("Z-1", "done", None, None)]),
    ("group", "能力作风建设完成80%", [("P-1", "in_progress", 80, None)]),
    ("group", "党建工作已完成", [(None, "done", None, None)]),           # generic words name nothing
    ("office", "換屆選舉已全部完成", [("P-2", "done", None, None)]),
    ("veterans", "标准话建设完成百分之七十", [("P-2", "in_progress", 70, None)]),   # voice input
    ("staff", "那个先锋岗的事儿我弄得差不多了", [("XM-01", "in_progress", None, None)]),
]


@pytest.mark.parametrize("set_name,text,expected", TITLES, ids=[c[1] for c in TITLES])
def test_titles(set_name, text, expected):
    check(set_name, text, expected)


def test_a_title_word_that_only_modifies_the_next_word_names_nothing():
    # 会议 in 会议记录 is a record, not the meeting of R-1; 专题党课 still is a 党课
    assert updates("抽查了6个支部的会议记录", OFFICE) == [(None, "done", None, None)]
    assert updates("在联系支部讲了专题党课", LEADER) == [("R-3", "in_progress", None, 1)]


def test_a_title_word_inside_a_state_phrase_is_the_phrase():
    # 困难 is a word of 走访慰问困难老党员, but here it is part of 没有遇到困难
    assert updates("活动室建设没有遇到困难，正常推进", VETERANS) == [("P-1", "in_progress", None, None)]


AMBIGUOUS = [
    ("mixed", "活动室已完成", ["XM-3", "ZG-1"], "done"),
    ("mixed", "主题已完成", ["XM-1", "XM-2"], "done"),
    ("group", "研究了党建工作", ["R-1", "R-4"], "in_progress"),
]


@pytest.mark.parametrize("set_name,text,candidates,status", AMBIGUOUS, ids=[a[1] for a in AMBIGUOUS])
def test_equal_matches_give_candidates(set_name, text, candidates, status):
    p = nlu.parse(text, SETS[set_name])
    assert p.intent == "progress"
    assert len(p.updates) == 1
    u = p.updates[0]
    assert u.item is None and sorted(u.candidates) == candidates and u.status == status
    assert nlu.to_json(p)["updates"][0]["candidates"] == u.candidates


def test_all_and_the_rest():
    assert updates("所有事项都已完成", TASKS) == [(i["id"], "done", None, None) for i in TASKS]
    assert updates("其余已完成，第2项进行中", TASKS) == [
        ("P-1", "done", None, None), ("P-2", "in_progress", None, None),
        ("P-3", "done", None, None), ("P-4", "done", None, None)]
    assert updates("其他都完成了", TASKS) == [(None, "done", None, None)]   # nothing else named: no guess
    # 剩下2个 is what is left of one item's work, not "the other items"
    assert updates("8个支部已有6个完成换届选举，剩下2个下月初完成", OFFICE) == [("P-2", "in_progress", None, None)]


def test_each_item_of_a_stock_sentence_is_not_updated():
    assert nlu.parse("各项工作正在有序推进中", VETERANS).intent == "unknown"
    assert nlu.parse("本月扎实推进各项工作", OFFICE).intent == "unknown"


def test_item_refs_and_dicts_parse_alike():
    refs = nlu.item_refs(SETS["branch"])
    assert refs[0] == nlu.ItemRef("R-1", "每月召开支委会", "responsibility", 12)
    for text in ("召开了2次支委会", "第4项已完成", "活动室整改已完成"):
        assert nlu.parse(text, refs) == nlu.parse(text, SETS["branch"])


def test_item_refs_tolerates_loose_fields():
    refs = nlu.item_refs([{"id": "A-1", "title": "撰写调研报告", "target": "3"}, {"id": "A-2", "target": ""}])
    assert refs == [nlu.ItemRef("A-1", "撰写调研报告", "", 3), nlu.ItemRef("A-2", "", "", None)]


def test_added_words_keep_results_stable():
    before = nlu.parse("学习计划制定好了", TASKS)
    nlu.add_words(["制定年度学习计划", "撰写调研报告"])
    assert nlu.parse("学习计划制定好了", TASKS) == before


def test_the_domain_dictionary_is_loaded():
    from bot.nlu import segmenter

    words = segmenter.cut("三会一课和主题党日，支委会、党小组会、民主生活会、组织生活会、谈心谈话都已销号")
    for word in ("三会一课", "主题党日", "支委会", "党小组会", "民主生活会", "组织生活会", "谈心谈话", "销号"):
        assert word in words


def test_a_reply_naming_items_by_position_weighs_no_title():
    """"第1项完成80%" against a list seen for the first time needs its 编号 and positions, not the
    weights of its titles (the costly part of a new list's index)."""
    clear_cache()
    titles.title_weights.cache_clear()
    items = [{"id": f"N-{k}", "title": f"新事项{k}号调研课题", "kind": "project", "target": None} for k in range(1, 6)]
    parsed = parse("第1项完成80%", items)
    assert [(u.item, u.percent) for u in parsed.updates] == [("N-1", 80)]
    assert titles.title_weights.cache_info().currsize == 0

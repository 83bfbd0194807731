"""Issue 20's kinds of misreading, each on item lists other than the corpus ones it was found on
(the kind, not the line): what the reply says is stored, and nothing it does not say."""
from __future__ import annotations

import pytest

from bot import nlu
from tests.support.item_lists import SETS

from .helpers import check, full

DUES_DUTY = [
    {"id": "D-1", "title": "督查党费收缴情况", "kind": "responsibility", "target": 2},
    {"id": "D-2", "title": "建设党员活动室", "kind": "project", "target": None},
]


def sure_writes(text: str, items) -> list[tuple]:
    """The updates that would be written at once: an item named, and sure."""
    p = nlu.parse(text, items)
    return sorted(((u.item, u.status, u.percent, u.count) for u in p.updates if u.item and u.sure), key=repr)


@pytest.mark.parametrize("set_name,text,expected", [
    ("tasks", "第1、2项分别完成80%、50%", [("P-1", "in_progress", 80, None), ("P-2", "in_progress", 50, None)]),
    ("branch", "整改清单第一条已整改到位，第二条已销号", [("Z-1", "done", None, None), ("Z-2", "closed", None, None)]),
    ("branch", "第一条整改已经销号，第二条还在排查", [("Z-1", "closed", None, None), ("Z-2", "in_progress", None, None)]),
    ("branch", "支委会✅ 党课✅", [("R-1", "in_progress", None, 1), ("R-3", "in_progress", None, 1)]),
    ("tasks", "调研报告✅", [("P-4", "done", None, None)]),
    ("branch", "Z-1 Z-2 都整改完了，等机关党委验收销号", [("Z-1", "done", None, None), ("Z-2", "done", None, None)]),
    ("branch", "党费问题整改了一部分", [("Z-2", "in_progress", None, None)]),
    ("branch", "支委会开了3次（每月1次）", [("R-1", "in_progress", None, 3)]),
    ("branch", "两个整改都整改到位了", [("Z-1", "done", None, None), ("Z-2", "done", None, None)]),
    ("tasks", "前两项都完成了，后面两项还在推进",
     [("P-1", "done", None, None), ("P-2", "done", None, None), ("P-3", "in_progress", None, None),
      ("P-4", "in_progress", None, None)]),
    ("tasks", "已完成：学习计划、调研报告；进行中：活动室", [("P-1", "done", None, None), ("P-4", "done", None, None),
                                                    ("P-3", "in_progress", None, None)]),
])
def test_a_kind_is_read_on_any_list(set_name, text, expected):
    check(set_name, text, expected)


def test_this_years_nth_time_is_a_total():
    assert full("今年第二次开支委会", SETS["branch"]) == [("R-1", "in_progress", None, None, 2)]


@pytest.mark.parametrize("set_name,text", [
    ("tasks", "请回复本月进展，如“第1项完成80%”"),
    ("tasks", "好的，弄完了跟你说"),
    ("leader", "本月认真学习了党的理论，积极参加支部活动。"),
])
def test_prompts_promises_and_boilerplate_write_nothing(set_name, text):
    assert nlu.parse(text, SETS[set_name]).intent != "progress"


@pytest.mark.parametrize("items,text", [
    (SETS["tasks"], "1.召开支委会1次；2.讲党课1次"),      # lines about activities not on the list
    (DUES_DUTY, "党费收缴问题已整改到位"),                 # a rectification's words, said of a duty
    (SETS["branch"], "10月18日召开支委会"),               # a date, no word that it happened
])
def test_weak_evidence_is_asked_about_not_written(items, text):
    p = nlu.parse(text, items)
    assert not sure_writes(text, items), p
    assert p.intent != "progress" or all(u.doubt or u.item is None for u in p.updates), p

"""bot.nlu.positions: items named by their place — in the whole list or within a kind ("整改第二条"),
counted from the end, in ranges and enumerations."""
from __future__ import annotations

import pytest

from bot.nlu.positions import find_positions
from tests.bot.nlu.helpers import check
from tests.support.item_lists import LEADER, OFFICE

POSITIONS = [
    ("第3项已完成", [("P-3", "done", None, None)]),
    ("第三项已完成", [("P-3", "done", None, None)]),
    ("第３项已完成", [("P-3", "done", None, None)]),
    ("第 2 项 已完成", [("P-2", "done", None, None)]),
    ("第二项已经完成了", [("P-2", "done", None, None)]),
    ("第二條已完成", [("P-2", "done", None, None)]),
    ("3、4两项已完成", [("P-3", "done", None, None), ("P-4", "done", None, None)]),
    ("3 4两项已完成", [("P-3", "done", None, None), ("P-4", "done", None, None)]),
    ("1、2项完成", [("P-1", "done", None, None), ("P-2", "done", None, None)]),
    ("第1、3项进行中", [("P-1", "in_progress", None, None), ("P-3", "in_progress", None, None)]),
    ("第1项和第3项已完成", [("P-1", "done", None, None), ("P-3", "done", None, None)]),
    ("第1-3项已完成", [("P-1", "done", None, None), ("P-2", "done", None, None), ("P-3", "done", None, None)]),
    ("1到3项都在推进", [("P-1", "in_progress", None, None), ("P-2", "in_progress", None, None),
                     ("P-3", "in_progress", None, None)]),
    ("前两项已完成", [("P-1", "done", None, None), ("P-2", "done", None, None)]),
    ("最后一项已完成", [("P-4", "done", None, None)]),
    ("倒数第二项完成70%", [("P-3", "in_progress", 70, None)]),
    ("倒数第二个完成70%", [("P-3", "in_progress", 70, None)]),
    ("上面第三个进行中", [("P-3", "in_progress", None, None)]),
    ("1.已完成；2.进行中", [("P-1", "done", None, None), ("P-2", "in_progress", None, None)]),
    ("1.完成 2.进行中 3.未开始",
     [("P-1", "done", None, None), ("P-2", "in_progress", None, None), ("P-3", "not_started", None, None)]),
    ("①完成②进行中", [("P-1", "done", None, None), ("P-2", "in_progress", None, None)]),
    ("（1）已完成（2）推进中", [("P-1", "done", None, None), ("P-2", "in_progress", None, None)]),
    ("1✔ 2✔ 3✘ 4 50%", [("P-1", "done", None, None), ("P-2", "done", None, None),
                         ("P-3", "in_progress", None, None), ("P-4", "in_progress", 50, None)]),
    ("1.学习计划已完成 2.调研报告写了一半", [("P-1", "done", None, None), ("P-4", "in_progress", 50, None)]),
    ("一、学习计划已完成；二、调研报告进行中", [("P-1", "done", None, None), ("P-4", "in_progress", None, None)]),
    ("第1项完成第2项进行中", [("P-1", "done", None, None), ("P-2", "in_progress", None, None)]),
    ("第2项没开始第3项已完成", [("P-2", "not_started", None, None), ("P-3", "done", None, None)]),
    ("1、2项已完成，其余进行中", [("P-1", "done", None, None), ("P-2", "done", None, None),
                                ("P-3", "in_progress", None, None), ("P-4", "in_progress", None, None)]),
    ("第2项，已完成", [("P-2", "done", None, None)]),
    ("第2项：完成80%", [("P-2", "in_progress", 80, None)]),
    ("第三相完成了", [("P-3", "done", None, None)]),
    ("第9项已完成", [(None, "done", None, None)]),          # beyond the list: not an item
    ("第2项", [("P-2", None, None, None)]),                 # nothing but a reference: the answer to "哪一项？"
    ("P-9", [(None, None, None, None)]),
]


@pytest.mark.parametrize("text,expected", POSITIONS, ids=[c[0] for c in POSITIONS])
def test_positions(text, expected):
    check("tasks", text, expected)


# Positions within a kind: office is R-1..R-4, P-1..P-3, Z-1, Z-2.
WITHIN_A_KIND = [
    ("office", "整改第二条已经整改完毕", [("Z-2", "done", None, None)]),
    ("office", "第二条整改已完成", [("Z-2", "done", None, None)]),
    ("office", "项目清单第一项完成70%", [("P-1", "in_progress", 70, None)]),
    ("office", "项目第二项和第三项都完成了", [("P-2", "done", None, None), ("P-3", "done", None, None)]),
    ("office", "责任清单第一项本月开了1次", [("R-1", "in_progress", None, 1)]),
    ("office", "整改最后一项已销号", [("Z-2", "closed", None, None)]),
    ("office", "最后一项整改完了，等党组验收", [("Z-2", "done", None, None)]),
    ("office", "第8项整改完成", [("Z-1", "done", None, None)]),       # already a rectification: the whole list
    ("veterans", "项目清单第二项完成一半", [("P-2", "in_progress", 50, None)]),
    ("veterans", "整改清单第一条还在整改", [("Z-1", "in_progress", None, None)]),
    ("veterans", "倒数第二项已经整改到位", [("Z-1", "done", None, None)]),
    ("leader", "整改那一条已经整改完成", [("Z-1", "done", None, None)]),
    ("office", "一、项目清单\n1.品牌创建完成60%\n2.已完成\n二、整改清单：第二条已整改",
     [("P-1", "in_progress", 60, None), ("P-2", "done", None, None), ("Z-2", "done", None, None)]),
]


@pytest.mark.parametrize("set_name,text,expected", WITHIN_A_KIND, ids=[c[1] for c in WITHIN_A_KIND])
def test_positions_within_a_kind(set_name, text, expected):
    check(set_name, text, expected)


def test_that_one_needs_a_single_item_of_the_kind():
    kinds = [i["kind"] for i in OFFICE]
    assert [p.items for p in find_positions("整改那一条已完成", kinds)] == []     # two rectifications
    assert [p.items for p in find_positions("整改那一条已完成", [i["kind"] for i in LEADER])] == [(6,)]

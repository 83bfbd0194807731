"""Numbers (numbers.py): Chinese numerals, percents, counts, ordinals and totals."""
from __future__ import annotations

import pytest

from bot.nlu.numbers import find_counts, find_percents, to_int
from tests.bot.nlu.helpers import updates
from tests.support.item_lists import TASKS


@pytest.mark.parametrize("word,value", [("85", 85), ("八十五", 85), ("十", 10), ("十二", 12), ("一百", 100),
                                        ("两", 2), ("零", 0), ("三千零五", 3005), ("abc", None), ("", None)])
def test_to_int(word, value):
    assert to_int(word) == value


def percents(text: str) -> list[int | None]:
    return [v for _, _, v in find_percents(text)]


@pytest.mark.parametrize("text,values", [
    ("完成了80%", [80]), ("85.5%", [86]), ("百分之八十五", [85]), ("百分之百", [100]), ("八十%", [80]),
    ("八成", [80]), ("八成五", [85]), ("七成半", [75]), ("十成", [100]), ("一半", [50]), ("半数", [50]),
    ("三分之二", [67]), ("四分之三", [75]), ("完成3/4", [75]), ("进度2/5", [40]), ("完成度85", [85]),
    ("进度：40", [40]), ("推进到80", [80]), ("还有三成没做", [70]), ("还差三成", [70]), ("还剩20%", [80]),
    ("分别完成60%和80%", [60, 80]), ("760%", [None]),
    ("完成情况", []), ("一小半", []), ("3/4开会", []), ("成功", []), ("完成3次", []), ("九成以上", [90]),
])
def test_percents(text, values):
    assert percents(text) == values


def counts(text: str) -> list[tuple[int, str]]:
    return [(v, kind) for _, _, v, kind in find_counts(text)]


@pytest.mark.parametrize("text,found", [
    ("召开了2次", [(2, "count")]), ("讲了一次党课", [(1, "count")]), ("参加了两回", [(2, "count")]),
    ("上了两堂党课", [(2, "count")]), ("党课×2", [(2, "count")]), ("支委会x2", [(2, "count")]),
    ("第二次", [(1, "ordinal")]), ("已举办第一期", [(1, "ordinal")]), ("已开展首次共建活动", [(1, "ordinal")]),
    ("今年已召开支委会8次", [(8, "total")]), ("党课今年累计讲了2次", [(2, "total")]),
    ("开了1次,累计9次", [(1, "count"), (9, "total")]), ("全年2次党课已全部讲完", [(2, "total")]),
    ("两次,一次是七一,一次是到三支部", [(2, "count")]), ("其中一次在社区", []),
    ("参加党员35人次", []), ("次数", []), ("0次", []),
])
def test_counts(text, found):
    assert counts(text) == found


PERCENTS = [
    ("活动室完成了80%", 80), ("活动室80％", 80), ("活动室百分之八十", 80), ("活动室百分之八十五", 85),
    ("活动室八成", 80), ("活动室三成了", 30), ("活动室完成了一半", 50), ("活动室完成度85", 85),
    ("活动室进度：40%", 40), ("活动室进度40%", 40), ("活动室完成了三分之二", 67), ("活动室完成九成", 90),
    ("活动室推进到60%", 60), ("活动室 85.5%", 86), ("活动室已完成，进度70%", 70),
    ("活动室初稿已完成，进度70%", 70), ("活动室八十%", 80), ("活动室进度为35", 35),
    ("活动室完成七成半", 75), ("活动室完成3/4", 75), ("活动室完成了四分之三", 75), ("活动室还有三成没做", 70),
    ("活动室还差两成", 80),
]


@pytest.mark.parametrize("text,percent", PERCENTS, ids=[p[0] for p in PERCENTS])
def test_percents_in_replies_are_in_progress(text, percent):
    assert updates(text, TASKS) == [("P-3", "in_progress", percent, None)]


@pytest.mark.parametrize("text", ["活动室推进760%", "第2项120%", "第3项进度：150%"])
def test_a_percentage_over_100_is_not_read(text):
    p = updates(text, TASKS)
    [(item, status, percent, _)] = p
    assert item is not None and percent is None and status != "done"


def test_a_hundred_percent_is_done():
    assert updates("调研报告 完成 100%", TASKS) == [("P-4", "done", 100, None)]

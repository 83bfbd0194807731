"""bot.nlu.scopes: units by their spoken forms, people, months."""
from __future__ import annotations

from datetime import date

from bot.nlu.scopes import closest_units, read_scope, unit_forms

UNITS = ["市政协党组", "市政协机关党委", "第一党支部", "第二党支部", "第十一党支部", "离退休党总支"]
PEOPLE = ["李娜", "吴敏", "张伟"]
DEC_1 = date(2026, 12, 1)


def test_short_forms_of_a_unit():
    assert {"第一支部", "一支部", "1支部", "第1支部", "第一党支部"} <= unit_forms("第一党支部")
    assert {"第十一支部", "十一支部", "11支部"} <= unit_forms("第十一党支部")
    assert "离退休总支" in unit_forms("离退休党总支")
    assert "机关党委" in unit_forms("市政协机关党委")


def test_units_people_and_months_named():
    assert read_scope("二支部谁还没报", UNITS, PEOPLE, DEC_1).units == ("第二党支部",)
    assert read_scope("第11支部几星", UNITS, PEOPLE, DEC_1).units == ("第十一党支部",)
    assert read_scope("一支部和二支部的逾期", UNITS, PEOPLE, DEC_1).units == ("第一党支部", "第二党支部")
    assert read_scope("机关党委整改清单", UNITS, PEOPLE, DEC_1).units == ("市政协机关党委",)
    assert read_scope("李娜报了吗", UNITS, PEOPLE, DEC_1).people == ("李娜",)
    assert read_scope("全机关星级", UNITS, PEOPLE, DEC_1).whole


def test_months_are_the_latest_not_after_today():
    assert read_scope("11月谁还没报", UNITS, PEOPLE, DEC_1).month == "2026-11"
    assert read_scope("12月谁还没报", UNITS, PEOPLE, date(2027, 1, 5)).month == "2026-12"
    assert read_scope("上个月谁没报", UNITS, PEOPLE, date(2027, 1, 5)).month == "2026-12"
    assert read_scope("谁还没报", UNITS, PEOPLE, DEC_1).month is None


def test_unknown_units_and_the_closest_names():
    scope = read_scope("第九支部谁还没报", UNITS, PEOPLE, DEC_1)
    assert scope.units == () and scope.unknown_units == ("第九支部",)
    assert "第一党支部" in closest_units("第九支部", UNITS)
    assert read_scope("我们支部几星", UNITS, PEOPLE, DEC_1).unknown_units == ()

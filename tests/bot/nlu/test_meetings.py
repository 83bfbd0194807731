"""三会一课 read from one statement (bot.nlu.meetings): kind, day, attendance, topic, and what is no report."""
from datetime import date

import pytest

from bot.nlu.meetings import read_meeting

TODAY = date(2026, 11, 20)          # a Friday


def test_a_report_with_day_attendance_and_topic():
    m = read_meeting("今天召开支委会，应到7人实到6人，研究发展党员工作", TODAY)
    assert (m.kind, m.held_on, m.due, m.present, m.topic, m.doubts) == \
        ("支委会", TODAY, 7, 6, "研究发展党员工作", [])


def test_a_lecture_on_a_day_of_this_year_with_its_theme():
    m = read_meeting("11月8日上党课，主题学习党章", TODAY)
    assert (m.kind, m.held_on, m.topic, m.doubts) == ("党课", date(2026, 11, 8), "学习党章", [])


@pytest.mark.parametrize("text, kind, held_on", [
    ("昨天召开第四季度支部大会，应到20人，实到18人", "支部党员大会", date(2026, 11, 19)),
    ("支部委员会会议今天召开，研究党费收缴", "支委会", TODAY),
    ("召开党小组会，学习二十届四中全会精神", "党小组会", TODAY),        # the day unsaid: today
])
def test_kinds_and_days(text, kind, held_on):
    m = read_meeting(text, TODAY)
    assert (m.kind, m.held_on) == (kind, held_on)


@pytest.mark.parametrize("text, held_on, doubt", [
    ("周三召开支委会", date(2026, 11, 18), "周三"),
    ("上周三召开支部党员大会，传达全会精神", date(2026, 11, 11), "上周三"),
    ("8号召开党小组会", date(2026, 11, 8), "8日"),
    ("今天召开支委会，应到5人实到6人", TODAY, "实到人数多于应到人数"),
])
def test_what_is_inferred_is_a_doubt(text, held_on, doubt):
    m = read_meeting(text, TODAY)
    assert m.held_on == held_on and doubt in "；".join(m.doubts)


@pytest.mark.parametrize("text", [
    "召开了1次支委会", "本月召开了支委会", "今年已召开8次支委会", "上个月召开了支委会，研究发展党员",
    "明天召开支委会", "准备召开支委会，研究下月计划", "支委会开了吗", "还没召开支委会", "今天召开支委会和党员大会",
    "2月30日召开支委会", "第3项完成了", "今天天气不错", "11月30日召开支委会",
    "今天到联系支部讲了党课", "本周六召开支部党员大会",      # elsewhere (another unit's); later this week
])
def test_what_is_no_meeting_report(text):
    assert read_meeting(text, TODAY) is None


def test_a_topic_may_speak_of_plans_and_the_year():
    m = read_meeting("11月8日召开支委会，研究全年工作计划", TODAY)
    assert m.topic == "研究全年工作计划"


def test_a_day_of_late_last_year_said_in_january_is_last_years():
    m = read_meeting("12月30日召开支委会", date(2027, 1, 6))
    assert m.held_on == date(2026, 12, 30) and "按2026年理解" in m.doubts
    assert read_meeting("12月5日召开支委会", TODAY) is None          # next month: a plan

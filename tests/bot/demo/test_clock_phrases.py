"""bot.demo.clock_phrases: what "/快进 …" moves the demo clock to, and how moments and spans read."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.demo.clock_phrases import ForwardError, ahead_text, clock_text, parse_forward, span_text
from tests.support.clock import TZ

NOW = datetime(2026, 11, 22, 9, 44, tzinfo=TZ)


@pytest.mark.parametrize("arg, expected", [
    ("3天", datetime(2026, 11, 25, 9, 44, tzinfo=TZ)),
    ("三天", datetime(2026, 11, 25, 9, 44, tzinfo=TZ)),             # Chinese numerals (bot.nlu.numbers)
    ("两周", datetime(2026, 12, 6, 9, 44, tzinfo=TZ)),
    ("十五分钟", datetime(2026, 11, 22, 9, 59, tzinfo=TZ)),
    ("一个星期", datetime(2026, 11, 29, 9, 44, tzinfo=TZ)),
    ("2小时", datetime(2026, 11, 22, 11, 44, tzinfo=TZ)),
    ("1周", datetime(2026, 11, 29, 9, 44, tzinfo=TZ)),
    ("到 2026-11-30 09:00", datetime(2026, 11, 30, 9, 0, tzinfo=TZ)),
    ("到 11-30", datetime(2026, 11, 30, 9, 0, tzinfo=TZ)),
    ("12月15日 9点", datetime(2026, 12, 15, 9, 0, tzinfo=TZ)),
    ("到 2027/1/4 10:30", datetime(2027, 1, 4, 10, 30, tzinfo=TZ)),
    ("到 9:00", datetime(2026, 11, 23, 9, 0, tzinfo=TZ)),
    ("到 1-4 09:00", datetime(2027, 1, 4, 9, 0, tzinfo=TZ)),          # no year: the coming 4 January
    ("到 11-1", datetime(2027, 11, 1, 9, 0, tzinfo=TZ)),
])
def test_fast_forward_arguments(arg, expected):
    assert parse_forward(arg, NOW) == expected


@pytest.mark.parametrize("arg", ["", "到 2026-11-01 09:00", "到 昨天", "3年", "到 2026-02-30"])
def test_fast_forward_refuses_what_is_not_a_later_moment(arg):
    with pytest.raises(ForwardError):
        parse_forward(arg, NOW)


def test_refusals_say_what_to_type_in_chinese():
    with pytest.raises(ForwardError, match="/快进 3天"):
        parse_forward("", NOW)
    with pytest.raises(ForwardError, match="只能往后拨"):
        parse_forward("到 2026-11-01 09:00", NOW)


def test_moments_and_spans_read_in_chinese():
    assert clock_text(datetime(2026, 11, 25, 9, 0, tzinfo=TZ)) == "2026年11月25日（星期三）09:00"
    assert span_text(timedelta(days=3, hours=2, minutes=5)) == "3天2小时"
    assert span_text(timedelta(minutes=45)) == "45分钟"
    assert span_text(timedelta(seconds=20)) == "不到1分钟"
    assert ahead_text(timedelta(seconds=20)) == ""
    assert ahead_text(timedelta(hours=2)) == "2小时"

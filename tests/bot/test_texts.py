"""bot.texts: how items, progress, days and months read in Chinese."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.texts import ONE_ITEM_REPLY, day, how_to_reply, item_line, moment, month_zh, numbered, opening, progress_zh
from models.tables import Item

TODAY = date(2026, 11, 20)


def item(**kw) -> Item:
    base = {"id": 1, "kind": "project", "code": "P-1", "title": "建设党员活动室", "owner_id": 1, "unit_id": 1,
            "year": 2026, "status": "not_started", "percent": 0, "done_count": 0}
    return Item(**{**base, **kw})


@pytest.mark.parametrize("kw, text", [
    ({}, "未开始"),
    ({"status": "in_progress", "percent": 60}, "进行中 60%"),
    ({"status": "in_progress", "percent": 0}, "进行中"),
    ({"status": "blocked", "percent": 30}, "受阻 30%"),
    ({"status": "done", "percent": 100}, "已完成"),
    ({"status": "closed", "percent": 100}, "已销号"),
    ({"target_count": 12, "done_count": 5, "percent": 42, "status": "in_progress"}, "已开展5/12次，落后进度"),
    ({"target_count": 12, "done_count": 10, "percent": 83, "status": "in_progress"}, "已开展10/12次"),
    ({"target_count": 12, "done_count": 12, "percent": 100, "status": "done"}, "已完成12/12次"),
    ({"target_count": 12, "done_count": 13, "percent": 100, "status": "done"}, "已完成13/12次（已超额）"),
    ({"target_count": 12, "done_count": 5, "percent": 60, "status": "in_progress"}, "已开展5/12次，进度60%，落后进度"),
    ({"target_count": 2, "done_count": 1, "percent": 50, "status": "blocked"}, "受阻，已开展1/2次"),
    ({"kind": "responsibility", "year": 2025, "target_count": 12, "done_count": 7, "percent": 58,
      "status": "in_progress"}, "已开展7/12次，未达标"),
])
def test_progress_reads_as_people_say_it(kw, text):
    assert progress_zh(item(**kw), TODAY) == text


def test_an_item_line_says_the_year_the_deadline_and_lateness():
    assert item_line(2, item(deadline=date(2026, 12, 31)), TODAY) == "2. [P-1] 建设党员活动室｜未开始｜截止2026年12月31日"
    late = item_line(3, item(year=2025, deadline=date(2026, 11, 1)), TODAY)
    assert late == "3. [P-1] 建设党员活动室｜未开始｜2025年度｜截止2026年11月1日（已逾期）"
    assert "已逾期" not in item_line(3, item(status="done", percent=100, deadline=date(2026, 11, 1)), TODAY)


def test_numbered_keeps_each_items_place_in_the_whole_list():
    items = [item(id=k, code=f"P-{k}") for k in (1, 2, 3)]
    assert [line[:2] for line in numbered(items, only=[items[2]], today=TODAY)] == ["3."]
    assert len(numbered(items, today=TODAY)) == 3


def test_days_moments_months_and_openings():
    assert day(date(2026, 1, 5)) == "2026年1月5日"
    assert moment(datetime.fromisoformat("2026-11-19T16:30:00+00:00"), ZoneInfo("Asia/Shanghai")) == "11月20日 00:30"
    assert month_zh("2026-03") == "2026年3月"
    assert opening("周五下午\n3点  开会") == "周五下午 3点 开会"
    assert opening("一" * 50, 40) == "一" * 40 + "…"


def _item(n: int, kind: str, code: str, target: int | None = None, status: str = "not_started") -> Item:
    return Item(id=n, code=code, title=f"事项{n}", kind=kind, target_count=target, status=status, owner_id=1,
                unit_id=1, year=2026)


def test_how_to_reply_gives_examples_from_the_persons_own_open_items():
    items = [_item(1, "responsibility", "R-1", target=12), _item(2, "project", "P-1", status="done"),
             _item(3, "project", "P-2"), _item(4, "rectification", "Z-1")]
    assert how_to_reply(items) == "回复如：第3项完成80%、Z-1已整改到位、第1项本月开展了1次"
    assert how_to_reply(items, among=items[:2]) == "回复如：第1项本月开展了1次"   # P-1 is done: no example of it
    assert "第2项" not in how_to_reply(items)


def test_how_to_reply_to_a_list_of_one_names_no_number():
    assert how_to_reply([_item(1, "project", "P-1")]) == ONE_ITEM_REPLY
    assert how_to_reply([_item(1, "project", "P-1", status="done")]) == ""

"""models.lookups: numbering, reports, overdue — read-only, on both engines."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from models.lookups import month_key, my_items, overdue_items, unreported
from models.progress import mark_reported
from models.tables import MonthlyReport
from tests.support.org import get

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def test_my_items_are_numbered_responsibility_project_rectification(engine):
    with Session(engine) as s:
        liming = get(s, "liming")
        assert [i.code for i in my_items(s, liming.id, 2026)] == ["R-1", "R-3", "Z-2"]
        wang = get(s, "wangfang")
        assert [i.code for i in my_items(s, wang.id, 2026)] == ["P-1", "P-2", "P-3", "Z-1"]
        assert my_items(s, wang.id, 2025) == []


def test_a_month_is_reported_once_and_unreported_lists_the_rest(engine):
    with Session(engine) as s:
        wang = get(s, "wangfang")
        unit = wang.unit_id
        assert {m.account for m in unreported(s, unit, "2026-11")} == {"liming", "wangfang"}
        assert mark_reported(s, wang, AT, "第1项完成", TZ) is True            # the month's first
        assert mark_reported(s, wang, AT.replace(day=21), "第2项完成", TZ) is False
        s.commit()
        [report] = s.exec(select(MonthlyReport)).all()
        assert (report.words, report.reported_at) == ("第1项完成", AT)   # the first stands
        assert {m.account for m in unreported(s, unit, "2026-11")} == {"liming"}
        assert {m.account for m in unreported(s, unit, "2026-10")} == {"liming", "wangfang"}


def test_month_key_is_in_the_configured_zone():
    assert month_key(datetime.fromisoformat("2026-11-30T17:00:00+00:00"), TZ) == "2026-12"
    assert month_key(datetime.fromisoformat("2026-11-30T15:59:00+00:00"), TZ) == "2026-11"


def test_overdue_items_are_open_and_past_deadline(engine):
    with Session(engine) as s:
        items = my_items(s, get(s, "wangfang").id, 2026)
        assert [i.code for i in overdue_items(items, date(2026, 11, 20))] == ["P-2"]
        items[1].status = "done"
        assert overdue_items(items, date(2026, 11, 20)) == []


def test_items_live_until_finished_into_the_next_year(engine):
    with Session(engine) as s:
        wang = get(s, "wangfang")
        p1 = get(s, code="P-1")
        p1.status, p1.percent = "done", 100
        s.add(p1)
        s.commit()
        assert [i.code for i in my_items(s, wang.id, 2027)] == ["P-2", "P-3", "Z-1"]   # P-1 is done
        assert [m.account for m in unreported(s, wang.unit_id, "2027-01")] == ["liming", "wangfang"]

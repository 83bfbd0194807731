"""models.lookups.report_rates (the console's board) counts what reporting_by_unit ("谁还没报")
lists: the same people expected in each unit, the same missing, on both engines."""
from __future__ import annotations

from sqlmodel import Session

from models.lookups import report_rates, reporting_by_unit
from tests.support.clock import NOW
from tests.support.org import leave


def test_the_rates_count_who_the_unreported_list_names(org, engine):
    org.reported("wangfang", "2026-11", NOW)
    org.item("sunli", "P-20", "已完成的项目", kind="project", status="done")      # finished only: owes nothing
    org.item("zhaolei", "P-21", "去年的项目", kind="project", year=2025)          # carried: owes
    leave(org, "zhouqiang")
    units = [u.id for u in org.units.values()]
    with Session(engine) as s:
        for month in ("2026-11", "2026-10"):
            listed = reporting_by_unit(s, units, month)
            counted = report_rates(s, units, month)
            assert counted == {u: (len(people), [m.name for m in missing]) for u, (people, missing) in listed.items()}
        assert report_rates(s, [], "2026-11") == {}
        assert counted[org.units["b1"].id][0] >= 3


def test_the_monthly_trend_counts_the_expected_reporters_and_their_reports(org, engine):
    from models.lookups import expected_reporters, report_for, reports_by_month

    org.reported("wangfang", "2026-11", NOW)
    org.reported("liming", "2026-11", NOW)
    leave(org, "zhouqiang")
    b1 = org.units["b1"].id
    with Session(engine) as s:
        expected = [m for m in expected_reporters(s, None, 2026) if m.unit_id == b1]
        count, by_month = reports_by_month(s, [b1], 2026)
        assert count == len(expected) >= 2
        assert by_month == {"2026-11": sum(1 for m in expected if report_for(s, m.id, "2026-11") is not None)}
        assert reports_by_month(s, [], 2026) == (0, {})

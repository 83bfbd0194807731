"""Domain operations: progress rules, monthly reports, star rating."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from models.lookups import month_key, my_items, overdue_items, unreported
from models.progress import mark_reported, record_progress
from models.stars import star_rating
from models.tables import Item, Member, MonthlyReport, ProgressUpdate, StarScore

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def get(s, account=None, code=None):
    if account:
        return s.exec(select(Member).where(Member.account == account)).one()
    return s.exec(select(Item).where(Item.code == code)).one()


def test_my_items_are_numbered_responsibility_project_rectification(engine):
    with Session(engine) as s:
        liming = get(s, "liming")
        assert [i.code for i in my_items(s, liming.id, 2026)] == ["R-1", "R-3", "Z-2"]
        wang = get(s, "wangfang")
        assert [i.code for i in my_items(s, wang.id, 2026)] == ["P-1", "P-2", "P-3", "Z-1"]
        assert my_items(s, wang.id, 2025) == []


@pytest.mark.parametrize("kw, status, percent", [
    ({"percent": 80}, "in_progress", 80),
    ({"status": "done", "percent": 70}, "in_progress", 70),   # a figure below 100 wins over 已完成
    ({"percent": 100}, "done", 100),
    ({"status": "done"}, "done", 100),
    ({"status": "blocked"}, "blocked", 0),
    ({"status": "not_started"}, "not_started", 0),
])
def test_record_progress_rules(engine, kw, status, percent):
    with Session(engine) as s:
        item, who = get(s, code="P-3"), get(s, "wangfang")
        change = record_progress(s, item=item, member=who, at=AT, words="原话", msg_id="m1", **kw)
        s.commit()
        assert (item.status, item.percent) == (status, percent)
        upd = s.exec(select(ProgressUpdate)).one()
        assert (upd.words, upd.msg_id, upd.status_after, upd.member_id) == ("原话", "m1", status, who.id)
        assert upd.at == AT
        assert change.update is upd


def test_counts_add_up_to_the_target(engine):
    with Session(engine) as s:
        item, who = get(s, code="R-1"), get(s, "liming")
        record_progress(s, item=item, member=who, at=AT, words="召开了2次支委会", count=2)
        assert (item.done_count, item.percent, item.status) == (11, 92, "in_progress")
        record_progress(s, item=item, member=who, at=AT, words="又开了1次", count=1)
        assert (item.done_count, item.percent, item.status) == (12, 100, "done")


def test_only_a_secretary_closes_off_a_rectification(engine):
    with Session(engine) as s:
        z1, wang = get(s, code="Z-1"), get(s, "wangfang")
        change = record_progress(s, item=z1, member=wang, at=AT, words="Z-1已销号", status="closed")
        assert z1.status == "done" and "书记" in change.note
        z2, liming = get(s, code="Z-2"), get(s, "liming")
        record_progress(s, item=z2, member=liming, at=AT, words="Z-2已销号", status="closed")
        assert z2.status == "closed" and z2.percent == 100


def test_a_month_is_reported_once_and_unreported_lists_the_rest(engine):
    with Session(engine) as s:
        wang = get(s, "wangfang")
        unit = wang.unit_id
        assert {m.account for m in unreported(s, unit, "2026-11")} == {"liming", "wangfang"}
        first = mark_reported(s, wang, AT, "第1项完成", TZ)
        again = mark_reported(s, wang, AT.replace(day=21), "第2项完成", TZ)
        s.commit()
        assert again.id == first.id and again.words == "第1项完成"
        assert len(s.exec(select(MonthlyReport)).all()) == 1
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


def _score(total_each, **kw):
    return StarScore(unit_id=1, year=2026, organisation=total_each, team=total_each, system=total_each,
                     venue=total_each, activities=total_each, performance=total_each,
                     satisfaction_score=total_each, **kw)


@pytest.mark.parametrize("per, stars", [(95 / 7, 5), (94 / 7, 4), (80 / 7, 4), (79 / 7, 3), (60 / 7, 3), (59 / 7, 0)])
def test_star_thresholds(per, stars):
    r = star_rating(_score(per), five=95, four=80, three=60, min_satisfaction=60)
    assert r.stars == stars and r.weak_lax == (stars == 0)


@pytest.mark.parametrize("kw, reason", [
    ({"satisfaction_rate": 59}, "群众满意率"),
    ({"three_meetings_ok": False}, "三会一课"),
    ({"venue_ok": False}, "阵地"),
    ({"disciplined": 1}, "处分"),
])
def test_any_veto_condition_means_no_star(kw, reason):
    r = star_rating(_score(14, **kw), five=95, four=80, three=60, min_satisfaction=60)
    assert r.stars == 0 and r.weak_lax and reason in r.reasons[0]

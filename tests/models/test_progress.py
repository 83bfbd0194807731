"""models.progress: the rules of every state change, on both engines."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from bot.nlu import Update
from bot.texts import progress_zh
from models.progress import ReviewRefused, close_off, record_progress
from models.tables import ProgressUpdate
from tests.support.org import get

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


@pytest.mark.parametrize("kw, status, percent", [
    ({"percent": 80}, "in_progress", 80),
    ({"status": "done", "percent": 70}, "in_progress", 70),   # a figure below 100 wins over 已完成
    ({"percent": 100}, "done", 100),
    ({"status": "done"}, "done", 100),
    ({"status": "blocked"}, "blocked", 50),
    ({"status": "not_started"}, "not_started", 0),
    ({"percent": 0}, "not_started", 0),
])
def test_record_progress_rules(engine, kw, status, percent):
    with Session(engine) as s:
        item, who = get(s, code="P-3"), get(s, "wangfang")
        item.status, item.percent = "in_progress", 50
        change = record_progress(s, item=item, member=who, at=AT, words="原话", msg_id="m1", update=Update(None, **{"status": None, **kw}))
        s.commit()
        assert (item.status, item.percent) == (status, percent)
        upd = s.exec(select(ProgressUpdate)).one()
        assert (upd.words, upd.msg_id, upd.status_after, upd.member_id) == ("原话", "m1", status, who.id)
        assert upd.at == AT
        assert change.update_id == upd.id


def test_counts_add_up_to_the_target(engine):
    with Session(engine) as s:
        item, who = get(s, code="R-1"), get(s, "liming")
        record_progress(s, item=item, member=who, at=AT, words="召开了2次支委会", update=Update(None, None, count=2))
        assert (item.done_count, item.percent, item.status) == (11, 92, "in_progress")
        record_progress(s, item=item, member=who, at=AT, words="又开了1次", update=Update(None, None, count=1))
        assert (item.done_count, item.percent, item.status) == (12, 100, "done")


def test_progress_never_closes_off_not_even_a_secretarys_own_item(engine):
    with Session(engine) as s:
        z1, wang = get(s, code="Z-1"), get(s, "wangfang")
        change = record_progress(s, item=z1, member=wang, at=AT, words="Z-1已销号", update=Update(None, "closed"))
        assert z1.status == "done" and "书记" in change.note
        z2, liming = get(s, code="Z-2"), get(s, "liming")
        change = record_progress(s, item=z2, member=liming, at=AT, words="Z-2已销号", update=Update(None, "closed"))
        assert z2.status == "done" and z2.percent == 100 and "上级书记" in change.note


def test_close_off_only_a_done_rectification_of_someone_else(engine):
    with Session(engine) as s:
        z1, z2, liming = get(s, code="Z-1"), get(s, code="Z-2"), get(s, "liming")
        with pytest.raises(ReviewRefused, match="整改完成后才能销号"):
            close_off(s, item=z1, secretary=liming, at=AT, words="Z-1销号")
        z2.status = "done"
        with pytest.raises(ReviewRefused, match="不能为本人"):
            close_off(s, item=z2, secretary=liming, at=AT, words="Z-2销号")
        z1.status, z1.percent = "done", 100
        change = close_off(s, item=z1, secretary=liming, at=AT, words="Z-1销号")
        assert z1.status == "closed" and s.get(ProgressUpdate, change.update_id).action == "close_off"
        with pytest.raises(ReviewRefused, match="此前已销号"):
            close_off(s, item=z1, secretary=liming, at=AT, words="Z-1销号")


def test_a_closed_off_rectification_is_never_changed_by_progress(engine):
    with Session(engine) as s:
        z1, wang = get(s, code="Z-1"), get(s, "wangfang")
        z1.status, z1.percent = "closed", 100
        change = record_progress(s, item=z1, member=wang, at=AT, words="Z-1还没整改完", update=Update(None, "in_progress"))
        assert not change.applied and "已销号" in change.note and z1.status == "closed"


def test_a_running_total_sets_the_count_and_reaching_the_target_is_done(engine):
    with Session(engine) as s:
        r1, liming = get(s, code="R-1"), get(s, "liming")          # 9/12
        record_progress(s, item=r1, member=liming, at=AT, words="今年已召开支委会12次", update=Update(None, None, total=12))
        assert (r1.done_count, r1.percent, r1.status) == (12, 100, "done")
        record_progress(s, item=r1, member=liming, at=AT, words="又开了1次", update=Update(None, None, count=1))
        assert (r1.done_count, r1.status) == (13, "done")
        assert progress_zh(r1, AT.date()) == "已完成13/12次（已超额）"
        change = record_progress(s, item=r1, member=liming, at=AT, words="支委会开了-1次", update=Update(None, None, count=-1))
        assert not change.applied and r1.done_count == 13


def test_a_bare_done_below_the_target_is_not_taken(engine):
    with Session(engine) as s:
        r1, liming = get(s, code="R-1"), get(s, "liming")          # 9/12, in progress
        change = record_progress(s, item=r1, member=liming, at=AT, words="支委会已完成", update=Update(None, "done"))
        assert not change.applied and "12次" in change.note
        assert (r1.done_count, r1.status) == (9, "in_progress")


def test_going_back_from_done_needs_the_item_named(engine):
    with Session(engine) as s:
        p1, wang = get(s, code="P-1"), get(s, "wangfang")
        record_progress(s, item=p1, member=wang, at=AT, words="第1项已完成", update=Update(None, "done"))
        change = record_progress(s, item=p1, member=wang, at=AT, words="进行中", named=False, update=Update(None, "in_progress"))
        assert not change.applied and p1.status == "done"
        change = record_progress(s, item=p1, member=wang, at=AT, words="第1项还在进行中", update=Update(None, "in_progress"))
        assert change.applied and p1.status == "in_progress" and p1.percent < 100 and "改回" in change.note

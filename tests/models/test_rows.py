"""models.rows: one statement per row written, and the session's objects left as the row is."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from models.rows import insert_values, set_columns
from models.tables import Item, ItemStatus, ProgressUpdate
from tests.support.org import get
from tests.support.statements import statements

AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_set_columns_writes_once_and_leaves_nothing_to_flush(engine):
    with Session(engine) as s:
        item = get(s, code="P-1")
        with statements(engine) as seen:
            set_columns(s, item, status=ItemStatus.IN_PROGRESS, percent=40, updated_words="推进中")
            s.commit()
        assert [x.split()[0] for x in seen] == ["UPDATE"]
        assert (item.status, item.percent, item.updated_words) == ("in_progress", 40, "推进中")
        assert item not in s.dirty
    with Session(engine) as s:
        again = get(s, code="P-1")
        assert (again.status, again.percent, again.updated_words) == ("in_progress", 40, "推进中")


def test_set_columns_rolls_back_with_the_transaction(engine):
    with Session(engine) as s:
        set_columns(s, get(s, code="P-1"), percent=90)
        s.rollback()
    with Session(engine) as s:
        assert get(s, code="P-1").percent != 90


def test_a_row_no_longer_there_is_an_error_not_a_silent_nothing(engine):
    with Session(engine) as s:
        item = get(s, code="P-1")
        s.connection().exec_driver_sql(f"DELETE FROM item WHERE id = {item.id}")
        with pytest.raises(StaleDataError):
            set_columns(s, item, percent=50)


def test_an_object_not_yet_written_goes_through_the_session(engine):
    with Session(engine) as s:
        owner = get(s, "wangfang")
        item = Item(kind="project", code="P-99", title="新项目", owner_id=owner.id, unit_id=owner.unit_id, year=2026)
        set_columns(s, item, percent=10)
        s.commit()
    with Session(engine) as s:
        assert get(s, code="P-99").percent == 10


def test_insert_values_writes_one_row_with_the_models_defaults_and_makes_no_object(engine):
    with Session(engine) as s:
        item, who = get(s, code="P-1"), get(s, "wangfang")
        with statements(engine) as seen:
            new_id = insert_values(s, ProgressUpdate, item_id=item.id, member_id=who.id, at=AT, words="第1项完成",
                                   status_before="not_started", status_after="done", percent_before=0,
                                   percent_after=100)
            s.commit()
        assert [x.split()[0] for x in seen] == ["INSERT"]
        assert not any(isinstance(obj, ProgressUpdate) for obj in s.identity_map.values())
    with Session(engine) as s:
        row = s.exec(select(ProgressUpdate)).one()
        assert row.id == new_id
        assert (row.words, row.action, row.count_added, row.at, row.undone_at) == ("第1项完成", "update", 0, AT, None)


def test_insert_values_refuses_a_column_the_table_does_not_have(engine):
    with Session(engine) as s, pytest.raises(TypeError, match="percent_afterr"):
        insert_values(s, ProgressUpdate, item_id=1, member_id=1, at=AT, words="", status_before="done",
                      status_after="done", percent_before=0, percent_afterr=100)


def test_what_the_session_holds_is_written_first(engine):
    """Rows keep the order the code made them in, however each was written."""
    with Session(engine) as s:
        item, who = get(s, code="P-1"), get(s, "wangfang")
        first = ProgressUpdate(item_id=item.id, member_id=who.id, at=AT, words="经会话", status_before="not_started",
                               status_after="in_progress", percent_before=0, percent_after=10)
        s.add(first)
        second = insert_values(s, ProgressUpdate, item_id=item.id, member_id=who.id, at=AT, words="直接写",
                               status_before="in_progress", status_after="in_progress",
                               percent_before=10, percent_after=20)
        s.commit()
        assert first.id < second

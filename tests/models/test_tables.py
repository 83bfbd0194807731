"""models.tables: the enums' rules — what is finished, who is a secretary, what an open item is."""
from __future__ import annotations

import pytest

from bot.nlu import STATUSES
from bot.statuses import KIND_ZH, STATUS_ZH
from models.tables import FINISHED, SECRETARY_TITLES, Item, ItemKind, ItemStatus, Member, Title


def test_finished_is_done_or_closed_off_and_the_sql_form_says_the_same():
    assert {s for s in ItemStatus if s.finished} == set(FINISHED) == {ItemStatus.DONE, ItemStatus.CLOSED}
    assert [s.zh for s in ItemStatus] == ["未开始", "进行中", "已完成", "受阻", "已销号"]


def test_one_table_of_status_and_kind_words_for_what_is_stored_and_what_a_parse_says():
    assert set(STATUS_ZH) == set(ItemStatus) == set(STATUSES)
    assert set(KIND_ZH) == set(ItemKind)


@pytest.mark.parametrize("status, open_", [("not_started", True), ("in_progress", True), ("blocked", True),
                                           ("done", False), ("closed", False)])
def test_an_item_is_open_until_finished(status, open_):
    assert Item(kind="project", code="P-1", title="t", owner_id=1, unit_id=1, year=2026, status=status).is_open is open_


def test_the_three_levels_of_secretary_and_nobody_else():
    assert set(SECRETARY_TITLES) == {Title.PARTY_GROUP_SECRETARY, Title.COMMITTEE_SECRETARY, Title.BRANCH_SECRETARY}
    assert [t for t in Title if t.is_secretary] == list(SECRETARY_TITLES)
    assert Member(account="a", name="甲", unit_id=1, title="支部书记").is_secretary
    assert not Member(account="b", name="乙", unit_id=1, title="党组成员").is_secretary

"""models.yearly: the share of a duty's year gone, pace, and a responsibility duty closing with its year."""
from __future__ import annotations

from datetime import date

import pytest

from models.yearly import behind_pace, closed_with_year, months_gone


@pytest.mark.parametrize("year,today,gone", [
    (2026, date(2026, 1, 15), 0), (2026, date(2026, 3, 1), 2), (2026, date(2026, 11, 20), 10),
    (2026, date(2026, 12, 31), 11), (2026, date(2027, 3, 10), 12), (2027, date(2026, 12, 1), 0)])
def test_months_gone_are_whole_months_of_the_items_year(year, today, gone):
    assert months_gone(year, today) == gone


@pytest.mark.parametrize("done,target,today,behind", [
    (8, 12, date(2026, 11, 20), True),      # ten months gone: 10 of 12 keeps pace
    (9, 12, date(2026, 11, 20), True),
    (10, 12, date(2026, 11, 20), False),
    (0, 12, date(2026, 1, 20), False),      # nothing gone yet
    (1, 2, date(2026, 7, 1), False),        # half a year, half done
    (0, 2, date(2026, 7, 1), True),
    (0, 2, date(2026, 2, 1), False),        # twice a year: none owed before July
    (0, 2, date(2026, 6, 30), False),
    (0, 2, date(2026, 7, 1), True),
    (12, 12, date(2027, 3, 1), False),      # met
    (13, 12, date(2026, 2, 1), False),
])
def test_a_quantified_duty_is_behind_when_its_count_is_below_the_share_of_the_year_gone(done, target, today, behind):
    assert behind_pace(done, target, 2026, today) is behind


def test_a_responsibility_duty_closes_with_its_year_projects_and_rectifications_do_not():
    assert closed_with_year("responsibility", 2026, date(2027, 1, 1))
    assert not closed_with_year("responsibility", 2026, date(2026, 12, 31))
    assert not closed_with_year("project", 2026, date(2027, 1, 1))
    assert not closed_with_year("rectification", 2025, date(2027, 1, 1))

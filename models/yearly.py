"""A duty's year: how much of it is gone, whether a quantified duty keeps pace, and when a
responsibility duty (责任清单) closes. Pure rules on dates, one place for every reply, push and list.

* **pace** — a quantified duty (目标次数) keeps pace while its count is at least the whole times
  owed by the whole months of its year gone: on 20 November ten months are gone, so 12 times a
  year keeps pace from 10 on and 8/12 is behind ("落后进度"); twice a year owes once from July.
  A year not begun has no month gone; a past year all twelve.
* **years close** — a responsibility duty belongs to its year: once that year is over it is closed
  as it stands (met or not), is no longer listed or prompted, and stays in its year's export.
  Projects and rectifications carry into later years until finished (``models.lookups.live``).
"""
from __future__ import annotations

from datetime import date

from models.tables import ItemKind


def months_gone(year: int, today: date) -> int:
    """Whole months of ``year`` gone by ``today``: 0 before it, 12 after it."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def behind_pace(done: int, target: int, year: int, today: date) -> bool:
    """Whether ``done`` of ``target`` (a duty of ``year``) is behind the share of the year gone."""
    return done < target * months_gone(year, today) // 12


def closed_with_year(kind: str, year: int, today: date) -> bool:
    """A responsibility duty of a year already over: closed as it stands, not carried."""
    return ItemKind(kind) == ItemKind.RESPONSIBILITY and year < today.year

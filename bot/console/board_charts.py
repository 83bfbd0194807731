"""The charts of the 单位 board: this month's report rate by unit (``charts.bars``, from the
board's own rates) and the year's monthly trend of the units shown (``charts.line``, from
``models.lookups.reports_by_month``: who owes a report now, the base of every month)."""
from __future__ import annotations

from datetime import date

from markupsafe import Markup
from sqlmodel import Session

from bot.console.board import Board, allowed_units
from bot.console.charts import bars, line
from models.lookups import reports_by_month
from models.organisation import Tree
from models.tables import Member

BARS_SHOWN = 40          # units in the bar chart at most (the table below lists them all)


def board_charts(session: Session, viewer: Member, found: Board, today: date) -> dict[str, Markup]:
    tree = Tree.load(session)
    units = tree.subtree(found.filters.unit) if found.filters.unit is not None else allowed_units(tree, viewer)
    rates = sorted(found.rates, key=lambda r: r.rate)[:BARS_SHOWN]       # the lowest first: who to chase
    expected, by_month = reports_by_month(session, units, today.year)
    points = [(f"{m}月", round(100 * by_month.get(f"{today.year}-{m:02d}", 0) / expected) if expected else None)
              for m in range(1, today.month + 1)]
    return {"rate_chart": bars(f"{today.month}月月报报送率（按单位）", [(r.unit, r.rate) for r in rates]),
            "trend_chart": line(f"{today.year}年各月月报报送率", points)}

"""The charts of the 单位 board: this month's report rate by the rows of its report table
(``charts.bars``, from the board's own rates) and the year's monthly trend of the units shown
(``charts.line``: who owes a report now — the table's rows summed, the base of every month — and
``models.lookups.reported_by_month``)."""
from __future__ import annotations

from datetime import date

from markupsafe import Markup
from sqlmodel import Session

from bot.console.board import Board
from bot.console.charts import bars, line
from models.lookups import reported_by_month

BARS_SHOWN = 40          # rows in the bar chart at most (the table below lists them all)


def board_charts(session: Session, found: Board, today: date) -> dict[str, Markup]:
    rates = sorted(found.rates, key=lambda r: r.rate)[:BARS_SHOWN]       # the lowest first: who to chase
    expected = sum(r.expected for r in found.rates)                     # the rows cover the board's units
    by_month = reported_by_month(session, found.scope, today.year) if expected else {}
    points = [(f"{m}月", round(100 * by_month.get(f"{today.year}-{m:02d}", 0) / expected) if expected else None)
              for m in range(1, today.month + 1)]
    return {"rate_chart": bars(f"{today.month}月月报报送率（按单位）", [(r.unit, r.rate) for r in rates]),
            "trend_chart": line(f"{today.year}年各月月报报送率", points)}

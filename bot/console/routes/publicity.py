"""The 公示 page (``/console/publicity``): the key-task list's (项目清单) progress by unit, as a
printable page for posting (通报公示): A4 landscape (``@page { size: A4 landscape }``), the
console's header and links left off the paper.

For secretaries and administrators, over the units they may see (``board.allowed_units``; one of
them and those below with ``?unit=``): a count per unit — how many projects, finished, under way,
not started, overdue — then every project of each unit with its owner, progress and deadline, the
rows of the 挂图作战 board (``board.board``, 清单 = 项目清单), coloured by the same rule.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web
from sqlmodel import Session

from bot.console.board import Filters, board
from bot.console.items import Row
from bot.console.routes.pages import _dates, page
from bot.console.routes.rectifications import _unit_query
from models.lookups import month_key
from models.tables import Member


@dataclass
class UnitProgress:
    unit: str
    rows: list[Row] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(str(r.item.status) in statuses for r in self.rows)

    @property
    def finished(self) -> int:
        return self.count("done", "closed")

    @property
    def overdue(self) -> int:
        return sum(r.signal == "red" for r in self.rows)

    @property
    def rate(self) -> int:
        return round(100 * self.finished / len(self.rows)) if self.rows else 0


def by_unit(rows: list[Row]) -> list[UnitProgress]:
    """The board's rows (already down the tree) gathered by unit, in that order."""
    units: dict[str, UnitProgress] = {}
    for row in rows:
        units.setdefault(row.unit, UnitProgress(row.unit)).rows.append(row)
    return list(units.values())


async def publicity_page(request: web.Request) -> web.Response:
    def build(session: Session, viewer: Member, now) -> tuple[str, dict]:
        found = board(session, viewer, Filters(kind="project", unit=_unit_query(request)), now.date(),
                      month_key(now, now.tzinfo))
        return "publicity.html", {"title": f"{found.label} 项目清单推进情况公示", "label": found.label,
                                  "units": by_unit(found.rows), **_dates(now)}

    return await page(request, build)


def add_routes(sub: web.Application) -> None:
    sub.router.add_get("/publicity", publicity_page)

"""The board in pages (bot.console.board): the colour rule in SQL (``items.signal_sql``) gives what
``items.signal`` gives, item by item, on both engines; a board of many people comes in pages of
whole people, every row on exactly one page, the counts and the filters over all of them."""
from __future__ import annotations

import itertools
import re
from datetime import timedelta

from sqlmodel import Session, select

from bot.console import board as board_module
from bot.console.items import signal, signal_sql
from models.tables import Item
from tests.support.clock import NOW
from tests.support.console import login


def test_the_colour_rule_in_sql_is_the_colour_rule(org, engine):
    today = NOW.date()
    deadlines = [None, today - timedelta(days=1), today, today + timedelta(days=7), today + timedelta(days=8)]
    statuses = ["not_started", "in_progress", "done", "closed"]
    paces = [(None, 0), (12, 9), (12, 10), (2, 0), (2, 1), (4, 3)]
    cases = itertools.product(deadlines, statuses, paces, [2025, 2026, 2027])
    for n, (deadline, status, (target, done), year) in enumerate(cases):
        org.item("wangfang", f"S-{n}", f"事项{n}", kind="project" if target is None else "responsibility",
                 year=year, status=status, deadline=deadline, target_count=target, done_count=done)
    with Session(engine) as s:
        items = {i.id: i for i in s.exec(select(Item))}
        in_sql = dict(s.connection().execute(select(Item.id, signal_sql(today))).all())
    assert len(in_sql) > 300
    assert {i: signal(item, today)[0] for i, item in items.items()} == in_sql


def _codes(html: str) -> list[str]:
    table = html.split('id="board"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<td>([PRZ]-\d+)</td>", table)


async def test_a_big_board_comes_in_pages_of_whole_people_with_its_filters(client, org, monkeypatch):
    monkeypatch.setattr(board_module, "PAGE_ROWS", 3)
    await login(client, "jiwei")
    first = await (await client.get("/console/board")).text()
    assert "共9项" in first and "第1/" in first
    pages = int(re.search(r"第1/(\d+)页", first)[1])
    seen = []
    for n in range(1, pages + 1):
        html = await (await client.get(f"/console/board?page={n}")).text()
        seen += _codes(html)
        assert "共9项" in html
    assert sorted(seen) == sorted(["P-1", "P-2", "P-3", "Z-1", "R-1", "R-3", "Z-2", "P-9", "P-10"])
    assert len(seen) == 9 and pages >= 3
    red = await (await client.get("/console/board?kind=project&page=1")).text()
    assert "共5项" in red and set(_codes(red)) <= {"P-1", "P-2", "P-3", "P-9", "P-10"}
    if "下一页" in red:
        assert "/console/board?kind=project&amp;page=2" in red
    beyond = await (await client.get("/console/board?page=999")).text()
    assert _codes(beyond) and "共9项" in beyond                          # the last page

"""The board's report table on a deep organisation (bot.console.board._report_rows): the board's
unit by its own members, each unit right below it counted with its whole subtree — the names of who
has not reported on that unit's own board — opened a level further only while the table stays
within ``REPORT_ROWS`` rows; the 红叉 of a row are those of all its units, and the bar chart has a
bar a row."""
from __future__ import annotations

import re
from html import unescape

from sqlmodel import Session, select

from bot.config import AccountabilityConfig
from bot.console.board import REPORT_ROWS
from models.ladder import climb_unreported
from models.tables import Mark, UnitKind
from tests.bot.console.test_views import _svgs, _texts
from tests.support.clock import NOW
from tests.support.console import login


def _general(org) -> None:
    """第一党总支 under the 机关党委, with more branches than the table may open, people in two."""
    org.unit("g1", "第一党总支", UnitKind.GENERAL_BRANCH, parent="root")
    org.person("qianli", "钱立", "g1")
    org.item("qianli", "P-31", "总支的项目", kind="project")
    for k in range(REPORT_ROWS):
        org.unit(f"g1b{k}", f"总支第{k + 1}支部", UnitKind.BRANCH, parent="g1")
    for account, name, code in (("sunhong", "孙红", "P-32"), ("zhaoliu", "赵六", "P-33")):
        org.person(account, name, "g1b0" if account == "sunhong" else "g1b1")
        org.item(account, code, f"{name}的项目", kind="project")


def _table(html: str) -> str:
    table = html.split('id="reports"', 1)[1].split("</table>", 1)[0]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table)))


async def _page(client, path: str) -> str:
    resp = await client.get(path)
    assert resp.status == 200, resp.status
    return await resp.text()


async def test_a_unit_with_units_below_is_one_row_counted_with_them_and_opens_on_its_board(client, org, engine):
    _general(org)
    org.reported("sunhong", "2026-11", NOW)
    with Session(engine) as s:
        climb_unreported(s, "2026-10", AccountabilityConfig().thresholds("unreported"), NOW)   # October: nobody
        s.commit()
        g1 = [org.units["g1"].id, *(org.units[f"g1b{k}"].id for k in range(REPORT_ROWS))]
        marks = len(s.exec(select(Mark).where(Mark.unit_id.in_(g1), Mark.cleared_at.is_(None))).all())
    await login(client, "jiwei")
    html = await _page(client, "/console/board")
    table = _table(html)
    assert re.search(rf"第一党总支 ?（含下级） 3 1 33% 2人 ✗{marks} （最高：", table), table
    assert "钱立" not in table and "赵六" not in table and "总支第1支部" not in table      # not opened: 41 rows
    assert re.search(r"第二党支部 1 0 0% 周强", table), table                           # a branch: its names
    gid = org.units["g1"].id
    assert f'href="/console/board?unit={gid}#reports"' in html
    assert re.search(rf'name="unit" value="{gid}"', html)                                # its 催报: the subtree
    rate = _svgs(html.split('id="rate-chart"', 1)[1])[0]
    assert "第一党总支" in _texts(rate)
    opened = _table(await _page(client, f"/console/board?unit={gid}"))
    assert re.search(r"第一党总支 1 0 0% 钱立", opened), opened                          # its own members
    assert re.search(r"总支第2支部 1 0 0% 赵六", opened), opened
    assert re.search(r"总支第1支部 1 1 100% —", opened), opened


async def test_a_short_table_opens_the_units_below_a_level_further(client, org):
    org.unit("g1", "第一党总支", UnitKind.GENERAL_BRANCH, parent="root")
    org.unit("g1b0", "总支第1支部", UnitKind.BRANCH, parent="g1")
    org.person("sunhong", "孙红", "g1b0")
    org.item("sunhong", "P-32", "孙红的项目", kind="project")
    await login(client, "jiwei")
    table = _table(await _page(client, "/console/board"))
    assert "含下级" not in table and re.search(r"总支第1支部 1 0 0% 孙红", table), table

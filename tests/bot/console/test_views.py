"""The console's 星级, 公示 and the charts of the 单位 board, by HTTP on SQLite and PostgreSQL: each
within the viewer's units (an id changed by hand is refused), each value where it belongs, a
title or unit name typed as ``<script>`` shown as text on every page and in every SVG."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from models.tables import Title, UnitKind
from tests.bot.console.conftest import SCRIPT_TITLE
from tests.bot.console.test_pages import _page
from tests.support.clock import NOW
from tests.support.console import login, page_text

ESCAPED = "&lt;script&gt;alert(&#39;清单&#39;)&lt;/script&gt;"


def _svgs(html: str) -> list[ET.Element]:
    """Every inline SVG of the page, parsed as XML (it must be well formed)."""
    return [ET.fromstring(svg) for svg in re.findall(r"<svg .*?</svg>", html, re.S)]


def _texts(svg: ET.Element) -> list[str]:
    return [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]


async def test_the_star_page_draws_the_units_dimensions_and_ranks_the_units_below(client, org):
    await login(client, "jiwei")
    top = await _page(client, "/console/stars")
    assert "机关党委暂无星级考评结果" in page_text(top)
    ranking = page_text(top.split('id="ranking"', 1)[1])
    assert re.search(r"1\s+第一党支部\s+五星\s+98", ranking) and re.search(r"2\s+第二党支部\s+未评星\s+98", ranking)
    assert "软弱涣散" in ranking and "三会一课未落实" in ranking
    b2 = await _page(client, f"/console/stars?unit={org.units['b2'].id}")
    assert "列为软弱涣散党组织：三会一课未落实" in page_text(b2)
    [radar] = _svgs(b2)
    assert "组织建设 15/15" in _texts(radar) and "工作实绩 18/20" in _texts(radar)
    assert "群众满意度测评 10/10" in _texts(radar)


async def test_a_member_sees_the_stars_of_their_own_unit_only(client, org):
    await login(client, "wangfang")
    own = await _page(client, "/console/stars")
    assert "第一党支部" in own and "五星" in own and 'id="ranking"' not in own
    assert "无权查看该单位的星级" in page_text(await _page(client, f"/console/stars?unit={org.units['b2'].id}", 403))
    assert "无权查看该单位的星级" in page_text(await _page(client, f"/console/stars?unit={org.units['root'].id}", 403))
    assert "没有这个单位" in page_text(await _page(client, "/console/stars?unit=999999", 404))
    assert "仅限各级书记和管理员" in page_text(await _page(client, "/console/publicity", 403))


async def test_the_publicity_page_counts_each_units_projects_and_prints_on_a4_landscape(client, org):
    await say_done(client)
    await login(client, "liming")
    page = await _page(client, "/console/publicity")
    assert "@page { size: A4 landscape" in page and "@media print" in page
    summary = page_text(page.split('id="summary"', 1)[1].split("</table>", 1)[0])
    assert re.search(r"第一党支部\s+3\s+1\s+1\s+1\s+1\s+33%", summary), summary     # P-1 done, P-3 under way, P-2 overdue
    assert "第二党支部" not in page and "撰写调研报告" not in page
    assert "无权查看该单位" in page_text(await _page(client, f"/console/publicity?unit={org.units['b2'].id}", 403))


async def say_done(client) -> None:
    from tests.support.wecom import say

    await say(client, "wangfang", "P-1已完成")
    await say(client, "wangfang", "P-3进行中30%")


async def test_the_board_charts_the_months_report_rate_by_unit_and_the_trend(client, org):
    org.reported("wangfang", "2026-11", NOW)
    await login(client, "jiwei")
    rate, trend = _svgs((await _page(client, "/console/board")).split('id="rate-chart"', 1)[1])[:2]
    bars = {label: value for label, value in zip(
        [t for t in _texts(rate) if not t.endswith("%")],
        [b.get("data-value") for b in rate.iter("{http://www.w3.org/2000/svg}rect") if b.get("class") == "bar"],
        strict=True)}
    assert bars == {"第一党支部": "50", "第二党支部": "0"}
    points = [c.get("data-value") for c in trend.iter("{http://www.w3.org/2000/svg}circle")]
    assert points == ["0"] * 10 + ["33"] and "11月" in _texts(trend)             # 1 of the 3 who owe one


async def test_a_script_for_a_title_or_a_unit_name_is_text_on_every_page_and_in_every_chart(client, org):
    org.unit("b3", SCRIPT_TITLE, UnitKind.BRANCH, parent="root")
    org.person("qianwu", "钱五", "b3", Title.BRANCH_SECRETARY)
    org.item("qianwu", "Z-9", SCRIPT_TITLE, kind="rectification")
    org.item("qianwu", "P-19", SCRIPT_TITLE, kind="project")
    org.stars("b3", organisation=1)
    await login(client, "jiwei")
    b3 = org.units["b3"].id
    for path in ("/console/board", "/console/rectifications", "/console/stars", f"/console/stars?unit={b3}",
                 "/console/publicity"):
        html = await _page(client, path)
        assert SCRIPT_TITLE not in html and ESCAPED in html, path
        for svg in _svgs(html):         # parsed back whole: in the page it is escaped (above)
            assert all(SCRIPT_TITLE not in (t or "") or t.startswith(SCRIPT_TITLE) for t in _texts(svg))
    assert SCRIPT_TITLE in _texts(_svgs(await _page(client, "/console/board"))[0])      # a bar's label
    [radar] = _svgs(await _page(client, f"/console/stars?unit={b3}"))
    assert radar.find("{http://www.w3.org/2000/svg}title").text.startswith(SCRIPT_TITLE)

"""bot.console.routes.meetings: a branch's 三会一课 calendar shows the meetings reported in chat
(real encrypted callbacks) by month, not the withdrawn ones, and per kind the periods held and the
missed ones in red — by the rule the star rating's veto uses; each sees exactly the branches chat
lets them ask about. And a person's 红叉 on their page (models.ladder.marks_of_year)."""
from __future__ import annotations

import re

from sqlmodel import Session, select

from bot.config import AccountabilityConfig
from models.ladder import climb_unreported
from models.meetings import missed
from models.tables import Mark
from tests.support.clock import NOW
from tests.support.console import login, page_text
from tests.support.wecom import say


async def _page(client, path: str, status: int = 200) -> str:
    resp = await client.get(path, allow_redirects=False)
    body = await resp.text()
    assert resp.status == status, body
    return body


def _kind_row(html: str, kind: str) -> str:
    table = html.split('id="meeting-kinds"', 1)[1].split("</table>", 1)[0]
    return next(row for row in table.split("<tr>") if row.startswith(f"<td>{kind}</td>"))


async def test_the_calendar_shows_reported_meetings_and_a_missed_quarter_in_red(client, engine, org, runtime):
    assert "已记录" in await say(client, "liming", "今天召开支委会，应到7人实到6人，研究发展党员工作")
    await say(client, "liming", "指定 王芳 记录三会一课")
    for month in (2, 8):                    # 支部党员大会 in the 1st and 3rd quarters: the 2nd missed
        assert "已记录" in await say(client, "wangfang", f"{month}月12日召开支部党员大会，传达上级精神")
    assert "已记录" in await say(client, "liming", "11月8日上党课，主题学习党章")
    assert "已撤回" in await say(client, "liming", "撤回")          # the lecture withdrawn: not shown
    await login(client, "liming")
    html = await _page(client, f"/console/meetings?unit={org.units['b1'].id}&year=2026")
    november = page_text(html.split('id="month-11"', 1)[1].split("</div>", 1)[0])
    assert "11月20日 支委会" in november and "应到7人，实到6人" in november and "研究发展党员工作" in november
    assert "李明报送" in november and "王芳报送" in page_text(html.split('id="month-8"', 1)[1].split("</div>", 1)[0]) and "党课" not in november
    assert "2月12日 支部党员大会" in page_text(html.split('id="month-2"', 1)[1].split("</div>", 1)[0])
    general = _kind_row(html, "支部党员大会")
    assert re.search(r'class="period missed"[^>]*>第2季度：未开<', general), general
    assert "第1季度：已开" in general and "第3季度：已开" in general and "第4季度：未到期" in general
    assert "2/3" in page_text(general) and "缺1期" in page_text(general)
    with Session(engine) as s:              # the very periods the star rating's veto counts
        gaps = missed(s, [org.units["b1"].id], 2026, NOW.date(), runtime.config.meetings.frequencies())
    assert "支部党员大会第2季度" in gaps[org.units["b1"].id]
    assert gaps[org.units["b1"].id].count("支部党员大会第2季度") == 1 and "支部党员大会第1季度" not in gaps[org.units["b1"].id]
    assert "第1季度：未开" in _kind_row(html, "党课")               # the withdrawn lecture counts for nothing
    assert "11月：已开" in _kind_row(html, "支委会") and "10月：未开" in _kind_row(html, "支委会")


async def test_each_sees_exactly_the_branches_chat_lets_them_ask_about(client, org):
    b1, b2, root = org.units["b1"].id, org.units["b2"].id, org.units["root"].id
    await login(client, "wangfang")                      # a member: their own branch
    assert "第一党支部 2026年三会一课" in page_text(await _page(client, "/console/meetings"))
    assert "无权查看该单位的三会一课" in page_text(await _page(client, f"/console/meetings?unit={b2}", 403))
    client.session.cookie_jar.clear()
    await login(client, "jiwei")                         # the committee: each branch, from the board
    board = await _page(client, "/console/board")
    assert f'href="/console/meetings?unit={b2}"' in board and f'href="/console/meetings?unit={root}"' not in board
    assert "第二党支部 2026年三会一课" in page_text(await _page(client, f"/console/meetings?unit={b2}"))
    assert "不是党支部" in page_text(await _page(client, f"/console/meetings?unit={root}", 404))
    assert "没有这个单位" in page_text(await _page(client, "/console/meetings?unit=999999", 404))
    await _page(client, f"/console/meetings?unit={b1}&year=1999", 404)
    await _page(client, "/console/meetings?unit=x", 404)


async def test_a_persons_page_and_the_board_show_their_marks(client, org, engine):
    with Session(engine) as s:
        climb_unreported(s, "2026-10", AccountabilityConfig().thresholds("unreported"), NOW)     # nobody reported October
        mark = s.exec(select(Mark).where(Mark.member_id == org.people["zhouqiang"].id)).one()
        mark.cleared_at, mark.clear_reason = NOW, "已说明"
        s.add(mark)
        s.commit()
    await login(client, "jiwei")
    wang = page_text((await _page(client, f"/console/people/{org.people['wangfang'].id}")).split('id="person-marks"')[1]
                 .split("</p>")[0])
    assert re.search(r"本年红叉：\s*✗1\s*（最高：催办）", wang), wang
    zhou = page_text((await _page(client, f"/console/people/{org.people['zhouqiang'].id}")).split('id="person-marks"')[1]
                 .split("</p>")[0])
    assert "本年红叉：无，已撤销1个" in zhou.replace(" ", ""), zhou
    board = await _page(client, "/console/board")
    row = next(r for r in board.split("<tr") if "制定年度学习计划" in r)
    assert '<span class="red-mark"' in row and "✗1" in row
    row = next(r for r in board.split("<tr") if "撰写调研报告" in r)
    assert "✗" not in row

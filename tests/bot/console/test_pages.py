"""The console's pages (bot.console.routes.pages, bot.console.board): each person sees exactly
what chat lets them ask about — their own list with chat's numbers and each item's history; a
secretary the board of their subtree, filtered, with the month's report rate — a URL naming
anything else is refused in Chinese, and what members typed is shown as text."""
from __future__ import annotations

import re

from bot.console.items import signal
from models.tables import Item, ItemStatus
from tests.bot.console.conftest import SCRIPT_TITLE
from tests.support import wecom as wf
from tests.support.clock import NOW
from tests.support.config import SECRET
from tests.support.console import login, page_text
from tests.support.wecom import say


def _board_codes(html: str) -> set[str]:
    table = html.split('id="board"', 1)[1].split("</table>", 1)[0]
    return set(re.findall(r"<td>([PRZ]-\d+)</td>", table))


async def _page(client, path: str, status: int = 200) -> str:
    resp = await client.get(path, allow_redirects=False)
    body = await resp.text()
    assert resp.status == status, body
    return body


async def test_my_list_numbers_items_as_chat_does_with_each_change_its_undo_and_correction(client):
    await say(client, "wangfang", "P-2完成30%")
    assert "已更正" in await say(client, "wangfang", "不对，是P-3")
    await say(client, "wangfang", "P-1已完成")
    await say(client, "wangfang", "撤回")
    chat = await say(client, "wangfang", "我的清单")
    await login(client, "wangfang")
    page = page_text(await _page(client, "/console/"))
    for number, code in re.findall(r"^(\d+)\. \[([A-Z]-\d+)\]", chat, re.M):
        assert f"{number}. [{code}]" in page
    assert "P-1已完成" in page and "撤回" in page and "（已撤回）" in page
    assert "P-2完成30%" in page and "（已更正到[P-3]）" in page and "更正：改到[P-3]" in page
    assert "P-2完成30%（不对，是P-3）" in page and "进行中 30%" in page
    assert "王芳" in page and "还有41天" in page and "已逾期10天" in page    # P-1 on 12-31 (undone), P-2 on 11-10


async def test_a_member_may_not_open_the_board_nor_another_persons_list(client, org):
    await login(client, "wangfang")
    assert "仅限各级书记和管理员" in page_text(await _page(client, "/console/board", 403))
    other = org.people["zhouqiang"].id
    assert "无权查看此人的清单" in page_text(await _page(client, f"/console/people/{other}", 403))
    assert "撰写调研报告" not in await _page(client, f"/console/people/{other}", 403)
    assert "没有这个人" in page_text(await _page(client, "/console/people/999999", 404))
    assert "没有这个人" in page_text(await _page(client, "/console/people/abc", 404))
    own = await _page(client, f"/console/people/{org.people['wangfang'].id}")
    assert "制定年度学习计划" in own


async def test_a_branch_secretary_sees_exactly_the_branch(client, org):
    await login(client, "liming")
    board = await _page(client, "/console/board")
    assert _board_codes(board) == {"P-1", "P-2", "P-3", "Z-1", "R-1", "R-3", "Z-2"}
    b2, zhou = org.units["b2"].id, org.people["zhouqiang"].id
    assert "无权查看该单位" in page_text(await _page(client, f"/console/board?unit={b2}", 403))
    assert "第一党支部及其下级单位" in page_text(await _page(client, f"/console/board?owner={zhou}", 403))
    assert "无权查看此人的清单" in page_text(await _page(client, f"/console/people/{zhou}", 403))
    assert "没有这个单位" in page_text(await _page(client, "/console/board?unit=999999", 404))
    assert "筛选条件无效" in page_text(await _page(client, "/console/board?status=gone", 400))
    assert "制定年度学习计划" in await _page(client, f"/console/people/{org.people['wangfang'].id}")


async def test_the_committee_secretary_sees_every_branch_and_filters_it(client, org):
    org.reported("wangfang", "2026-11", NOW)
    await login(client, "jiwei")
    everything = await _page(client, "/console/board")
    assert _board_codes(everything) == {"P-1", "P-2", "P-3", "Z-1", "R-1", "R-3", "Z-2", "P-9", "P-10"}
    b1, b2 = org.units["b1"].id, org.units["b2"].id
    assert _board_codes(await _page(client, f"/console/board?unit={b2}")) == {"P-9", "P-10"}
    assert _board_codes(await _page(client, "/console/board?kind=rectification")) == {"Z-1", "Z-2"}
    assert _board_codes(await _page(client, "/console/board?signal=red")) == {"P-2", "Z-2"}
    assert _board_codes(await _page(client, f"/console/board?owner={org.people['liming'].id}&status=in_progress")) \
        == {"R-1"}
    rates = page_text(everything.split('id="reports"', 1)[1])
    assert re.search(r"第一党支部\s+2\s+1\s+50%\s+李明", rates), rates      # 王芳 reported, 李明 not
    assert re.search(r"第二党支部\s+1\s+0\s+0%\s+周强", rates), rates
    assert _board_codes(await _page(client, f"/console/board?unit={b1}&kind=project")) == {"P-1", "P-2", "P-3"}


async def test_what_members_typed_is_text_and_no_secret_is_on_any_page(client, org, runtime):
    await say(client, "zhouqiang", "P-10完成50% <img src=x onerror=alert(1)>")
    await login(client, "jiwei")
    pages = [await _page(client, p) for p in ("/console/", "/console/board",
                                              f"/console/people/{org.people['zhouqiang'].id}")]
    for html in pages[1:]:
        assert SCRIPT_TITLE not in html and "&lt;script&gt;alert(&#39;清单&#39;)&lt;/script&gt;" in html
    assert "<img src=x" not in pages[2] and "&lt;img src=x onerror=alert(1)&gt;" in pages[2]
    for html in pages:
        for secret in (SECRET, wf.TOKEN, wf.AES_KEY, "access_token"):
            assert secret not in html
    resp = await client.get("/console/board")
    assert "script-src" not in resp.headers["Content-Security-Policy"]       # default-src 'none': no script runs
    assert resp.headers["X-Frame-Options"] == "DENY" and resp.headers["Cache-Control"] == "no-store"


async def test_a_person_who_left_after_logging_in_is_let_go(client, org):
    from tests.support.org import leave

    await login(client, "wangfang")
    leave(org, "wangfang")
    resp = await client.get("/console/", allow_redirects=False)
    assert resp.status == 403 and "不在本系统的在册党员名单中" in await resp.text()
    assert resp.cookies["qingdan_session"].value == ""


def test_the_signal_is_red_when_overdue_and_amber_when_behind_pace_or_due_soon():
    today = NOW.date()

    def item(**kw) -> Item:
        return Item(kind="project", code="P-1", title="x", owner_id=1, unit_id=1, year=2026, **kw)

    assert signal(item(deadline=today.replace(day=19)), today) == ("red", "已逾期1天")
    assert signal(item(deadline=today.replace(day=27)), today) == ("amber", "7天后截止")
    assert signal(item(deadline=today.replace(day=28)), today) == ("green", "")
    assert signal(item(deadline=today.replace(day=19), status=ItemStatus.DONE), today) == ("green", "")
    duty = dict(kind="responsibility", target_count=12)
    assert signal(Item(code="R-1", title="x", owner_id=1, unit_id=1, year=2026, done_count=9, **duty), today) == \
        ("amber", "落后进度")
    assert signal(Item(code="R-1", title="x", owner_id=1, unit_id=1, year=2026, done_count=10, **duty), today) == \
        ("green", "")

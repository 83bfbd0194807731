"""The console's 整改 (销号 / 退回), read-back and 催报 actions, by HTTP on SQLite and PostgreSQL: each
is chat's own code under chat's rules, the server checks the scope whatever id a form names, an
action refused or sent twice records nothing, and the person concerned is told by WeCom message."""
from __future__ import annotations

import re

from sqlmodel import Session, select

from models.tables import Item, ProgressUpdate, PushLog, UpdateAction
from tests.bot.console.test_pages import _page
from tests.support.console import csrf_of, log_in_as, login, page_text
from tests.support.wecom import say

REPORT = "第1项已完成，第2项完成80%，第3项进行中50%"


def _item(engine, code: str) -> Item:
    with Session(engine) as s:
        return s.exec(select(Item).where(Item.code == code)).one()


def _reviews(engine, action: UpdateAction) -> list[ProgressUpdate]:
    with Session(engine) as s:
        return list(s.exec(select(ProgressUpdate).where(ProgressUpdate.action == action)))


def _form(html: str, action: str) -> dict:
    """The hidden fields of the form posting to ``action``."""
    form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form))


async def _post(client, path: str, data: dict, status: int) -> str:
    resp = await client.post(path, data=data, allow_redirects=False)
    body = await resp.text()
    assert resp.status == status, body
    return page_text(body)


def _texts_to(standin, account: str) -> list[str]:
    return [m.content for m in standin.state.to(account) if m.msgtype == "text"]


async def test_a_branch_secretary_closes_off_a_done_rectification_once_and_the_owner_is_told(client, engine, standin):
    await say(client, "wangfang", "Z-1已整改到位")
    await login(client, "liming")
    page = await _page(client, "/console/rectifications")
    z1, z2 = _item(engine, "Z-1"), _item(engine, "Z-2")
    assert f"/console/rectifications/{z2.id}/close" not in page          # his own: not his to close off
    form = _form(page, f"/console/rectifications/{z1.id}/close")
    done = await _post(client, f"/console/rectifications/{z1.id}/close", form, 200)
    assert "[Z-1] 党费收缴不规范（王芳）：已销号" in done
    assert _item(engine, "Z-1").status == "closed" and len(_reviews(engine, UpdateAction.CLOSE_OFF)) == 1
    assert any("已由李明销号" in t for t in _texts_to(standin, "wangfang"))
    again = await _post(client, f"/console/rectifications/{z1.id}/close", form, 409)    # the same form again
    assert "已有变动" in again and "未做任何记录" in again
    assert len(_reviews(engine, UpdateAction.CLOSE_OFF)) == 1
    assert _reviews(engine, UpdateAction.CLOSE_OFF)[0].words == "[网页] 销号"


async def test_a_send_back_needs_a_reason_and_tells_the_owner_why(client, engine, standin):
    await say(client, "wangfang", "Z-1已整改到位")
    await login(client, "liming")
    z1 = _item(engine, "Z-1")
    form = _form(await _page(client, "/console/rectifications"), f"/console/rectifications/{z1.id}/return")
    for reason in ("", "   "):
        assert "请写明退回原因" in await _post(client, f"/console/rectifications/{z1.id}/return",
                                             {**form, "reason": reason}, 400)
    assert _item(engine, "Z-1").status == "done" and not _reviews(engine, UpdateAction.RETURN)
    sent = await _post(client, f"/console/rectifications/{z1.id}/return", {**form, "reason": "台账不全"}, 200)
    assert "已退回" in sent and _item(engine, "Z-1").status == "in_progress"
    assert any("已由李明退回，原因：台账不全" in t for t in _texts_to(standin, "wangfang"))
    assert "已有变动" in await _post(client, f"/console/rectifications/{z1.id}/return",
                                   {**form, "reason": "台账不全"}, 409)
    assert len(_reviews(engine, UpdateAction.RETURN)) == 1


async def test_no_one_closes_off_outside_their_units_their_own_item_or_without_the_token(client, engine, org):
    await say(client, "wangfang", "Z-1已整改到位")
    z1 = _item(engine, "Z-1")
    await login(client, "liming")
    form = _form(await _page(client, "/console/rectifications"), f"/console/rectifications/{z1.id}/close")
    assert "缺少或不符的校验码" in await _post(client, f"/console/rectifications/{z1.id}/close",
                                          {k: v for k, v in form.items() if k != "csrf"}, 403)
    await log_in_as(client, "sunli")                                       # the other branch's secretary
    page = await _page(client, "/console/rectifications")
    assert "党费收缴不规范" not in page
    token = csrf_of(page)
    refused = await _post(client, f"/console/rectifications/{z1.id}/close", {**form, "csrf": token}, 403)
    assert "不在您负责的单位范围内" in refused and "党费收缴不规范" not in refused
    await log_in_as(client, "wangfang")                                      # a member: her own item
    mine = await _page(client, "/console/rectifications")
    assert "党费收缴不规范" in mine and "/close" not in mine and "党员活动室未按标准建设" not in mine
    assert "无权查看该单位" in page_text(await _page(client, f"/console/rectifications?unit={org.units['b2'].id}", 403))
    assert "无权查看该单位" in page_text(await _page(client, f"/console/rectifications?unit={org.units['b1'].id}", 403))
    assert await _post(client, f"/console/rectifications/{z1.id}/close", {**form, "csrf": csrf_of(mine)}, 403)
    assert "没有这个整改事项" in await _post(client, f"/console/rectifications/{_item(engine, 'P-1').id}/close",
                                         {**form, "csrf": csrf_of(mine)}, 404)
    assert _item(engine, "Z-1").status == "done" and not _reviews(engine, UpdateAction.CLOSE_OFF)


async def test_a_member_confirms_a_read_back_on_the_page_after_changing_and_dropping_lines(client, engine):
    await say(client, "wangfang", REPORT)
    await login(client, "wangfang")
    page = await _page(client, "/console/")
    lines = page_text(page.split('id="read-back"', 1)[1].split("</ul>", 1)[0])
    assert "P-1" in lines and "P-3" in lines and "50%" in lines
    form = _form(page, "/console/read-back/fix")
    await _post(client, "/console/read-back/fix", {**form, "line": "3", "change": "60%"}, 200)
    assert "进行中 60%" in page_text(await _page(client, "/console/"))
    assert "已处理或已变化" in await _post(client, "/console/read-back/fix", {**form, "line": "2", "drop": "1"}, 409)
    page = await _page(client, "/console/")
    form = _form(page, "/console/read-back/fix")
    assert "没看懂第2条" in await _post(client, "/console/read-back/fix", {**form, "line": "2", "change": "好"}, 400)
    await _post(client, "/console/read-back/fix", {**form, "line": "2", "drop": "1"}, 200)
    page = await _page(client, "/console/")
    confirmed = await _post(client, "/console/read-back/confirm", _form(page, "/console/read-back/confirm"), 200)
    assert "已按您的确认记录王芳的进展" in confirmed
    assert _item(engine, "P-1").status == "done" and _item(engine, "P-3").percent == 60
    assert _item(engine, "P-2").percent == 0                          # the line dropped
    with Session(engine) as s:
        stored = list(s.exec(select(ProgressUpdate)))
    assert len(stored) == 2 and all(u.confirmed_at is not None for u in stored)
    assert "已处理或已变化" in await _post(client, "/console/read-back/confirm",
                                     _form(page, "/console/read-back/confirm"), 409)
    assert 'id="read-back"' not in await _page(client, "/console/")


async def test_the_nudge_button_reminds_the_units_non_reporters_once_a_day(client, engine, org, standin):
    await login(client, "wangfang")
    token = csrf_of(await _page(client, "/console/"))
    b1, b2 = org.units["b1"].id, org.units["b2"].id
    assert "书记" in await _post(client, "/console/board/nudge", {"csrf": token, "unit": str(b1)}, 403)
    await log_in_as(client, "liming")
    board = await _page(client, "/console/board")
    assert _form(board, "/console/board/nudge")["unit"] == str(b1)
    token = csrf_of(board)
    assert "无法提醒" in await _post(client, "/console/board/nudge", {"csrf": token, "unit": str(b2)}, 403)
    done = await _post(client, "/console/board/nudge", {"csrf": token, "unit": str(b1)}, 200)
    assert "已提醒第一党支部2026年11月未报送的1人：王芳" in done
    assert len(_texts_to(standin, "wangfang")) == 1 and not _texts_to(standin, "zhouqiang")
    again = await _post(client, "/console/board/nudge", {"csrf": token, "unit": str(b1)}, 200)
    assert "今日均已提醒过" in again and len(_texts_to(standin, "wangfang")) == 1
    with Session(engine) as s:
        assert len(list(s.exec(select(PushLog)))) == 1

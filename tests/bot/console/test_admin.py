"""The 管理 page (bot.console.routes.admin): an administrator uploads a workbook (a bad row: every
problem by sheet and row, nothing written; a good one: written), downloads the export, sends a
notice through chat's preview and 确认 (once, however often the form is sent); anybody else is
refused in Chinese."""
from __future__ import annotations

import io
import re

import aiohttp
import openpyxl
from sqlmodel import func, select

from models.db import session_scope
from models.tables import AuditEvent, Member, Notice, NoticeReceipt
from models.workbook import build_workbook
from tests.support.console import csrf_of, login, page_text
from tests.support.wecom import say

GOOD = {"党员": [["姓名", "企业微信账号", "所在组织", "职务", "管理员"],
                 ["钱多多", "qianduoduo", "第二党支部", "党员", "否"]]}
BAD = {"党员": [["姓名", "企业微信账号", "所在组织", "职务", "管理员"],
                ["钱多多", "qianduoduo", "第二党支部", "党员", "否"],
                ["吴用", "wuyong", "第九党支部", "党员", "否"]]}


def book_bytes(data: dict) -> bytes:
    out = io.BytesIO()
    build_workbook(data).save(out)
    return out.getvalue()


async def _csrf(client) -> str:
    resp = await client.get("/console/admin")
    assert resp.status == 200, await resp.text()
    return csrf_of(await resp.text())


async def upload(client, data: bytes, csrf: str | None = None):
    form = aiohttp.FormData()
    form.add_field("csrf", csrf or await _csrf(client))
    form.add_field("book", data, filename="清单.xlsx",
                   content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return await client.post("/console/admin/upload", data=form)


def _members(engine) -> set[str]:
    with session_scope(engine) as s:
        return set(s.exec(select(Member.account)))


async def test_a_book_with_a_bad_row_shows_its_sheet_row_and_reason_and_writes_nothing(client, engine):
    await login(client, "zhaolei")
    before = _members(engine)
    resp = await upload(client, book_bytes(BAD))
    page = page_text(await resp.text())
    assert resp.status == 200
    assert "导入失败，未写入任何数据。共1处问题" in page
    assert re.search(r"党员\s+3\s+.*第九党支部", page), page
    assert _members(engine) == before
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import")).one() == 0


async def test_a_good_book_is_written_as_qingdan_import_writes_it(client, engine):
    await login(client, "zhaolei")
    page = page_text(await (await upload(client, book_bytes(GOOD))).text())
    assert "导入完成：新增1条" in page and "党员：新增1" in page
    assert "qianduoduo" in _members(engine)
    with session_scope(engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "import")).one()
        assert event.actor == "console:zhaolei"


async def test_an_upload_needs_its_token_a_file_and_at_most_ten_megabytes(client, engine):
    await login(client, "zhaolei")
    resp = await upload(client, book_bytes(GOOD), csrf="forged")
    assert resp.status == 403 and "校验码" in await resp.text()
    resp = await upload(client, b"PK" + b"\0" * (10 * 1024 * 1024 + 70_000))
    assert resp.status == 413 and "文件超过10 MB，未导入" in await resp.text()
    resp = await upload(client, b"not a workbook at all")
    assert "导入失败，未写入任何数据" in page_text(await resp.text())
    assert "qianduoduo" not in _members(engine)


async def test_the_export_is_a_workbook_openpyxl_reads(client):
    await login(client, "zhaolei")
    resp = await client.get("/console/admin/export")
    assert resp.status == 200 and resp.headers["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(await resp.read()))
    assert {"组织", "党员", "项目清单", "月报"} <= set(book.sheetnames)
    accounts = [row[1] for row in book["党员"].iter_rows(min_row=2, values_only=True)]
    assert "wangfang" in accounts and "zhaolei" in accounts
    assert (await client.get("/console/admin/export?year=20x6")).status == 400


async def _preview(client, audience: str, body: str) -> tuple[str, str]:
    csrf = await _csrf(client)
    resp = await client.post("/console/admin/notice", data={"csrf": csrf, "audience": audience, "body": body})
    html = await resp.text()
    assert resp.status == 200, html
    return html, csrf


async def test_a_notice_is_previewed_then_sent_once_however_often_it_is_confirmed(client, engine, standin):
    await login(client, "zhaolei")
    html, csrf = await _preview(client, "第二党支部", "明天下午3点开会")
    assert "将发送给第二党支部共2人" in page_text(html) and not standin.state.sent
    notice = re.search(r'name="notice" value="(\d+)"', html)[1]
    pages = []
    for _ in range(2):                                    # a double submit
        resp = await client.post("/console/admin/notice/confirm", data={"csrf": csrf, "notice": notice})
        assert resp.status == 200
        pages.append(page_text(await resp.text()))
    assert "通知已发送给第二党支部，共2人" in pages[0]
    sent = [m for m in standin.state.sent if "明天下午3点开会" in str(m)]
    assert len(sent) == 1 and set(sent[0].touser) == {"sunli", "zhouqiang"}
    assert "已发送、已取消或已作废" in pages[1]
    assert "收到" in await say(client, "zhouqiang", "收到")
    page = page_text(await (await client.get("/console/admin")).text())
    assert re.search(r"明天下午3点开会.*已确认1/2人.*第二党支部\s+1/2\s+孙丽", page, re.S), page
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(NoticeReceipt)).one() == 2


async def test_a_notice_confirmed_in_chat_is_not_sent_again_from_the_page(client, standin):
    await login(client, "zhaolei")
    html, csrf = await _preview(client, "全体书记", "周五交材料")
    notice = re.search(r'name="notice" value="(\d+)"', html)[1]
    assert "通知已发送" in await say(client, "zhaolei", "确认")
    resp = await client.post("/console/admin/notice/confirm", data={"csrf": csrf, "notice": notice})
    assert "本次未发送" in page_text(await resp.text())
    assert len([m for m in standin.state.sent if "周五交材料" in str(m)]) == 1


async def test_a_notice_to_an_audience_not_offered_is_refused(client, engine):
    await login(client, "zhaolei")
    csrf = await _csrf(client)
    resp = await client.post("/console/admin/notice", data={"csrf": csrf, "audience": "<b>x</b>", "body": "x"})
    assert resp.status == 400 and "通知对象" in await resp.text()
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(Notice)).one() == 0


async def test_members_and_secretaries_who_are_not_administrators_get_403(client, engine):
    for account in ("wangfang", "jiwei"):
        client.session.cookie_jar.clear()
        await login(client, account)
        resp = await client.get("/console/admin")
        assert resp.status == 403 and "仅限管理员" in await resp.text()
        html = await (await client.get("/console/")).text()
        assert 'href="/console/admin"' not in html
        csrf = csrf_of(html)
        assert (await upload(client, book_bytes(GOOD), csrf)).status == 403
        assert (await client.get("/console/admin/export")).status == 403
        resp = await client.post("/console/admin/notice", data={"csrf": csrf, "audience": "全体党员", "body": "x"})
        assert resp.status == 403
    assert "qianduoduo" not in _members(engine)
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(Notice)).one() == 0

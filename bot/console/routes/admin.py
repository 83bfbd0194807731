"""The 管理 page (``/console/admin``, administrators): upload a workbook, download the export,
send a notice (preview, then 确认) and see its receipts. The work is ``bot.console.admin``'s, done
on a database thread; sends go out after the commit (``bot.answering.deliver``), as in chat.

An upload is read as a stream (``bot.console.MULTIPART``, its csrf field checked first by the
guard) into a temporary file, at most ``UPLOAD_BYTES``: a bigger one is refused, in Chinese,
before anything is read into the database.
"""
from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from aiohttp import web
from sqlmodel import Session

from bot.answering import deliver
from bot.console import CONSOLE, MULTIPART, SESSION
from bot.console.admin import admin_of, audiences, export_bytes, import_upload, preview_notice, recent_receipts
from bot.console.admin import send_notice as send_draft
from bot.console.board import Refused
from bot.console.routes.pages import page, refusal
from bot.texts import moment
from models.tables import Member

UPLOAD_BYTES = 10 * 1024 * 1024
TOO_BIG = "文件超过10 MB，未导入。请删去不需要的工作表或行后重试。"
NOT_A_BOOK = "请选择一个 .xlsx 工作簿文件后再上传。"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _now(request: web.Request) -> datetime:
    runtime = request.app[CONSOLE].runtime
    return runtime.clock.now().astimezone(runtime.tz)


async def admin_page(request: web.Request, **shown) -> web.Response:
    """The page: its forms, what was just done (``shown``), the recent notices' receipts."""
    tz = request.app[CONSOLE].runtime.tz

    def build(session: Session, viewer: Member, now: datetime) -> tuple[str, dict]:
        admin = admin_of(session, viewer.account)
        found = recent_receipts(session, admin)
        return "admin.html", {"title": "管理", "audiences": audiences(session), "receipts": found,
                              "sent_at": {r.notice.id: moment(r.notice.sent_at, tz) for r in found},
                              "today_year": now.year, **{"imported": None, "notice": None, **shown}}

    return await page(request, build)


async def _store_upload(request: web.Request, into: Path) -> str | None:
    """The form's file written to ``into``; why not, in Chinese (None: written)."""
    if (request.content_length or 0) > UPLOAD_BYTES + 64 * 1024:
        return TOO_BIG
    reader = request.get(MULTIPART)
    part = await reader.next() if reader is not None else None
    if part is None or getattr(part, "name", None) != "book" or not part.filename:
        return NOT_A_BOOK
    size = 0
    with into.open("wb") as out:
        while chunk := await part.read_chunk(64 * 1024):
            size += len(chunk)
            if size > UPLOAD_BYTES:
                return TOO_BIG
            out.write(chunk)
    return None if size else NOT_A_BOOK


async def upload(request: web.Request) -> web.Response:
    runtime, account = request.app[CONSOLE].runtime, request[SESSION].account
    with tempfile.TemporaryDirectory(prefix="qingdan-upload-") as folder:
        path = Path(folder) / "book.xlsx"
        why = await _store_upload(request, path)
        if why is not None:
            return refusal(request, 413 if why == TOO_BIG else 400, why, ("/console/admin", "返回管理"))
        try:
            imported = await asyncio.to_thread(import_upload, runtime, account, path, _now(request))
        except Refused as r:
            return refusal(request, r.status, r.reason)
    if imported.left:
        await _tell_about_leavers(request, imported.left)
    return await admin_page(request, imported=imported)


async def _tell_about_leavers(request: web.Request, accounts: list[str]) -> None:
    """As after ``qingdan import``: each secretary told their leavers' unfinished items, once."""
    from schedules import leavers

    runtime, at = request.app[CONSOLE].runtime, _now(request)
    found = await asyncio.to_thread(leavers.find_in, runtime.engine, accounts, at, runtime.tz)
    if found:
        await leavers.tell(runtime.engine, runtime.sender, found, at, runtime.tz)


async def export(request: web.Request) -> web.Response:
    runtime, account, now = request.app[CONSOLE].runtime, request[SESSION].account, _now(request)
    raw = request.query.get("year", "")
    if raw and not (raw.isdigit() and len(raw) == 4):
        return refusal(request, 400, "年度应为四位数字，如2026。")
    try:
        data = await asyncio.to_thread(export_bytes, runtime, account, now, int(raw) if raw else None)
    except Refused as r:
        return refusal(request, r.status, r.reason)
    name = f"清单导出-{now:%Y%m%d}.xlsx"
    return web.Response(body=data, content_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"qingdan-{now:%Y%m%d}.xlsx\"; filename*=UTF-8''{quote(name)}"})


async def notice_preview(request: web.Request) -> web.Response:
    runtime, account = request.app[CONSOLE].runtime, request[SESSION].account
    form = await request.post()
    audience, body = str(form.get("audience", "")), str(form.get("body", "")).strip()
    try:
        text, notice_id = await asyncio.to_thread(preview_notice, runtime, account, audience, body, _now(request))
    except Refused as r:
        return refusal(request, r.status, r.reason)
    return await admin_page(request, notice={"text": text, "id": notice_id, "audience": audience, "body": body})


async def notice_confirm(request: web.Request) -> web.Response:
    runtime, account = request.app[CONSOLE].runtime, request[SESSION].account
    raw = str((await request.post()).get("notice", ""))
    if not raw.isdigit() or len(raw) > 12:
        return refusal(request, 400, "请求无效：没有要发送的通知。")
    try:
        reply, outbox = await asyncio.to_thread(send_draft, runtime, account, int(raw), _now(request))
    except Refused as r:
        return refusal(request, r.status, r.reason)
    reply = await deliver(runtime, outbox, reply)          # after the commit, as chat's 确认
    return await admin_page(request, notice={"text": reply, "id": None, "audience": "", "body": ""})


def add_routes(sub: web.Application) -> None:
    sub.router.add_get("/admin", admin_page)
    sub.router.add_post("/admin/upload", upload)
    sub.router.add_get("/admin/export", export)
    sub.router.add_post("/admin/notice", notice_preview)
    sub.router.add_post("/admin/notice/confirm", notice_confirm)

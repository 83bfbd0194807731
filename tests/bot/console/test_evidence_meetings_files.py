"""Issue 25, the rest of points 1 and 2, through real encrypted callbacks (the stand-in serving the
bytes of each MediaId) on both engines: photos after a 三会一课 report attach to that meeting record
(the calendar's 📎N, served to the unit's members and secretaries above, 403 to a sibling branch);
the last thing recorded decides between a meeting and an item; a file message that is no picture is
kept as it came, by its name, up to ``[evidence] file_mb``, and downloaded from the console."""
from __future__ import annotations

import asyncio
import secrets

import openpyxl
from sqlmodel import Session, select

from models.tables import Item, Meeting, Photo
from tests.handlers.test_photos import jpeg, photo
from tests.support import wecom as wf
from tests.support.cli import qingdan
from tests.support.config import write_config
from tests.support.console import fetch, log_in_as, page_text

PDF = b"%PDF-1.4\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 50 + b"%%EOF\n"


async def send_file(client, standin, account: str, data: bytes, filename: str) -> str:
    media_id = standin.state.add_media(data, "file", filename)
    return await wf.deliver(client, wf.file_xml(account, secrets.randbelow(10**9), media_id=media_id, filename=filename))


def _photos(engine) -> list[Photo]:
    with Session(engine) as s:
        return list(s.exec(select(Photo).order_by(Photo.id)))


def _meeting(engine) -> Meeting:
    with Session(engine) as s:
        return s.exec(select(Meeting)).one()


async def test_a_photo_after_a_meeting_report_attaches_to_the_meeting_and_the_calendar_shows_it(
        client, standin, engine, org):
    org.person("chenjing", "陈静", "b1")
    assert "已记录" in await wf.say(client, "liming", "今天召开支委会，应到7人实到6人，研究发展党员工作")
    reply = await photo(client, standin, "liming")
    assert "附到本单位11月20日支委会的会议记录" in reply and "共1份" in reply
    assert "共2份" in await photo(client, standin, "liming")          # the next goes to the same meeting
    meeting = _meeting(engine)
    first, second = _photos(engine)
    assert (first.meeting_id, first.item_id, second.meeting_id) == (meeting.id, None, meeting.id)
    await log_in_as(client, "liming")
    _, cal = await fetch(client, f"/console/meetings?unit={org.units['b1'].id}&year=2026")
    assert f'href="/console/meetings/{meeting.id}/photos"' in cal.decode() and "📎2" in cal.decode()
    _, page = await fetch(client, f"/console/meetings/{meeting.id}/photos")
    assert "研究发展党员工作" in page_text(page.decode()) and f'src="/console/photos/{first.id}/thumb"' in page.decode()
    resp, _ = await fetch(client, f"/console/photos/{first.id}")
    assert resp.content_type == "image/jpeg" and "Content-Disposition" not in resp.headers
    await log_in_as(client, "chenjing")                   # a member of the branch
    await fetch(client, f"/console/photos/{first.id}/thumb")
    await log_in_as(client, "sunli")                      # the sibling branch's secretary
    await fetch(client, f"/console/meetings/{meeting.id}/photos", 403)
    for path in (f"/console/photos/{first.id}", f"/console/photos/{first.id}/thumb"):
        resp, body = await fetch(client, path, 403)
        assert resp.content_type == "text/html"


async def test_undo_right_after_a_meeting_photo_deletes_the_photo_not_the_meeting(client, standin, engine):
    await wf.say(client, "liming", "今天召开支委会，研究发展党员工作")
    await photo(client, standin, "liming")
    assert "已撤回刚发的照片" in await wf.say(client, "liming", "撤回")
    assert _photos(engine) == [] and _meeting(engine).withdrawn_at is None
    assert "已撤回会议记录" in await wf.say(client, "liming", "撤回")      # the next 撤回: the meeting


async def test_the_last_thing_recorded_decides_between_a_meeting_and_an_item(client, standin, engine):
    await wf.say(client, "liming", "今天召开支委会，研究发展党员工作")
    assert "已记录" in await wf.say(client, "liming", "第3项完成了")     # the item after the meeting
    assert "附到第3项 [Z-2]" in await photo(client, standin, "liming")
    assert "附到本单位11月20日党课的会议记录" in (await wf.say(client, "liming", "今天上党课，主题学习党章")
                                                 and await photo(client, standin, "liming"))
    with Session(engine) as s:
        z2 = s.exec(select(Item).where(Item.code == "Z-2")).one()
    on_item, on_meeting = _photos(engine)
    assert on_item.item_id == z2.id and on_meeting.meeting_id is not None and on_meeting.item_id is None


async def test_a_photo_after_a_meeting_withdrawn_is_not_put_on_it(client, standin, engine):
    await wf.say(client, "liming", "今天召开支委会，研究发展党员工作")
    await wf.say(client, "liming", "撤回")
    assert "哪一项" in await photo(client, standin, "liming")
    assert all(p.meeting_id is None for p in _photos(engine))


async def test_a_pdf_file_is_kept_as_it_came_and_downloadable(client, standin, engine):
    assert "已记录" in await wf.say(client, "wangfang", "第3项完成了")
    reply = await send_file(client, standin, "wangfang", PDF, "活动记录 11月.pdf")
    assert "已将文件“活动记录 11月.pdf”作为佐证材料附到第3项 [P-3]" in reply
    [kept] = _photos(engine)
    assert (kept.filename, kept.content_type, kept.thumbnail, kept.image) == ("活动记录 11月.pdf", "application/pdf", None, PDF)
    assert "📎1" in next(line for line in (await wf.say(client, "wangfang", "我的清单")).splitlines() if "P-3" in line)
    await log_in_as(client, "wangfang")
    _, page = await fetch(client, f"/console/items/{kept.item_id}/photos")
    assert f'href="/console/photos/{kept.id}" download' in page.decode() and "活动记录 11月.pdf" in page.decode()
    resp, body = await fetch(client, f"/console/photos/{kept.id}")
    assert body == PDF and resp.content_type == "application/pdf"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition and '"' not in disposition.split('"')[1]
    assert resp.headers["Cache-Control"].startswith("private")
    await fetch(client, f"/console/photos/{kept.id}/thumb", 404)      # a file has no thumbnail


async def test_a_picture_sent_as_a_file_is_still_downscaled(client, standin, engine):
    await wf.say(client, "wangfang", "第1项完成50%")
    assert "附到第1项" in await send_file(client, standin, "wangfang", jpeg(), "现场.jpg")
    [kept] = _photos(engine)
    assert (kept.width, kept.height, kept.content_type, kept.filename) == (1600, 1200, "image/jpeg", "现场.jpg")
    assert kept.thumbnail


async def test_a_25_mb_file_is_refused_politely(client, standin, engine):
    await wf.say(client, "wangfang", "第3项完成了")
    reply = await send_file(client, standin, "wangfang", secrets.token_bytes(25 * 2**20), "录像.zip")
    assert "超过20MB" in reply and "未做任何记录" in reply
    assert _photos(engine) == []


def test_a_file_name_for_the_download_header_is_made_safe():
    from bot.console.routes.photos import safe_filename
    assert safe_filename('../../etc/pa"ss\r\nwd;x.pdf', 7) == "pa_ss_wd_x.pdf"
    assert safe_filename(None, 7) == "佐证材料7" and safe_filename("..", 8) == "佐证材料8"


async def test_the_export_counts_a_file_like_a_photo(client, standin, engine, db_url, tmp_path):
    await wf.say(client, "wangfang", "第3项完成了")
    await photo(client, standin, "wangfang")
    assert "文件“台账.pdf”" in await send_file(client, standin, "wangfang", PDF, "台账.pdf")
    config = write_config(tmp_path / "config.toml", db_url, standin.base_url)
    out = tmp_path / "out.xlsx"
    done = await asyncio.to_thread(qingdan, "export", str(out), config=config)
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(out)["项目清单"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["P-3"]["佐证材料"] == 2


async def test_a_photo_while_a_meeting_is_read_back_is_not_kept(client, standin, engine):
    await wf.say(client, "liming", "今天召开支委会，研究发展党员工作")
    assert "我理解为" in await wf.say(client, "liming", "周三召开党小组会，学习党章")
    assert "还未确认" in await photo(client, standin, "liming")
    assert _photos(engine) == []
    assert "已记录" in await wf.say(client, "liming", "确认")
    assert "党小组会的会议记录" in await photo(client, standin, "liming")

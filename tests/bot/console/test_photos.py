"""bot.console.routes.photos: a photo sent in chat (a real encrypted callback, the stand-in serving
the bytes of its MediaId) is on its item's page in the console, its bytes served as JPEG to exactly
those who may see the item — its owner, a secretary above — and to nobody else, on both engines."""
from __future__ import annotations

import io

from PIL import Image
from sqlmodel import Session, select

from models.tables import Item, Photo
from tests.handlers.test_photos import photo
from tests.support import wecom as wf
from tests.support.console import fetch, log_in_as, page_text


def _ids(engine, code: str) -> tuple[int, list[int]]:
    with Session(engine) as s:
        item = s.exec(select(Item).where(Item.code == code)).one()
        return item.id, list(s.exec(select(Photo.id).where(Photo.item_id == item.id).order_by(Photo.id)))


async def test_a_photo_sent_in_chat_is_on_its_items_page_with_its_bytes(client, standin, engine):
    assert "已记录" in await wf.say(client, "wangfang", "第3项完成了")
    assert "附到第3项 [P-3]" in await photo(client, standin, "wangfang")
    item_id, [photo_id] = _ids(engine, "P-3")
    await log_in_as(client, "wangfang")
    _, mine = await fetch(client, "/console/")
    assert f'href="/console/items/{item_id}/photos"' in mine.decode() and "📎1" in mine.decode()
    resp, page = await fetch(client, f"/console/items/{item_id}/photos")
    assert resp.headers["Cache-Control"] == "no-store" and "img-src 'self'" in resp.headers["Content-Security-Policy"]
    text = page_text(page.decode())
    assert "建设党员活动室" in text and "王芳" in text and "共1张照片" in text
    assert "对应记录：报进度：第3项完成了" in text and "1600×1200" in text
    assert f'src="/console/photos/{photo_id}/thumb"' in page.decode()
    resp, image = await fetch(client, f"/console/photos/{photo_id}")
    assert resp.content_type == "image/jpeg" and resp.headers["Cache-Control"].startswith("private")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(image)) as im:
        assert im.size == (1600, 1200)
    _, thumb = await fetch(client, f"/console/photos/{photo_id}/thumb")
    with Image.open(io.BytesIO(thumb)) as im:
        assert max(im.size) == 240
    # The branch secretary sees it too, and the board counts it.
    await log_in_as(client, "liming")
    await fetch(client, f"/console/photos/{photo_id}/thumb")
    _, board = await fetch(client, "/console/board")
    assert f'href="/console/items/{item_id}/photos"' in board.decode()


async def test_a_sibling_member_and_another_branchs_secretary_get_403(client, standin, engine, org):
    org.person("chenjing", "陈静", "b1")
    await wf.say(client, "wangfang", "第3项完成了")
    await photo(client, standin, "wangfang")
    item_id, [photo_id] = _ids(engine, "P-3")
    for account in ("chenjing", "sunli"):
        await log_in_as(client, account)
        _, page = await fetch(client, f"/console/items/{item_id}/photos", 403)
        assert "无权查看该事项的佐证材料" in page_text(page.decode()) and "建设党员活动室" not in page.decode()
        for path in (f"/console/photos/{photo_id}", f"/console/photos/{photo_id}/thumb"):
            resp, body = await fetch(client, path, 403)
            assert resp.content_type == "text/html" and b"\xff\xd8" not in body[:2]
    await fetch(client, "/console/items/999999/photos", 404)
    await fetch(client, "/console/photos/abc", 404)


async def test_a_photo_still_waiting_for_its_item_is_never_served(client, standin, engine):
    assert "哪一项" in await photo(client, standin, "wangfang")
    with Session(engine) as s:
        [waiting] = s.exec(select(Photo.id).where(Photo.item_id.is_(None))).all()
    await log_in_as(client, "wangfang")
    await fetch(client, f"/console/photos/{waiting}", 404)
    await fetch(client, f"/console/photos/{waiting}/thumb", 404)
    assert "📎" not in (await fetch(client, "/console/"))[1].decode()


async def test_without_a_login_no_bytes_are_served(client, standin, engine):
    await wf.say(client, "wangfang", "第3项完成了")
    await photo(client, standin, "wangfang")
    _, [photo_id] = _ids(engine, "P-3")
    resp = await client.get(f"/console/photos/{photo_id}", allow_redirects=False)
    assert resp.status == 302 and resp.content_type != "image/jpeg"

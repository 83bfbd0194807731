"""handlers.photos: evidence photos through real encrypted callbacks, the stand-in serving the bytes
of each MediaId (media/get), on both engines."""
from __future__ import annotations

import asyncio
import io
import secrets
from datetime import timedelta

import openpyxl
from PIL import Image
from sqlmodel import Session, select

from models.photos import drop_stale_photos, photo_bytes, photos_of
from models.tables import Item, Member, Photo, ProgressUpdate
from tests.support import wecom as wf
from tests.support.cli import qingdan
from tests.support.clock import NOW
from tests.support.config import write_config


def jpeg(width: int = 3200, height: int = 2400, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


async def photo(client, standin, account: str, data: bytes | None = None, kind: str = "image") -> str:
    media_id = standin.state.add_media(data if data is not None else jpeg(color=f"#{secrets.token_hex(3)}"), kind)
    xml = wf.image_xml(account, secrets.randbelow(10**9), media_id=media_id) if kind == "image" else \
        wf.file_xml(account, secrets.randbelow(10**9), media_id=media_id)
    return await wf.deliver(client, xml)


def photos(engine, account: str = "wangfang") -> list[tuple[str | None, Photo]]:
    with Session(engine) as s:
        rows = s.exec(select(Photo, Item.code).join(Item, Photo.item_id == Item.id, isouter=True)
                      .join(Member, Photo.member_id == Member.id).where(Member.account == account)
                      .order_by(Photo.id)).all()
        return [(code, p) for p, code in rows]


async def test_a_photo_after_an_update_goes_to_that_item_downscaled(client, standin, engine):
    assert "已记录" in await wf.say(client, "wangfang", "第3项完成了")
    reply = await photo(client, standin, "wangfang")
    assert "附到第3项 [P-3]" in reply and "共1张" in reply
    assert standin.state.media_gets == 1
    [(code, p)] = photos(engine)
    assert code == "P-3" and (p.width, p.height) == (1600, 1200) and p.update_id is not None
    with Image.open(io.BytesIO(p.thumbnail)) as thumb:
        assert max(thumb.size) == 240
    with Session(engine) as s:      # a photo is not a progress change
        assert len(s.exec(select(ProgressUpdate)).all()) == 1
    # The next photo goes to the same item without asking; "我的清单" counts them.
    assert "共2张" in await photo(client, standin, "wangfang")
    assert "📎2" in next(line for line in (await wf.say(client, "wangfang", "我的清单")).splitlines() if "P-3" in line)


async def test_a_photo_with_nothing_in_mind_asks_then_goes_to_the_item_named(client, standin, engine):
    asked = await photo(client, standin, "wangfang")
    assert "哪一项" in asked and "暂未保存" in asked
    assert "已收到2张照片" in await photo(client, standin, "wangfang")
    reply = await wf.say(client, "wangfang", "第2项")
    assert "已将2张照片作为佐证材料附到第2项 [P-2]" in reply
    assert [code for code, _ in photos(engine)] == ["P-2", "P-2"]


async def test_cancel_while_asked_keeps_nothing(client, standin, engine):
    await photo(client, standin, "wangfang")
    assert "1张照片未保存" in await wf.say(client, "wangfang", "取消")
    assert photos(engine) == []


async def test_a_20_mb_image_is_refused_politely(client, standin, engine):
    reply = await photo(client, standin, "wangfang", data=secrets.token_bytes(20 * 2**20))
    assert "超过10MB" in reply and "未做任何记录" in reply
    assert photos(engine) == []


async def test_an_expired_media_id_is_told(client, standin, engine):
    media_id = standin.state.add_media(jpeg())
    standin.state.media[media_id].created_at -= 3 * 86400
    reply = await wf.deliver(client, wf.image_xml("wangfang", secrets.randbelow(10**9), media_id=media_id))
    assert "超过3天" in reply and photos(engine) == []


async def test_not_a_picture_is_refused(client, standin, engine):
    assert "不是可以识别的图片" in await photo(client, standin, "wangfang", data=b"%PDF-1.4 not a picture")
    assert photos(engine) == []


async def test_a_picture_sent_as_a_file_is_kept_like_a_photo(client, standin, engine):
    await wf.say(client, "wangfang", "第1项完成50%")
    assert "附到第1项" in await photo(client, standin, "wangfang", data=jpeg(), kind="file")
    assert [code for code, _ in photos(engine)] == ["P-1"]


async def test_the_same_photo_twice_is_kept_once(client, standin, engine):
    await wf.say(client, "wangfang", "第3项完成了")
    data = jpeg()
    await photo(client, standin, "wangfang", data=data)
    assert "未重复保存" in await photo(client, standin, "wangfang", data=data)
    assert len(photos(engine)) == 1


async def test_undo_right_after_a_photo_deletes_the_photo_not_the_update(client, standin, engine):
    await wf.say(client, "wangfang", "第3项完成了")
    await photo(client, standin, "wangfang")
    assert "已撤回刚发的照片" in await wf.say(client, "wangfang", "撤回")
    assert photos(engine) == []
    with Session(engine) as s:
        assert s.exec(select(Item).where(Item.code == "P-3")).one().status == "done"
    assert "已撤回上一条记录" in await wf.say(client, "wangfang", "撤回")     # then the update itself


async def test_a_member_with_no_items_is_told_the_photo_is_kept_nowhere(client, standin, engine):
    reply = await photo(client, standin, "zhaolei")
    assert "无处可附" in reply and photos(engine, "zhaolei") == []


async def test_the_close_off_request_counts_the_photos(client, standin, engine):
    await photo(client, standin, "wangfang")
    reply = await wf.say(client, "wangfang", "Z-1已整改到位")
    assert "附到第4项 [Z-1]" in reply
    for _ in range(100):
        asked = [m.content for m in standin.state.sent if "【整改待销号】" in m.content]
        if asked:
            break
        await asyncio.sleep(0.05)
    assert "佐证材料：1张照片" in asked[0]
    [(code, p)] = photos(engine)
    assert code == "Z-1" and p.update_id is not None


async def test_the_close_off_request_links_to_the_console_when_it_has_an_address(client, standin, runtime, engine):
    runtime.config.web.base_url = "https://qingdan.example.cn"
    await wf.say(client, "wangfang", "Z-1已整改到位")
    for _ in range(100):
        asked = [m for m in standin.state.sent if "【整改待销号】" in m.content]
        if asked:
            break
        await asyncio.sleep(0.05)
    with Session(engine) as s:
        z1 = s.exec(select(Item).where(Item.code == "Z-1")).one().id
    line = asked[0].raw["template_card"]["horizontal_content_list"][-1]     # the card: its line opens the page
    assert line == {"keyname": "佐证材料", "value": "暂无照片", "type": 1,
                    "url": f"https://qingdan.example.cn/console/items/{z1}/photos"}


async def test_the_export_lists_each_items_photos_and_links(client, standin, engine, db_url, tmp_path):
    await wf.say(client, "wangfang", "第3项完成了")
    await photo(client, standin, "wangfang")
    await photo(client, standin, "wangfang")
    config = write_config(tmp_path / "config.toml", db_url, standin.base_url,
                          extra='[web]\nbase_url = "https://qingdan.example.cn/"\n')
    out = tmp_path / "out.xlsx"
    done = await asyncio.to_thread(qingdan, "export", str(out), config=config)
    assert done.returncode == 0, done.stderr
    ws = openpyxl.load_workbook(out)["项目清单"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)}
    with Session(engine) as s:
        p3 = s.exec(select(Item).where(Item.code == "P-3")).one().id
    assert (rows["P-3"]["佐证材料"], rows["P-3"]["佐证链接"]) == (2, f"https://qingdan.example.cn/console/items/{p3}/photos")
    assert (rows["P-1"]["佐证材料"], rows["P-1"]["佐证链接"]) == (0, None)


async def test_a_slow_download_answers_the_callback_at_once_and_the_reply_follows(client, standin, runtime, engine):
    runtime.config.server.reply_timeout = 0.3
    await wf.say(client, "wangfang", "第3项完成了")
    standin.state.media_delay = 1.0
    assert await photo(client, standin, "wangfang") == ""            # the callback is not kept waiting
    for _ in range(100):
        late = [m.content for m in standin.state.to("wangfang") if "佐证材料" in m.content]
        if late:
            break
        await asyncio.sleep(0.05)
    assert len(late) == 1 and "附到第3项" in late[0]
    assert [code for code, _ in photos(engine)] == ["P-3"]


async def test_a_download_past_its_time_is_told_and_keeps_nothing(client, standin, runtime, engine):
    runtime.config.evidence.download_seconds = 1
    standin.state.media_delay = 3.0
    assert "下载超过1秒仍未完成" in await photo(client, standin, "wangfang")
    assert photos(engine) == []


async def test_photos_never_attached_are_deleted_after_the_wait(client, standin, engine):
    await photo(client, standin, "wangfang")
    assert len(photos(engine)) == 1
    assert drop_stale_photos(engine, NOW + timedelta(hours=1)) == 0
    assert drop_stale_photos(engine, NOW + timedelta(hours=3)) == 1
    assert photos(engine) == []


async def test_the_console_reads_an_items_photos_and_their_bytes(client, standin, engine):
    await wf.say(client, "wangfang", "第3项完成了")
    await photo(client, standin, "wangfang")
    [(_, kept)] = photos(engine)
    with Session(engine) as s:
        [view] = photos_of(s, kept.item_id)
        assert (view.id, view.width, view.height, view.update_id) == (kept.id, 1600, 1200, kept.update_id)
        assert view.received_at.tzinfo is not None
        with Image.open(io.BytesIO(photo_bytes(s, kept.id))) as full, \
                Image.open(io.BytesIO(photo_bytes(s, kept.id, thumbnail=True))) as thumb:
            assert (full.format, full.size, thumb.size) == ("JPEG", (1600, 1200), (240, 180))
        assert photo_bytes(s, kept.id + 1000) is None
    await photo(client, standin, "zhouqiang")       # waiting for its item: not served
    [(_, waiting)] = photos(engine, "zhouqiang")
    with Session(engine) as s:
        assert photo_bytes(s, waiting.id) is None


async def test_help_tells_how_to_send_a_photo(client):
    assert "发照片" in await wf.say(client, "wangfang", "帮助")
    assert "发照片" in await wf.say(client, "zhouqiang", "帮助")      # one item


async def test_the_close_off_request_as_text_counts_and_links(client, standin, runtime, engine):
    runtime.config.wecom.cards = False
    runtime.config.web.base_url = "https://qingdan.example.cn"
    await photo(client, standin, "wangfang")
    await wf.say(client, "wangfang", "Z-1已整改到位")
    for _ in range(100):
        asked = [m.content for m in standin.state.sent if "【整改待销号】" in m.content]
        if asked:
            break
        await asyncio.sleep(0.05)
    with Session(engine) as s:
        z1 = s.exec(select(Item).where(Item.code == "Z-1")).one().id
    assert f"佐证材料：1张照片（查看：https://qingdan.example.cn/console/items/{z1}/photos）" in asked[0]


async def test_a_photo_never_drops_a_question_the_bot_waits_on(client, standin, engine):
    assert "哪一项" in await wf.say(client, "wangfang", "已经完成了")      # the update kept for "哪一项？"
    reply = await photo(client, standin, "wangfang")
    assert "上一个问题未回复" in reply and "照片未保存" in reply and photos(engine) == []
    assert "已记录" in await wf.say(client, "wangfang", "第2项")            # the update still waits: applied

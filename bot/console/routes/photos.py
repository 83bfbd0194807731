"""Evidence photos (佐证材料) in the console: ``/console/items/{id}/photos`` lists an item's photos
(``models.photos.photos_of``: thumbnails linking to the downscaled image; who sent each, when, and
the update it backs), and ``/console/photos/{id}`` / ``/console/photos/{id}/thumb`` serve a photo's
JPEG (``models.photos.photo_bytes``; a photo still waiting for its item is never served).

Who may see them is checked on the server exactly as a person's list is (``item_scope``): the
item's owner, or whoever may see the item's unit (a secretary of it or above, an administrator);
anyone else is refused with 403, an item or photo that does not exist with 404.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlmodel import Session, select

from bot.console import CONSOLE, SESSION
from bot.console.board import Refused
from bot.console.items import ACTION_ZH
from bot.console.routes.pages import _dates, page, refusal
from bot.statuses import kind_zh
from bot.texts import LEFT_THE_ROLLS, moment
from models.db import read_only_session
from models.lookups import member_by_account
from models.organisation import Tree
from models.photos import photo_bytes, photos_of
from models.tables import Item, Member, Photo, ProgressUpdate, UpdateAction

CACHE = "private, max-age=86400"        # a photo never changes: the browser may keep it, no shared cache


@dataclass
class Shown:
    id: int
    who: str
    when: str
    backs: str            # "报进度：第3项完成了" or ""
    width: int
    height: int


def _id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 12:
        raise Refused(404, "没有找到这个页面。")
    return int(raw)


def item_scope(session: Session, viewer: Member, item_id: int) -> Item:
    """The item, when ``viewer`` may see it: its owner, or one whose units include its unit."""
    item = session.get(Item, item_id)
    if item is None:
        raise Refused(404, "没有这个事项。")
    if item.owner_id != viewer.id and item.unit_id not in Tree.load(session).units_of(viewer):
        raise Refused(403, "无权查看该事项的佐证材料。您可以在“我的清单”查看本人事项的照片。")
    return item


def _shown(session: Session, item: Item, tz) -> list[Shown]:
    photos = photos_of(session, item.id)
    people = {p.member_id for p in photos}
    names = dict(session.connection().execute(select(Member.id, Member.name).where(Member.id.in_(people))).all()) \
        if people else {}
    updates = {p.update_id for p in photos if p.update_id is not None}
    backs = {u.id: f"{ACTION_ZH.get(UpdateAction(u.action), u.action)}：{u.words}"
             for u in session.exec(select(ProgressUpdate).where(ProgressUpdate.id.in_(updates)))} if updates else {}
    return [Shown(p.id, names.get(p.member_id, ""), f"{p.received_at.astimezone(tz).year}年{moment(p.received_at, tz)}",
                  backs.get(p.update_id, ""), p.width, p.height) for p in photos]


async def item_photos(request: web.Request) -> web.Response:
    raw = request.match_info["item_id"]

    def build(session: Session, viewer: Member, now: datetime) -> tuple[str, dict]:
        item = item_scope(session, viewer, _id(raw))
        owner = session.get(Member, item.owner_id)
        return "photos.html", {"title": f"[{item.code}] 佐证材料", "item": item, "kind": kind_zh(item.kind),
                               "owner": owner.name if owner else "", "photos": _shown(session, item, now.tzinfo),
                               **_dates(now)}

    return await page(request, build)


async def _serve(request: web.Request, thumbnail: bool) -> web.Response:
    console = request.app[CONSOLE]
    account, raw = request[SESSION].account, request.match_info["photo_id"]

    def work() -> bytes | Refused:
        with read_only_session(console.runtime.engine) as session:
            viewer = member_by_account(session, account)
            if viewer is None or not viewer.active:
                return Refused(403, LEFT_THE_ROLLS)
            try:
                photo_id = _id(raw)
                item_id = session.exec(select(Photo.item_id).where(Photo.id == photo_id)).first()
                if item_id is None:         # no such photo, or one still waiting for its item
                    raise Refused(404, "没有这张照片。")
                item_scope(session, viewer, item_id)
            except Refused as r:
                return r
            return photo_bytes(session, photo_id, thumbnail=thumbnail) or Refused(404, "没有这张照片。")

    found = await asyncio.to_thread(work)
    if isinstance(found, Refused):
        return refusal(request, found.status, found.reason)
    return web.Response(body=found, content_type="image/jpeg", headers={"Cache-Control": CACHE})


async def photo(request: web.Request) -> web.Response:
    return await _serve(request, thumbnail=False)


async def thumb(request: web.Request) -> web.Response:
    return await _serve(request, thumbnail=True)


def add_routes(sub: web.Application) -> None:
    sub.router.add_get("/items/{item_id}/photos", item_photos)
    sub.router.add_get("/photos/{photo_id}", photo)
    sub.router.add_get("/photos/{photo_id}/thumb", thumb)

"""Evidence photos (佐证材料) in the console: ``/console/items/{id}/photos`` lists an item's photos
(``models.photos.photos_of``: thumbnails linking to the downscaled image; who sent each, when, and
the update it backs), and ``/console/photos/{id}`` / ``/console/photos/{id}/thumb`` serve a photo's
JPEG (``models.photos.photo_bytes``; a photo still waiting for its item is never served).

A 三会一课 record's photos are at ``/console/meetings/{id}/photos`` (linked from the calendar's
📎N). A file kept as it came (no picture) is listed by its name and served as a download
(``Content-Disposition: attachment`` with a safe name), with no thumbnail.

Who may see them is checked on the server exactly as a person's list is (``item_scope``): the
item's owner, or whoever may see the item's unit (a secretary of it or above, an administrator);
a meeting's (``meeting_scope``): the members of its unit and whoever may see that unit. Anyone else
is refused with 403, an item, meeting or photo that does not exist with 404.
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

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
from models.tables import Item, Meeting, Member, Photo, ProgressUpdate, UpdateAction

CACHE = "private, max-age=86400"        # a photo never changes: the browser may keep it, no shared cache


@dataclass
class Shown:
    id: int
    who: str
    when: str
    backs: str            # "报进度：第3项完成了" or ""
    width: int
    height: int
    filename: str | None = None       # a file kept as it came: shown as a download by this name
    is_file: bool = False


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


def meeting_scope(session: Session, viewer: Member, meeting_id: int) -> Meeting:
    """The meeting record, when ``viewer`` may see it: a member of its unit, or one whose units include it."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.withdrawn_at is not None:
        raise Refused(404, "没有这条会议记录。")
    if viewer.unit_id != meeting.unit_id and meeting.unit_id not in Tree.load(session).units_of(viewer):
        raise Refused(403, "无权查看该单位会议记录的佐证材料。")
    return meeting


def _shown(session: Session, item: Item | None, tz, meeting: Meeting | None = None) -> list[Shown]:
    photos = photos_of(session, item.id) if item is not None else photos_of(session, meeting_id=meeting.id)
    people = {p.member_id for p in photos}
    names = dict(session.connection().execute(select(Member.id, Member.name).where(Member.id.in_(people))).all()) \
        if people else {}
    updates = {p.update_id for p in photos if p.update_id is not None}
    backs = {u.id: f"{ACTION_ZH.get(UpdateAction(u.action), u.action)}：{u.words}"
             for u in session.exec(select(ProgressUpdate).where(ProgressUpdate.id.in_(updates)))} if updates else {}
    return [Shown(p.id, names.get(p.member_id, ""), f"{p.received_at.astimezone(tz).year}年{moment(p.received_at, tz)}",
                  backs.get(p.update_id, ""), p.width, p.height, p.filename, p.is_file) for p in photos]


async def item_photos(request: web.Request) -> web.Response:
    raw = request.match_info["item_id"]

    def build(session: Session, viewer: Member, now: datetime) -> tuple[str, dict]:
        item = item_scope(session, viewer, _id(raw))
        owner = session.get(Member, item.owner_id)
        return "photos.html", {"title": f"[{item.code}] 佐证材料", "item": item, "kind": kind_zh(item.kind),
                               "owner": owner.name if owner else "", "photos": _shown(session, item, now.tzinfo),
                               "meeting": None, **_dates(now)}

    return await page(request, build)


async def meeting_photos(request: web.Request) -> web.Response:
    raw = request.match_info["meeting_id"]

    def build(session: Session, viewer: Member, now: datetime) -> tuple[str, dict]:
        meeting = meeting_scope(session, viewer, _id(raw))
        unit = Tree.load(session).name(meeting.unit_id)
        held = f"{meeting.held_on.year}年{meeting.held_on.month}月{meeting.held_on.day}日"
        return "photos.html", {"title": f"{unit} {held}{meeting.kind} 佐证材料", "meeting": meeting,
                               "unit": unit, "held": held, "photos": _shown(session, None, now.tzinfo, meeting),
                               **_dates(now)}

    return await page(request, build)


def safe_filename(name: str | None, photo_id: int) -> str:
    """A file's name fit for a download header: no path, no control characters or quotes."""
    name = re.sub(r'[\x00-\x1f\x7f"\\/:*?<>|;]+', "_", (name or "").rsplit("/", 1)[-1]).strip(" ._")
    return name[:120] or f"佐证材料{photo_id}"


def _headers(photo_id: int, content_type: str, filename: str | None, width: int) -> dict[str, str]:
    headers = {"Cache-Control": CACHE}
    if width and content_type == "image/jpeg":
        return headers
    name = safe_filename(filename, photo_id)
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
    headers["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return headers


def _check(session: Session, viewer: Member, photo_id: int) -> tuple[str, str | None, int]:
    """The photo's content type, file name and width, when ``viewer`` may see it."""
    row = session.exec(select(Photo.item_id, Photo.meeting_id, Photo.content_type, Photo.filename, Photo.width)
                       .where(Photo.id == photo_id)).first()
    if row is None or (row[0] is None and row[1] is None):   # no such photo, or one still waiting for its item
        raise Refused(404, "没有这张照片。")
    if row[1] is not None:
        meeting_scope(session, viewer, row[1])
    else:
        item_scope(session, viewer, row[0])
    return row[2], row[3], row[4]


async def _serve(request: web.Request, thumbnail: bool) -> web.Response:
    console = request.app[CONSOLE]
    account, raw = request[SESSION].account, request.match_info["photo_id"]

    def work() -> tuple[bytes, str, dict] | Refused:
        with read_only_session(console.runtime.engine) as session:
            viewer = member_by_account(session, account)
            if viewer is None or not viewer.active:
                return Refused(403, LEFT_THE_ROLLS)
            try:
                photo_id = _id(raw)
                content_type, filename, width = _check(session, viewer, photo_id)
            except Refused as r:
                return r
            data = photo_bytes(session, photo_id, thumbnail=thumbnail)
            if not data:                    # none, or a file's thumbnail
                return Refused(404, "没有这张照片。")
            kind = "image/jpeg" if thumbnail else content_type
            return data, kind, _headers(photo_id, kind, filename, width or int(thumbnail))

    found = await asyncio.to_thread(work)
    if isinstance(found, Refused):
        return refusal(request, found.status, found.reason)
    body, content_type, headers = found
    return web.Response(body=body, content_type=content_type, headers=headers)


async def photo(request: web.Request) -> web.Response:
    return await _serve(request, thumbnail=False)


async def thumb(request: web.Request) -> web.Response:
    return await _serve(request, thumbnail=True)


def add_routes(sub: web.Application) -> None:
    sub.router.add_get("/items/{item_id}/photos", item_photos)
    sub.router.add_get("/meetings/{meeting_id}/photos", meeting_photos)
    sub.router.add_get("/photos/{photo_id}", photo)
    sub.router.add_get("/photos/{photo_id}/thumb", thumb)

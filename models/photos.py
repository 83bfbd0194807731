"""Evidence photos (佐证材料) on items: kept, attached, counted, listed, read, taken back.

A photo is kept only on an item of its sender's (or, while the bot asks which item it is for, with
no item, for at most ``PENDING``: it is deleted then, so a photo with no item to go to is kept
nowhere). A photo is not a progress change: no item's state moves, and no month's report counts it.
It backs the sender's last update of the item within the attach limit (``update_id``), when there is
one. The console reads photos through ``photos_of`` and ``photo_bytes``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.db import session_scope, write_turn
from models.rows import insert_values
from models.tables import Item, Member, Photo, ProgressUpdate

PENDING = timedelta(hours=2)        # a photo waiting for its item is kept this long (Waiting.PHOTO_ITEM)
UNDO_WINDOW = timedelta(hours=24)   # as a reply's 撤回 (models.corrections)


@dataclass(frozen=True)
class PhotoView:
    """What a list of photos shows: no bytes (``photo_bytes`` gives them, one photo at a time)."""

    id: int
    item_id: int | None
    update_id: int | None
    member_id: int
    received_at: datetime
    width: int
    height: int


_VIEW = (Photo.id, Photo.item_id, Photo.update_id, Photo.member_id, Photo.received_at, Photo.width, Photo.height)


def keep(session: Session, member: Member, item: Item | None, at: datetime, received, media_id: str,
         kind: str, since: datetime | None = None) -> int | None:
    """Keep ``received`` (``bot.evidence.Received``) from ``member`` on ``item`` (None: pending); its
    id, or None when the same photo is already on that item (or pending). ``since``: the update it
    backs is the member's last one of the item at or after this time."""
    same = select(Photo.id).where(Photo.member_id == member.id, Photo.sha256 == received.sha256,
                                  Photo.item_id == item.id if item is not None else Photo.item_id.is_(None))
    if session.exec(same).first() is not None:
        return None
    return insert_values(session, Photo, item_id=item.id if item is not None else None,
                         update_id=_backed_update(session, member, item, since), member_id=member.id,
                         received_at=at, media_id=media_id, kind=kind, width=received.width,
                         height=received.height, sha256=received.sha256, image=received.image,
                         thumbnail=received.thumbnail)


def _backed_update(session: Session, member: Member, item: Item | None, since: datetime | None) -> int | None:
    if item is None or since is None:
        return None
    return session.exec(select(ProgressUpdate.id).where(
        ProgressUpdate.item_id == item.id, ProgressUpdate.member_id == member.id, ProgressUpdate.at >= since,
        ProgressUpdate.undone_at.is_(None)).order_by(ProgressUpdate.id.desc())).first()


def pending_count(session: Session, member: Member) -> int:
    return session.exec(select(func.count()).select_from(Photo).where(
        Photo.member_id == member.id, Photo.item_id.is_(None))).one()


def attach_pending(session: Session, member: Member, item: Item) -> list[int]:
    """The member's photos waiting for their item put on ``item``; their ids."""
    ids = list(session.exec(select(Photo.id).where(Photo.member_id == member.id, Photo.item_id.is_(None))))
    if ids:
        session.connection().execute(update(Photo).where(Photo.id.in_(ids)).values(item_id=item.id))
    return ids


def back_update(session: Session, member: Member, item: Item, photo_ids: list[int], since: datetime) -> None:
    """``photo_ids`` (on ``item``) back the member's update of it made at or after ``since``, if any."""
    update_id = _backed_update(session, member, item, since)
    if photo_ids and update_id is not None:
        session.connection().execute(update(Photo).where(Photo.id.in_(photo_ids)).values(update_id=update_id))


def drop_pending(session: Session, member: Member | None, at: datetime) -> int:
    """Delete photos with no item: ``member``'s all, and everybody's older than ``PENDING``."""
    stale = Photo.received_at < at - PENDING
    where = stale if member is None else (Photo.member_id == member.id) | stale
    return session.connection().execute(delete(Photo).where(Photo.item_id.is_(None), where)).rowcount


def drop_stale_photos(engine: Engine, at: datetime) -> int:
    """Every photo still waiting for its item past ``PENDING``, deleted (each scheduled run)."""
    with write_turn(engine), session_scope(engine) as session:
        return drop_pending(session, None, at)


def last_undoable(session: Session, member: Member, at: datetime) -> PhotoView | None:
    """The photo a 撤回 from ``member`` takes back: their last photo, received within the undo window
    and after their last update that stands (撤回 takes back the last write: a reply after the photo
    is what it undoes)."""
    last_update = session.exec(select(func.max(ProgressUpdate.at)).where(
        ProgressUpdate.member_id == member.id, ProgressUpdate.undone_at.is_(None))).one()
    q = select(*_VIEW).where(Photo.member_id == member.id, Photo.received_at >= at - UNDO_WINDOW)
    if last_update is not None:
        q = q.where(Photo.received_at > last_update)
    row = session.exec(q.order_by(Photo.id.desc())).first()
    return PhotoView(*row) if row is not None else None


def take_back(session: Session, photo: PhotoView) -> None:
    """Delete ``photo`` (撤回 by its sender)."""
    session.connection().execute(delete(Photo).where(Photo.id == photo.id))


def counts(session: Session, item_ids: Iterable[int] | None) -> dict[int, int]:
    """item id → how many photos it has (items with none left out); ``None``: every item's (the
    export: no list of ids as long as the book)."""
    q = select(Photo.item_id, func.count()).where(Photo.item_id.is_not(None)).group_by(Photo.item_id)
    if item_ids is not None:
        ids = list(set(item_ids))
        if not ids:
            return {}
        q = q.where(Photo.item_id.in_(ids))
    return dict(session.exec(q).all())


def item_photos_url(base_url: str, item_id: int) -> str:
    """Where the console shows an item's photos, under ``[web] base_url`` ("" when it is not set)."""
    return f"{base_url}/console/items/{item_id}/photos" if base_url else ""


def evidence_line(session: Session, item: Item, base_url: str) -> str:
    """"佐证材料：2张照片（查看：…）" — what a close-off request says of the item's photos."""
    n, url = counts(session, [item.id]).get(item.id, 0), item_photos_url(base_url, item.id)
    if not n:
        return "佐证材料：暂无照片" + (f"（之后补发的照片见：{url}）。" if url else "。")
    return f"佐证材料：{n}张照片" + (f"（查看：{url}）。" if url else "（可在管理台查看）。")


def photos_of(session: Session, item_id: int) -> list[PhotoView]:
    """An item's photos, oldest first (for the console's page of an item)."""
    return [PhotoView(*row) for row in session.exec(select(*_VIEW).where(Photo.item_id == item_id).order_by(Photo.id))]


def photo_bytes(session: Session, photo_id: int, thumbnail: bool = False) -> bytes | None:
    """A photo's JPEG (the downscaled copy, or its thumbnail); None when there is no such photo."""
    column = Photo.thumbnail if thumbnail else Photo.image
    return session.exec(select(column).where(Photo.id == photo_id, Photo.item_id.is_not(None))).first()

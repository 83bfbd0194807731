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
from models.tables import Item, Meeting, Member, Photo, ProgressUpdate

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
    meeting_id: int | None = None
    filename: str | None = None
    content_type: str = "image/jpeg"

    @property
    def is_file(self) -> bool:
        """A file kept as it came (no picture, no thumbnail)."""
        return not self.content_type.startswith("image/jpeg") or not self.width


_VIEW = (Photo.id, Photo.item_id, Photo.update_id, Photo.member_id, Photo.received_at, Photo.width, Photo.height,
         Photo.meeting_id, Photo.filename, Photo.content_type)
_PENDING = Photo.item_id.is_(None) & Photo.meeting_id.is_(None)     # waiting for the item it is for


def _on(item: Item | None, meeting: Meeting | None):
    if meeting is not None:
        return Photo.meeting_id == meeting.id
    return Photo.item_id == item.id if item is not None else _PENDING


def keep(session: Session, member: Member, item: Item | None, at: datetime, received, media_id: str,
         kind: str, since: datetime | None = None, meeting: Meeting | None = None) -> int | None:
    """Keep ``received`` (``bot.evidence.Received``) from ``member`` on ``item`` or ``meeting``
    (neither: pending); its id, or None when the same photo is already there. ``since``: the update
    it backs is the member's last one of the item at or after this time."""
    same = select(Photo.id).where(Photo.member_id == member.id, Photo.sha256 == received.sha256, _on(item, meeting))
    if session.exec(same).first() is not None:
        return None
    return insert_values(session, Photo, item_id=item.id if item is not None else None,
                         meeting_id=meeting.id if meeting is not None else None,
                         update_id=_backed_update(session, member, item, since), member_id=member.id,
                         received_at=at, media_id=media_id, kind=kind, width=received.width,
                         height=received.height, sha256=received.sha256, image=received.image,
                         thumbnail=received.thumbnail or None, filename=received.filename,
                         content_type=received.content_type)


def meeting_in_mind(session: Session, member: Member, at: datetime, window: timedelta) -> tuple[Meeting, datetime] | None:
    """The 三会一课 record the bot last spoke about with ``member`` within ``window``, and when: their
    last standing record, reported — or last given a photo by them — since ``at - window``."""
    meeting = session.exec(select(Meeting).where(Meeting.reported_by == member.id, Meeting.withdrawn_at.is_(None))
                           .order_by(Meeting.reported_at.desc(), Meeting.id.desc())).first()
    if meeting is None:
        return None
    last_photo = session.exec(select(func.max(Photo.received_at)).where(
        Photo.meeting_id == meeting.id, Photo.member_id == member.id)).one()
    spoken = max(t for t in (meeting.reported_at, last_photo) if t is not None)
    return (meeting, spoken) if at - spoken <= window else None


def _backed_update(session: Session, member: Member, item: Item | None, since: datetime | None) -> int | None:
    if item is None or since is None:
        return None
    return session.exec(select(ProgressUpdate.id).where(
        ProgressUpdate.item_id == item.id, ProgressUpdate.member_id == member.id, ProgressUpdate.at >= since,
        ProgressUpdate.undone_at.is_(None)).order_by(ProgressUpdate.id.desc())).first()


def pending_count(session: Session, member: Member) -> int:
    return session.exec(select(func.count()).select_from(Photo).where(
        Photo.member_id == member.id, _PENDING)).one()


def attach_pending(session: Session, member: Member, item: Item) -> list[int]:
    """The member's photos waiting for their item put on ``item``; their ids."""
    ids = list(session.exec(select(Photo.id).where(Photo.member_id == member.id, _PENDING)))
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
    return session.connection().execute(delete(Photo).where(_PENDING, where)).rowcount


def drop_stale_photos(engine: Engine, at: datetime) -> int:
    """Every photo still waiting for its item past ``PENDING``, deleted (each scheduled run)."""
    with write_turn(engine), session_scope(engine) as session:
        return drop_pending(session, None, at)


def last_undoable(session: Session, member: Member, at: datetime) -> PhotoView | None:
    """The photo a 撤回 from ``member`` takes back: their last photo, received within the undo window
    and after their last update or 三会一课 record that stands (撤回 takes back the last write: a reply
    after the photo is what it undoes)."""
    last_update = session.exec(select(func.max(ProgressUpdate.at)).where(
        ProgressUpdate.member_id == member.id, ProgressUpdate.undone_at.is_(None))).one()
    last_meeting = session.exec(select(func.max(Meeting.reported_at)).where(
        Meeting.reported_by == member.id, Meeting.withdrawn_at.is_(None))).one()
    last_update = max((t for t in (last_update, last_meeting) if t is not None), default=None)
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


def meeting_counts(session: Session, meeting_ids: Iterable[int]) -> dict[int, int]:
    """meeting id → how many photos (and files) it has (meetings with none left out)."""
    ids = list(set(meeting_ids))
    if not ids:
        return {}
    return dict(session.exec(select(Photo.meeting_id, func.count()).where(Photo.meeting_id.in_(ids))
                             .group_by(Photo.meeting_id)).all())


def photos_of(session: Session, item_id: int | None = None, meeting_id: int | None = None) -> list[PhotoView]:
    """An item's (or a meeting's) photos, oldest first (for the console's page of one)."""
    on = Photo.meeting_id == meeting_id if meeting_id is not None else Photo.item_id == item_id
    return [PhotoView(*row) for row in session.exec(select(*_VIEW).where(on).order_by(Photo.id))]


def photo_bytes(session: Session, photo_id: int, thumbnail: bool = False) -> bytes | None:
    """A photo's JPEG (the downscaled copy, or its thumbnail), or a kept file's bytes; None when
    there is no such photo (or no thumbnail: a file's)."""
    column = Photo.thumbnail if thumbnail else Photo.image
    return session.exec(select(column).where(Photo.id == photo_id, ~_PENDING)).first()

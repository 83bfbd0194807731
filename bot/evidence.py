"""A photo a member sends (an image message, or a picture sent as a file), fetched and made ready to
keep before its callback is answered: ``fetch`` downloads it (``media/get``, bounded in size and
time, on the event loop by aiohttp) and ``prepare`` makes the copies kept (Pillow, in a thread:
never on the loop). The handler (``handlers.photos``) then only stores what is ready, inside the
callback's transaction, which no download ever holds open.

What is kept of a photo: a JPEG downscaled to ``[evidence] long_side`` pixels on its long side, and
a thumbnail of ``thumb_side``; the SHA-256 of the bytes received, so a photo sent again is kept once.
A file message that is no picture (a PDF, a workbook …) is kept as it came, up to ``file_mb``: its
bytes, its name (``FileName``), a content type guessed from the name or the bytes; no thumbnail.
"""
from __future__ import annotations

import asyncio
import hashlib
import io
import mimetypes
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.wecom_media import MediaUnavailable

if TYPE_CHECKING:
    from bot.inbound import Inbound
    from bot.runtime import Runtime

KINDS = ("image", "file")                     # the message kinds whose media may be kept
MAX_PIXELS = 80_000_000                       # a larger picture is refused before it is decoded
QUALITY = 85


@dataclass(frozen=True)
class Received:
    """A photo as received and made ready to keep — or why nothing is kept (``refused``, one
    Chinese line the member reads)."""

    image: bytes = b""
    thumbnail: bytes = b""
    width: int = 0
    height: int = 0
    sha256: str = ""
    refused: str = ""
    filename: str | None = None          # a file's name as sent
    content_type: str = "image/jpeg"     # of ``image``: a file's own when kept as it came


def wanted(inbound: Inbound) -> bool:
    """Whether ``inbound`` carries media to fetch before it is answered."""
    return inbound.msg_type in KINDS and bool(inbound.media_id)


def _jpeg(picture, side: int) -> bytes:
    copy = picture.copy()
    copy.thumbnail((side, side))
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def prepare(data: bytes, long_side: int, thumb_side: int) -> Received:
    """The copies kept of ``data`` (any picture Pillow reads, turned upright by its EXIF), or why not."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # only where photos are handled

    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                return Received(refused="图片像素过大，未保存")
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return Received(refused="不是可以识别的图片（只能保存照片、截图等图片），未保存")
    image = _jpeg(picture, long_side)
    with Image.open(io.BytesIO(image)) as kept:
        width, height = kept.size
    return Received(image, _jpeg(picture, thumb_side), width, height, hashlib.sha256(data).hexdigest())


_MAGIC = ((b"%PDF-", "application/pdf"), (b"PK\x03\x04", "application/zip"),
          (b"\xd0\xcf\x11\xe0", "application/octet-stream"))


def content_type(filename: str | None, data: bytes) -> str:
    """A file's type, guessed from its name, else from its first bytes; octet-stream when unknown."""
    guessed = mimetypes.guess_type(filename or "")[0]
    if guessed:
        return guessed
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), "application/octet-stream")


def as_file(data: bytes, filename: str | None) -> Received:
    """A file that is no picture, kept as it came."""
    return Received(image=data, sha256=hashlib.sha256(data).hexdigest(), filename=filename,
                    content_type=content_type(filename, data))


def prepare_file(data: bytes, filename: str | None, long_side: int, thumb_side: int) -> Received:
    """A file message: a picture is kept as any photo (downscaled), anything else as it came."""
    picture = prepare(data, long_side, thumb_side)
    if picture.refused and not picture.refused.startswith("图片像素过大"):
        return as_file(data, filename)
    return picture if picture.refused else Received(**{**picture.__dict__, "filename": filename})


async def fetch(runtime: Runtime, inbound: Inbound) -> None:
    """Download ``inbound``'s media and prepare it, into ``inbound.received``."""
    e = runtime.config.evidence
    limit = (e.image_mb if inbound.msg_type == "image" else e.file_mb) * 2**20
    try:
        data = await runtime.sender.download_media(inbound.media_id or "", limit, e.download_seconds)
    except MediaUnavailable as exc:
        inbound.received = Received(refused=str(exc))
        return
    if inbound.msg_type == "file":
        inbound.received = await asyncio.to_thread(prepare_file, data, inbound.filename, e.long_side, e.thumb_side)
    else:
        inbound.received = await asyncio.to_thread(prepare, data, e.long_side, e.thumb_side)

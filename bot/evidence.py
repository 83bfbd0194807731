"""A photo a member sends (an image message, or a picture sent as a file), fetched and made ready to
keep before its callback is answered: ``fetch`` downloads it (``media/get``, bounded in size and
time, on the event loop by aiohttp) and ``prepare`` makes the copies kept (Pillow, in a thread:
never on the loop). The handler (``handlers.photos``) then only stores what is ready, inside the
callback's transaction, which no download ever holds open.

What is kept of a photo: a JPEG downscaled to ``[evidence] long_side`` pixels on its long side, and
a thumbnail of ``thumb_side``; the SHA-256 of the bytes received, so a photo sent again is kept once.
"""
from __future__ import annotations

import asyncio
import hashlib
import io
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


async def fetch(runtime: Runtime, inbound: Inbound) -> None:
    """Download ``inbound``'s media and prepare it, into ``inbound.received``."""
    e = runtime.config.evidence
    limit = (e.image_mb if inbound.msg_type == "image" else e.file_mb) * 2**20
    try:
        data = await runtime.sender.download_media(inbound.media_id or "", limit, e.download_seconds)
    except MediaUnavailable as exc:
        inbound.received = Received(refused=str(exc))
        return
    inbound.received = await asyncio.to_thread(prepare, data, e.long_side, e.thumb_side)

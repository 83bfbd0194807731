"""``media/get``: the bytes of a MediaId a member sent (an image, a file), bounded in size and time.

WeCom keeps a MediaId three days. What comes back is the file itself, or JSON (``errcode``) when
WeCom refuses: an unknown or expired MediaId is 40007. The size is checked on Content-Length before
any byte is read and again while reading, so a lying or missing header cannot make the bot hold
more than the limit; the whole download has ``timeout`` seconds. Trouble is one Chinese line
(``MediaUnavailable``), never a token.
"""
from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

import aiohttp

from bot.wecom_errors import network_reason

TOKEN_ERRORS = {40001, 40014, 41001, 42001}   # as bot.wecom's: the token is fetched again once

if TYPE_CHECKING:
    from bot.wecom import WeComSender

CHUNK = 64 * 1024
EXPIRED_MEDIA = 40007


class MediaUnavailable(Exception):
    """The media could not be had: ``str()`` is one Chinese line a member may read."""


def _mb(limit: int) -> str:
    return f"{limit / 2**20:g}MB"


async def _read_bounded(res: aiohttp.ClientResponse, limit: int) -> bytes:
    if res.content_length is not None and res.content_length > limit:
        raise MediaUnavailable(f"大小超过{_mb(limit)}，未保存")
    data = bytearray()
    async for chunk in res.content.iter_chunked(CHUNK):
        data += chunk
        if len(data) > limit:
            raise MediaUnavailable(f"大小超过{_mb(limit)}，未保存")
    return bytes(data)


def _errcode(body: bytes) -> int:
    try:
        return int(json.loads(body).get("errcode") or 0)
    except (ValueError, AttributeError, TypeError):
        return 0


def _refusal(errcode: int) -> MediaUnavailable:
    if errcode == EXPIRED_MEDIA:
        return MediaUnavailable("企业微信已不再保存这张图片（超过3天或已失效），请重新发送")
    return MediaUnavailable(f"企业微信没有给出这份文件（错误码{errcode}），请稍后重新发送")


async def download_media(sender: WeComSender, media_id: str, limit: int, timeout: float) -> bytes:
    """The bytes of ``media_id`` (at most ``limit``, within ``timeout`` seconds); raises
    ``MediaUnavailable``. The token is fetched again once if WeCom calls it expired."""
    try:
        async with asyncio.timeout(timeout):
            for attempt in range(2):
                http, _ = sender._session()       # not the sends' gate: a download never holds up a send
                token = await sender._token()
                async with http.get(sender.cfg.api_base_url + "media/get", proxy=sender._proxy,
                                          params={"access_token": token, "media_id": media_id},
                                          timeout=aiohttp.ClientTimeout(total=timeout)) as res:
                    res.raise_for_status()
                    if res.content_type in ("application/json", "text/plain"):
                        errcode = _errcode(await res.content.read(4096))
                        if errcode in TOKEN_ERRORS and attempt == 0:
                            sender._forget_token()
                            continue
                        raise _refusal(errcode)
                    return await _read_bounded(res, limit)
    except MediaUnavailable:
        raise
    except TimeoutError:
        raise MediaUnavailable(f"下载超过{timeout:g}秒仍未完成，未保存，请稍后重新发送") from None
    except Exception as exc:  # noqa: BLE001 - one line for the member; no token in it
        reason = network_reason(f"{type(exc).__name__}: {exc}") or "下载失败"
        raise MediaUnavailable(f"{reason}，未保存，请稍后重新发送") from None
    raise MediaUnavailable("企业微信没有给出这份文件，请稍后重新发送")

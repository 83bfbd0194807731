"""The WeCom callback: URL verification, decryption, deduplication, the answer.

The answer goes back as the encrypted passive reply when the handler is done within
``server.reply_timeout`` seconds (well inside WeCom's 5 s); otherwise the callback answers
empty at once and the reply follows through ``message/send`` when it is ready.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
import time
from datetime import datetime, timezone

import xmltodict
from aiohttp import web
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.replies import TextReply
from wechatpy.exceptions import InvalidSignatureException

from bot.conversation import NOT_TEXT, WELCOME, answer
from bot.runtime import Runtime
from bot.wecom import fit_text
from models.db import session_scope
from models.tables import InboundMessage

log = logging.getLogger(__name__)

RUNTIME = web.AppKey("runtime", Runtime)
EVENTS_ANSWERED = {"enter_agent": WELCOME, "subscribe": WELCOME}


def dedupe_key(msg) -> str:
    """MsgId for messages; sender + time + event + key for events (they carry no MsgId)."""
    if msg.type == "event":
        stamp = int(msg.create_time.timestamp()) if msg.create_time else 0
        return f"event:{msg.source}:{stamp}:{msg.event}:{getattr(msg, 'key', '') or ''}"
    return f"msg:{msg.id}"


def _claim(runtime: Runtime, key: str, msg) -> tuple[bool, str | None]:
    """Record the callback; (True, None) the first time, (False, reply given before) after."""
    with session_scope(runtime.engine) as s:
        prior = s.exec(select(InboundMessage).where(InboundMessage.dedupe_key == key)).first()
        if prior:
            return False, prior.reply
        try:
            with s.begin_nested():
                s.add(InboundMessage(dedupe_key=key, account=msg.source or "", received_at=datetime.now(timezone.utc),
                                     msg_type=msg.type, text=getattr(msg, "content", None)))
        except IntegrityError:
            return False, None
    return True, None


def _remember_reply(runtime: Runtime, key: str, reply: str) -> None:
    with session_scope(runtime.engine) as s:
        row = s.exec(select(InboundMessage).where(InboundMessage.dedupe_key == key)).first()
        if row:
            row.reply = reply
            s.add(row)


async def _reply_for(runtime: Runtime, msg) -> str:
    if msg.type == "text":
        # The handlers' database work is synchronous: it runs on a worker thread (its own loop),
        # so a slow query never holds up other callbacks.
        return await asyncio.to_thread(
            asyncio.run, answer(runtime, msg.source, msg.content, msg_id=str(msg.id)))
    if msg.type == "event":
        return EVENTS_ANSWERED.get(str(msg.event).lower(), "")
    return NOT_TEXT


def _passive(runtime: Runtime, msg, reply: str, nonce: str, timestamp: str) -> web.Response:
    if not reply:
        return web.Response(text="")
    xml = TextReply(content=fit_text(reply), message=msg).render()
    return web.Response(text=runtime.crypto.encrypt_message(xml, nonce, timestamp), content_type="application/xml")


async def verify_url(request: web.Request) -> web.Response:
    """GET: answer the decrypted echostr, or 403."""
    runtime = request.app[RUNTIME]
    q = request.query
    try:
        echo = runtime.crypto.check_signature(
            q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", ""), q.get("echostr", ""))
    except InvalidSignatureException:
        return web.Response(status=403, text="forbidden")
    except Exception:  # noqa: BLE001 - signature right but not decryptable with our key
        return web.Response(status=403, text="forbidden")
    return web.Response(text=echo if isinstance(echo, str) else echo.decode("utf-8"))


async def receive(request: web.Request) -> web.Response:
    """POST: decrypt, deduplicate, answer."""
    runtime = request.app[RUNTIME]
    q = request.query
    body = await request.read()
    try:
        envelope = xmltodict.parse(body.decode("utf-8"))["xml"]
        if not isinstance(envelope, dict) or not envelope.get("Encrypt"):
            raise ValueError("no Encrypt")
    except Exception:  # noqa: BLE001 - not XML, not UTF-8, no Encrypt: unreadable
        return web.Response(status=400, text="bad request")
    try:
        xml = runtime.crypto.decrypt_message(envelope, q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", ""))
    except InvalidSignatureException:
        return web.Response(status=403, text="forbidden")
    except Exception:  # noqa: BLE001 - wrong key or wrong corp id
        return web.Response(status=403, text="forbidden")
    try:
        msg = parse_message(xml)
    except Exception:  # noqa: BLE001
        return web.Response(status=400, text="bad request")

    key = dedupe_key(msg)
    first, prior_reply = await asyncio.to_thread(_claim, runtime, key, msg)
    nonce, timestamp = q.get("nonce") or secrets.token_hex(8), str(int(time.time()))
    if not first:
        log.info("duplicate callback %s", key)
        return _passive(runtime, msg, prior_reply or "", nonce, timestamp)

    task = asyncio.ensure_future(_reply_for(runtime, msg))
    try:
        reply = await asyncio.wait_for(asyncio.shield(task), runtime.config.server.reply_timeout)
    except asyncio.TimeoutError:
        task.add_done_callback(lambda t: asyncio.ensure_future(_send_late(runtime, msg, key, t)))
        return web.Response(text="")
    await asyncio.to_thread(_remember_reply, runtime, key, reply)
    return _passive(runtime, msg, reply, nonce, timestamp)


async def _send_late(runtime: Runtime, msg, key: str, task: asyncio.Task) -> None:
    """The answer that missed the passive reply goes out actively."""
    reply = task.result() if not task.exception() else ""
    if reply:
        await asyncio.to_thread(_remember_reply, runtime, key, reply)
        await runtime.sender.send_text([msg.source], reply)


def add_routes(app: web.Application, path: str = "/wecom/callback") -> None:
    app.router.add_get(path, verify_url)
    app.router.add_post(path, receive)

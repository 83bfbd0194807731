"""The WeCom callback: URL verification, decryption, deduplication, the answer.

The whole answer — claim, handler, stored reply, in one transaction (``bot.conversation``) — runs
within ``server.reply_timeout`` seconds (well inside WeCom's 5 s) and goes back as the encrypted
passive reply; past it the callback answers empty at once and the reply follows through
``message/send`` when it is ready. A retry of a callback (WeCom retries three times) waits for
the first attempt's transaction and gets its answer — every retry, the third and fourth too: WeCom
retries only when it did not get the answer. An answer that went by ``message/send`` is not given
again (the person has it); a late answer goes by ``message/send`` only if no retry was answered
meanwhile (``claim_delivery``).
"""
from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from xml.etree import ElementTree

from aiohttp import web
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.replies import TextReply
from wechatpy.exceptions import InvalidSignatureException

from bot.answering import Answering, claim_delivery
from bot.fitting import fit_text
from bot.inbound import Inbound, read_inbound
from bot.runtime import Runtime

log = logging.getLogger(__name__)

RUNTIME = web.AppKey("runtime", Runtime)
ANSWERING = web.AppKey("answering", Answering)


_DECLARATIONS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def read_envelope(body: bytes) -> dict | None:
    """The callback's outer XML as ``{"Encrypt": …}``, or None when it is unreadable: not UTF-8,
    not XML, no ``<xml>`` root, no Encrypt, or a DTD (WeCom sends none; entities could expand).
    Read with the standard library's C parser: the envelope is read once per callback, and
    xmltodict's handler in Python cost more than the rest of the envelope's handling."""
    if _DECLARATIONS.search(body):
        return None
    try:
        root = ElementTree.fromstring(body.decode("utf-8"))
    except (UnicodeDecodeError, ElementTree.ParseError):
        return None
    encrypt = (root.findtext("Encrypt") or "").strip() if root.tag == "xml" else ""
    return {"Encrypt": encrypt} if encrypt else None


def inbound_of(msg) -> Inbound:
    """What answering needs of a parsed wechatpy message: every field read from its XML."""
    return read_inbound(getattr(msg, "_data", None) or {})


def cdata_safe(text: str) -> str:
    """``text`` that stays inside one CDATA section: "]]>" is split across two sections."""
    return text.replace("]]>", "]]]]><![CDATA[>")


def _passive(runtime: Runtime, msg, reply: str, nonce: str, timestamp: str) -> web.Response:
    if not reply:
        return web.Response(text="")
    xml = TextReply(content=cdata_safe(fit_text(reply)), message=msg).render()
    return web.Response(text=runtime.crypto.encrypt_message(xml, nonce, timestamp), content_type="application/xml")


def _refused(request: web.Request, why: str) -> web.Response:
    """403, and a warning in the log even with the access log off: a forged request, or a Token /
    EncodingAESKey that differs from the WeCom console's (every callback would then be refused)."""
    log.warning("callback refused (403) from %s: %s", request.remote, why)
    return web.Response(status=403, text="forbidden")


async def verify_url(request: web.Request) -> web.Response:
    """GET: answer the decrypted echostr, or 403."""
    runtime = request.app[RUNTIME]
    q = request.query
    try:
        echo = runtime.crypto.check_signature(
            q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", ""), q.get("echostr", ""))
    except InvalidSignatureException:
        return _refused(request, "URL verification: signature does not match the Token")
    except Exception:  # noqa: BLE001 - signature right but not decryptable with our key
        return _refused(request, "URL verification: not decryptable with the EncodingAESKey and corp ID")
    return web.Response(text=echo if isinstance(echo, str) else echo.decode("utf-8"))


async def receive(request: web.Request) -> web.Response:
    """POST: decrypt, deduplicate, answer."""
    runtime = request.app[RUNTIME]
    q = request.query
    body = await request.read()
    envelope = read_envelope(body)
    if envelope is None:
        return web.Response(status=400, text="bad request")
    try:
        xml = runtime.crypto.decrypt_message(envelope, q.get("msg_signature", ""), q.get("timestamp", ""), q.get("nonce", ""))
    except InvalidSignatureException:
        return _refused(request, "signature does not match the Token")
    except Exception:  # noqa: BLE001 - wrong key or wrong corp id
        return _refused(request, "not decryptable with the EncodingAESKey and corp ID")
    try:
        msg = parse_message(xml)
    except Exception:  # noqa: BLE001
        return web.Response(status=400, text="bad request")

    inbound = inbound_of(msg)
    nonce, timestamp = q.get("nonce") or secrets.token_hex(8), str(int(time.time()))
    answer = request.app[ANSWERING].answer(inbound)
    if runtime.config.server.reply_timeout > 0:
        await asyncio.wait((answer,), timeout=runtime.config.server.reply_timeout)   # never cancels it
    if not answer.done():
        answer.add_done_callback(lambda t: asyncio.ensure_future(_send_late(runtime, inbound, t)))
        return web.Response(text="")
    ans = answer.result()
    if ans.duplicate and not await asyncio.to_thread(claim_delivery, runtime, inbound.key, True):
        log.info("duplicate callback %s: its answer went by message/send already", inbound.key)
        return web.Response(text="")
    return _passive(runtime, msg, ans.reply, nonce, timestamp)


async def _send_late(runtime: Runtime, inbound: Inbound, task: asyncio.Future) -> None:
    """An answer not ready within ``reply_timeout`` goes out by message/send — unless another
    delivery of the same callback (a retry answered passively, or its own late answer) got it."""
    ans = task.result() if not task.cancelled() and not task.exception() else None
    if ans is not None and ans.reply and await asyncio.to_thread(claim_delivery, runtime, inbound.key):
        await runtime.sender.send_text([inbound.account], ans.reply)


def add_routes(app: web.Application, path: str = "/wecom/callback") -> None:
    """The callback's routes, answering for ``app[RUNTIME]``."""
    app[ANSWERING] = Answering(app[RUNTIME])

    async def stop_answering(app: web.Application) -> None:
        await asyncio.to_thread(app[ANSWERING].close)

    app.on_cleanup.append(stop_answering)
    app.router.add_get(path, verify_url)
    app.router.add_post(path, receive)

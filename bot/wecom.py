"""Talking to WeCom: callback crypto and the active-message sender.

wechatpy's client is synchronous and, left alone, retries an expired token (42001) without
limit. ``WeComSender`` uses it for the access token only, in a thread of its own and never on the
event loop, with its own retry off; ``message/send``, ``media/upload`` and
``message/update_template_card`` go through aiohttp on the loop, retried a bounded number of times.
Every call — the token fetch too — goes to ``api_base_url``; ``touser`` is split into calls of at
most 1000 accounts and text kept within WeCom's 2048 bytes. What is sent is a ``bot.messages``
value: a text, a template card, an image (uploaded first), a textcard or news.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import aiohttp
import requests
from wechatpy.enterprise import WeChatClient
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import WeChatClientException

from bot.config import WeComConfig
from bot.fitting import fit_text
from bot.messages import Image, OutMessage, TemplateCard, Text, as_message
from bot.wecom_errors import TOKEN_REFUSALS, TokenUnavailable, network_reason

log = logging.getLogger(__name__)

MAX_TOUSER = 1000
TOKEN_ERRORS = {40001, 40014, 41001, 42001}   # invalid / missing / expired access token
RETRIED = {-1, 45009}                          # system busy / over the API's rate: worth another try
JSON = {"Content-Type": "application/json; charset=utf-8"}
INVALID_MEDIA = 40007                          # WeCom does not know the media_id (expired after 3 days)
TASK_ID_USED = 42014                           # a template card's task_id was used before
# A media_id lives three days; one uploaded longer ago than this is not used again (a margin for
# a send that is retried a while later).
MEDIA_REUSE = 3 * 86400 - 6 * 3600


_SECRET_RE = re.compile(r"(access_token|corpsecret|secret)=[^&\s'\"<>]+", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with every ``access_token=…`` / ``corpsecret=…`` value replaced by ***."""
    return _SECRET_RE.sub(lambda m: f"{m[1]}=***", text or "")


def exception_text(exc: BaseException) -> str:
    """``"Type: message"`` of ``exc``, redacted."""
    return redact(f"{type(exc).__name__}: {exc}")


class RedactingFilter(logging.Filter):
    """Keeps the access token and the app secret out of every log line (requests and urllib3 log
    URLs at DEBUG; exception texts carry them too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_log_redaction() -> None:
    """Attach ``RedactingFilter`` to every handler of the root logger."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


def make_crypto(cfg: WeComConfig) -> WeChatCrypto:
    return WeChatCrypto(cfg.token, cfg.encoding_aes_key, cfg.corp_id)


class _Client(WeChatClient):
    """wechatpy's enterprise client with its base URL configurable, and a token fetch that has a
    timeout (wechatpy's has none) and happens one at a time per process: threads that find the
    token missing wait for the one fetching it instead of each fetching their own."""

    def __init__(self, cfg: WeComConfig):
        super().__init__(cfg.corp_id, cfg.secret, timeout=cfg.timeout, auto_retry=False)
        self.API_BASE_URL = cfg.api_base_url
        self._token_lock = threading.Lock()

    def fetch_access_token(self):
        with self._token_lock:
            token = self.session.get(self.access_token_key)
            if token and self.expires_at and self.expires_at - 60 > time.time():
                return {"access_token": token}          # fetched by another thread meanwhile
            res = self._http.get(self.API_BASE_URL + "gettoken", timeout=self.timeout,
                                 params={"corpid": self.corp_id, "corpsecret": self.secret})
            res.raise_for_status()
            result = res.json()
            if result.get("errcode"):
                raise WeChatClientException(result["errcode"], result.get("errmsg"), client=self)
            expires_in = int(result.get("expires_in", 7200))
            self.session.set(self.access_token_key, result["access_token"], expires_in)
            self.expires_at = int(time.time()) + expires_in
            return result


@dataclass
class SendResult:
    ok: bool
    invalid: list[str] = field(default_factory=list)   # accounts WeCom named as invalid
    error: str = ""                                    # redacted: never a token or secret
    errcode: int | None = None                         # WeCom's, when it refused
    response_code: str | None = None                   # an interactive card's, to update it (72 h, once)

    def merge(self, other: SendResult) -> None:
        """Fold the result of another call of the same send into this one."""
        self.ok &= other.ok
        self.invalid += other.invalid
        self.error = self.error or other.error
        self.errcode = self.errcode if self.errcode is not None else other.errcode
        self.response_code = self.response_code or other.response_code


class WeComError(Exception):
    """WeCom refused a call or could not be reached; the text is redacted."""

    def __init__(self, errcode: int | None, error: str):
        super().__init__(error)
        self.errcode = errcode


class WeComSender:
    """Active messages through ``message/send`` (and ``media/upload``, ``update_template_card``):
    on the event loop, with bounded retries.

    The access token comes from wechatpy's client (``_Client``: one fetch at a time, with a
    timeout, in a worker thread, never on the loop). ``message/send`` itself goes through aiohttp
    on the running loop: a month-end is ten thousand calls, and requests (under wechatpy's client)
    spends about 1 ms of CPU on each, three times what aiohttp does, plus a thread hop
    (``bench/month_end.py``). At most ``workers`` calls are in flight at once per loop.

    Open it anywhere; its HTTP connections belong to the loop that first sends. ``aclose()`` on
    that loop releases them (``close()`` from outside any loop does the same).
    """

    def __init__(self, cfg: WeComConfig, workers: int = 8, clock: Callable[[], float] = time.time):
        self.cfg = cfg
        self.clock = clock                                      # for the age of uploaded media
        self._media: dict[str, tuple[str, float]] = {}          # image digest → (media_id, uploaded at)
        self.client = _Client(cfg)
        self.workers = max(1, workers)
        self._token_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wecom-token")
        self._http: aiohttp.ClientSession | None = None
        self._gate: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing: asyncio.Task | None = None
        # Proxy and CA bundle from the environment, read once (requests would re-read them per call).
        self._proxy = requests.utils.get_environ_proxies(cfg.api_base_url).get(cfg.api_base_url.split(":", 1)[0])
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        self._ssl = ssl.create_default_context(cafile=bundle) if bundle else True

    # -- life cycle ---------------------------------------------------------------------------
    def _session(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        if self._http is None or self._http.closed or self._loop is not loop:
            self._loop = loop
            self._http = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.cfg.timeout),
                connector=aiohttp.TCPConnector(limit=self.workers, ssl=self._ssl))
            self._gate = asyncio.Semaphore(self.workers)
        return self._http, self._gate

    async def aclose(self) -> None:
        """Close the HTTP connections, on the loop that opened them. The sender stays usable: a
        later send opens new ones (the token thread lives as long as the sender)."""
        http, self._http = self._http, None
        if http is not None and not http.closed:
            await http.close()

    def close(self) -> None:
        """The end of the sender: ``aclose`` from anywhere (run to the end when the loop has stopped
        or runs in another thread, scheduled on it when called from a coroutine on that very
        loop), and the token thread stopped."""
        http, loop = self._http, self._loop
        if http is not None and not http.closed and loop is not None and not loop.is_closed():
            if _running_loop() is loop:       # called from a coroutine on that loop: close soon
                self._closing = loop.create_task(self.aclose())
                self._token_pool.shutdown(wait=False)
                return
            if loop.is_running():
                asyncio.run_coroutine_threadsafe(self.aclose(), loop).result(10)
            else:
                loop.run_until_complete(self.aclose())
        self._http = None
        self._token_pool.shutdown(wait=False)

    # -- one call -----------------------------------------------------------------------------
    async def _token(self) -> str:
        """The cached access token, or a fresh one fetched by wechatpy's client in its thread."""
        c = self.client
        token = c.session.get(c.access_token_key)
        if token and c.expires_at and c.expires_at - 60 > time.time():
            return token
        loop = asyncio.get_running_loop()
        return (await loop.run_in_executor(self._token_pool, c.fetch_access_token))["access_token"]

    async def ready(self) -> None:
        """A current access token at hand before a run sends: fetched if need be, at most
        ``max_retries + 1`` times, each bounded by ``timeout``. Raises ``TokenUnavailable`` (one
        Chinese line) otherwise, so that the run stops before it claims or marks anything."""
        tries = max(1, self.cfg.max_retries + 1)
        reason = detail = ""
        for attempt in range(tries):
            try:
                await self._token()
                return
            except WeChatClientException as exc:
                detail = redact(f"{exc.errcode}: {exc.errmsg}")
                hint = TOKEN_REFUSALS.get(exc.errcode)
                reason = f"企业微信拒绝：{detail}" + (f"（{hint}）" if hint else "")
                if exc.errcode not in RETRIED:
                    tries = attempt + 1
                    break
            except Exception as exc:  # noqa: BLE001 - the network: tried again, then one line
                detail = exception_text(exc)
                reason = network_reason(detail) or f"出错：{detail}"
            if attempt + 1 < tries:
                await asyncio.sleep(min(0.2 * (2 ** attempt), 2.0))
        log.warning("access token unavailable after %d fetch(es): %s", tries, detail)
        raise TokenUnavailable(reason, detail, tries)

    def _forget_token(self) -> None:
        self.client.session.delete(self.client.access_token_key)

    def _poster(self, path: str, body: Callable[[], bytes | aiohttp.FormData], headers: dict | None = None,
                **params: str) -> Callable[[], Awaitable[dict]]:
        """One POST to ``path`` with a current token (``body()`` is made again for each attempt)."""
        async def post() -> dict:
            http, gate = self._session()
            token = await self._token()
            async with gate, http.post(self.cfg.api_base_url + path, params={"access_token": token, **params},
                                       data=body(), headers=headers, proxy=self._proxy) as res:
                res.raise_for_status()
                return await res.json(content_type=None)

        return post

    async def _request(self, what: str, post: Callable[[], Awaitable[dict]],
                       arrived: frozenset[int] = frozenset()) -> tuple[dict, SendResult]:
        """``post()`` with bounded retries: a token WeCom calls expired is fetched again, a busy
        WeCom (-1, 45009) or trouble on the way is tried again, any other refusal is final.
        An errcode in ``arrived`` after an attempt whose answer was lost means that attempt did
        arrive (a card's task_id already used: 42014) and counts as success.
        (WeCom's answer, a result saying how it went with every secret redacted from its error.)"""
        attempts = max(1, self.cfg.max_retries + 1)
        failed, lost = SendResult(ok=False), False
        for attempt in range(attempts):
            try:
                res = await post()
                errcode = res.get("errcode") or 0
                if not errcode or (lost and errcode in arrived):
                    return res, SendResult(ok=True)
                errmsg = res.get("errmsg", "")
            except WeChatClientException as exc:           # from the token fetch
                errcode, errmsg = exc.errcode, exc.errmsg
            except Exception as exc:  # noqa: BLE001 - network trouble: retry, then report
                errcode, errmsg = None, exception_text(exc)
                log.debug("%s: %s", what, errmsg)
                errmsg = network_reason(errmsg) or errmsg
                lost = lost or _may_have_arrived(exc)
            failed = SendResult(ok=False, errcode=errcode,
                                error=redact(f"{errcode}: {errmsg}" if errcode is not None else errmsg))
            if errcode in TOKEN_ERRORS:
                self._forget_token()
            elif errcode is not None and errcode not in RETRIED:
                break  # a real refusal (bad agent, bad user, bad media_id…): retrying will not help
            if attempt + 1 < attempts:
                await asyncio.sleep(min(0.2 * (2 ** attempt), 2.0))
        log.warning("%s failed after %d attempt(s): %s", what, attempts, failed.error)
        return {}, failed

    async def _call(self, accounts: Sequence[str], msg: dict) -> SendResult:
        body = json.dumps({**msg, "touser": "|".join(accounts), "agentid": self.cfg.agent_id},
                          ensure_ascii=False).encode("utf-8")
        res, result = await self._request("message/send", self._poster("message/send", lambda: body, JSON),
                                          arrived=frozenset({TASK_ID_USED}))
        if result.ok:
            result.invalid = [a for a in str(res.get("invaliduser", "") or "").split("|") if a]
            result.response_code = res.get("response_code")
        return result

    # -- media ----------------------------------------------------------------------------------
    async def upload_media(self, kind: str, filename: str, data: bytes) -> str:
        """``media/upload``: the media_id WeCom gives ``data`` (kind image, voice, video or file).
        Raises ``WeComError`` (its text redacted) when WeCom refuses or cannot be reached."""
        def form() -> aiohttp.FormData:
            f = aiohttp.FormData()
            f.add_field("media", data, filename=filename, content_type="application/octet-stream")
            return f

        res, result = await self._request("media/upload", self._poster("media/upload", form, type=kind))
        if not result.ok:
            raise WeComError(result.errcode, result.error)
        return str(res["media_id"])

    async def download_media(self, media_id: str, limit: int, timeout: float) -> bytes:
        """``media/get``, bounded in size and time (``bot.wecom_media``); raises ``MediaUnavailable``."""
        from bot.wecom_media import download_media
        return await download_media(self, media_id, limit, timeout)

    # -- login ----------------------------------------------------------------------------------
    async def user_of_code(self, code: str) -> tuple[str | None, SendResult]:
        """``auth/getuserinfo``: the userid a console login's code stands for (None: WeCom refused
        the code — used, older than five minutes, made up — or named no member of the corp)."""
        async def get() -> dict:
            http, gate = self._session()
            token = await self._token()
            async with gate, http.get(self.cfg.api_base_url + "auth/getuserinfo", proxy=self._proxy,
                                      params={"access_token": token, "code": code}) as res:
                res.raise_for_status()
                return await res.json(content_type=None)

        res, result = await self._request("auth/getuserinfo", get)
        userid = res.get("userid") or res.get("UserId")
        return (str(userid) if userid else None), result

    async def media_id_of(self, image: Image, *, fresh: bool = False) -> str:
        """The media_id of ``image``: one this sender uploaded less than ``MEDIA_REUSE`` seconds ago
        (a media_id lives three days), else a new upload, remembered with its time; ``fresh``
        always uploads."""
        data = image.content()
        key = hashlib.sha256(image.filename.encode("utf-8") + b"\0" + data).hexdigest()
        known = self._media.get(key)
        if known and not fresh and self.clock() - known[1] < MEDIA_REUSE:
            return known[0]
        media_id = await self.upload_media("image", image.filename, data)
        self._media[key] = (media_id, self.clock())
        return media_id

    async def _body(self, message: OutMessage, extra: dict, *, fresh: bool = False) -> dict:
        """The ``message/send`` body of ``message`` (an image uploaded first; a text fitted to 2048 bytes)."""
        if isinstance(message, Image):
            body = message.to_wecom(await self.media_id_of(message, fresh=fresh))
        elif isinstance(message, Text):
            body = text_message(message.text)
        else:
            body = message.to_wecom()
        return {**body, **extra}

    async def _send_part(self, accounts: list[str], message: OutMessage, body: dict | None, extra: dict) -> SendResult:
        """One call of ``send``; an image whose media_id WeCom no longer knows (40007) is uploaded
        again and sent once more."""
        try:
            body = body or await self._body(message, extra)
            result = await self._call(accounts, body)
            if result.errcode == INVALID_MEDIA and isinstance(message, Image):
                result = await self._call(accounts, await self._body(message, extra, fresh=True))
            return result
        except WeComError as exc:
            return SendResult(ok=False, errcode=exc.errcode, error=str(exc))

    # -- what callers use -----------------------------------------------------------------------
    async def send(self, accounts: Sequence[str], message: OutMessage | str, *, duplicate_check: int = 0) -> SendResult:
        """Send ``message`` (a string is a text) to ``accounts`` in calls of at most 1000; the results
        merged. An image is uploaded first, and again if WeCom no longer knows its media_id.
        ``duplicate_check``: seconds within which WeCom itself drops an identical message (0: off)."""
        accounts = list(dict.fromkeys(a for a in accounts if a))
        if not accounts:
            return SendResult(ok=True)
        message = as_message(message)
        extra = {"enable_duplicate_check": 1, "duplicate_check_interval": duplicate_check} if duplicate_check else {}
        body = None if isinstance(message, Image) else await self._body(message, extra)
        merged = SendResult(ok=True)
        for i in range(0, len(accounts), MAX_TOUSER):
            merged.merge(await self._send_part(accounts[i:i + MAX_TOUSER], message, body, extra))
        return merged

    async def send_text(self, accounts: Sequence[str], content: str) -> SendResult:
        return await self.send(accounts, Text(content))

    async def update_template_card(self, userids: Sequence[str], response_code: str, replace_name: str | None = None,
                                   card: TemplateCard | None = None) -> SendResult:
        """``message/update_template_card``: grey out the buttons of the card a tap's
        ``response_code`` belongs to with ``replace_name``, or put ``card`` in its place, for
        ``userids`` (at most 1000: one code is one call). A response_code works once and for 72
        hours: WeCom refuses it after that."""
        if (replace_name is None) == (card is None):
            raise ValueError("update_template_card takes replace_name or card, one of them")
        if len(userids) > MAX_TOUSER:
            raise ValueError(f"update_template_card takes at most {MAX_TOUSER} userids")
        change = {"button": {"replace_name": replace_name}} if card is None else {"template_card": dict(card.card)}
        body = json.dumps({"userids": list(userids), "agentid": self.cfg.agent_id, "response_code": response_code,
                           **change}, ensure_ascii=False).encode("utf-8")
        path = "message/update_template_card"
        return (await self._request(path, self._poster(path, lambda: body, JSON)))[1]


def _may_have_arrived(exc: Exception) -> bool:
    """Whether a call that raised ``exc`` may have reached WeCom: its answer was lost or timed out
    (aiohttp's; the token fetch uses requests), not a connection that was never made."""
    return isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError) and not isinstance(exc, aiohttp.ClientConnectorError)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def text_message(content: str) -> dict:
    return {"msgtype": "text", "text": {"content": fit_text(content)}, "safe": 0}


"""Talking to WeCom: callback crypto and the active-message sender.

wechatpy's client is synchronous and, left alone, retries an expired token (42001) without
limit. ``WeComSender`` uses it for the access token only, in a thread of its own and never on the
event loop, with its own retry off; ``message/send`` goes through aiohttp on the loop, retried a
bounded number of times. Every call — the token fetch too — goes to ``api_base_url``; ``touser``
is split into calls of at most 1000 accounts and text kept within WeCom's 2048 bytes.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import ssl
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import aiohttp
import requests
from wechatpy.enterprise import WeChatClient
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import WeChatClientException

from bot.config import WeComConfig
from bot.fitting import fit_text

log = logging.getLogger(__name__)

MAX_TOUSER = 1000
TOKEN_ERRORS = {40001, 40014, 41001, 42001}   # invalid / missing / expired access token
RETRIED = {-1, 45009}                          # system busy / over the API's rate: worth another try
JSON = {"Content-Type": "application/json; charset=utf-8"}


_SECRET_RE = re.compile(r"(access_token|corpsecret|secret)=[^&\s'\"<>]+", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with every ``access_token=…`` / ``corpsecret=…`` value replaced by ***."""
    return _SECRET_RE.sub(lambda m: f"{m[1]}=***", text or "")


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
    error: str = ""


class WeComSender:
    """Active messages through ``message/send``: on the event loop, with bounded retries.

    The access token comes from wechatpy's client (``_Client``: one fetch at a time, with a
    timeout, in a worker thread, never on the loop). ``message/send`` itself goes through aiohttp
    on the running loop: a month-end is ten thousand calls, and requests (under wechatpy's client)
    spends about 1 ms of CPU on each, three times what aiohttp does, plus a thread hop
    (``bench/month_end.py``). At most ``workers`` calls are in flight at once per loop.

    Open it anywhere; its HTTP connections belong to the loop that first sends. ``aclose()`` on
    that loop releases them (``close()`` from outside any loop does the same).
    """

    def __init__(self, cfg: WeComConfig, workers: int = 8):
        self.cfg = cfg
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

    def _forget_token(self) -> None:
        self.client.session.delete(self.client.access_token_key)

    async def _post(self, body: bytes) -> dict:
        http, gate = self._session()
        token = await self._token()
        async with gate, http.post(self.cfg.api_base_url + "message/send", params={"access_token": token},
                                   data=body, headers=JSON, proxy=self._proxy) as res:
            res.raise_for_status()
            return await res.json(content_type=None)

    async def _call(self, accounts: Sequence[str], msg: dict) -> SendResult:
        body = json.dumps({**msg, "touser": "|".join(accounts), "agentid": self.cfg.agent_id},
                          ensure_ascii=False).encode("utf-8")
        attempts = max(1, self.cfg.max_retries + 1)
        last = ""
        for attempt in range(attempts):
            try:
                res = await self._post(body)
                errcode = res.get("errcode") or 0
                if not errcode:
                    invalid = [a for a in str(res.get("invaliduser", "") or "").split("|") if a]
                    return SendResult(ok=True, invalid=invalid)
                errmsg = res.get("errmsg", "")
            except WeChatClientException as exc:           # from the token fetch
                errcode, errmsg = exc.errcode, exc.errmsg
            except Exception as exc:  # noqa: BLE001 - network trouble: retry, then report
                errcode, errmsg = None, f"{type(exc).__name__}: {exc}"
            last = redact(f"{errcode}: {errmsg}" if errcode is not None else errmsg)
            if errcode in TOKEN_ERRORS:
                self._forget_token()
            elif errcode is not None and errcode not in RETRIED:
                break  # a real refusal (bad agent, bad user…): retrying will not help
            if attempt + 1 < attempts:
                await asyncio.sleep(min(0.2 * (2 ** attempt), 2.0))
        log.warning("message/send failed after %d attempt(s): %s", attempts, last)
        return SendResult(ok=False, error=last)

    # -- what callers use -----------------------------------------------------------------------
    async def send(self, accounts: Sequence[str], msg: dict) -> SendResult:
        """Send ``msg`` to ``accounts`` in calls of at most 1000; the results merged."""
        accounts = list(dict.fromkeys(a for a in accounts if a))
        if not accounts:
            return SendResult(ok=True)
        merged = SendResult(ok=True)
        for i in range(0, len(accounts), MAX_TOUSER):
            r = await self._call(accounts[i:i + MAX_TOUSER], msg)
            merged.ok &= r.ok
            merged.invalid += r.invalid
            merged.error = merged.error or r.error
        return merged

    async def send_text(self, accounts: Sequence[str], content: str) -> SendResult:
        return await self.send(accounts, text_message(content))


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def text_message(content: str) -> dict:
    return {"msgtype": "text", "text": {"content": fit_text(content)}, "safe": 0}


"""Talking to WeCom: callback crypto and the active-message sender.

wechatpy's client is synchronous and, left alone, retries an expired token (42001) without
limit. ``WeComSender`` keeps it off the event loop (a small thread pool), turns its own retry
off and retries a bounded number of times, points every call — the token fetch too — at
``api_base_url``, splits ``touser`` into calls of at most 1000 accounts and keeps text within
WeCom's 2048 bytes.
"""
from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from wechatpy.enterprise import WeChatClient
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.exceptions import WeChatClientException

from bot.config import WeComConfig

log = logging.getLogger(__name__)

MAX_TEXT_BYTES = 2048
MAX_TOUSER = 1000
TOKEN_ERRORS = {40001, 40014, 41001, 42001}   # invalid / missing / expired access token


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


def fit_text(text: str, limit: int = MAX_TEXT_BYTES, tail: str = "…") -> str:
    """``text`` cut on a character boundary so that it is at most ``limit`` UTF-8 bytes."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(tail.encode("utf-8"))
    out = text.encode("utf-8")[:room].decode("utf-8", "ignore")
    return out + tail


def fit_lines(head: str, lines: Sequence[str], more: str, footer: str = "", limit: int = MAX_TEXT_BYTES) -> str:
    """``head``, as many ``lines`` as fit in ``limit`` bytes, then ``footer``. If some lines are
    left out, ``more.format(n=...)`` stands in their place (e.g. "…及其余{n}项，回复“我的清单”查看")."""
    def size(s: str) -> int:
        return len(s.encode("utf-8"))

    tail = "\n" + footer if footer else ""
    body = head
    for i, line in enumerate(lines):
        rest = len(lines) - i - 1
        closing = ("\n" + more.format(n=rest) if rest else "") + tail
        if size(body + "\n" + line + closing) > limit:
            return fit_text(body + "\n" + more.format(n=len(lines) - i) + tail, limit)
        body += "\n" + line
    return body + tail


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
    """Active messages through ``message/send``, off the event loop, with bounded retries."""

    def __init__(self, cfg: WeComConfig, workers: int = 8):
        self.cfg = cfg
        self.client = _Client(cfg)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wecom-send")

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    # -- synchronous core (runs in the pool) --------------------------------------------------
    def _call(self, accounts: Sequence[str], msg: dict) -> SendResult:
        attempts = max(1, self.cfg.max_retries + 1)
        last = ""
        for attempt in range(attempts):
            try:
                res = self.client.message.send(self.cfg.agent_id, list(accounts), msg=msg)
                invalid = [a for a in str(res.get("invaliduser", "") or "").split("|") if a]
                return SendResult(ok=True, invalid=invalid)
            except WeChatClientException as exc:
                last = redact(f"{exc.errcode}: {exc.errmsg}")
                if exc.errcode in TOKEN_ERRORS:
                    self.client.session.delete(self.client.access_token_key)
                elif exc.errcode is not None and exc.errcode != -1 and exc.errcode != 45009:
                    break  # a real refusal (bad agent, bad user…): retrying will not help
            except Exception as exc:  # noqa: BLE001 - network trouble: retry, then report
                last = redact(f"{type(exc).__name__}: {exc}")
            if attempt + 1 < attempts:
                time.sleep(min(0.2 * (2 ** attempt), 2.0))
        log.warning("message/send failed after %d attempt(s): %s", attempts, last)
        return SendResult(ok=False, error=last)

    def send_sync(self, accounts: Sequence[str], msg: dict) -> SendResult:
        """Send ``msg`` to ``accounts`` in calls of at most 1000; the results merged."""
        accounts = list(dict.fromkeys(a for a in accounts if a))
        if not accounts:
            return SendResult(ok=True)
        merged = SendResult(ok=True)
        for i in range(0, len(accounts), MAX_TOUSER):
            r = self._call(accounts[i:i + MAX_TOUSER], msg)
            merged.ok &= r.ok
            merged.invalid += r.invalid
            merged.error = merged.error or r.error
        return merged

    # -- async faces ----------------------------------------------------------------------------
    async def send(self, accounts: Sequence[str], msg: dict) -> SendResult:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self.send_sync, accounts, msg)

    async def send_text(self, accounts: Sequence[str], content: str) -> SendResult:
        return await self.send(accounts, text_message(content))



def text_message(content: str) -> dict:
    return {"msgtype": "text", "text": {"content": fit_text(content)}, "safe": 0}


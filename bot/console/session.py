"""The console's cookies: a session (who, its CSRF token, since when) and a login's ``state``,
each signed and encrypted (Fernet: AES-128-CBC and HMAC-SHA256, with the time it was made) under a
key derived by HKDF from ``[web] session_secret``, or from the WeCom app secret when that is not
set. Nothing in a cookie can be read or forged without the key; the key is never logged or shown.

The cookie's age is checked against the runtime's clock, so a session ends ``[web] session_hours``
after login whatever the browser keeps.
"""
from __future__ import annotations

import base64
import hmac
import json
import secrets
from dataclasses import dataclass

from aiohttp import web
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.config import Config, ConfigError

SESSION_COOKIE = "qingdan_session"
LOGIN_COOKIE = "qingdan_login"       # the state of a login under way, and where to go after it
LOGIN_SECONDS = 600                  # a login begun must come back within this
CONSOLE_PATH = "/console/"


def cookie_key(config: Config) -> Fernet:
    """The cookies' key: HKDF-SHA256 over ``[web] session_secret``, else over the app secret
    (salted with the corp ID), for this purpose only — the secret itself is never used as a key."""
    material = config.web.session_secret or config.wecom.secret
    if not material:
        raise ConfigError("web.session_secret", "缺失（也没有 wecom.secret 可派生）",
                          "is missing (and there is no wecom.secret to derive it from)")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=config.wecom.corp_id.encode("utf-8"),
                info=b"qingdan console cookies v1")
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(material.encode("utf-8"))))


@dataclass(frozen=True)
class Session:
    """Who is logged in to the console, and the token every form of theirs carries."""

    account: str
    csrf: str

    def csrf_ok(self, token: object) -> bool:
        return isinstance(token, str) and hmac.compare_digest(token.encode(), self.csrf.encode())


@dataclass
class Cookies:
    """Seals and opens the console's cookies at the runtime clock's time."""

    fernet: Fernet
    secure: bool
    session_seconds: int
    now: object                          # () → the current POSIX time (the runtime's clock)

    def _seal(self, data: dict) -> str:
        return self.fernet.encrypt_at_time(json.dumps(data).encode(), int(self.now())).decode()

    def _open(self, token: str | None, ttl: int) -> dict | None:
        if not token:
            return None
        try:
            return json.loads(self.fernet.decrypt_at_time(token.encode(), ttl, int(self.now())))
        except (InvalidToken, ValueError):
            return None

    def _set(self, response: web.StreamResponse, name: str, value: str, seconds: int) -> None:
        response.set_cookie(name, value, max_age=seconds, path=CONSOLE_PATH, httponly=True,
                            samesite="Lax", secure=self.secure)

    def session(self, request: web.Request) -> Session | None:
        data = self._open(request.cookies.get(SESSION_COOKIE), self.session_seconds)
        if not data or not isinstance(data.get("a"), str) or not isinstance(data.get("c"), str):
            return None
        return Session(data["a"], data["c"])

    def start_session(self, response: web.StreamResponse, account: str) -> None:
        self._set(response, SESSION_COOKIE, self._seal({"a": account, "c": secrets.token_urlsafe(24)}),
                  self.session_seconds)
        response.del_cookie(LOGIN_COOKIE, path=CONSOLE_PATH)

    def end_session(self, response: web.StreamResponse) -> None:
        response.del_cookie(SESSION_COOKIE, path=CONSOLE_PATH)

    def begin_login(self, response: web.StreamResponse, state: str, after: str) -> None:
        self._set(response, LOGIN_COOKIE, self._seal({"s": state, "n": after}), LOGIN_SECONDS)

    def login_under_way(self, request: web.Request, state: str) -> str | None:
        """Where to go after this login if ``state`` is the one this browser's login began with."""
        data = self._open(request.cookies.get(LOGIN_COOKIE), LOGIN_SECONDS)
        if not data or not isinstance(data.get("s"), str) or not state:
            return None
        if not hmac.compare_digest(data["s"].encode(), state.encode()):
            return None
        return safe_next(data.get("n"))


def safe_next(path: object) -> str:
    """A page of the console to go to after login; anything else (another site) is the entry."""
    if isinstance(path, str) and path.startswith(CONSOLE_PATH) and "//" not in path and "\\" not in path:
        return path
    return CONSOLE_PATH

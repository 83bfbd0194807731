"""Login attempts, limited: an address whose logins failed ``[web] login_failures`` times within
``WINDOW`` seconds waits until the oldest of them is that old. Kept in the process (each instance
counts its own); a failure is a bad or reused code, a bad ``state`` or an account not on the rolls.

Behind nginx every request comes from nginx, so the address is the last entry of
``X-Forwarded-For`` (the one nginx added) when the peer is the local machine or an address of the
internal network (where nginx runs); from anywhere else the header is not believed.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable
from ipaddress import ip_address

from aiohttp import web

WINDOW = 600.0          # seconds
KEPT = 10_000           # addresses remembered at most; past it, those with no failure in the window go


def client_address(request: web.Request) -> str:
    peer = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    try:
        address = ip_address(peer)
        local = address.is_loopback or address.is_private
    except ValueError:
        local = False
    if local and forwarded:
        return forwarded.split(",")[-1].strip()
    return peer


class LoginLimiter:
    def __init__(self, failures: int, now: Callable[[], float]):
        self.failures = failures
        self.now = now
        self._seen: dict[str, deque[float]] = {}

    def _recent(self, address: str) -> deque[float]:
        times = self._seen.setdefault(address, deque())
        while times and times[0] <= self.now() - WINDOW:
            times.popleft()
        if not times:
            del self._seen[address]
            return deque()
        return times

    def blocked(self, address: str) -> bool:
        return len(self._recent(address)) >= self.failures

    def failed(self, address: str) -> None:
        if len(self._seen) >= KEPT:
            for known in list(self._seen):
                self._recent(known)
        self._recent(address)
        self._seen.setdefault(address, deque()).append(self.now())

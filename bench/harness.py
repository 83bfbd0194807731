"""What the benchmarks share: a real ``qingdan serve`` as a subprocess, the load generator in a
process of its own, the bare echo server made of the same parts, and figures.

* ``Serve(config)`` starts ``python -m bot serve`` (its log to a file), waits for ``/healthz`` and
  reads its resident memory from /proc.
* ``run_load(port, requests, concurrency, seconds, accounts)`` seals WeCom callbacks with
  wechatpy's crypto in a child process (before its clock starts), posts them from ``concurrency``
  senders on loopback, at most ``requests`` of them and for at most ``seconds``, and returns
  a ``LoadResult`` (rate, p50/p99/max, answered late, errors).
* ``python bench/harness.py echo --port P`` is the bare server: aiohttp, signature check,
  decryption, message parsing, an encrypted passive reply echoing the text — no database.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.replies import TextReply

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.org_data import rss_mib  # noqa: E402
from bot.callback import read_envelope  # noqa: E402
from bot.wecom_standin import seal_callback, text_message_xml  # noqa: E402

CORP_ID, AGENT_ID, SECRET = "wwbench0001", 1000002, "bench-secret"
TOKEN, AES_KEY = "bench-token", "QingdanBenchmarkKey0123456789abcdefghijklmn"   # 43 characters
CALLBACK = "/wecom/callback"

# What members send, with its share (and who sends it: any member, or the secretaries of 党支部 and
# 党总支). "daily": the two things members do most, asking for their list and reporting progress;
# "full" adds asking whether they reported and what is overdue; "all": every common kind, the
# progress naming any of the five items, 谁还没报 asked by secretaries.
MIXES = {
    "daily": (("我的清单", 50), ("第1项完成80%", 50)),
    "full": (("我的清单", 40), ("第1项完成80%", 30), ("我这个月报了吗", 15), ("有哪些逾期的", 15)),
    "all": (("我的清单", 25), ("第{n}项完成80%", 30), ("我这个月报了吗", 10), ("有哪些逾期的", 10),
            ("我单位星级", 10), ("整改清单", 5), ("谁还没报", 10, "secretaries")),
    "my_list": (("我的清单", 100),),
}
SECRETARY_TITLES = ("支部书记", "党总支书记")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def crypto() -> WeChatCrypto:
    return WeChatCrypto(TOKEN, AES_KEY, CORP_ID)


def write_config(path: Path, url: str, port: int, api_base_url: str, *, quiet_all_day: bool = True) -> Path:
    """A configuration for the benchmark. With ``quiet_all_day`` the quiet hours cover the whole day
    but its last minute, so the scheduler's start-up catch-up sends nothing while callbacks are
    measured; without, the default schedule (quiet 22:00–08:00)."""
    quiet = 'quiet_start = "00:00"\nquiet_end = "23:59"\n' if quiet_all_day else ""
    path.write_text(f"""[wecom]
corp_id = "{CORP_ID}"
agent_id = {AGENT_ID}
secret = "{SECRET}"
token = "{TOKEN}"
encoding_aes_key = "{AES_KEY}"
api_base_url = "{api_base_url}"

[database]
url = "{url}"

[server]
host = "127.0.0.1"
port = {port}

[schedule]
{quiet}""", encoding="utf-8")
    return path


# --- serve as a subprocess ------------------------------------------------------------------------

class Serve:
    """``qingdan serve`` in its own process, its output in ``log``; the code of the checkout at
    ``root`` (this one by default: another commit's, to compare in one run)."""

    def __init__(self, config: Path, port: int, log: Path, root: Path = ROOT):
        self.config, self.port, self.log, self.root = config, port, log, root
        self.proc: subprocess.Popen | None = None
        self.started = 0.0

    def start(self) -> Serve:
        env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--config", str(self.config)],
                                     cwd=self.root, env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        return self

    def wait_healthy(self, timeout: float = 60) -> float:
        """Seconds from start to the first 200 from /healthz."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited ({self.proc.returncode}); see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.01)
        raise RuntimeError(f"serve did not answer /healthz within {timeout} s; see {self.log}")

    def rss(self) -> float:
        return rss_mib(self.proc.pid)

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far."""
        return cpu_seconds(self.proc.pid)

    def wait_idle(self, timeout: float = 120) -> None:
        """Until the process has used under 5% of a core for half a second: work left over from a
        run (late answers still being computed) does not spill into the next."""
        deadline = time.monotonic() + timeout
        last = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self.cpu_seconds()
            if now - last < 0.025:
                return
            last = now

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Serve:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- the load generator ---------------------------------------------------------------------------

@dataclass
class LoadResult:
    concurrency: int
    seconds: float = 0.0
    ok: int = 0            # an encrypted passive reply
    late: int = 0          # answered empty: the reply went out later by message/send
    errors: int = 0        # anything but 200, or no answer
    latencies: list[float] = field(default_factory=list)
    slow: list[float] = field(default_factory=list)     # the slow sender's latencies (``run_load(slow=…)``)
    server_cpu_ms: float = float("nan")   # the server's CPU time per callback (``run_load(server_pid=…)``)

    @property
    def done(self) -> int:
        return self.ok + self.late + self.errors

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        """The ``p``-th percentile latency, in ms."""
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000


def sealed(n: int, accounts: list[str], msg_base: int, seed: int, mix: str = "daily",
           secretaries: list[str] = ()) -> list[tuple[dict, str]]:
    """``n`` encrypted callbacks, each a new message (own MsgId) from a random member (a random
    secretary for the kinds the mix gives to secretaries)."""
    rng, c = random.Random(seed), crypto()
    kinds = [kind for kind in MIXES[mix] for _ in range(kind[1])]
    out = []
    for i in range(n):
        text, _, *who = rng.choice(kinds)
        sender = rng.choice(secretaries if who and secretaries else accounts)
        xml = text_message_xml(CORP_ID, AGENT_ID, sender, text.format(n=rng.randint(1, 5)), msg_base + i)
        out.append(seal_callback(c, CORP_ID, AGENT_ID, xml))
    return out


def said(n: int, account: str, text: str, msg_base: int) -> list[tuple[dict, str]]:
    """``n`` encrypted callbacks of ``account`` saying ``text``, each a new message."""
    c = crypto()
    return [seal_callback(c, CORP_ID, AGENT_ID, text_message_xml(CORP_ID, AGENT_ID, account, text, msg_base + i))
            for i in range(n)]


def request_bytes(port: int, query: dict, body: str) -> bytes:
    """One HTTP/1.1 keep-alive POST of a callback, built before the clock starts."""
    data = body.encode("utf-8")
    head = (f"POST {CALLBACK}?{urlencode(query)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: text/xml\r\nContent-Length: {len(data)}\r\n\r\n")
    return head.encode("ascii") + data


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next((int(x.split(":", 1)[1]) for x in lines if x.lower().startswith("content-length:")), 0)
    return status, await reader.readexactly(length) if length else b""


async def _drive(port: int, requests: list[bytes], concurrency: int, seconds: float,
                 slow: list[bytes] = ()) -> LoadResult:
    """Post ``requests`` from ``concurrency`` senders, each on its own keep-alive connection, and
    ``slow`` one after another from one more sender while they run (its latencies apart). A small
    HTTP client of its own: aiohttp's client costs more CPU per request than the echo server
    spends answering, and the two share the machine's cores."""
    result = LoadResult(concurrency)
    queue = iter(requests)
    started = time.perf_counter()
    stop_at = started + seconds
    running = [concurrency]

    async def sender(queue=queue, latencies=result.latencies) -> None:
        reader = writer = None
        for request in queue:
            if time.perf_counter() > stop_at or latencies is result.slow and not running[0]:
                break
            t0 = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                status, body = await asyncio.wait_for(_exchange(reader, writer, request), 30)
                if status != 200:
                    result.errors += 1
                elif body.strip():
                    result.ok += 1
                else:
                    result.late += 1
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
                result.errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
            latencies.append(time.perf_counter() - t0)
        if writer is not None:
            writer.close()
        if latencies is result.latencies:
            running[0] -= 1

    await asyncio.gather(*(sender() for _ in range(concurrency)), sender(iter(slow), result.slow))
    result.seconds = time.perf_counter() - started
    return result


def one_by_one(port: int, text: str, accounts: list[str], n: int, msg_base: int) -> list[float]:
    """Seconds each of ``n`` callbacks saying ``text`` took, sent one after another (no load)."""
    c, out = crypto(), []
    for i in range(n):
        query, body = seal_callback(c, CORP_ID, AGENT_ID,
                                    text_message_xml(CORP_ID, AGENT_ID, accounts[(i * 97) % len(accounts)], text,
                                                     msg_base + i))
        req = urllib.request.Request(f"http://127.0.0.1:{port}{CALLBACK}?{urlencode(query)}",
                                     data=body.encode("utf-8"), method="POST")
        t0 = time.perf_counter()
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
        out.append(time.perf_counter() - t0)
    return out


def _child(port, requests, concurrency, seconds, accounts, msg_base, seed, mix, secretaries, slow, out) -> None:
    calls = [request_bytes(port, q, b) for q, b in sealed(requests, accounts, msg_base, seed, mix, secretaries)]
    warm = [request_bytes(port, q, b) for q, b in sealed(min(concurrency, 20), accounts, msg_base + requests, seed + 1,
                                                          mix, secretaries)]
    slow_calls = [request_bytes(port, q, b) for q, b in said(1000, *slow, msg_base + requests + 100)] if slow else []
    asyncio.run(_drive(port, warm, len(warm), 30))                  # all sealed before the clock
    out.put(asyncio.run(_drive(port, calls, concurrency, seconds, slow_calls)))


_MSG_BASE = [10_000_000]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_load(port: int, requests: int, concurrency: int, seconds: float, accounts: list[str],
             seed: int = 1, mix: str = "daily", server_pid: int | None = None, secretaries: list[str] = (),
             slow: tuple[str, str] | None = None) -> LoadResult:
    """Drive ``requests`` callbacks (at most ``seconds``) from ``concurrency`` senders in a child
    process; with ``slow`` = (account, text), one more sender says that over and over meanwhile.
    With ``server_pid``, the server's CPU time per callback is measured too (its warm-up and slow
    callbacks included, so that the figure is never flattering)."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    _MSG_BASE[0] += 1_000_000
    p = ctx.Process(target=_child, args=(port, requests, concurrency, seconds, accounts, _MSG_BASE[0], seed, mix,
                                         list(secretaries), slow, out))
    before = cpu_seconds(server_pid) if server_pid else 0.0
    p.start()
    result = out.get(timeout=seconds + 300)
    p.join(30)
    if server_pid:
        answered = result.done + len(result.slow) + min(concurrency, 20)       # with the warm-up callbacks
        result.server_cpu_ms = (cpu_seconds(server_pid) - before) / answered * 1000
    return result


# --- the bare echo server -------------------------------------------------------------------------

def echo_app() -> web.Application:
    """The callback's parts without the bot: read, check, decrypt, parse, reply encrypted."""
    c = crypto()

    async def receive(request: web.Request) -> web.Response:
        q = request.query
        body = await request.read()
        xml = c.decrypt_message(read_envelope(body), q["msg_signature"], q["timestamp"], q["nonce"])
        msg = parse_message(xml)
        reply = TextReply(content=f"收到：{msg.content}", message=msg).render()
        return web.Response(text=c.encrypt_message(reply, q["nonce"], str(int(time.time()))),
                            content_type="application/xml")

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(CALLBACK, receive)
    app.router.add_get("/healthz", healthz)
    return app


def echo_server(port: int) -> subprocess.Popen:
    """The echo server as a subprocess, answering once this returns."""
    proc = subprocess.Popen([sys.executable, str(Path(__file__)), "echo", "--port", str(port)], cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the echo server did not start")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="基准测试用的裸回调回显服务（wechatpy 加解密 + aiohttp，无数据库）")
    ap.add_argument("role", choices=["echo"])
    ap.add_argument("--port", type=int, required=True)
    a = ap.parse_args(argv)
    web.run_app(echo_app(), host="127.0.0.1", port=a.port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The console's pages on the 10,000-member organisation (issue 24, point 6).

    python bench/console_pages.py [--engines sqlite postgresql] [--requests 40]

For each engine: ``bench/org_data.py``'s organisation is loaded into a fresh database; the real
app (``bot.app.build_app``) and the WeCom stand-in run on this process's event loop; the 机关党委
secretary (``m00001``) logs in through the stand-in's SSO page as a browser would, and each page of
``PAGES`` is fetched ``--requests`` times one after another (after two warm-up fetches). Printed:
each page's p50 / p95 / max in milliseconds (the whole request: query, rendering, HTTP), the CPU
this process spent a request (the app, the client and, on SQLite, the database: on a machine
shared with other work, the figure that does not depend on the load) and the page's size. A page not served by this checkout (404) is said so and skipped, so a page added later is
one more entry in ``PAGES``.

Target: p95 < 150 ms for the board and the star page.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN  # noqa: E402
from bench.org_data import database, generate, git_commit, load_database, machine  # noqa: E402
from bot.app import build_app  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.runtime import Clock, Runtime  # noqa: E402
from bot.wecom_standin import StandIn  # noqa: E402
from models.db import analyze  # noqa: E402

TARGET_MS = 150
VIEWER = "m00001"              # the 机关党委 secretary
GENERAL = "第1党总支"          # a 党总支 and its 25 branches: the board of one unit
# (label, path; "{unit}" is GENERAL's id). The star page is one more entry once it is served.
PAGES = [
    ("单位：挂图作战（全机关党委，第1页）", "/console/board"),
    ("单位：挂图作战（红色事项）", "/console/board?signal=red"),
    ("单位：挂图作战（一个党总支）", "/console/board?unit={unit}"),
    ("我的清单", "/console/"),
    ("星级", "/console/stars"),
]


def config(url: str, standin: StandIn) -> Config:
    cfg = Config()
    w = cfg.wecom
    w.corp_id, w.agent_id, w.secret, w.token, w.encoding_aes_key = CORP_ID, AGENT_ID, SECRET, TOKEN, AES_KEY
    w.api_base_url, w.oauth_url, w.sso_url = standin.base_url, standin.oauth_url, standin.sso_url
    cfg.database.url = url
    return cfg


async def log_in(client: TestClient, account: str) -> None:
    """As a PC browser: the console sends it to SSO, the stand-in's form answers with a code."""
    first = await client.get("/console/", allow_redirects=False)
    sso = first.headers["Location"]
    async with aiohttp.ClientSession() as http:
        base, _, query = sso.partition("?")
        form = dict(p.split("=", 1) for p in query.split("&"))
        from urllib.parse import unquote
        back = await http.post(base, data={k: unquote(v) for k, v in form.items()} | {"userid": account},
                               allow_redirects=False)
        location = back.headers["Location"]
    auth = await client.get(location[location.index("/console/"):], allow_redirects=False)
    assert auth.status == 302, await auth.text()


async def measure(client: TestClient, path: str, n: int) -> tuple[list[float], int] | None:
    for _ in range(2):
        resp = await client.get(path)
        body = await resp.read()
        if resp.status == 404:
            return None
        assert resp.status == 200, body[:300]
    times = []
    cpu = time.process_time()
    for _ in range(n):
        started = time.perf_counter()
        resp = await client.get(path)
        body = await resp.read()
        times.append((time.perf_counter() - started) * 1000)
    return times, len(body), (time.process_time() - cpu) * 1000 / n


def _unit_id(runtime: Runtime) -> int:
    from sqlmodel import Session, select

    from models.tables import Unit
    with Session(runtime.engine) as s:
        return s.exec(select(Unit.id).where(Unit.name == GENERAL)).one()


async def run(name: str, url: str, requests: int) -> None:
    started = time.perf_counter()
    load_database(url).dispose()
    print(f"\n{name}: 组织载入 {time.perf_counter() - started:.1f} s")
    async with StandIn(corp_id=CORP_ID, secret=SECRET) as standin:
        clock = Clock(Config().tz)
        clock.offset = datetime(2026, 11, 20, 10, 0, tzinfo=clock.tz) - datetime.now(clock.tz)
        runtime = Runtime.build(config(url, standin), clock=clock)
        analyze(runtime.engine)
        client = TestClient(TestServer(build_app(runtime)))
        await client.start_server()
        try:
            await log_in(client, VIEWER)
            unit = _unit_id(runtime)
            for label, path in PAGES:
                found = await measure(client, path.format(unit=unit), requests)
                if found is None:
                    print(f"  {label:<28} （本版本没有这个页面：{path}）")
                    continue
                times, size, cpu = found
                p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
                mark = "" if p95 < TARGET_MS else "  ← 超过目标"
                print(f"  {label:<28} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
                      f"max {max(times):6.1f} ms  CPU {cpu:6.1f} ms  {size / 1024:7.1f} KiB{mark}")
        finally:
            await client.close()
            runtime.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="控制台页面在 10,000 名党员的组织上的响应时间")
    ap.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    ap.add_argument("--requests", type=int, default=40)
    a = ap.parse_args(argv)
    print(machine(pg="postgresql" in a.engines))
    print(f"代码：{git_commit()}；组织：{len(generate().members)} 名党员；每页 {a.requests} 次（另预热2次）；"
          f"目标 p95 < {TARGET_MS} ms")
    with tempfile.TemporaryDirectory(prefix="qingdan-console-bench-") as tmp:
        for engine in a.engines:
            with database(engine, Path(tmp), "console.db") as url:
                asyncio.run(run("SQLite" if engine == "sqlite" else "PostgreSQL", url, a.requests))
    return 0


if __name__ == "__main__":
    sys.exit(main())

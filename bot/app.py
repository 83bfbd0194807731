"""The aiohttp application: the WeCom callback, /healthz, the console (/console/), and start-up work done once."""
from __future__ import annotations

import asyncio
import gc
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from sqlmodel import select

from bot import nlu
from bot.callback import RUNTIME, add_routes
from bot.console import add_console
from bot.runtime import Runtime
from models.db import session_scope
from models.health import watch, writable
from models.tables import Item

log = logging.getLogger(__name__)


def preload(runtime: Runtime) -> float:
    """Load the dictionary and every item title now, not on the first message."""
    started = time.perf_counter()
    with session_scope(runtime.engine) as s:
        titles = sorted(s.exec(select(Item.title).distinct()))
    nlu.load(titles)
    return time.perf_counter() - started


async def healthz(request: web.Request) -> web.Response:
    """200 while the database takes writes; else 503 and why, in Chinese (``models.health``:
    a rolled-back write at most every few seconds, and write failures met by the traffic)."""
    reason = await asyncio.to_thread(writable, request.app[RUNTIME].engine)
    if reason is None:
        return web.json_response({"status": "ok"})
    return web.json_response({"status": "database unavailable", "reason": reason}, status=503,
                             dumps=lambda obj: json.dumps(obj, ensure_ascii=False))


def build_app(runtime: Runtime) -> web.Application:
    """The web app for ``runtime``; start-up pre-loads reply understanding."""
    app = web.Application(client_max_size=1024 * 1024)
    app[RUNTIME] = runtime
    watch(runtime.engine)           # write failures: logged once with their cause, seen by /healthz
    add_routes(app)
    app.router.add_get("/healthz", healthz)
    add_console(app, runtime)                           # /console/: the web console (bot/console)

    async def on_startup(app: web.Application) -> None:
        # Callbacks are answered on threads of their own (bot.answering.Answering); the database
        # work of scheduled pushes, of a late answer's delivery claim and of /healthz runs on this
        # loop's default executor. Few threads: they share one GIL with the loop, and on a busy
        # 2-core machine two answered more callbacks with a third of the p99 than Python's default
        # of six (bench/callbacks.py); more pay off only when each query waits on a remote database.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(runtime.config.server.db_threads, thread_name_prefix="qingdan-db"))
        seconds = await asyncio.to_thread(preload, runtime)
        log.info("reply understanding loaded in %.2fs", seconds)
        # What start-up built lives as long as the process: kept out of the cyclic collector's
        # sight, whose full collections otherwise walked all of it (the console's board of a
        # 机关党委 paused 55 ms in one request of four; bench/console_pages.py). Once a process:
        # serve starts one app; a process that starts many (the tests) pays the collection once.
        if not gc.get_freeze_count():
            gc.collect()
            gc.freeze()

    async def on_cleanup(app: web.Application) -> None:
        await runtime.sender.aclose()      # its connections belong to this loop

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app

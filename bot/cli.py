"""The ``qingdan`` command (also ``python -m bot``).

Heavy modules (the database, aiohttp, reply understanding) are imported by the commands that need
them, so ``--help`` and a configuration error answer at once. An error the operator can fix — a
missing config file, a key left at the example's value, a database that does not answer, a file
that cannot be written — is one Chinese line on stderr and exit status 2, never a traceback
(``QINGDAN_DEBUG=1`` shows the traceback of an unexpected error).
"""
from __future__ import annotations

import errno
import faulthandler
import gc
import getpass
import json
import logging
import os
import socket
import sys
from datetime import datetime
from pathlib import Path

from bot import config as config_mod
from bot.cli_args import build_parser, chinese_argparse
from bot.config import Config, ConfigError

GC_THRESHOLD = 20_000     # new objects between two runs of the cycle collector (see main)

FILE_ERRORS = {errno.ENOENT: "文件夹或文件不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
               errno.EISDIR: "这是一个文件夹", errno.ENOSPC: "磁盘已满", errno.EROFS: "只读文件系统",
               errno.ENOTDIR: "路径中有一段不是文件夹"}


class OperatorError(Exception):
    """Something the operator can fix; the message is one Chinese line (exit status 2)."""


def _config(args) -> Config:
    path = config_mod.find_config_path(args.config)
    if path is not None and not path.exists():
        raise OperatorError(f"找不到配置文件：{path}")
    return config_mod.load(path)


def _engine(cfg: Config, create: bool = True):
    """The configured database, connected (DatabaseError, one line, if it cannot be)."""
    from models.db import check_connection, init_db, make_engine

    engine = make_engine(cfg.database.url)
    check_connection(engine)
    if create:
        init_db(engine)
    return engine


def _moment(text: str | None, cfg: Config, what: str) -> datetime:
    """An ISO 8601 moment from the command line, in the configured zone if it names none."""
    try:
        at = datetime.fromisoformat(text) if text else datetime.now(cfg.tz)
    except ValueError:
        raise OperatorError(f"{what}格式不对：{text}（应为 ISO 8601，如 2026-11-25T09:00+08:00 或 2026-11-25）") from None
    return at if at.tzinfo else at.replace(tzinfo=cfg.tz)


def _writable(path: Path) -> None:
    """Stop before any work if ``path`` cannot be written."""
    folder = path.resolve().parent
    why = None
    if not folder.is_dir():
        why = f"文件夹 {folder} 不存在"
    elif path.is_dir():
        why = "这是一个文件夹"
    elif not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        why = "没有写权限"
    if why:
        raise OperatorError(f"无法写入导出文件：{path}（{why}）")


def _port_taken(host: str, port: int) -> str:
    return f"无法监听 {host}:{port}：端口已被占用（另一个 qingdan 或其他程序），请在配置文件 [server] port 换一个端口"


def _check_port_free(host: str, port: int) -> None:
    """Stop before loading anything when the port is taken (the bind itself is checked again later)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise OperatorError(_port_taken(host, port)) from None


def cmd_serve(args) -> int:
    """Callback server and scheduler: the production process."""
    cfg = _config(args)
    cfg.require_wecom()
    _check_port_free(cfg.server.host, cfg.server.port)
    from concurrent.futures import ThreadPoolExecutor

    from bot.wecom import install_log_redaction

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction()
    # A crash below Python (SIGBUS from a SQLite -shm file that cannot be written, SIGSEGV) still
    # says where it happened ("Fatal Python error: Bus error", docs/deploy.md) before the process dies.
    faulthandler.enable()
    engine = _engine(cfg)
    # ANALYZE (current statistics: "我的清单" uses the (owner, year) index) mostly waits on the
    # database (PostgreSQL analyzes every table of the database: 0.2–0.4 s), so it runs on a thread
    # while the rest of the bot is imported and built and titles are loaded; the app's last
    # start-up step waits for it, so it is done before the port opens.
    from models.db import analyze

    pool = ThreadPoolExecutor(1, thread_name_prefix="qingdan-analyze")
    analyzing = pool.submit(analyze, engine)
    pool.shutdown(wait=False)          # the thread ends after its one task

    from aiohttp import web

    from bot.app import build_app
    from bot.runtime import Runtime
    from schedules.scheduler import attach_scheduler

    runtime = Runtime.build(cfg)
    app = build_app(runtime)
    attach_scheduler(app, runtime)

    async def statistics_current(_app) -> None:
        import asyncio

        await asyncio.to_thread(analyzing.result)
        engine.dispose()

    app.on_startup.append(statistics_current)
    started = f"qingdan 已启动：http://{cfg.server.host}:{cfg.server.port}/wecom/callback"
    # One access-log line per callback is noise at production rates; errors are logged regardless.
    access_log = logging.getLogger("aiohttp.access") if cfg.server.access_log else None
    try:     # the line is printed once the port is open and reply understanding is loaded
        web.run_app(app, host=cfg.server.host, port=cfg.server.port, access_log=access_log,
                    print=lambda _: print(started, flush=True))
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise OperatorError(_port_taken(cfg.server.host, cfg.server.port)) from None
    finally:
        runtime.close()
    return 0


def cmd_demo(args) -> int:
    """The whole bot with a demo organisation and a terminal chat; no WeCom account needed."""
    from bot.demo import run_demo

    return run_demo(args)


def cmd_init_db(args) -> int:
    """Create or upgrade the schema."""
    from models.db import init_db, safe_url

    cfg = _config(args)
    revision = init_db(_engine(cfg, create=False))
    print(f"数据库已就绪（迁移版本 {revision}）：{safe_url(cfg.database.url)}")
    return 0


def _progress_line(line: str) -> None:
    """``line`` over the last one on the terminal (stderr); "" clears it."""
    print(f"\r\033[K{line}", end="" if line else "\r", file=sys.stderr, flush=True)


def cmd_import(args) -> int:
    """Load the workbook; statistics are brought up to date afterwards."""
    from models.db import analyze, session_scope
    from models.workbook import WorkbookError, import_workbook

    cfg = _config(args)
    book = Path(args.book)
    if not book.exists():
        print(f"文件不存在：{book}", file=sys.stderr)
        return 2
    engine = _engine(cfg)
    progress = _progress_line if sys.stderr.isatty() else None     # a terminal only: never in a log
    try:
        with session_scope(engine) as s:
            summary = import_workbook(s, book, actor=f"cli:{getpass.getuser()}",
                                      now=datetime.now(cfg.tz), skip_bad_rows=args.skip_bad_rows,
                                      star_maxima=cfg.stars.maxima(), progress=progress)
    except WorkbookError as exc:
        if progress:
            _progress_line("")
        print(f"导入失败，未写入任何数据。共{len(exc.problems)}处问题：", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        if any(p.row for p in exc.problems):        # rows can be skipped; a book that cannot be read cannot
            print("改正后重新导入；或加 --skip-bad-rows 跳过这些行、导入其余内容。", file=sys.stderr)
        else:
            print("改正后重新导入。", file=sys.stderr)
        return 1
    if progress:
        _progress_line("")
    analyze(engine)
    for line in summary.lines():
        print(line)
    if summary.left:
        from schedules.commands import tell_about_leavers
        tell_about_leavers(cfg, engine, summary.left)
    return 0


def cmd_export(args) -> int:
    """Write the lists and their progress to a workbook."""
    from models.db import session_scope
    from models.workbook import export_workbook

    cfg = _config(args)
    book = Path(args.book)
    _writable(book)
    engine = _engine(cfg)
    try:
        with session_scope(engine) as s:
            export_workbook(s, book, year=args.year, now=datetime.now(cfg.tz), tz=cfg.tz,
                            base_url=cfg.web.base_url)
    except OSError as exc:
        raise OperatorError(f"无法写入导出文件：{book}（{FILE_ERRORS.get(exc.errno, exc.strerror)}）") from None
    print(f"已导出：{args.book}")
    return 0


def _quiet_logging() -> None:
    """What a sending command prints is its own Chinese lines: the log (English, for ``serve``) shows
    only errors, or everything with ``QINGDAN_DEBUG=1``; never a secret."""
    from bot.wecom import install_log_redaction

    level = logging.DEBUG if os.environ.get("QINGDAN_DEBUG") else logging.ERROR
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    install_log_redaction()


def cmd_remind(args) -> int:
    """Run every push due at ``--at`` exactly once per recipient and occasion."""
    from schedules.commands import remind

    cfg = _config(args)
    cfg.require_sending()              # nothing goes to the real WeCom with empty credentials
    at = _moment(args.at, cfg, "时间")
    _quiet_logging()
    return remind(cfg, at)


def cmd_outbox(args) -> int:
    """Failed pushes and those whose outcome is unknown; ``--retry`` resends the failed ones once."""
    from schedules.commands import show_outbox

    cfg = _config(args)
    if args.retry:
        cfg.require_sending()
    since = _moment(args.since, cfg, "--since 的时间") if args.since else None
    _quiet_logging()
    return show_outbox(cfg, failed_only=args.failed, since=since, retry=args.retry)


def cmd_schedule(args) -> int:
    """Each scheduled job's next time."""
    from schedules.commands import show_schedule

    return show_schedule(_config(args))


def cmd_parse(args) -> int:
    """Show how a reply is understood."""
    from bot import nlu

    nlu.load()
    if args.batch:
        out = sys.stdout
        with open(args.batch, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                case = json.loads(line)
                result = nlu.parse(case.get("text", ""), nlu.item_refs(case.get("items") or []))
                out.write(json.dumps(nlu.to_json(result), ensure_ascii=False) + "\n")
        return 0
    if not args.text:
        print("请给出要解析的文字，或用 --batch CASES.jsonl", file=sys.stderr)
        return 2
    from bot.nlu.explain import describe, explain

    refs = nlu.item_refs(json.loads(Path(args.items).read_text(encoding="utf-8")) if args.items else [])
    if args.explain:
        print(explain(" ".join(args.text), refs))
        return 0
    result = nlu.to_json(nlu.parse(" ".join(args.text), refs))
    print(json.dumps(result, ensure_ascii=False) if args.json else describe(result, {r.id: r.title for r in refs}))
    return 0


COMMANDS = {"serve": cmd_serve, "demo": cmd_demo, "init-db": cmd_init_db, "import": cmd_import,
            "export": cmd_export, "remind": cmd_remind, "outbox": cmd_outbox, "schedule": cmd_schedule,
            "parse": cmd_parse}


def explain_error(exc: BaseException) -> str | None:
    """One Chinese line for an error the operator can act on, or None for a bug."""
    if isinstance(exc, (ConfigError, OperatorError)):
        return str(exc)
    db = sys.modules.get("models.db")          # loaded by every command that touches the database
    if db is not None and isinstance(exc, db.DatabaseError):
        return str(exc)
    sa = sys.modules.get("sqlalchemy.exc")
    if db is not None and sa is not None and isinstance(exc, (sa.OperationalError, sa.InterfaceError)):
        return f"数据库出错：{db.connect_reason(exc)}"
    if isinstance(exc, OSError) and exc.errno in FILE_ERRORS:
        return f"无法读写 {exc.filename or '文件'}：{FILE_ERRORS[exc.errno]}"
    return None


def main(argv: list[str] | None = None) -> int:
    # Every command makes many short-lived objects: importing sqlmodel, aiohttp and the rest, a
    # month-end's or an import's rows, each callback's rows, ORM states and reading of the reply.
    # At Python's default threshold (700 new objects) the cycle collector ran every few callbacks
    # and took about 8% of their CPU (bench/callbacks.py), and 5% of start-up; at 20,000 it runs
    # some thirty times less often. Nearly everything is freed by reference counting anyway.
    gc.set_threshold(GC_THRESHOLD, 10, 10)
    chinese_argparse()
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args) or 0
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:            # output piped into head/less that stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())   # nothing left to flush into the pipe
        return 0
    except Exception as exc:  # noqa: BLE001 - the operator gets one line, never a traceback
        line = explain_error(exc)
        if line is not None:
            print(line, file=sys.stderr)
            return 2
        if os.environ.get("QINGDAN_DEBUG"):
            raise
        print(f"内部错误：{type(exc).__name__}: {exc}（设置环境变量 QINGDAN_DEBUG=1 可看到详细信息）", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

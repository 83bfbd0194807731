"""The ``qingdan`` command (also ``python -m bot``)."""
from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from datetime import datetime
from pathlib import Path

from bot import config as config_mod
from bot.config import Config, ConfigError


def _config(args) -> Config:
    return config_mod.load(args.config)


def _engine(cfg: Config, create: bool = True):
    from models.db import init_db, make_engine

    engine = make_engine(cfg.database.url)
    if create:
        init_db(engine)
    return engine


def cmd_serve(args) -> int:
    """Callback server and scheduler: the production process."""
    cfg = _config(args)
    cfg.require_wecom()

    from aiohttp import web

    from bot.app import build_app
    from bot.runtime import Runtime
    from bot.wecom import install_log_redaction
    from schedules.scheduler import attach_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_redaction()
    _engine(cfg).dispose()
    runtime = Runtime.build(cfg)
    app = build_app(runtime)
    attach_scheduler(app, runtime)
    print(f"qingdan 已启动：http://{cfg.server.host}:{cfg.server.port}/wecom/callback", flush=True)
    web.run_app(app, host=cfg.server.host, port=cfg.server.port, print=None)
    runtime.close()
    return 0


def cmd_demo(args) -> int:
    """The whole bot with a demo organisation and a terminal chat; no WeCom account needed."""
    from bot.demo import run_demo

    return run_demo(args)


def cmd_init_db(args) -> int:
    from models.db import init_db, make_engine

    cfg = _config(args)
    revision = init_db(make_engine(cfg.database.url))
    print(f"数据库已就绪（迁移版本 {revision}）：{_safe_url(cfg.database.url)}")
    return 0


def cmd_import(args) -> int:
    from models.db import session_scope
    from models.workbook import WorkbookError, import_workbook

    cfg = _config(args)
    book = Path(args.book)
    if not book.exists():
        print(f"文件不存在：{book}", file=sys.stderr)
        return 2
    engine = _engine(cfg)
    try:
        with session_scope(engine) as s:
            summary = import_workbook(s, book, actor=f"cli:{getpass.getuser()}",
                                      now=datetime.now(cfg.tz), skip_bad_rows=args.skip_bad_rows,
                                      star_maxima=cfg.stars.maxima())
    except WorkbookError as exc:
        print(f"导入失败，未写入任何数据。共{len(exc.problems)}处问题：", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        print("改正后重新导入；或加 --skip-bad-rows 跳过这些行、导入其余内容。", file=sys.stderr)
        return 1
    for line in summary.lines():
        print(line)
    return 0


def cmd_export(args) -> int:
    from models.db import session_scope
    from models.workbook import export_workbook

    cfg = _config(args)
    engine = _engine(cfg)
    with session_scope(engine) as s:
        export_workbook(s, Path(args.book), year=args.year, now=datetime.now(cfg.tz), tz=cfg.tz)
    print(f"已导出：{args.book}")
    return 0


def cmd_remind(args) -> int:
    """Run every push due at ``--at`` exactly once per recipient and occasion."""
    from bot.wecom import install_log_redaction
    from schedules.commands import remind

    cfg = _config(args)
    try:
        at = datetime.fromisoformat(args.at) if args.at else datetime.now(cfg.tz)
    except ValueError:
        print(f"时间格式不对：{args.at}（应为 ISO 8601，如 2026-11-25T09:00+08:00）", file=sys.stderr)
        return 2
    if at.tzinfo is None:
        at = at.replace(tzinfo=cfg.tz)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_log_redaction()
    return remind(cfg, at)


def cmd_schedule(args) -> int:
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
    items = json.loads(Path(args.items).read_text(encoding="utf-8")) if args.items else []
    if args.explain:
        from bot.nlu.explain import explain

        print(explain(" ".join(args.text), nlu.item_refs(items)))
        return 0
    result = nlu.to_json(nlu.parse(" ".join(args.text), nlu.item_refs(items)))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(describe(result))
    return 0


STATUS_WORDS = {"done": "已完成", "in_progress": "进行中", "not_started": "未开始", "blocked": "受阻", "closed": "已销号"}


def describe(result: dict) -> str:
    """A parse result in words, for administrators trying phrasings out."""
    lines = [f"意图：{result['intent']}"]
    if result.get("asked_items"):
        lines.append("  问到的事项：" + "、".join(result["asked_items"]))
    for u in result.get("updates", []):
        parts = [f"事项 {u['item'] or '（未指明）'}"]
        if u.get("status"):
            parts.append(STATUS_WORDS.get(u["status"], u["status"]))
        if u.get("percent") is not None:
            parts.append(f"{u['percent']}%")
        if u.get("count") is not None:
            parts.append(f"{u['count']}次")
        if u.get("total") is not None:
            parts.append(f"累计{u['total']}次")
        if u.get("candidates"):
            parts.append("候选：" + "、".join(u["candidates"]))
        lines.append("  · " + "，".join(parts))
    return "\n".join(lines)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="qingdan", description="清单：党建责任清单企业微信助手")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="配置文件 (默认 $QINGDAN_CONFIG 或 ./config.toml)")
    sub = ap.add_subparsers(dest="command", required=True)

    sub.add_parser("serve", parents=[common], help="回调服务与定时推送").set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", parents=[common], help="演示：示例组织 + 终端聊天，无需企业微信")
    p.add_argument("--dir", default="qingdan-demo", help="演示数据目录 (默认 ./qingdan-demo)")
    p.add_argument("--fresh", action="store_true", help="丢弃旧的演示数据重新开始")
    p.set_defaults(func=cmd_demo)

    sub.add_parser("init-db", parents=[common], help="创建或升级数据库").set_defaults(func=cmd_init_db)

    p = sub.add_parser("import", parents=[common], help="从 Excel 导入组织、党员、三张清单和星级评分")
    p.add_argument("book")
    p.add_argument("--skip-bad-rows", action="store_true", help="跳过读不懂的行，导入其余内容")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", parents=[common], help="导出当前状态与进度到 Excel")
    p.add_argument("book")
    p.add_argument("--year", type=int, help="年度 (默认今年)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("remind", parents=[common], help="执行某一时刻到期的推送（每人每次只发一次）")
    p.add_argument("--at", help="ISO 8601 时间，如 2026-11-25T09:00+08:00 (默认现在)")
    p.set_defaults(func=cmd_remind)

    sub.add_parser("schedule", parents=[common], help="列出各定时任务的下次时间").set_defaults(func=cmd_schedule)

    p = sub.add_parser("parse", parents=[common], help="显示一句回复如何被理解")
    p.add_argument("--items", help="ITEMS.json：发送人的事项，顺序同“我的清单”")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--explain", action="store_true", help="逐句说明读到了什么、为什么（事项、状态词、数字）")
    p.add_argument("--batch", help="CASES.jsonl：每行 {\"items\": [...], \"text\": \"...\"}")
    p.add_argument("text", nargs="*")
    p.set_defaults(func=cmd_parse)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

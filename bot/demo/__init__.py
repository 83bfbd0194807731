"""``qingdan demo``: the whole bot on a local SQLite file, and a terminal chat as any member.

What runs is the production path, with two things stood in for:

* **the data**: a demo organisation (``organisation``) written as an import workbook with
  ``build_workbook`` and loaded with ``import_workbook``, then some of the year's progress;
* **WeCom**: a generated WeCom configuration (random token, EncodingAESKey, corp id) and the
  local stand-in of the WeCom API (``bot.wecom_standin``), which records what would be sent.

The package:

* ``organisation`` — the demo organisation, its three lists and star scores, and how they are
  loaded (through the import workbook, then a played-back history);
* ``server`` — ``DemoServer``: the real app and the stand-in on 127.0.0.1, on an event loop in a
  background thread; talking as a member; running the pushes due at a moment of the demo clock;
* ``chat`` — choosing a member, the lines typed, the "/" commands ("/点 2" taps a card);
* ``terminal`` — reading lines (a terminal or a pipe) and the width of Chinese text;
* ``clock_phrases`` — "/快进 3天", "/快进 到 11-30 09:00" and how moments and spans are shown;
* ``folder`` — the data folder's files and the demo clock kept between runs;
* here — ``run_demo``, the entry point ``bot.cli`` calls, and the start-up banner.

When the next push goes out (``/next``) is ``schedules.upcoming.next_push_at``.
"""
from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from bot.demo.chat import HELP, Chat, Person, Terminal, load_people
from bot.demo.clock_phrases import ahead_text, clock_text
from bot.demo.folder import BOOK_FILE, LOG_FILE, clear, load_offset, save_offset
from bot.demo.organisation import BRANCHES, COMMITTEE, PARTY_GROUP, prepare_data
from bot.demo.server import DemoServer, demo_config
from bot.nlu.segmenter import cache_file as word_file
from bot.runtime import Clock

__all__ = ["run_demo", "banner"]

FIRST_START = ("首次启动：正在生成分词词典文件（{path}，只需生成一次），"
               "并准备示例数据，请稍候……")


def run_demo(args) -> int:
    """``qingdan demo [--dir DIR] [--fresh] [--config FILE]``."""
    started = time.perf_counter()
    data_dir = Path(args.dir)
    if args.fresh and data_dir.exists():
        clear(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=data_dir / LOG_FILE, level=logging.INFO, encoding="utf-8",
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    # Only 127.0.0.1 is ever spoken to: keep any configured HTTP proxy out of it.
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = ",".join(
        filter(None, (os.environ.get("NO_PROXY"), "127.0.0.1", "localhost")))
    term = Terminal()

    if not word_file().exists():     # built once, when the bot first loads reply understanding
        term.say(FIRST_START.format(path=word_file()))
    cfg = demo_config(args.config, data_dir)
    clock = Clock(cfg.tz, load_offset(data_dir))
    imported = prepare_data(cfg, data_dir / BOOK_FILE, clock.now())
    with DemoServer(cfg, clock) as server:
        if imported is not None:
            server.settle_past(clock.now())
        people = load_people(server.runtime)
        try:
            term.say(banner(data_dir, clock, imported, people, time.perf_counter() - started, server.console_url))
            Chat(server, people, term, data_dir).run()
            term.say(f"演示结束。数据保留在 {data_dir}，再次运行 qingdan demo 可接着用（加 --fresh 重新开始）。")
        except KeyboardInterrupt:
            term.say("")
        except BrokenPipeError:     # the output went to a pager that was closed: end quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        finally:
            save_offset(data_dir, clock.offset)
    return 0


def banner(data_dir: Path, clock: Clock, imported: list[str] | None,
           people: list[Person], seconds: float, console_url: str = "") -> str:
    """The start-up text: what this is, what was loaded, the commands."""
    lines = [
        "══════════ 清单助手 · 本地演示 ══════════",
        "这是党建“三张清单”企业微信机器人的完整演示，",
        "不需要企业微信账号，也不连接外网：机器人服务照常运行，",
        "企业微信接口由本机替身代替。选一名党员，以他的身份打字，",
        "每句话都作为加密的企业微信回调发给机器人，回复和推送都显示在这里。",
        "",
    ]
    if imported is not None:
        lines += [f"已创建示例组织（共{len(people)}名党员）：{PARTY_GROUP} → {COMMITTEE} →",
                  f"  {'、'.join(BRANCHES)}；",
                  f"{clock.now().year}年度责任清单、项目清单、整改清单和星级评分经导入工作簿载入",
                  f"（{data_dir / BOOK_FILE}），并预置了今年以来的部分进度、月报和已发的推送。"]
        lines += ["  " + line.strip() for line in imported[1:]]
    else:
        lines.append(f"沿用 {data_dir} 中上次的演示数据（加 --fresh 可重新开始）。")
    ahead = ahead_text(clock.offset)
    lines.append(f"演示时钟：{clock_text(clock.now())}" + (f"（比真实时间快{ahead}）" if ahead else ""))
    if console_url:
        lines += [f"网页控制台：{console_url}（在本机浏览器中打开，从名单中选择以谁的身份登录；演示期间有效）"]
    lines += ["", HELP, "", f"（启动用时 {seconds:.1f} 秒）", ""]
    return "\n".join(lines)

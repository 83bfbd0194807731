"""The ``qingdan`` command line: its commands and their arguments, and argparse's own words in
Chinese. What each command does is ``bot.cli`` (``COMMANDS``, by the name parsed here)."""
from __future__ import annotations

import argparse

# argparse's own words (3.11), for a small gettext stand-in: help, usage and errors read in Chinese.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有 %(value)r 这个选项（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的 %(type)s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "至多一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "not allowed with argument %s": "不能与 %s 同时使用",
    "one of the arguments %s is required": "需要 %s 中的一个",
    "ignored explicit argument %r": "多余的值 %r",
}


def _zh(message: str) -> str:
    return ARGPARSE_ZH.get(message, message)


def chinese_argparse() -> None:
    """argparse looks its words up through ``gettext`` at call time: answer them in Chinese."""
    argparse._ = _zh
    argparse.ngettext = lambda one, many, n: _zh(one if n == 1 else many)


def _add(sub, name: str, help_text: str, common) -> argparse.ArgumentParser:
    return sub.add_parser(name, parents=[common], help=help_text, description=help_text)


def build_parser() -> argparse.ArgumentParser:
    """The command line, in Chinese: each command's name (``args.command``) and arguments."""
    ap = argparse.ArgumentParser(prog="qingdan", description="清单：党建责任清单企业微信助手",
                                 epilog="每个命令都可加 --config；python -m bot 与 qingdan 相同。")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", help="配置文件（默认 $QINGDAN_CONFIG，否则 ./config.toml）")
    sub = ap.add_subparsers(dest="command", required=True, title="命令", metavar="命令",
                           help="各命令的用法：qingdan 命令 -h")

    _add(sub, "serve", "回调服务与定时推送（正式运行）", common)

    p = _add(sub, "demo", "演示：示例组织 + 终端聊天，无需企业微信", common)
    p.add_argument("--dir", default="qingdan-demo", help="演示数据目录（默认 ./qingdan-demo）")
    p.add_argument("--fresh", action="store_true", help="丢弃旧的演示数据重新开始")

    _add(sub, "init-db", "创建或升级数据库", common)

    p = _add(sub, "import", "从 Excel 导入组织、党员、三张清单和星级评分", common)
    p.add_argument("book", metavar="BOOK.xlsx", help="Excel 工作簿（格式见 docs/workbook.md）")
    p.add_argument("--skip-bad-rows", action="store_true", help="跳过读不懂的行，导入其余内容")

    p = _add(sub, "export", "导出当前状态与进度到 Excel", common)
    p.add_argument("book", metavar="BOOK.xlsx", help="要写出的 Excel 文件")
    p.add_argument("--year", type=int, help="年度（默认今年）")

    p = _add(sub, "remind", "执行某一时刻到期的推送（每人每次只发一次），并列出发送失败的人", common)
    p.add_argument("--at", metavar="ISO8601", help="推送时刻，如 2026-11-25T09:00+08:00（默认现在；不带时区按配置的时区）")

    p = _add(sub, "outbox", "列出发送失败、结果不明或账号无效的推送；--retry 把失败的重发一次", common)
    p.add_argument("--failed", action="store_true", help="只列发送失败的（默认也列结果不明的）")
    p.add_argument("--since", metavar="ISO8601", help="只看此时刻以后的，如 2026-11-01 或 2026-11-25T09:00+08:00")
    p.add_argument("--retry", action="store_true", help="把失败的推送重发一次（结果不明的可能已送达，不重发）")

    _add(sub, "schedule", "列出各定时任务的下次时间", common)

    p = _add(sub, "parse", "显示一句回复如何被理解", common)
    p.add_argument("--items", metavar="ITEMS.json", help="发送人的事项，顺序同“我的清单”")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--explain", action="store_true", help="逐句说明读到了什么、为什么（事项、状态词、数字）")
    p.add_argument("--batch", metavar="CASES.jsonl", help="每行 {\"items\": [...], \"text\": \"...\"}")
    p.add_argument("text", nargs="*", metavar="文字", help="要解析的回复")
    return ap

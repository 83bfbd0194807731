"""Hostile workbooks (issue 21): each refused by `qingdan import` within the bounds, with one line.

    python bench/hostile_books.py [--engines sqlite postgresql] [--chars 100000000]

The books the outside probe made: a 304 KiB book whose unit name is one shared string of 100
million characters (300 MB unpacked: built here streamed, never held whole), a 6 KiB book with a
stray cell at XFD1048576 (calamine tried to allocate 512 GiB and aborted), one at Z1048576 (it took
1.5 GiB). Each runs as ``qingdan import BOOK`` in a child process whose peak resident memory and
CPU are read when it ends (``os.wait4``), as ``bench/import_book.py`` does.

Target (issue 21): each refused within 10 s and 500 MiB, with one Chinese line naming the sheet
and the cell. The import opens (and on a new database, migrates) the database before it reads the
book: on a busy machine compare the CPU seconds (``models/workbook/bounds.py``); the tests check the rules on smaller books
(``tests/bot/test_hostile_books.py``).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.org_data import database, git_commit, machine  # noqa: E402
from tests.support.xlsx import table, write_book  # noqa: E402

TARGET_SECONDS, TARGET_MIB = 10, 500
UNITS = [["名称", "上级", "类型"], ["机关党委", None, "机关党委"], ["一个很长的名称", "机关党委", "党支部"]]


def qingdan_import(book: Path, url: str, tmp: Path) -> tuple[float, float, float, int, str]:
    """(wall s, CPU s, peak RSS MiB, exit status, last line of output) of ``qingdan import``."""
    config = tmp / "import.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "import", str(book), "--config", str(config)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    lines = [line.strip() for line in out.strip().splitlines()]
    problem = lines[1] if len(lines) > 1 else (lines[0] if lines else "")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), problem


def books(tmp: Path, chars: int) -> dict[str, Path]:
    units = table(UNITS)
    return {
        f"一个 {chars:,} 字的共享字符串": write_book(tmp / "long.xlsx", {"组织": units},
                                               long_string=("一个很长的名称", chars)),
        "XFD1048576 处的一个单元格": write_book(tmp / "xfd.xlsx", {"组织": units | {"XFD1048576": "x"}},
                                          dimension={"组织": "A1:XFD1048576"}),
        "Z1048576 处的一个单元格": write_book(tmp / "z.xlsx", {"组织": units | {"Z1048576": "x"}}),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="恶意工作簿：导入被拒绝的用时与峰值内存")
    ap.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    ap.add_argument("--chars", type=int, default=100_000_000)
    args = ap.parse_args(argv)
    print(f"恶意工作簿基准（提交 {git_commit()}）")
    print(machine(pg="postgresql" in args.engines))
    met = True
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-") as d:
        tmp = Path(d)
        for what, book in books(tmp, args.chars).items():
            print(f"{what}：{book.stat().st_size / 1024:.0f} KiB")
            for name in args.engines:
                with database(name, tmp, "hostile.db") as url:
                    wall, cpu, rss, code, first = qingdan_import(book, url, tmp)
                ok = code == 1 and wall < TARGET_SECONDS and rss < TARGET_MIB
                met = met and ok
                print(f"  {name}：{wall:.1f} s（CPU {cpu:.1f} s），峰值内存 {rss:.0f} MiB，退出码 {code}"
                      f"{'' if ok else '  ← 未达标'}；{first}")
    print(f"目标：被拒绝（退出码 1），< {TARGET_SECONDS} s，< {TARGET_MIB} MiB")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

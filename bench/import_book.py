"""Importing the workbook of 10,000 members and 50,000 items: time and peak memory.

    python bench/import_book.py [--engines sqlite postgresql]

``bench/org_data.py`` writes the book (six sheets, as ``docs/workbook.md`` describes them); then,
for each engine, ``qingdan import BOOK`` runs into an empty database, as an administrator runs it,
in a child process whose own resource usage (``os.wait4``: peak resident memory, user + system
CPU) is read when it ends — the benchmark's own memory is not counted. A second import of the
same book (nothing changes) is timed too. Compare CPU seconds between runs: on a shared machine the
wall time also counts what else is running. The bench says which sheets, if any, the import reads
with openpyxl instead of python-calamine (``models/workbook/grids.py``).

Target (issue 11): under 10 s and 300 MiB.
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

from bench.org_data import database, generate, git_commit, machine, write_book  # noqa: E402
from models.workbook.read import read_book  # noqa: E402

TARGET_SECONDS, TARGET_MIB = 10, 300


def qingdan_import(book: Path, url: str, tmp: Path) -> tuple[float, float, float, int, str]:
    """(wall s, CPU s, peak RSS MiB, exit status, first output line) of ``qingdan import``."""
    config = tmp / "import.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "import", str(book), "--config", str(config)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    first = out.strip().splitlines()[0] if out.strip() else ""
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, first


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="导入工作簿：10,000 名党员 / 50,000 项的用时与峰值内存")
    ap.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = ap.parse_args(argv)
    print(f"导入基准（提交 {git_commit()}）")
    print(machine(pg="postgresql" in args.engines))
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-") as d:
        tmp = Path(d)
        org = generate()
        book = write_book(tmp / "org.xlsx", org)
        print(f"工作簿：{len(org.members)} 名党员，{org.item_count} 项，{book.stat().st_size / 1024 / 1024:.1f} MiB")
        slow = read_book(book).read_by_openpyxl
        print("读取：全部由 python-calamine 读取" if not slow else
              "读取：由 openpyxl 读取的工作表：" + "、".join(f"{t}（{why}）" for t, why in slow.items()))
        for name in args.engines:
            with database(name, tmp, "import.db") as url:
                for attempt in ("首次导入", "再次导入（无变化）"):
                    wall, cpu, rss, code, first = qingdan_import(book, url, tmp)
                    state = "" if code == 0 else f"，退出码 {code}"
                    print(f"  {name} {attempt}：{wall:.1f} s（CPU {cpu:.1f} s），峰值内存 {rss:.0f} MiB{state}；{first}")
    print(f"目标：< {TARGET_SECONDS} s，< {TARGET_MIB} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

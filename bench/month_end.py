"""Month-end: every push due at 09:00 on the 25th for 10,000 members and 50,000 items.

    python bench/month_end.py [--at 2026-11-25T09:00+08:00] [--engines sqlite postgresql]

For each engine: ``bench/org_data.py``'s organisation is loaded into a fresh database, the WeCom
stand-in (``bot/wecom_standin.py``) runs in its own process, and ``qingdan remind --at`` runs as an
administrator would run it, in a process of its own. Printed: wall time and qingdan's own CPU time
(the remind process: user + system), its peak memory, its summary lines, and what the stand-in
received — messages, recipients, the most messages one person got and how many got more than
one, token fetches.

Target (issue 11): under 10 s of qingdan's own time, exactly one message per person.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import CORP_ID, SECRET, free_port, write_config  # noqa: E402
from bench.org_data import database, generate, git_commit, load_database, machine  # noqa: E402

TARGET_SECONDS = 10


def standin(port: int) -> subprocess.Popen:
    """The WeCom stand-in in its own process, answering once this returns."""
    proc = subprocess.Popen([sys.executable, "-m", "bot.wecom_standin", "--port", str(port), "--corp-id", CORP_ID,
                             "--secret", SECRET], cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            get(port, "stats")
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the stand-in did not start")


def get(port: int, what: str):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_standin/{what}", timeout=60) as r:
        return json.loads(r.read())


def timed(argv: list[str], env: dict) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MiB, stdout) of a child process, from its own rusage (``wait4``)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def run(name: str, url: str, at: str, org, tmp: Path) -> None:
    load_database(url, org).dispose()
    port = free_port()
    wecom = standin(port)
    try:
        config = write_config(tmp / f"{name}.toml", url, free_port(), f"http://127.0.0.1:{port}/cgi-bin/",
                              quiet_all_day=False)
        env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
        wall, cpu, rss, out = timed([sys.executable, "-m", "bot", "remind", "--at", at, "--config", str(config)], env)
        sent = get(port, "sent")
        stats = get(port, "stats")
    finally:
        wecom.terminate()
        wecom.wait(10)
    per_person = Counter(a for m in sent for a in m["touser"])
    twice = sum(1 for n in per_person.values() if n > 1)
    print(f"  {name}：{wall:.1f} s（qingdan 自身 CPU {cpu:.1f} s，峰值内存 {rss:.0f} MiB）；"
          f"消息 {len(sent)} 条，收件人 {len(per_person)} 人，一人最多 {max(per_person.values(), default=0)} 条，"
          f"收到两条及以上 {twice} 人；获取 access_token {stats['token_fetches']} 次")
    for line in out.strip().splitlines():
        print(f"    {line}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="月末推送：10,000 名党员 / 50,000 项，对本地企业微信替身")
    ap.add_argument("--at", default="2026-11-25T09:00+08:00", help="推送时刻（默认 2026-11-25T09:00+08:00）")
    ap.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = ap.parse_args(argv)
    print(f"月末推送基准（提交 {git_commit()}）")
    print(machine(pg="postgresql" in args.engines))
    org = generate()
    print(f"组织：{len(org.members)} 名党员，{org.item_count} 项；qingdan remind --at {args.at}")
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-") as d:
        for name in args.engines:
            with database(name, Path(d), "month_end.db") as url:
                run(name, url, args.at, org, Path(d))
    print(f"目标：qingdan 自身用时 < {TARGET_SECONDS} s，每人恰好一条")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``qingdan serve`` on the 10,000-member database: start-up to /healthz, and memory before and
after load.

    python bench/serve_start.py [--starts 3] [--requests 2000] [--engines sqlite postgresql]

For each engine, ``bench/org_data.py``'s organisation is loaded into a fresh database; ``serve``
is started ``--starts`` times (a process of its own each time, as systemd starts it) and timed
from the spawn to the first 200 from /healthz, with its resident memory (RSS, /proc) at that
moment, the CPU time it used (steadier than the wall time on a shared machine) and the
reply-understanding preload it logs. Then ``--requests`` callbacks from 50
concurrent senders (``bench/harness.py``'s load generator, its own process) and the RSS after.

The word file of reply understanding (``bot/nlu/segmenter.py``) is kept in a cache directory of
the run's own (``$CACHE_DIRECTORY``, as systemd's ``CacheDirectory=`` gives it): the first start
builds it, as the first start after an install or upgrade does, and is reported on its own; the
timed starts read it, as every later start does.

Targets (issue 11): start-up to /healthz under 1.5 s; under 200 MiB after load.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import CORP_ID, SECRET, Serve, free_port, run_load, write_config  # noqa: E402
from bench.org_data import database, generate, git_commit, load_database, machine  # noqa: E402
from bot.wecom_standin import ThreadedStandIn  # noqa: E402

TARGET_START, TARGET_MIB = 1.5, 200
PRELOAD = re.compile(r"reply understanding loaded in ([\d.]+)s")


def first_start(tmp: Path, api: str) -> tuple[float, float]:
    """(seconds to /healthz, RSS) of a start that builds the word file, on an empty database."""
    port = free_port()
    config = write_config(tmp / "first.toml", f"sqlite:///{tmp / 'first.db'}", port, api)
    with Serve(config, port, tmp / "first.log") as serve:
        return serve.wait_healthy(), serve.rss()


def run(name: str, url: str, args, org, tmp: Path, api: str) -> None:
    load_database(url, org).dispose()
    accounts = [m[1] for m in org.members]
    starts, cpu, rss, preload = [], [], [], []
    for n in range(args.starts):
        port = free_port()
        log = tmp / f"{name}-{n}.log"
        config = write_config(tmp / f"{name}.toml", url, port, api)
        with Serve(config, port, log) as serve:
            starts.append(serve.wait_healthy())
            cpu.append(serve.cpu_seconds())
            rss.append(serve.rss())
            found = PRELOAD.findall(log.read_text(errors="replace"))
            preload.append(float(found[-1]) if found else float("nan"))
            if n == args.starts - 1:
                result = run_load(port, args.requests, 50, 60, accounts)
                serve.wait_idle()
                after = serve.rss()
    print(f"  {name}：启动到 /healthz {statistics.median(starts):.2f} s（各次 "
          + "、".join(f"{s:.2f}" for s in starts) + f"；CPU {statistics.median(cpu):.2f} s；"
          f"其中加载回复理解 {statistics.median(preload):.2f} s）；"
          f"启动后内存 {statistics.median(rss):.0f} MiB；{result.done} 个回调后 {after:.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="qingdan serve 在 10,000 名党员的库上：启动用时与内存")
    ap.add_argument("--starts", type=int, default=3, help="启动几次（取中位数，默认 3）")
    ap.add_argument("--requests", type=int, default=2000, help="启动后发送的回调数（默认 2000）")
    ap.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = ap.parse_args(argv)
    print(f"serve 启动基准（提交 {git_commit()}）")
    print(machine(pg="postgresql" in args.engines))
    org = generate()
    print(f"组织：{len(org.members)} 名党员，{org.item_count} 项")
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-") as d, ThreadedStandIn(CORP_ID, SECRET) as standin:
        os.environ["CACHE_DIRECTORY"] = str(Path(d))       # serve inherits it (bench/harness.py)
        seconds, mib = first_start(Path(d), standin.base_url)
        print(f"  首次启动（生成词表文件，空库）：启动到 /healthz {seconds:.2f} s；内存 {mib:.0f} MiB")
        for name in args.engines:
            with database(name, Path(d), "serve.db") as url:
                run(name, url, args, org, Path(d), standin.base_url)
    print(f"目标：启动到 /healthz < {TARGET_START} s；负载后 < {TARGET_MIB} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Callbacks per second: a real ``qingdan serve`` on SQLite and on PostgreSQL against the bare echo
server made of the same parts, in one run, on organisations of two sizes; and how plain replies
fare while one person's slow question runs.

    python bench/callbacks.py [--requests 2000] [--seconds 30] [--concurrency 50 200]
        [--members 2000 10000] [--engines sqlite postgresql] [--mix all|daily|full] [--slow]
        [--serve-from DIR …]

The organisation is ``bench/org_data.py``'s (党组 → 机关党委 → 20 党总支 → 500 党支部; 10,000 members
and 50,000 items, or ``--members`` of them), loaded straight into a fresh SQLite file and a fresh
PostgreSQL schema. Each run: the load generator (its own process, ``bench/harness.py``) seals
``--requests`` callbacks — new messages from random members in the proportions of ``--mix``:
"all" (the default) has every common kind (我的清单, 第N项完成80%, 我这个月报了吗, 有哪些逾期的,
我单位星级, 整改清单, and 谁还没报 asked by the secretaries of 党支部 and 党总支); "daily" only
我的清单 and 第1项完成80% half and half — then posts them over loopback from N concurrent senders,
stopping after ``--seconds``. Before the load, each kind of message is timed alone (no
concurrency), so a slow handler shows by name. Printed per target and concurrency: callbacks
per second, its ratio to the echo server's, p50/p99/max latency, answers that came late (past
``reply_timeout``, sent by message/send instead), errors, and the server's CPU time per callback
(read from /proc before and after the load: it does not depend on how much CPU the load generator
or anything else on the machine takes, so it is the figure to compare across runs; compare
figures within one run, on one machine, whose CPU model is printed first).

``--slow``: then 50 senders ask "我的清单" twice, once alone and once while the 党组书记 (an
administrator: the whole organisation) asks "有哪些逾期的" over and over (about 300 ms each on
10,000 members); printed: p50/p99 of "我的清单" each time, and how long the slow question took.

``--serve-from DIR``: serve the same runs also from the checkout in DIR (another commit's code,
e.g. a ``git worktree``), alternating with this one: before and after in one run.

Targets: at least 25% of the echo server's rate on SQLite (issue 11), at least 10% on PostgreSQL
(issue 19); p99 under 250 ms at 50 concurrent senders; none past 4 s at 500.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    CORP_ID,
    MIXES,
    SECRET,
    SECRETARY_TITLES,
    LoadResult,
    Serve,
    echo_server,
    free_port,
    one_by_one,
    run_load,
    write_config,
)
from bench.org_data import MEMBERS, YEAR, fresh_postgres, generate, git_commit, load_database, machine  # noqa: E402
from bot.wecom_standin import ThreadedStandIn  # noqa: E402
from models.db import analyze  # noqa: E402
from models.lookups import listed, my_items  # noqa: E402
from models.tables import Item, Member  # noqa: E402

TARGET_RATIO, TARGET_PG_RATIO, TARGET_P99_MS = 0.25, 0.10, 250
SLOW_ASKER, SLOW = "党组书记", ("m00000", "有哪些逾期的")     # the administrator: the whole organisation


def my_items_plan(engine) -> str:
    """The plan and mean time of the "我的清单" query (200 members), without statistics and with."""
    def measure() -> tuple[str, float]:
        with Session(engine) as s:
            ids = list(s.scalars(select(Member.id).order_by(Member.id).limit(200)))
            stmt = select(Item).where(Item.owner_id == ids[0], listed(YEAR))
            sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
            plan = " / ".join(r[-1] for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            started = time.perf_counter()
            for member_id in ids:
                my_items(s, member_id, YEAR)
            return plan, (time.perf_counter() - started) / len(ids) * 1000

    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat1")
    before = measure()
    analyze(engine)
    after = measure()
    return (f"  「我的清单」查询（SQLite）：无统计 {before[1]:.2f} ms（{before[0]}）；"
            f"ANALYZE 后 {after[1]:.2f} ms（{after[0]}）")


def row(name: str, r: LoadResult, echo: LoadResult | None) -> str:
    ratio = f"{r.rate / echo.rate:6.1%}" if echo and echo.rate else "     —"
    return (f"  {name:<12}{r.concurrency:>5}{r.done:>7}{r.rate:>9.0f}{ratio:>9}{r.pct(50):>9.0f}{r.pct(99):>9.0f}"
            f"{max(r.latencies, default=0) * 1000:>9.0f}{r.late:>6}{r.errors:>6}{r.server_cpu_ms:>10.2f}")


HEADER = (f"  {'目标':<10}{'并发':>4}{'请求':>5}{'每秒':>7}{'对比回显':>5}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'迟答':>4}{'错误':>4}{'服务端CPU ms/个':>6}")


_ALONE_IDS = [90_000_000]


def bench_serve(name: str, url: str, args, org, tmp: Path, standin_url: str, echo: dict[int, LoadResult],
                root: Path) -> None:
    accounts = [m[1] for m in org.members]
    secretaries = [m[1] for m in org.members if m[3] in SECRETARY_TITLES]
    port = free_port()
    config = write_config(tmp / f"{name}.toml", url, port, standin_url)
    with Serve(config, port, tmp / f"{name}.log", root) as serve:
        serve.wait_healthy()
        kinds = [(kind[0].format(n=1), secretaries if len(kind) > 2 else accounts) for kind in MIXES[args.mix]]
        first_id = _ALONE_IDS[0] = _ALONE_IDS[0] + 10_000        # new messages: no serve has seen them
        alone = [(text, sorted(one_by_one(port, text, who, 15, first_id + i * 100))[7] * 1000)
                 for i, (text, who) in enumerate([*kinds, (SLOW[1], [SLOW[0]])])]
        print(f"  {name} 单个回调（无并发，中位数）：" + "，".join(f"{t} {ms:.0f} ms" for t, ms in alone)
              + f"（最后一项为{SLOW_ASKER}所问）", flush=True)
        for c in args.concurrency:
            serve.wait_idle()
            r = run_load(port, args.requests, c, args.seconds, accounts, seed=c, mix=args.mix,
                         server_pid=serve.proc.pid, secretaries=secretaries)
            print(row(name, r, echo.get(c)), flush=True)
        if args.slow:
            runs = {}
            for slow in (None, SLOW):
                serve.wait_idle()
                runs[slow] = run_load(port, args.requests, 50, args.seconds, accounts, seed=7, mix="my_list",
                                      server_pid=serve.proc.pid, slow=slow)
            quiet, busy = runs[None], runs[SLOW]
            slow_p50 = sorted(busy.slow)[len(busy.slow) // 2] * 1000 if busy.slow else float("nan")
            print(f"  {name} 50 并发「我的清单」：单独 p50 {quiet.pct(50):.0f} ms、p99 {quiet.pct(99):.0f} ms；"
                  f"同时{SLOW_ASKER}反复问「{SLOW[1]}」（{len(busy.slow)} 次，每次 p50 {slow_p50:.0f} ms）时 "
                  f"p50 {busy.pct(50):.0f} ms、p99 {busy.pct(99):.0f} ms、最慢 {max(busy.latencies) * 1000:.0f} ms",
                  flush=True)
    errors = [x for x in (tmp / f"{name}.log").read_text(errors="replace").splitlines() if " ERROR " in x]
    if errors:
        print(f"  （{name} 的日志中有 {len(errors)} 行 ERROR，如：{errors[0][:160]}）")


def run_echo(args, accounts: list[str]) -> dict[int, LoadResult]:
    echo: dict[int, LoadResult] = {}
    port = free_port()
    proc = echo_server(port)
    try:
        for c in args.concurrency:
            echo[c] = run_load(port, args.requests, c, args.seconds, accounts, seed=c, mix=args.mix,
                               server_pid=proc.pid)
            print(row("echo", echo[c], None), flush=True)
    finally:
        proc.terminate()
        proc.wait(10)
    return echo


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="回调吞吐：qingdan serve（SQLite / PostgreSQL）对比同样部件的裸回显服务")
    ap.add_argument("--requests", type=int, default=2000, help="每轮最多请求数（默认 2000）")
    ap.add_argument("--seconds", type=float, default=30, help="每轮最长秒数（默认 30）")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[50, 200], help="并发发送者数（默认 50 200）")
    ap.add_argument("--members", type=int, nargs="+", default=[MEMBERS], help=f"组织的党员数（默认 {MEMBERS}）")
    ap.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    ap.add_argument("--mix", choices=[m for m in MIXES if m != "my_list"], default="all",
                    help="all：各类常见消息（默认）；daily：我的清单、第1项完成80%% 各半；full：另加 我这个月报了吗、有哪些逾期的")
    ap.add_argument("--slow", action="store_true", help="另测：有人反复问一个慢问题时 50 并发「我的清单」的 p99")
    ap.add_argument("--serve-from", type=Path, nargs="*", default=[],
                    help="另用这些目录里的代码（如另一提交的 git worktree）运行 serve，与本目录交替")
    args = ap.parse_args(argv)

    roots = [ROOT, *(p.resolve() for p in args.serve_from)]
    print(f"回调基准（提交 {'、'.join(f'{git_commit(r)}' for r in roots)}）")
    print(machine(pg="postgresql" in args.engines))
    mix = "，".join(f"{kind[0].format(n='N')} {kind[1]}%" + ("（书记）" if len(kind) > 2 else "") for kind in MIXES[args.mix])
    print(f"每轮至多 {args.requests} 个回调、{args.seconds:.0f} 秒；内容：{mix}")
    with tempfile.TemporaryDirectory(prefix="qingdan-bench-") as d, ThreadedStandIn(CORP_ID, SECRET) as standin:
        tmp = Path(d)
        print(HEADER)
        echo = run_echo(args, [m[1] for m in generate(2000).members])
        for members in args.members:
            org = generate(members)
            print(f"组织：{len(org.members)} 名党员，{org.item_count} 项", flush=True)
            for engine_name in args.engines:
                if engine_name == "sqlite":
                    url, drop = f"sqlite:///{tmp / f'bench-{members}.db'}", None
                else:
                    url, drop = fresh_postgres()
                engine = load_database(url, org)
                plan = my_items_plan(engine) if engine_name == "sqlite" and members == args.members[-1] else None
                engine.dispose()
                try:
                    for root in roots:
                        label = engine_name if root == ROOT else f"{engine_name}@{git_commit(root)}"
                        bench_serve(f"{label} {members}", url, args, org, tmp, standin.base_url, echo, root)
                finally:
                    if drop:
                        drop()
                if plan:
                    print(plan)
    print(f"目标：SQLite 达到回显的 {TARGET_RATIO:.0%} 以上，PostgreSQL {TARGET_PG_RATIO:.0%} 以上；"
          f"50 并发 p99 < {TARGET_P99_MS} ms；500 并发无一超过 4 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

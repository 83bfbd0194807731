"""How fast reply understanding starts and runs.

    python bench/parse_bench.py [--seconds 3]

Prints:
* start-up: importing bot.nlu and loading jieba, the domain dictionary and the item titles, in a
  fresh Python process each time (so nothing is already imported or warm): three runs with
  jieba's prefix-dictionary cache file in place, as every start after the first, and one with an
  empty temp directory, as the very first start;
* the cost of a new item list (its index is built once, then cached);
* replies parsed per second on one core after start-up, over a realistic mix of replies (progress
  in many shapes, queries, chit-chat) against three item lists.

Targets: start-up < 1.5 s, throughput >= 5,000 replies/s.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import nlu  # noqa: E402

START_UP_TARGET = 1.5
THROUGHPUT_TARGET = 5000

LISTS = {
    "branch": [
        {"id": "R-1", "title": "每月召开支委会", "kind": "responsibility", "target": 12},
        {"id": "R-2", "title": "每季度召开支部党员大会", "kind": "responsibility", "target": 4},
        {"id": "R-3", "title": "支部书记讲党课", "kind": "responsibility", "target": 2},
        {"id": "P-1", "title": "开展主题教育", "kind": "project", "target": None},
        {"id": "P-2", "title": "党支部规范化建设", "kind": "project", "target": None},
        {"id": "Z-1", "title": "党员活动室未按标准建设", "kind": "rectification", "target": None},
        {"id": "Z-2", "title": "党费收缴不规范", "kind": "rectification", "target": None},
    ],
    "group": [
        {"id": "R-1", "title": "专题研究党建工作", "kind": "responsibility", "target": 2},
        {"id": "R-2", "title": "向市委专题报告党建工作", "kind": "responsibility", "target": 1},
        {"id": "R-3", "title": "召开政协系统党建工作座谈会", "kind": "responsibility", "target": 1},
        {"id": "R-4", "title": "听取汇报、研究指导党建工作", "kind": "responsibility", "target": 4},
        {"id": "P-1", "title": "党员委员能力作风建设", "kind": "project", "target": None},
        {"id": "Z-1", "title": "民主生活会批评意见整改", "kind": "rectification", "target": None},
    ],
    "tasks": [
        {"id": "P-1", "title": "制定年度学习计划", "kind": "project", "target": None},
        {"id": "P-2", "title": "开展主题党日活动", "kind": "project", "target": None},
        {"id": "P-3", "title": "建设党员活动室", "kind": "project", "target": None},
        {"id": "P-4", "title": "撰写调研报告", "kind": "project", "target": None},
    ],
}

REPLIES = {
    "branch": [
        "第4项已完成", "主题教育完成了", "规范化建设推进到80%", "党支部规范化建设完成百分之六十",
        "主题教育还没完成", "活动室整改已完成", "党费收缴问题已整改到位", "Z-2已销号", "本月召开了支委会",
        "召开了2次支委会", "讲了一次党课", "这季度开过支部党员大会了", "本月支委会还没开",
        "活动室已整改到位，尚未销号", "主题教育遇到困难，需要上级协调", "我们支部几星", "本月未报名单",
        "还有哪些整改没完成", "通知 全体党员：明天下午3点在三楼会议室开会", "谁还没报",
    ],
    "group": [
        "专题研究党建工作1次", "今天听取了机关党委的汇报", "已向市委专题报告党建工作", "能力作风建设进行中",
        "批评意见整改完成70%", "研究了党建工作", "座谈会开过了", "整改进度怎么样", "我这个月报了吗",
        "好的，收到",
    ],
    "tasks": [
        "1、2项已完成，第3项进行中", "第三项完成了百分之七十", "调研报告已经写完了", "活动室建设遇到困难，需要协调场地",
        "学习计划没有完成", "主题党日活动已开展", "第2项 90%", "P-4 完成", "活动室八成了", "已完成", "完成了",
        "学习计划制定好了，调研报告写了一半", "第1项完成，第4项还没开始", "1.学习计划已完成 2.调研报告初稿已完成，进度70%",
        "第２项已完成", "學習計劃已完成", "我的清单", "查看我的任务", "帮助", "今天天气不错", "哈哈", "谢谢",
        "第2项完成了吗", "调研报告写了一半，什么时候交？",
    ],
}

START_UP_CODE = """
import json, sys, time
started = time.perf_counter()
sys.path.insert(0, {root!r})
from bot import nlu
nlu.load(json.loads({titles!r}))
print(time.perf_counter() - started)
"""


def start_up_seconds(temp_dir: str | None = None) -> float:
    """Import + load with every dictionary and the titles, in a fresh interpreter.

    ``temp_dir`` replaces the temp directory where jieba keeps its cache file.
    """
    titles = json.dumps([i["title"] for items in LISTS.values() for i in items], ensure_ascii=False)
    code = START_UP_CODE.format(root=str(ROOT), titles=titles)
    env = dict(os.environ, TMPDIR=temp_dir) if temp_dir else None
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def new_list_seconds() -> float:
    """Building the index of a list of 20 items never seen before (then it is cached)."""
    items = [{"id": f"N-{k}", "title": f"{title}（第{k}批）", "kind": "project", "target": None}
             for k, title in enumerate(i["title"] for items in LISTS.values() for i in items)][:20]
    started = time.perf_counter()
    nlu.parse("第1项已完成", items)
    return time.perf_counter() - started


def throughput(seconds: float) -> tuple[float, int]:
    """Replies parsed per second over the mix, cycling until ``seconds`` have passed."""
    mix = [(text, LISTS[name]) for name, texts in REPLIES.items() for text in texts]
    for text, items in mix:        # warm the per-list caches, as a running bot has
        nlu.parse(text, items)
    done = 0
    started = time.perf_counter()
    for text, items in itertools.cycle(mix):
        nlu.parse(text, items)
        done += 1
        if done % len(mix) == 0 and time.perf_counter() - started >= seconds:
            break
    return done / (time.perf_counter() - started), len(mix)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="how long to measure throughput")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as empty:
        cold = start_up_seconds(empty)
    runs = [start_up_seconds() for _ in range(3)]
    start_up = max(statistics.median(runs), cold)
    print(f"start-up (fresh process, jieba + domain dictionary + {sum(map(len, LISTS.values()))} titles): "
          f"median {statistics.median(runs):.2f} s (runs {', '.join(f'{t:.2f}' for t in runs)} s), "
          f"first ever (no jieba cache file) {cold:.2f} s (target < {START_UP_TARGET} s)")

    nlu.load([i["title"] for items in LISTS.values() for i in items])
    print(f"first parse with a new 20-item list (index built, then cached): {new_list_seconds() * 1000:.1f} ms")

    rate, size = throughput(args.seconds)
    print(f"throughput after start-up, one core, {size} mixed replies: {rate:,.0f} replies/s "
          f"(target >= {THROUGHPUT_TARGET:,})")
    ok = start_up < START_UP_TARGET and rate >= THROUGHPUT_TARGET
    print("OK" if ok else "BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

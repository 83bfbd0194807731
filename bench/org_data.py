"""The organisation every benchmark uses, made the same way each time (seeded).

A province-sized organ: 党组 → 机关党委 → 20 党总支 → 500 党支部, 10,000 members (a secretary per
unit, 支部书记 first in each branch) and 50,000 items of year 2026 — three duties (责任清单), one
project (项目清单) and one rectification (整改清单) per member — with deadlines spread over the
year, some progress, and about half the members having reported in November. Star scores for
every branch.

``book_rows()`` is the organisation as the six sheets of the import workbook (``docs/workbook.md``);
``write_book(path)`` saves it as .xlsx; ``load_database(url)`` puts the same rows straight into a
database at the newest schema (bulk inserts, seconds instead of an import), for the benchmarks that
need the data and not the import. ``machine()`` describes the computer the figures come from.

    python bench/org_data.py --book org.xlsx         # writes the workbook
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models.db import init_db, make_engine  # noqa: E402
from models.tables import Item, Member, MonthlyReport, StarScore, Unit  # noqa: E402

YEAR = 2026
MEMBERS = 10_000
GENERAL_BRANCHES = 20
BRANCHES_PER_GENERAL = 25
SEED = 20261125
PG_URL = os.environ.get("QINGDAN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红燕鹏建文辉力春晓晨宇浩然欣怡子轩梓涵一诺俊杰思远雨婷佳琪志强海燕国庆建国卫东红梅"
DUTIES = ["讲专题党课", "召开支委会", "组织党员集中学习", "开展主题党日活动", "听取党员思想汇报", "开展谈心谈话",
          "召开组织生活会", "落实三会一课", "开展民主评议党员", "收缴党费并公示", "发展党员培养考察",
          "开展志愿服务活动", "学习贯彻党的二十大精神", "开展廉政教育", "走访慰问困难党员", "参加双报到社区服务",
          "撰写学习心得体会", "开展批评与自我批评", "督促整改问题落实", "报送支部工作计划"]
PROJECTS = ["建设党员活动室", "制定年度学习计划", "打造党建品牌", "编印支部工作手册", "开展调研并形成报告",
            "建立党员积分管理制度", "完善党建工作台账", "推进党支部标准化规范化建设", "建设党建宣传栏",
            "组织党建与业务融合项目"]
PROBLEMS = [("党费收缴不规范", "逐月核对台账"), ("三会一课记录不全", "补齐会议记录"), ("组织生活会质量不高", "重新召开并通报"),
            ("党员档案不完整", "补齐档案材料"), ("主题党日形式单一", "制定年度活动方案"), ("发展党员程序不规范", "按程序补正"),
            ("谈心谈话覆盖不全", "补做谈心谈话"), ("学习记录流于形式", "建立学习检查制度")]
SOURCES = ["巡察", "检查考核", "日常"]


@dataclass
class Org:
    """The generated organisation, as rows of the six workbook sheets plus progress for the database."""

    units: list[list] = field(default_factory=list)        # 名称, 上级, 类型
    members: list[list] = field(default_factory=list)      # 姓名, 企业微信账号, 所在组织, 职务, 管理员
    duties: list[list] = field(default_factory=list)       # 编号, 责任人, 事项, 年度, 目标次数
    projects: list[list] = field(default_factory=list)     # 编号, 项目, 牵头人, 年度, 截止日期
    rects: list[list] = field(default_factory=list)        # 编号, 问题, 整改措施, 责任人, 来源, 整改时限, 年度
    stars: list[list] = field(default_factory=list)        # 组织, 年度, 7 scores, 满意率, 两项是/否, 处分人数
    progress: dict[str, tuple[str, int]] = field(default_factory=dict)   # item code → (status, percent)
    reported: list[str] = field(default_factory=list)      # accounts that reported in November

    @property
    def item_count(self) -> int:
        return len(self.duties) + len(self.projects) + len(self.rects)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _deadline(rng: random.Random) -> date:
    return date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))


def generate(members: int = MEMBERS, seed: int = SEED) -> Org:
    """The organisation: ``members`` people, five items each."""
    rng = random.Random(seed)
    org = Org()
    org.units += [["市直机关党组", None, "党组"], ["市直机关党委", "市直机关党组", "机关党委"]]
    people: list[tuple[str, str]] = [("市直机关党组", "党组书记"), ("市直机关党委", "机关党委书记")]
    people += [("市直机关党组", "党组成员")] * 3
    branches = []
    for g in range(1, GENERAL_BRANCHES + 1):
        general = f"第{g}党总支"
        org.units.append([general, "市直机关党委", "党总支"])
        people.append((general, "党总支书记"))
        for b in range(1, BRANCHES_PER_GENERAL + 1):
            branch = f"第{g}党总支第{b}党支部"
            org.units.append([branch, general, "党支部"])
            branches.append(branch)
    per_branch, extra = divmod(members - len(people), len(branches))
    for i, branch in enumerate(branches):
        size = per_branch + (1 if i < extra else 0)
        people += [(branch, "支部书记")] + [(branch, "党员")] * (size - 1)
    for n, (unit, title) in enumerate(people):
        account = f"m{n:05d}"
        org.members.append([_name(rng), account, unit, title, "是" if n < 2 else "否"])
        for k in range(3):
            code = f"R-{n:05d}-{k + 1}"
            org.duties.append([code, account, DUTIES[(n + k * 7) % len(DUTIES)], YEAR, rng.choice((None, 2, 4, 12))])
            _progress(org, rng, code)
        code = f"P-{n:05d}"
        org.projects.append([code, f"{PROJECTS[n % len(PROJECTS)]}（{unit}）", account, YEAR, _deadline(rng)])
        _progress(org, rng, code)
        code = f"Z-{n:05d}"
        problem, measure = PROBLEMS[n % len(PROBLEMS)]
        org.rects.append([code, problem, measure, account, rng.choice(SOURCES), _deadline(rng), YEAR])
        _progress(org, rng, code)
        if rng.random() < 0.5:
            org.reported.append(account)
    for branch in branches:
        scores = [rng.randint(10, 15), rng.randint(10, 15), rng.randint(10, 15), rng.randint(6, 10),
                  rng.randint(10, 15), rng.randint(12, 20), rng.randint(6, 10)]
        org.stars.append([branch, YEAR, *scores, f"{rng.randint(70, 100)}%", "是", "是", 0])
    return org


def _progress(org: Org, rng: random.Random, code: str) -> None:
    r = rng.random()
    if r < 0.15:
        org.progress[code] = ("done", 100)
    elif r < 0.55:
        org.progress[code] = ("in_progress", rng.choice((20, 40, 50, 60, 80)))


def book_rows(org: Org) -> dict[str, list[list]]:
    """The six sheets, header first (the headers ``models.workbook`` reads)."""
    return {
        "组织": [["名称", "上级", "类型"], *org.units],
        "党员": [["姓名", "企业微信账号", "所在组织", "职务", "管理员"], *org.members],
        "责任清单": [["编号", "责任人", "事项", "年度", "目标次数"], *org.duties],
        "项目清单": [["编号", "项目", "牵头人", "年度", "截止日期"], *org.projects],
        "整改清单": [["编号", "问题", "整改措施", "责任人", "来源", "整改时限", "年度"], *org.rects],
        "星级评分": [["组织", "年度", "组织建设", "队伍建设", "制度建设", "阵地建设", "活动开展", "工作实绩",
                  "群众满意度测评", "群众满意率", "三会一课落实(是/否)", "阵地达标(是/否)", "受警告以上处分人数"],
                 *org.stars],
    }


def write_book(path: Path, org: Org | None = None) -> Path:
    """The organisation as an .xlsx workbook (openpyxl's streaming writer)."""
    wb = openpyxl.Workbook(write_only=True)
    for title, rows in book_rows(org or generate()).items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


TITLE_OF = {"党总支书记": "支部书记"}
KIND_OF = {"R": "responsibility", "P": "project", "Z": "rectification"}


def load_database(url: str, org: Org | None = None) -> Engine:
    """A database at the newest schema holding the organisation (as an import would leave it, plus
    the generated progress and November reports); returns its engine."""
    org = org or generate()
    engine = make_engine(url)
    init_db(engine)
    now = datetime(YEAR, 11, 20, 2, 0, tzinfo=UTC)
    with engine.begin() as conn:
        unit_id: dict[str, int] = {}
        for name, parent, kind in org.units:           # parents come first
            conn.execute(insert(Unit.__table__).values(name=name, kind=kind, parent_id=unit_id.get(parent)))
            unit_id[name] = conn.execute(select(Unit.id).where(Unit.name == name)).scalar_one()
        conn.execute(insert(Member.__table__), [
            {"name": name, "account": account, "unit_id": unit_id[unit], "title": TITLE_OF.get(title, title),
             "is_admin": admin == "是", "active": True} for name, account, unit, title, admin in org.members])
        member = dict(conn.execute(select(Member.account, Member.id)).all())
        unit_of = {m: unit_id[unit] for _, m, unit, _, _ in org.members}

        def item(code: str, title: str, owner: str, **extra) -> dict:
            status, percent = org.progress.get(code, ("not_started", 0))
            return {"kind": KIND_OF[code[0]], "code": code, "title": title, "owner_id": member[owner],
                    "unit_id": unit_of[owner], "year": YEAR, "status": status, "percent": percent, "done_count": 0,
                    "deadline": None, "target_count": None, "measures": None, "source": None,
                    "updated_at": now if status != "not_started" else None, **extra}

        rows = [item(c, t, o, target_count=n) for c, o, t, _, n in org.duties]
        rows += [item(c, t, o, deadline=d) for c, t, o, _, d in org.projects]
        rows += [item(c, p, o, measures=m, source=s, deadline=d) for c, p, m, o, s, d, _ in org.rects]
        for i in range(0, len(rows), 5000):
            conn.execute(insert(Item.__table__), rows[i:i + 5000])
        conn.execute(insert(MonthlyReport.__table__), [
            {"member_id": member[a], "month": f"{YEAR}-11", "reported_at": now, "words": "第1项完成60%"}
            for a in org.reported])
        names = ("organisation", "team", "system", "venue", "activities", "performance", "satisfaction_score")
        conn.execute(insert(StarScore.__table__), [
            {"unit_id": unit_id[row[0]], "year": row[1], **dict(zip(names, row[2:9], strict=True)),
             "satisfaction_rate": float(row[9].rstrip("%")), "three_meetings_ok": True, "venue_ok": True,
             "disciplined": 0} for row in org.stars])
    return engine


def fresh_postgres(url: str = PG_URL) -> tuple[str, object]:
    """(URL of a new schema of its own on the PostgreSQL server at ``url``, a function that drops it)."""
    schema = f"qingdan_bench_{os.getpid()}_{int(time.time())}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", drop


@contextmanager
def database(engine: str, folder: Path, name: str) -> Iterator[str]:
    """The URL of a new, empty database: an SQLite file ``name`` in ``folder``, or a fresh
    PostgreSQL schema (``fresh_postgres``) dropped afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / name}"
        return
    url, drop = fresh_postgres()
    try:
        yield url
    finally:
        drop()


# --- the machine ------------------------------------------------------------------------------------

def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def postgres_version(url: str = PG_URL) -> str | None:
    """The PostgreSQL server's version, or None when none answers."""
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar_one()
        engine.dispose()
        return str(version).split()[0]
    except Exception:  # noqa: BLE001 - no server: the benchmark says so
        return None


def machine(pg: bool = False) -> str:
    """One line: CPU, cores, memory, OS, Python, SQLite (and PostgreSQL) versions."""
    mem = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f"，内存 {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    line = (f"机器：{_cpu_model()}，{os.cpu_count()} 核{mem}，{platform.system()} {platform.release()}；"
            f"Python {platform.python_version()}，SQLite {sqlite3.sqlite_version}")
    if pg:
        line += f"，PostgreSQL {postgres_version() or '（未连接）'}"
    return line + f"；开始时系统负载 {os.getloadavg()[0]:.1f}"


def rss_mib(pid: int | None = None) -> float:
    """Resident memory of a process (this one by default), in MiB, from /proc."""
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    kb = int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1])
    return kb / 1024


def git_commit(root: Path = ROOT) -> str:
    r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
    return r.stdout.strip() or "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="写出基准测试用的组织工作簿（10,000 名党员 / 50,000 项）")
    ap.add_argument("--book", required=True, help="要写出的 .xlsx")
    ap.add_argument("--members", type=int, default=MEMBERS)
    a = ap.parse_args(argv)
    started = time.perf_counter()
    org = generate(a.members)
    write_book(Path(a.book), org)
    print(f"已写出 {a.book}：{len(org.members)} 名党员，{org.item_count} 项，{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

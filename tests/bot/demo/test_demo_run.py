"""``qingdan demo`` as a new user runs it: no configuration, lines piped in (``tests.support.cli``)."""
from __future__ import annotations

import calendar
import re
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from models.db import make_engine, session_scope
from models.tables import AuditEvent, Item, Member, StarScore, Unit
from tests.support.cli import qingdan

TZ = ZoneInfo("Asia/Shanghai")


def run_demo(workdir: Path, lines: list[str], *extra: str) -> subprocess.CompletedProcess:
    """``qingdan demo --dir DIR`` in an empty directory with no QINGDAN_* variables."""
    return qingdan("demo", "--dir", str(workdir / "data"), *extra, cwd=workdir,
                   stdin="".join(line + "\n" for line in lines))


def next_report_moment(now: datetime) -> datetime:
    """The month's 25th 09:00 if still ahead, else its last day 09:00, else next month's 25th."""
    last = calendar.monthrange(now.year, now.month)[1]
    for day in (25, last):
        at = now.replace(day=day, hour=9, minute=0, second=0, microsecond=0)
        if at > now + timedelta(minutes=1):
            return at
    first_next = (now.replace(day=1) + timedelta(days=32)).replace(day=25, hour=9, minute=0, second=0, microsecond=0)
    return first_next


@pytest.fixture(scope="module")
def session_run(tmp_path_factory):
    """One fresh demo session: choose 张伟, look at the list, report progress, fast-forward, quit."""
    workdir = tmp_path_factory.mktemp("demo")
    target = next_report_moment(datetime.now(TZ))
    proc = run_demo(workdir, ["zhangwei", "我的清单", "第5项完成80%",
                              f"/快进 到 {target:%Y-%m-%d %H:%M}", "/退出"], "--fresh")
    return workdir, proc


def test_piped_session_lists_confirms_pushes_and_exits_cleanly(session_run):
    _, proc = session_run
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr + out
    assert "本地演示" in out and "/快进" in out                         # the Chinese start-up text
    assert re.search(r"网页控制台：http://127\.0\.0\.1:\d+/console/", out)
    assert "现在您是 张伟" in out
    listing = out[out.index("张伟> 我的清单"):out.index("张伟> 第5项完成80%")]
    assert "张伟的清单" in listing
    assert re.search(r"^\s+1\. \[R-\d+\] 每月召开支委会", listing, re.M)
    assert re.search(r"^\s+5\. \[Z-\d+\] ", listing, re.M)
    reply = out[out.index("张伟> 第5项完成80%"):out.index("张伟> /快进")]
    assert "已记录张伟的进展" in reply and "80%" in reply
    after = out[out.index("张伟> /快进"):]
    assert "—— 演示时钟：" in after
    assert re.search(r"〔推送〕.*收到(月报提醒|月末催报)", after), after
    assert "演示结束" in out
    assert "Traceback" not in proc.stderr


def test_demo_organisation_comes_through_the_import_workbook(session_run):
    workdir, proc = session_run
    assert proc.returncode == 0
    data = workdir / "data"
    assert (data / "演示清单.xlsx").exists()
    engine = make_engine(f"sqlite:///{data / 'demo.db'}")
    with session_scope(engine) as s:
        units = list(s.exec(select(Unit)))
        kinds = sorted(u.kind for u in units)
        assert kinds.count("党支部") == 4 and "机关党委" in kinds and "党组" in kinds     # three levels
        members = list(s.exec(select(Member)))
        assert 18 <= len(members) <= 24
        assert any(m.is_admin for m in members)
        branch_ids = {u.id for u in units if u.kind == "党支部"}
        secretaries = {m.unit_id for m in members if m.title == "支部书记"}
        assert len(secretaries) == 3 and secretaries < branch_ids          # one branch has no secretary
        year = datetime.now(TZ).year
        items = list(s.exec(select(Item).where(Item.year == year)))
        assert {i.kind for i in items} == {"responsibility", "project", "rectification"}
        assert any(i.target_count for i in items)                          # quantified duties
        assert any(i.deadline and i.is_open and i.deadline < datetime.now(TZ).date() for i in items)  # overdue
        assert len(list(s.exec(select(StarScore).where(StarScore.year == year)))) == 3
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "import")).first() is not None
    engine.dispose()


def test_rerun_reuses_the_data_and_end_of_input_exits(session_run):
    workdir, _ = session_run
    proc = run_demo(workdir, ["/quit"])
    assert proc.returncode == 0, proc.stderr
    assert "沿用" in proc.stdout
    proc = run_demo(workdir, [])                       # EOF at the member picker: Ctrl-D
    assert proc.returncode == 0, proc.stderr
    assert "演示结束" in proc.stdout

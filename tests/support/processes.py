"""Real processes for tests: ``qingdan serve`` and the stand-in WeCom as subprocesses, a database of
many members, and the clock arranged so that a push is due the moment serve starts."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta

from sqlalchemy import insert, select

from models.db import init_db, make_engine
from models.tables import Item, Member, Unit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sent_to(port: int) -> list[dict]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_standin/sent", timeout=10) as r:
        return json.loads(r.read())


def wait_for(predicate, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


def plan(today: date) -> tuple[str, str, date | None, str]:
    """([schedule] lines, message marker, item deadline, occasion) making a push due right now."""
    if today.day <= 28:
        return (f'monthly_prompt_day = {today.day}\nmonthly_prompt_time = "00:00"',
                "【月报提醒】", None, f"monthly_prompt:{today:%Y-%m}")
    return ('deadline_time = "00:00"', "【截止提醒】", today + timedelta(days=7), f"deadline:{today.isoformat()}")


def build_db(url: str, deadline: date | None, year: int, people: int) -> None:
    """One branch of ``people`` members (m0000, m0001, …), each owning one open item."""
    engine = make_engine(url)
    init_db(engine)
    with engine.begin() as conn:
        conn.execute(insert(Unit.__table__), [{"name": "第一党支部", "kind": "党支部"}])
        unit_id = conn.execute(select(Unit.id)).scalar_one()
        conn.execute(insert(Member.__table__), [
            {"account": f"m{n:04d}", "name": f"党员{n}", "unit_id": unit_id, "title": "党员", "is_admin": False}
            for n in range(people)])
        ids = [r[0] for r in conn.execute(select(Member.id, Member.account).order_by(Member.account))]
        conn.execute(insert(Item.__table__), [
            {"kind": "responsibility", "code": f"X-{n}", "title": "讲专题党课", "owner_id": mid, "unit_id": unit_id,
             "year": year, "deadline": deadline, "done_count": 0, "status": "not_started", "percent": 0}
            for n, mid in enumerate(ids)])
    engine.dispose()


def start(args: list[str], log_path) -> subprocess.Popen:
    with open(log_path, "ab") as log:      # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", *args], stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})

"""Two real ``qingdan serve`` processes on one PostgreSQL database, as behind a reverse proxy.

Each scheduled job runs in both; the push log alone keeps every push to one send (its rows are
claimed by a unique insert, so the second process finds them taken) — no lock between processes is
needed, and a process that dies mid-send leaves a ``pending`` row that no one resends. A callback
retried to the other instance is handled once (its dedupe row is claimed the same way) and its
stored answer given again, once.
"""
from __future__ import annotations

import urllib.request
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.wecom_standin import ThreadedStandIn
from models.db import make_engine
from models.tables import InboundMessage, PushLog
from tests.support import wecom as wf
from tests.support.config import SECRET, write_config
from tests.support.databases import fresh_database
from tests.support.processes import build_db, free_port, plan, start, wait_for

PEOPLE = 300
TZ = ZoneInfo("Asia/Shanghai")


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _post(port: int, params: dict, body: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    req = urllib.request.Request(f"http://127.0.0.1:{port}/wecom/callback?{query}", data=body.encode(),
                                 headers={"Content-Type": "text/xml"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode()


def test_two_instances_send_each_push_once_and_answer_each_callback_once(tmp_path):
    today = datetime.now(TZ).date()
    schedule_lines, marker, deadline, occasion = plan(today)
    with fresh_database("postgresql", tmp_path) as db_url, ThreadedStandIn(corp_id=wf.CORP_ID, secret=SECRET) as standin:
        build_db(db_url, deadline, today.year, PEOPLE)
        ports = [free_port(), free_port()]
        configs = [write_config(tmp_path / f"config{n}.toml", db_url, standin.base_url, port=port,
                                extra=f'\n[schedule]\nquiet_start = "00:00"\nquiet_end = "00:00"\n{schedule_lines}\n')
                   for n, port in enumerate(ports)]
        procs = [start(["bot", "serve", "--config", str(c)], tmp_path / f"serve{n}.log") for n, c in enumerate(configs)]
        try:
            wait_for(lambda: all(_healthy(p) for p in ports), timeout=60, step=0.1)

            engine = make_engine(db_url)

            def settled() -> bool:
                with engine.connect() as conn:
                    rows = dict(conn.execute(select(PushLog.status, func.count())
                                             .where(PushLog.occasion == occasion).group_by(PushLog.status)).all())
                return rows.get("sent", 0) == PEOPLE

            wait_for(settled, timeout=120, step=0.2)
            counts = Counter(a for m in standin.state.sent if marker in m.content for a in m.touser)
            assert len(counts) == PEOPLE and max(counts.values()) == 1, "somebody got two"

            # The same callback delivered to both instances (WeCom retried through the proxy, the
            # first answer having been lost): handled once, its stored answer given to every retry.
            params, body = wf.envelope(wf.text_xml("m0001", "我的清单", msg_id=424242))
            answers = [wf.read_reply(_post(port, params, body)) for port in (*ports, ports[0])]
            assert "党员1的清单" in answers[0] and answers == [answers[0]] * 3
            with engine.connect() as conn:
                assert conn.execute(select(func.count()).select_from(InboundMessage)).scalar_one() == 1
            engine.dispose()
        finally:
            for p in procs:
                p.terminate()
                p.wait(10)

"""A PostgreSQL connection dropped under ``qingdan remind`` mid-dispatch (the server restarted, a
proxy cut it, an administrator ran ``pg_terminate_backend``): what was delivered is marked on a new
connection and the run goes on; nobody gets two, nobody is left ``pending``.

The connection is terminated at the worst moment, deterministically: while the run is marking the
second batch as sent. Another connection locks the push log once the stand-in has received the
150th message (mid-batch), waits until the run's UPDATE waits on that lock, terminates the run's
backend (found by its ``application_name``), and lets go.
"""
from __future__ import annotations

import secrets
import threading
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select, text

from bot.wecom_standin import ThreadedStandIn
from models.db import make_engine
from models.tables import PushLog
from schedules.delivery import BATCH
from tests.support import wecom as wf
from tests.support.cli import qingdan
from tests.support.config import SECRET, write_config
from tests.support.databases import PG_URL, fresh_database
from tests.support.processes import build_db, plan, wait_for

PEOPLE = 2 * BATCH
TZ = ZoneInfo("Asia/Shanghai")


def test_remind_marks_what_was_delivered_after_its_connection_is_terminated_and_goes_on(tmp_path):
    today = datetime.now(TZ).date()
    schedule_lines, marker, deadline, occasion = plan(today)
    app = f"qingdan_remind_{secrets.token_hex(4)}"
    with fresh_database("postgresql", tmp_path) as db_url, ThreadedStandIn(corp_id=wf.CORP_ID, secret=SECRET) as standin:
        build_db(db_url, deadline, today.year, PEOPLE)
        schema = db_url.rsplit("search_path%3D", 1)[1]
        config = write_config(tmp_path / "config.toml", f"{db_url}&application_name={app}", standin.base_url,
                              extra=f'\n[schedule]\nquiet_start = "00:00"\nquiet_end = "00:00"\n{schedule_lines}\n')
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        locker = admin.connect()
        terminated: list[int] = []

        def terminate_the_marking() -> None:
            with admin.connect() as conn:
                def waiting() -> list[int]:
                    return list(conn.execute(text(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = :app AND wait_event_type = 'Lock'"),
                        {"app": app}).scalars())
                pids = wait_for(waiting, timeout=20, step=0.01)
                terminated.extend(conn.execute(text("SELECT pid FROM pg_stat_activity WHERE pid = ANY(:p) "
                                                    "AND pg_terminate_backend(pid)"), {"p": pids}).scalars())
            locker.execute(text("ROLLBACK"))

        def lock_mid_batch(_message) -> None:
            if len(standin.state.sent) == BATCH + BATCH // 2:
                locker.execute(text("BEGIN"))
                locker.execute(text(f'LOCK TABLE "{schema}".{PushLog.__tablename__} IN EXCLUSIVE MODE'))
                threading.Thread(target=terminate_the_marking, daemon=True).start()

        standin.state.send_delay = 0.005
        standin.state.listeners.append(lock_mid_batch)
        try:
            out = qingdan("remind", config=config)
        finally:
            locker.close()
            admin.dispose()
        assert terminated, "the run's connection should have been terminated while it marked"
        assert out.returncode == 0, out.stderr
        assert f"发送 {PEOPLE} 人" in out.stdout, out.stdout
        got = Counter(a for m in standin.state.sent if marker in m.content for a in m.touser)
        assert len(got) == PEOPLE and set(got.values()) == {1}
        engine = make_engine(db_url)
        with engine.connect() as conn:
            rows = dict(conn.execute(select(PushLog.status, func.count()).where(PushLog.occasion == occasion)
                                     .group_by(PushLog.status)).all())
        engine.dispose()
        assert rows == {"sent": PEOPLE}

"""SIGTERM — a routine ``systemctl stop`` or ``restart`` — to a real ``qingdan serve`` and to a real
``qingdan remind`` in the middle of a month-end dispatch to thousands, on SQLite and PostgreSQL;
then a restart (or a rerun), and a count at the stand-in WeCom of what each person received.

The stand-in runs in this process; near the signal its sends are slowed a little, so that the
signal lands with sends in flight and the rest of the batch claimed but not begun (the rest of the
dispatch, and the rerun, go at full speed). The signal is sent from the stand-in
the moment it has received ``SIGNAL_AT`` messages: mid-batch (``BATCH`` is 100).

What is asserted: the stopped process exits by itself, having marked every send it made
(``sent`` rows = messages received, no row left ``pending`` with an attempt on record) and released
the rest of its batch (``pending`` with no attempt: owed); after the restart or rerun every person
has exactly one prompt.
"""
from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.wecom_standin import ThreadedStandIn
from models.db import make_engine
from models.tables import Member, PushLog
from schedules.delivery import BATCH
from tests.support import wecom as wf
from tests.support.config import SECRET, write_config
from tests.support.databases import fresh_database
from tests.support.processes import build_db, free_port, plan, start, wait_for

PEOPLE = 3000
SIGNAL_AT = 10 * BATCH + 45          # mid-batch: 45 of the eleventh batch's sends have answered
SEND_DELAY = 0.01                    # seconds each send takes at the stand-in: the signal lands mid-batch even on a busy machine
TZ = ZoneInfo("Asia/Shanghai")


def statuses(engine, occasion: str) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(PushLog.status, PushLog.attempted_at.is_(None), func.count())
                            .where(PushLog.occasion == occasion).group_by(PushLog.status, PushLog.attempted_at.is_(None)))
        return {f"{status}{'/never attempted' if never else ''}": n for status, never, n in rows}


def received(standin, marker: str) -> Counter:
    return Counter(a for m in list(standin.state.sent) if marker in m.content for a in m.touser)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
@pytest.mark.parametrize("command", ["serve", "remind"])
def test_sigterm_mid_dispatch_then_restart_gives_everyone_exactly_one_prompt(tmp_path, kind, command):
    today = datetime.now(TZ).date()
    schedule_lines, marker, deadline, occasion = plan(today)
    with fresh_database(kind, tmp_path) as db_url, ThreadedStandIn(corp_id=wf.CORP_ID, secret=SECRET) as standin:
        build_db(db_url, deadline, today.year, PEOPLE)
        config = write_config(tmp_path / "config.toml", db_url, standin.base_url, port=free_port(),
                              extra=f'\n[schedule]\nquiet_start = "00:00"\nquiet_end = "00:00"\n{schedule_lines}\n')
        args = ["bot", command, "--config", str(config)]
        procs: list[subprocess.Popen] = []
        signalled: list[int] = []

        def signal_mid_batch(_message) -> None:
            if len(standin.state.sent) >= SIGNAL_AT - BATCH // 2:
                standin.state.send_delay = SEND_DELAY
            if len(standin.state.sent) >= SIGNAL_AT and not signalled:
                signalled.append(len(standin.state.sent))
                os.kill(procs[0].pid, signal.SIGTERM)

        standin.state.listeners.append(signal_mid_batch)
        engine = make_engine(db_url)
        try:
            procs.append(start(args, tmp_path / "first.log"))
            status = procs[0].wait(60)
            log = (tmp_path / "first.log").read_text(encoding="utf-8", errors="replace")
            assert signalled, log
            assert status == (0 if command == "serve" else 128 + signal.SIGTERM), log
            standin.state.listeners.clear()
            standin.state.send_delay = 0.0

            at_stop = statuses(engine, occasion)
            got = received(standin, marker)
            assert signalled[0] <= sum(got.values()) < PEOPLE, "the signal should land mid-dispatch"
            assert max(got.values()) == 1
            assert at_stop.get("sent") == sum(got.values()), at_stop     # every send made is marked
            assert "pending" not in at_stop and "unknown" not in at_stop, at_stop   # nothing left in doubt
            assert at_stop.get("pending/never attempted", 0) > 0, at_stop         # the batch's rest: released
            with engine.connect() as conn:
                sent = set(conn.execute(select(Member.account).join(PushLog, PushLog.member_id == Member.id)
                                        .where(PushLog.occasion == occasion, PushLog.status == "sent")).scalars())
            assert sent == set(got)
            assert ("未发出" in log or "stopped" in log), log

            if command == "remind":
                procs.append(start(args, tmp_path / "second.log"))
                assert procs[1].wait(90) == 0, (tmp_path / "second.log").read_text(encoding="utf-8")
            else:
                procs.append(start(args, tmp_path / "second.log"))
                wait_for(lambda: statuses(engine, occasion).get("sent") == PEOPLE, timeout=90, step=0.2)
            got = received(standin, marker)
            assert len(got) == PEOPLE and set(got.values()) == {1}, Counter(got.values())
            assert statuses(engine, occasion) == {"sent": PEOPLE}
        finally:
            for proc in procs:
                stop(proc)
            engine.dispose()

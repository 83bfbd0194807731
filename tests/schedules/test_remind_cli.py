"""``qingdan remind --at`` and ``qingdan schedule`` as an administrator runs them (subprocesses)."""
import subprocess
import sys
from collections import Counter

import pytest
from sqlmodel import Session

from bot.wecom_standin import ThreadedStandIn
from models.db import init_db, make_engine
from models.tables import Item, Member, Unit


def qingdan(*args: str, config) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args, "--config", str(config)],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def standin():
    with ThreadedStandIn() as s:
        yield s


@pytest.fixture
def setup(tmp_path, standin):
    db = tmp_path / "qingdan.db"
    engine = make_engine(f"sqlite:///{db}")
    init_db(engine)
    with Session(engine) as s:
        unit = Unit(name="第一党支部", kind="党支部")
        s.add(unit)
        s.flush()
        for n in range(12):
            m = Member(account=f"u{n}", name=f"党员{n}", unit_id=unit.id, title="支部书记" if n == 0 else "党员")
            s.add(m)
            s.flush()
            s.add(Item(kind="responsibility", code=f"X-{n}", title="讲专题党课", owner_id=m.id, unit_id=unit.id, year=2026))
        s.commit()
    engine.dispose()
    config = tmp_path / "config.toml"
    config.write_text(f"""
[wecom]
corp_id = "wwstandin"
agent_id = 1000002
secret = "standin-secret"
api_base_url = "{standin.base_url}"

[database]
url = "sqlite:///{db}"
""", encoding="utf-8")
    return config


def test_remind_twice_sends_nothing_the_second_time(setup, standin):
    first = qingdan("remind", "--at", "2026-11-25T01:00:00Z", config=setup)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "月报提醒 2026-11：发送 12 人"
    assert len(standin.state.sent) == 12
    assert Counter(a for m in standin.state.sent for a in m.touser) == Counter(f"u{n}" for n in range(12))

    second = qingdan("remind", "--at", "2026-11-25T01:00:00Z", config=setup)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "无到期推送"
    assert len(standin.state.sent) == 12                       # counted at the stand-in


def test_remind_before_the_time_and_after_the_month(setup, standin):
    before = qingdan("remind", "--at", "2026-11-24T23:59:00Z", config=setup)     # 07:59 Shanghai
    stale = qingdan("remind", "--at", "2026-12-01T10:00:00+08:00", config=setup)
    assert before.stdout.strip() == "无到期推送"
    assert "月报提醒" not in stale.stdout
    assert [m for m in standin.state.sent if "月报提醒" in m.content] == []


def test_remind_catches_up_later_in_the_month(setup, standin):
    out = qingdan("remind", "--at", "2026-11-27T10:00:00+08:00", config=setup)
    assert out.stdout.strip() == "月报提醒 2026-11：发送 12 人"


def test_schedule_lists_every_job(setup):
    out = qingdan("schedule", config=setup)
    assert out.returncode == 0, out.stderr
    for job in ("monthly_prompt", "last_day", "escalation", "deadline", "quarterly", "duty_report", "catch_up"):
        assert job in out.stdout
    assert "Asia/Shanghai" in out.stdout

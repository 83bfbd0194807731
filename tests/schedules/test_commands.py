"""schedules.commands: ``qingdan remind --at`` and ``qingdan schedule`` as an administrator runs them
(``tests.support.cli``; two at once as processes)."""
import subprocess
import sys
from collections import Counter

import pytest

from tests.support.cli import qingdan
from tests.support.config import write_config
from tests.support.org import Org


@pytest.fixture
def standin(threaded_standin):
    return threaded_standin


@pytest.fixture
def setup(tmp_path, db_url, bare_engine, standin):
    """Twelve owners of an open item, on SQLite and on PostgreSQL."""
    org = Org(bare_engine)
    org.unit("b1", "第一党支部", "党支部")
    for n in range(12):
        org.person(f"u{n}", f"党员{n}", "b1", "支部书记" if n == 0 else "党员")
        org.item(f"u{n}", f"X-{n}", "讲专题党课")
    return write_config(tmp_path / "config.toml", db_url, standin.base_url)


def test_remind_twice_sends_nothing_the_second_time(setup, standin):
    first = qingdan("remind", "--at", "2026-11-25T01:00:00Z", config=setup)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["推送时刻：2026-11-25 09:00（Asia/Shanghai）", "月报提醒 2026-11：发送 12 人"]
    assert len(standin.state.sent) == 12
    assert Counter(a for m in standin.state.sent for a in m.touser) == Counter(f"u{n}" for n in range(12))

    second = qingdan("remind", "--at", "2026-11-25T01:00:00Z", config=setup)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[1:] == ["无到期推送"]
    assert len(standin.state.sent) == 12                       # counted at the stand-in


def test_two_concurrent_runs_send_each_owner_exactly_once(setup, standin):
    """Two administrators (or remind next to serve) at the same moment: the push log decides."""
    args = [sys.executable, "-m", "bot", "remind", "--at", "2026-11-25T01:00:00Z", "--config", str(setup)]
    runs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in runs]
    assert all(p.returncode == 0 for p in runs), outputs
    assert Counter(a for m in standin.state.sent for a in m.touser) == Counter(f"u{n}" for n in range(12))
    sent = sorted(int(line.split("发送 ")[1].split(" 人")[0]) for out, _ in outputs
                  for line in out.splitlines() if "发送" in line)
    assert sum(sent) == 12


def test_remind_before_the_time_and_after_the_month(setup, standin):
    before = qingdan("remind", "--at", "2026-11-24T23:59:00Z", config=setup)     # 07:59 Shanghai
    stale = qingdan("remind", "--at", "2026-12-01T10:00:00+08:00", config=setup)
    assert before.stdout.splitlines()[1:] == [      # in the quiet hours: why, and when the next push is
        "无到期推送：07:59 在免打扰时段（22:00–08:00）内，此时不发推送；下一次推送：2026-11-25 09:00"]
    assert "月报提醒" not in stale.stdout
    assert [m for m in standin.state.sent if "月报提醒" in m.content] == []


def test_remind_catches_up_later_in_the_month(setup, standin):
    out = qingdan("remind", "--at", "2026-11-27T10:00:00+08:00", config=setup)
    assert out.stdout.splitlines()[1:] == ["月报提醒 2026-11：发送 12 人"]


def test_schedule_lists_every_job(setup):
    out = qingdan("schedule", config=setup)
    assert out.returncode == 0, out.stderr
    from bot.config import ScheduleConfig
    from schedules.scheduler import job_specs

    cfg = ScheduleConfig()
    cfg.meetings.reminder_day = 0       # as the test configuration has it (tests.support.config)
    specs = job_specs(cfg)
    assert len(specs) == 9 and len(out.stdout.splitlines()) == 1 + len(specs)      # 待确认提醒 and 问责提示 too
    for spec in specs:                   # Chinese names only: the job ids are for the code
        assert f"  {spec.label}：下次 " in out.stdout and spec.id not in out.stdout
    assert "Asia/Shanghai" in out.stdout


def test_remind_names_the_accounts_that_failed(setup, standin):
    standin.state.fail_accounts = {"u3", "u7"}
    standin.state.known_users = {f"u{n}" for n in range(12)} - {"u5"}
    out = qingdan("remind", "--at", "2026-11-25T01:00:00Z", config=setup)
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stdout.splitlines()[1:] == [
        "月报提醒 2026-11：发送 9 人，失败 2 人（下次运行时重试），1 人的企业微信账号无效",
        "  失败 2 人：u3（党员3）、u7（党员7）——60020: not allow to access from your ip（本机出口IP不在应用的「企业可信IP」中）",
        "  账号无效 1 人：u5（党员5）",
    ]
    standin.state.fail_accounts = set()
    again = qingdan("remind", "--at", "2026-11-25T02:00:00Z", config=setup)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[1:] == ["月报提醒 2026-11：发送 2 人"]     # no names: nothing failed now


def test_remind_holds_the_quarterly_digest_and_escalation_past_new_year(tmp_path, db_url, setup, standin):
    holiday = qingdan("remind", "--at", "2027-01-01T09:00:00+08:00", config=setup)     # 元旦
    assert holiday.returncode == 0, holiday.stderr
    assert "季度督查" not in holiday.stdout and "未报督促" not in holiday.stdout
    local = write_config(tmp_path / "local.toml", db_url, standin.base_url,
                         extra='[schedule]\nextra_holidays = ["2027-01-04"]')          # a local day off
    assert "季度督查" not in qingdan("remind", "--at", "2027-01-04T09:00:00+08:00", config=local).stdout
    work = qingdan("remind", "--at", "2027-01-04T09:00:00+08:00", config=setup)          # first working day
    assert work.returncode == 0, work.stderr
    assert {"季度督查 2026-Q4：发送 1 人", "未报督促 2026-12：发送 1 人"} <= set(work.stdout.splitlines())
    digest = [m.content for m in standin.state.sent if "【季度督查】" in m.content]
    assert len(digest) == 1 and "第一党支部2026年第4季度" in digest[0]

"""Configuration: file, environment, and one clear line for a bad key."""
from __future__ import annotations

import subprocess
import sys

import pytest

from bot import config


def write(tmp_path, text: str):
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QINGDAN_CONFIG", raising=False)
    cfg = config.load(environ={})
    assert cfg.database.url == "sqlite:///qingdan.db"
    assert cfg.schedule.timezone == "Asia/Shanghai" and str(cfg.tz) == "Asia/Shanghai"


def test_the_example_file_loads_but_its_placeholders_do_not_serve():
    cfg = config.load("config.example.toml", environ={})
    assert cfg.wecom.agent_id == 1000002 and cfg.server.access_log is False
    for key, values in config.PLACEHOLDERS.items():
        assert getattr(cfg.wecom, key) in values          # every placeholder the example shows is known
    with pytest.raises(config.ConfigError, match="wecom.corp_id 仍是示例值"):
        cfg.require_wecom()


def test_environment_secrets_win(tmp_path):
    p = write(tmp_path, '[wecom]\nsecret = "from-file"\n[database]\nurl = "sqlite:///a.db"\n')
    cfg = config.load(p, environ={"QINGDAN_WECOM_SECRET": "from-env", "QINGDAN_DATABASE_URL": "sqlite:///b.db"})
    assert cfg.wecom.secret == "from-env" and cfg.database.url == "sqlite:///b.db"


def test_qingdan_config_variable_is_used(tmp_path, monkeypatch):
    p = write(tmp_path, '[server]\nport = 9999\n')
    monkeypatch.setenv("QINGDAN_CONFIG", str(p))
    assert config.load().server.port == 9999


@pytest.mark.parametrize("text, key", [
    ('[server]\nport = "eighty"\n', "server.port"),
    ('[server]\ndb_threads = 0\n', "server.db_threads"),
    ('[schedule]\ntimezone = "Mars/Olympus"\n', "schedule.timezone"),
    ('[schedule]\nmonthly_prompt_time = "9点"\n', "schedule.monthly_prompt_time"),
    ('[wecom]\ncorpid = "x"\n', "wecom.corpid"),
    ('[wecom\n', "config.toml"),
    ('[understanding]\nconfirm_from = 0\n', "understanding.confirm_from"),
    ('[understanding]\nconfirm_hours = 200\n', "understanding.confirm_hours"),
    ('[understanding]\nconfirm_hours = "一天"\n', "understanding.confirm_hours"),
    ('[meetings]\ncommittee = "weekly"\n', "meetings.committee"),
    ('[meetings]\nreminder_day = 30\n', "meetings.reminder_day"),
    ('[schedule]\nmeetings = "x"\n', "schedule.meetings"),        # not a key: [meetings] is its own section
])
def test_a_malformed_key_is_named_in_chinese_and_english(tmp_path, text, key):
    with pytest.raises(config.ConfigError) as err:
        config.load(write(tmp_path, text), environ={})
    msg = str(err.value)
    assert key in msg and "配置错误" in msg and "config error" in msg and "\n" not in msg


def test_the_read_back_settings_are_read_with_their_defaults(tmp_path):
    assert (config.load(write(tmp_path, ""), environ={}).understanding.confirm_from,
            config.load("config.example.toml", environ={}).understanding.confirm_hours) == (3, 24)
    cfg = config.load(write(tmp_path, "[understanding]\nconfirm_from = 5\nconfirm_hours = 12\n"), environ={})
    assert (cfg.understanding.confirm_from, cfg.understanding.confirm_hours) == (5, 12)


def test_the_meeting_frequencies_are_read_and_shared_with_the_pushes(tmp_path):
    example = config.load("config.example.toml", environ={})
    assert example.meetings.frequencies() == {"支部党员大会": "quarterly", "支委会": "monthly", "党小组会": "monthly",
                                              "党课": "quarterly"}
    cfg = config.load(write(tmp_path, '[meetings]\ngroup = "none"\nreminder_day = 0\n'), environ={})
    assert cfg.schedule.meetings is cfg.meetings and cfg.meetings.frequencies()["党小组会"] == "none"
    assert cfg.meetings.reminder_day == 0 and example.meetings.reminder_day == 20


def test_serve_names_a_missing_wecom_key(tmp_path):
    p = write(tmp_path, '[wecom]\ncorp_id = "ww1"\nagent_id = 1\nsecret = "s"\ntoken = "t"\n')
    r = subprocess.run([sys.executable, "-m", "bot", "serve", "--config", str(p)], capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin"}, timeout=60)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "wecom.encoding_aes_key" in lines[0] and "缺失" in lines[0] and "missing" in lines[0]

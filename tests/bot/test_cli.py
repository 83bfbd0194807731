"""The ``qingdan`` command as an operator meets it (``tests.support.cli.qingdan``; ``serve`` and a
closed pipe run as processes): errors they can fix are one Chinese line on stderr and exit status
2, never a traceback; help is in Chinese; ``remind`` says which moment it used; ``serve`` logs no
line per request unless asked, and starts with current statistics."""
from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.config import PLACEHOLDERS
from tests.support.cli import qingdan
from tests.support.config import write_config

ROOT = Path(__file__).resolve().parents[2]
REAL = {"corp_id": "wwreal0001", "secret": "real-secret", "token": "real-token",
        "encoding_aes_key": "A" * 43}


def one_line(r: subprocess.CompletedProcess) -> str:
    """The single stderr line of a refused command (exit 2, no traceback)."""
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_with(tmp_path: Path, url: str, extra: str = "") -> Path:
    return write_config(tmp_path / "config.toml", url, "http://127.0.0.1:9/cgi-bin/", extra=extra)


# --- a missing or unfilled configuration --------------------------------------------------------

def test_a_missing_config_file_is_named(tmp_path):
    missing = tmp_path / "nowhere" / "config.toml"
    assert one_line(qingdan("schedule", config=missing)) == f"找不到配置文件：{missing}"
    assert one_line(qingdan("init-db", env={"QINGDAN_CONFIG": str(missing)})) == f"找不到配置文件：{missing}"


@pytest.mark.parametrize("key", sorted(PLACEHOLDERS))
def test_serve_refuses_a_placeholder_left_from_the_example(tmp_path, key):
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for other, values in PLACEHOLDERS.items():
        if other != key:
            for value in values:
                text = text.replace(f'"{value}"', f'"{REAL[other]}"')
    text = text.replace('url = "sqlite:///qingdan.db"', f'url = "sqlite:///{tmp_path / "q.db"}"')
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    line = one_line(qingdan("serve", config=path, timeout=30))
    assert f"wecom.{key}" in line and "示例值" in line


# --- the database -----------------------------------------------------------------------------

@pytest.mark.parametrize("command", [("init-db",), ("remind", "--at", "2026-11-25T09:00"), ("outbox",),
                                     ("export", "out.xlsx"), ("schedule",)])
def test_an_unreachable_database_is_one_line_without_the_password(tmp_path, command):
    url = f"postgresql+psycopg://qingdan:hunter2@127.0.0.1:{free_port()}/qingdan"
    r = qingdan(*command[:1], *[a.replace("out.xlsx", str(tmp_path / "out.xlsx")) for a in command[1:]],
                config=config_with(tmp_path, url))
    if command == ("schedule",):       # needs no database
        assert r.returncode == 0, r.stderr
        return
    line = one_line(r)
    assert line.startswith("无法连接数据库 postgresql+psycopg://qingdan:***@127.0.0.1:") and "连接被拒绝" in line
    assert "hunter2" not in r.stderr + r.stdout


def test_a_sqlite_file_in_a_missing_folder(tmp_path):
    folder = tmp_path / "no" / "such"
    line = one_line(qingdan("init-db", config=config_with(tmp_path, f"sqlite:///{folder}/q.db")))
    assert line == f"SQLite 数据库所在的文件夹不存在：{folder}（先建好这个文件夹，或修改 database.url）"
    assert not folder.exists()


@pytest.mark.parametrize("url", ["mysql://root:pw@127.0.0.1/qingdan", "postgresql+asyncpg://u@127.0.0.1/q"])
def test_an_unsupported_database_url(tmp_path, url):
    line = one_line(qingdan("outbox", config=config_with(tmp_path, url)))
    assert line.startswith("不支持的数据库地址：") and "只支持 SQLite 和 PostgreSQL" in line
    assert "pw" not in line


def test_an_export_path_that_cannot_be_written(tmp_path):
    cfg = config_with(tmp_path, f"sqlite:///{tmp_path / 'q.db'}")
    assert one_line(qingdan("export", str(tmp_path / "gone" / "x.xlsx"), config=cfg)) == \
        f"无法写入导出文件：{tmp_path / 'gone' / 'x.xlsx'}（文件夹 {tmp_path / 'gone'} 不存在）"
    assert one_line(qingdan("export", str(tmp_path), config=cfg)) == f"无法写入导出文件：{tmp_path}（这是一个文件夹）"


# --- help, usage errors, remind's moment ----------------------------------------------------------

@pytest.mark.parametrize("args", [("-h",), ("outbox", "-h"), ("remind", "--help"), ("import", "-h")])
def test_help_is_in_chinese(args):
    r = qingdan(*args)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("用法：qingdan") and "选项" in r.stdout and "显示本帮助并退出" in r.stdout
    for english in ("usage:", "options:", "show this help", "positional arguments"):
        assert english not in r.stdout


def test_a_usage_error_is_in_chinese():
    r = qingdan("remind", "--bogus")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "错误：无法识别的参数：--bogus" in r.stderr and "usage" not in r.stderr


def test_remind_prints_the_moment_it_used(tmp_path):
    cfg = config_with(tmp_path, f"sqlite:///{tmp_path / 'q.db'}")
    r = qingdan("remind", "--at", "2026-11-25T09:00", config=cfg)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["推送时刻：2026-11-25 09:00（Asia/Shanghai）", "无到期推送"]
    r = qingdan("remind", "--at", "2026-11-25T01:00:00Z", config=cfg)
    assert r.stdout.splitlines()[0] == "推送时刻：2026-11-25 09:00（Asia/Shanghai）"
    assert one_line(qingdan("remind", "--at", "2026-13-25", config=cfg)).startswith("时间格式不对：2026-13-25")


def test_the_demo_folder_is_ignored_by_git():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    r = subprocess.run(["git", "check-ignore", "-q", "qingdan-demo/qingdan.db"], cwd=ROOT)
    assert r.returncode == 0


# --- serve: access log and statistics --------------------------------------------------------------

def serve_and_get(tmp_path: Path, extra: str) -> tuple[str, Path]:
    """Start serve, GET /healthz and a missing page, stop it; (its log, the SQLite file)."""
    db, port = tmp_path / "q.db", free_port()
    cfg = write_config(tmp_path / "config.toml", f"sqlite:///{db}", "http://127.0.0.1:9/cgi-bin/", port=port,
                       extra=extra)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--config", str(cfg)], cwd=ROOT, env=clean,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    assert resp.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "serve did not come up"
                time.sleep(0.1)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing-here", timeout=2)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    return out, db


def test_serve_logs_no_line_per_request_by_default_and_has_current_statistics(tmp_path):
    log, db = serve_and_get(tmp_path, "")
    assert "已启动" in log and "Traceback" not in log
    assert "GET /healthz" not in log and "aiohttp.access" not in log
    with sqlite3.connect(db) as conn:           # ANALYZE ran at start-up
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0] == 1


def test_serve_logs_each_request_when_access_log_is_on(tmp_path):
    log, _ = serve_and_get(tmp_path, "access_log = true\n")
    assert "GET /healthz" in log and "GET /nothing-here" in log


def test_serve_on_a_port_already_taken_says_so_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(tmp_path / "config.toml", f"sqlite:///{tmp_path / 'q.db'}",
                              "http://127.0.0.1:9/cgi-bin/", port=port)
        line = one_line(qingdan("serve", config=config))
    assert line == f"无法监听 127.0.0.1:{port}：端口已被占用（另一个 qingdan 或其他程序），请在配置文件 [server] port 换一个端口"


def test_output_piped_into_a_reader_that_stops_is_not_an_error(tmp_path):
    """``qingdan schedule | true``: the reader is gone before the first line; no BrokenPipeError,
    no 内部错误."""
    config = config_with(tmp_path, f"sqlite:///{tmp_path / 'q.db'}")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    r = subprocess.run(f"{sys.executable} -m bot schedule --config {config} | true", shell=True,
                       capture_output=True, text=True, cwd=ROOT, env=clean, timeout=60)
    assert "内部错误" not in r.stderr and "BrokenPipe" not in r.stderr


def test_every_command_runs_the_cycle_collector_less_often():
    """A callback, a month-end or an import makes many short-lived objects: the collector's
    threshold is raised before the command runs (bench/RESULTS.md: ~8% of a callback's CPU)."""
    import gc

    from bot import cli

    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)          # Python's default (an earlier test may have run main)
    try:
        with pytest.raises(SystemExit):
            cli.main(["remind", "--help"])
        assert gc.get_threshold() == (cli.GC_THRESHOLD, 10, 10)
    finally:
        gc.set_threshold(*before)


# --- the suite's in-process ``qingdan`` is the process ------------------------------------------------

def test_qingdan_called_in_the_tests_process_answers_as_python_m_bot_does(tmp_path, monkeypatch):
    """``tests.support.cli.qingdan`` calls ``bot.cli.main`` in the test's process: the same exit
    status, stdout and stderr (log lines included) as the process, and the test's process left as
    it was (logging, the collector's threshold, argparse, environment, directory)."""
    import argparse
    import gc
    import logging

    from models.db import make_engine
    from tests.support.cli import qingdan_process
    from tests.support.org import Org

    monkeypatch.setenv("QINGDAN_CONFIG", str(tmp_path / "elsewhere.toml"))     # not seen by the command
    cfg = config_with(tmp_path, f"sqlite:///{tmp_path / 'q.db'}")
    root = logging.getLogger()
    state = (root.handlers[:], root.level, gc.get_threshold(), argparse._, dict(os.environ), os.getcwd())
    assert qingdan("init-db", config=cfg).returncode == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    org = Org(engine)
    org.unit("b1", "第一党支部", "党支部")
    org.person("u1", "党员1", "b1", "支部书记")
    org.item("u1", "X-1", "讲专题党课")
    engine.dispose()
    for args in (("outbox", "-h"), ("remind", "--bogus"), ("schedule", "--config", str(tmp_path / "none.toml")),
                 ("remind", "--at", "2026-11-25T09:00", "--config", str(cfg))):      # WeCom unreachable: said so
        inside, outside = qingdan(*args), qingdan_process(*args)
        assert (inside.returncode, inside.stdout, inside.stderr) == (outside.returncode, outside.stdout, outside.stderr)
    assert "取不到企业微信的访问令牌" in inside.stderr and inside.returncode == 1
    assert (root.handlers, root.level, gc.get_threshold(), argparse._, dict(os.environ), os.getcwd()) == state


def test_serve_killed_by_sigbus_says_where_before_it_dies(tmp_path):
    """A crash below Python (SIGBUS: a SQLite -shm file that cannot be backed) is not silent:
    faulthandler names it and shows where, in serve's log."""
    import signal

    db, port = tmp_path / "q.db", free_port()
    cfg = write_config(tmp_path / "config.toml", f"sqlite:///{db}", "http://127.0.0.1:9/cgi-bin/", port=port)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--config", str(cfg)], cwd=ROOT, env=clean,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "serve did not come up"
                time.sleep(0.1)
        proc.send_signal(signal.SIGBUS)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGBUS
    assert "Fatal Python error: Bus error" in out

"""Issue 22 point 16, through the demo's own input: a pasted 月报 of several lines is one message
(the real demo in a terminal: a pseudo-terminal), "/快进 三天", "/看 李娜" and what a member
received while away, push labels as sent, and what the first start is doing."""
from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.bot.demo.test_chat import PROMPT, START, ScriptedServer, chat, message
from tests.support.cli import ROOT, qingdan_process


class Terminal:
    """``qingdan demo`` with a pseudo-terminal for its stdin and stdout, as a person runs it."""

    def __init__(self, data_dir: Path, env: dict | None = None):
        clean = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "demo", "--dir", str(data_dir), "--fresh"],
                                     stdin=slave, stdout=slave, stderr=subprocess.PIPE, cwd=ROOT,
                                     env={**clean, "TERM": "dumb", **(env or {})})
        os.close(slave)
        self.raw = b""

    @property
    def out(self) -> str:
        return self.raw.decode("utf-8", "replace")

    def wait_for(self, text: str, times: int = 1, seconds: float = 60) -> None:
        """Read until ``text`` has appeared ``times`` times in all that was printed."""
        deadline = time.monotonic() + seconds
        while self.out.count(text) < times:
            assert time.monotonic() < deadline, f"never saw {text!r} {times}×:\n{self.out}"
            if select.select([self.master], [], [], 0.5)[0]:
                try:
                    self.raw += os.read(self.master, 65536)
                except OSError:         # the demo ended
                    break

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close(self) -> int:
        try:
            return self.proc.wait(30)
        finally:
            os.close(self.master)


def test_a_pasted_report_of_several_lines_is_one_message(tmp_path):
    term = Terminal(tmp_path / "data")
    try:
        term.wait_for("请选择成员")
        term.type("zhangwei\n")
        term.wait_for("张伟> ")
        term.type("月报：\n召开了1次支委会\n第5项完成80%\n")         # pasted: one write
        term.wait_for("张伟> ", times=2)
        term.type("/退出\n")
        term.wait_for("演示结束")
    finally:
        assert term.close() == 0
    answered = term.out[term.out.index("张伟> "):term.out.rindex("张伟> ")]
    assert answered.count("清单助手：") == 1, answered               # one message, one reply
    assert re.search(r"每月召开支委会：已开展(\d+)/12次 → 已(开展|完成)\d+/12次", answered), answered
    assert "→ 进行中 80%" in answered, answered


def test_fast_forward_reads_chinese_numerals(tmp_path):
    server = ScriptedServer(due={PROMPT: [("月报提醒", [message("zhangwei")])]})
    out = chat(server, ["zhangwei", "/快进 三天", "/快进 两小时", "/快进 十五分钟", "/q"], tmp_path)
    assert server.ran[:2] == [PROMPT, START + timedelta(days=3)]
    assert server.clock.now() == START + timedelta(days=3, hours=2, minutes=15)
    assert "看不懂" not in out


def test_others_messages_can_be_read_and_switching_shows_what_arrived_meanwhile(tmp_path):
    nudge = message("lina", content="【催报】第一党支部书记张伟提醒您：请报送2026年11月清单进展。")
    server = ScriptedServer(replies={"提醒没报的": "已提醒第一党支部2026年11月未报送的1人：李娜。"},
                            broadcasts={"提醒没报的": [nudge]},
                            due={PROMPT: [("月报提醒", [message("lina", "zhangwei")])]})
    out = chat(server, ["zhangwei", "提醒没报的", "/看 李娜", "/快进 三天", "/切换 lina", "/切换 zhangwei",
                        "/切换 lina", "/看 wangxiaodong", "/q"], tmp_path)
    assert "〔推送〕另有1人收到催报（李娜）" in out                       # labelled as what was sent
    assert "收到通知" not in out
    shown = out[out.index("张伟> /看 李娜"):out.index("张伟> /快进")]
    assert "李娜收到的消息（共1条）：" in shown and "李娜收到催报：\n    【催报】第一党支部书记张伟提醒您" in shown
    away = out[out.index("张伟> /切换 lina"):out.index("李娜> /切换 zhangwei")]
    assert "（上次查看以来，李娜收到2条消息）" in away
    assert "李娜收到催报" in away and "李娜收到月报提醒" in away
    again = out[out.index("张伟> /切换 lina"):]
    again = again[again.index("张伟> /切换 lina", 1):]
    assert "上次查看以来" not in again.split("李娜> /看")[0]              # nothing new since
    assert "本次演示中王晓东还没有收到消息。" in out


def test_pushes_after_a_message_are_labelled_by_what_they_are(tmp_path):
    server = ScriptedServer(broadcasts={"Z-1已整改到位": [message("zhangwei", content="【整改待销号】李娜报告Z-1已整改到位")]})
    out = chat(server, ["lina", "Z-1已整改到位", "/q"], tmp_path)
    assert "〔推送〕另有1人收到整改待销号（张伟）" in out


@pytest.mark.parametrize("word_file_there", [False, True])
def test_the_first_start_says_it_builds_the_word_file(tmp_path, word_file_there):
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {"CACHE_DIRECTORY": str(cache)}
    if word_file_there:
        qingdan_process("demo", "--dir", str(tmp_path / "first"), stdin="/退出\n", env=env)
    proc = qingdan_process("demo", "--dir", str(tmp_path / "data"), stdin="/退出\n", env=env)
    assert proc.returncode == 0, proc.stderr
    said = "首次启动：正在生成分词词典文件" in proc.stdout
    assert said is not word_file_there
    if said:
        assert proc.stdout.index("首次启动") < proc.stdout.index("本地演示")     # before the wait, not after
    assert list(cache.glob("qingdan-*.marisa"))

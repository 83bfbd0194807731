"""bot.demo.chat in-process: the member picker, the "/" commands and moving the clock, with the
server stood in for by a script (what the bot answers, which pushes fall due when)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.demo.chat import Chat, Person, Terminal
from bot.demo.folder import load_offset
from bot.wecom_standin import SentMessage
from tests.support.clock import TZ

START = datetime(2026, 11, 22, 9, 44, tzinfo=TZ)     # a Sunday morning
PROMPT = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)

PEOPLE = [
    Person("wangxiaodong", "王晓东", "市政协机关党委", "机关党委书记", True),
    Person("zhangwei", "张伟", "第一党支部", "支部书记", False),
    Person("lina", "李娜", "第一党支部", "党员", False),
]


def message(*accounts: str, content: str = "【月报提醒】请报送本月清单进展。") -> SentMessage:
    return SentMessage(list(accounts), "text", content, {})


@dataclass
class FixedClock:
    """The demo clock, from a fixed moment instead of real time."""

    offset: timedelta = field(default_factory=timedelta)

    def now(self) -> datetime:
        return START + self.offset


@dataclass
class ScriptedServer:
    """What DemoServer does for the chat: replies by text, pushes by moment."""

    replies: dict[str, str] = field(default_factory=dict)
    broadcasts: dict[str, list] = field(default_factory=dict)     # text → what the stand-in records
    due: dict[datetime, list] = field(default_factory=dict)       # moment → [(label, messages)]
    clock: FixedClock = field(default_factory=FixedClock)
    said: list[tuple[str, str]] = field(default_factory=list)
    ran: list[datetime] = field(default_factory=list)
    _queue: list = field(default_factory=list)

    def say(self, account: str, text: str) -> str:
        self.said.append((account, text))
        self._queue += self.broadcasts.get(text, [])
        return self.replies.get(text, "")

    def drain(self, wait_for: str | None = None, timeout: float = 0.0) -> list:
        got, self._queue = self._queue, []
        return got

    def next_push(self, after: datetime) -> datetime | None:
        return min((at for at in self.due if at > after), default=None)

    def run_due(self, at: datetime) -> list[tuple[str, list]]:
        self.ran.append(at)
        return self.due.get(at, [])


def chat(server: ScriptedServer, lines: list[str], data_dir) -> str:
    """Run the chat on piped ``lines``; everything it printed."""
    out = io.StringIO()
    Chat(server, PEOPLE, Terminal(io.StringIO("".join(line + "\n" for line in lines)), out), data_dir).run()
    return out.getvalue()


def test_member_picked_by_number_account_or_name(tmp_path):
    out = chat(ScriptedServer(), ["99", "zhangwei", "/切换 3", "/切换 王晓东", "/切换", "lina", "/退出"], tmp_path)
    assert "成员（共3人）：" in out and "1. 王晓东" in out and "市政协机关党委·机关党委书记·管理员" in out
    assert "没有“99”。请输入1到3的序号" in out
    assert "现在您是 张伟（第一党支部·支部书记，账号 zhangwei）" in out
    assert "现在您是 李娜（第一党支部·党员）。" in out
    assert "现在您是 王晓东（市政协机关党委·机关党委书记·管理员）。" in out
    assert out.rstrip().endswith("李娜> /退出")


def test_end_of_input_at_the_picker_ends_the_chat(tmp_path):
    server = ScriptedServer()
    assert "请选择成员" in chat(server, [], tmp_path)
    assert server.said == []


def test_lines_go_to_the_bot_and_the_reply_is_shown(tmp_path):
    server = ScriptedServer(
        replies={"我的清单": "张伟的清单：\n1. [R-1] 每月召开支委会"},
        broadcasts={"通知 全体党员：明天开会": [message("zhangwei", "lina", content="【通知】明天开会")]})
    out = chat(server, ["zhangwei", "我的清单", "你好", "通知 全体党员：明天开会", "/quit"], tmp_path)
    assert server.said == [("zhangwei", "我的清单"), ("zhangwei", "你好"), ("zhangwei", "通知 全体党员：明天开会")]
    assert "  清单助手：\n    张伟的清单：\n    1. [R-1] 每月召开支委会" in out
    assert "  （机器人没有回复）" in out
    assert "  清单助手（主动消息）：\n    【通知】明天开会" in out
    assert "〔推送〕另有1人收到通知（李娜）" in out


def test_unknown_commands_and_unreadable_times_are_explained(tmp_path):
    out = chat(ScriptedServer(), ["2", "/跳舞", "/快进 3年", "/快进", "/帮助", "/q"], tmp_path)
    assert "没有“/跳舞”这个演示命令。输入 /帮助 查看全部命令。" in out
    assert "看不懂“3年”" in out
    assert "请写明拨到何时" in out
    assert "演示命令（以“/”开头" in out


def test_time_shows_the_clock_and_the_next_push(tmp_path):
    server = ScriptedServer(due={PROMPT: []})
    server.clock.offset = timedelta(hours=2)
    out = chat(server, ["2", "/时间", "/q"], tmp_path)
    assert "演示时钟：2026年11月22日（星期日）11:44，比真实时间快2小时" in out
    assert "下一次定时推送：2026年11月25日（星期三）09:00（输入 /next 拨过去）" in out


def test_forward_stops_at_each_push_on_the_way_and_keeps_the_clock(tmp_path):
    server = ScriptedServer(due={PROMPT: [("月报提醒", [message("zhangwei"), message("lina")])]})
    out = chat(server, ["zhangwei", "/快进 1周", "/q"], tmp_path)
    assert server.ran == [PROMPT, START + timedelta(days=7)]
    assert "—— 演示时钟：2026年11月25日（星期三）09:00 ——" in out
    assert "  〔推送〕张伟收到月报提醒：\n    【月报提醒】请报送本月清单进展。" in out
    assert "〔推送〕另有1人收到月报提醒（李娜）" in out
    assert "—— 演示时钟已拨到 2026年11月29日（星期日）09:44 ——" in out
    assert load_offset(tmp_path) == timedelta(days=7)


def test_forward_over_a_quiet_stretch_says_so(tmp_path):
    out = chat(ScriptedServer(), ["zhangwei", "/快进 到 11-23", "/q"], tmp_path)
    assert "—— 演示时钟：2026年11月23日（星期一）09:00 ——\n  （这段时间没有到期的推送）" in out


def test_next_goes_to_the_next_push_or_says_there_is_none(tmp_path):
    server = ScriptedServer(due={PROMPT: [("月报提醒", [message("lina")])]})
    out = chat(server, ["zhangwei", "/next", "/下一个", "/q"], tmp_path)
    assert server.ran == [PROMPT]
    assert "〔推送〕另有1人收到月报提醒（李娜）" in out
    assert "今年已没有待发的定时推送。" in out
    assert server.clock.now() == PROMPT


def test_the_picker_takes_the_switch_command_too(tmp_path):
    out = chat(ScriptedServer(), ["/切换 lina", "/退出"], tmp_path)
    assert "现在您是 李娜（第一党支部·党员，账号 lina）" in out and "没有“/切换 lina”" not in out

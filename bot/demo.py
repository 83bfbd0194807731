"""``qingdan demo``: the whole bot on a local SQLite file, and a terminal chat as any member.

What runs is the production path, with two things stood in for:

* **the data**: a demo organisation (``bot.demo_data``) written as an import workbook with
  ``build_workbook`` and loaded with ``import_workbook``, then some of the year's progress;
* **WeCom**: a generated WeCom configuration (random token, EncodingAESKey, corp id) and the
  local stand-in of the WeCom API (``bot.wecom_standin``), which records what would be sent.

The real aiohttp app (``build_app``) listens on 127.0.0.1 on a random port. Each line typed in
the terminal is sent as WeCom sends it: a text-message XML with a fresh MsgId, encrypted and signed
with the demo token, POSTed to ``/wecom/callback``; the encrypted passive reply is decrypted and
printed. The demo clock (``runtime.clock.offset``) can be moved forward: the scheduled pushes due
meanwhile are run (``schedules``) and what the stand-in records is printed.

The server side runs on an event loop in a background thread; the terminal stays in the main
thread with ``input()`` (and ``readline`` when available, so Chinese line editing works).
"""
from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import queue
import re
import secrets
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from bot import config as config_mod
from bot.config import Config
from bot.demo_data import BRANCHES, COMMITTEE, PARTY_GROUP
from bot.runtime import Clock, Runtime
from bot.wecom_standin import open_reply, seal_callback, text_message_xml

DB_FILE = "demo.db"
BOOK_FILE = "演示清单.xlsx"
STATE_FILE = "demo-state.json"
LOG_FILE = "demo.log"
WEEKDAYS = "一二三四五六日"
LATE_REPLY_WAIT = 15.0     # seconds to wait for an answer that comes by message/send instead

HELP = """演示命令（以“/”开头；其余文字都作为企业微信消息发给机器人）：
  /切换 或 /who           换一名成员
  /成员                   列出全部成员
  /时间                   查看演示时钟
  /快进 3天               把演示时钟往后拨，并执行其间到期的定时推送
                          （月报提醒、截止提醒、季度督查……）；也可写 2小时、1周
  /快进 到 11-30 09:00    拨到某一时刻（也可写完整日期 2026-11-30 09:00）
  /next 或 /下一个        拨到下一次定时推送
  /帮助 或 /help          显示本说明
  /退出 或 /quit          退出（也可按 Ctrl-D）
可以对机器人说：我的清单、第1项完成50%、召开了1次支委会、Z-1已整改到位、
  有哪些逾期的、谁还没报、我单位星级、整改清单、帮助；
  管理员还可以：通知 全体党员：明天下午3点开会"""


# ---------------------------------------------------------------------------------------------
# Configuration and data
# ---------------------------------------------------------------------------------------------

def demo_config(config_path: str | None, data_dir: Path) -> Config:
    """The configuration (the schedule and zone of ``--config`` / ``$QINGDAN_CONFIG`` /
    ``./config.toml`` if there is one, else the defaults) with the database on the demo's SQLite
    file and a freshly generated WeCom configuration: a real one is neither needed nor used."""
    cfg = config_mod.load(config_path)
    cfg.database.url = f"sqlite:///{(data_dir / DB_FILE).resolve()}"
    w = cfg.wecom
    w.corp_id = "wwdemo" + secrets.token_hex(5)
    w.agent_id = 1000002
    w.secret = secrets.token_urlsafe(24)
    w.token = secrets.token_urlsafe(16)
    w.encoding_aes_key = base64.b64encode(os.urandom(32)).decode().rstrip("=")   # 43 characters
    w.api_base_url = "http://127.0.0.1:0/cgi-bin/"    # the stand-in's, once it has a port
    w.max_retries = 1
    w.timeout = 5.0
    cfg.require_wecom()
    return cfg


def prepare_data(cfg: Config, data_dir: Path, now: datetime) -> list[str] | None:
    """Create the schema and, on an empty database, the demo organisation; returns the import
    summary lines, or None when the data of an earlier run is reused."""
    from sqlmodel import select

    from bot.demo_data import seed_history, workbook_rows
    from models.db import init_db, make_engine, session_scope
    from models.tables import Member
    from models.workbook import build_workbook, import_workbook

    engine = make_engine(cfg.database.url)
    try:
        init_db(engine)
        with session_scope(engine) as s:
            if s.exec(select(Member)).first() is not None:
                return None
        book = data_dir / BOOK_FILE
        build_workbook(workbook_rows(now.date())).save(book)
        with session_scope(engine) as s:
            summary = import_workbook(s, book, actor="demo", now=now)
            seed_history(s, now, cfg.tz)
        return summary.lines()
    finally:
        engine.dispose()


def load_offset(data_dir: Path) -> timedelta:
    """How far ahead of real time the demo clock stood when the demo last ended."""
    try:
        state = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
        return timedelta(seconds=max(0.0, float(state.get("clock_offset_seconds", 0))))
    except (OSError, ValueError, TypeError, AttributeError):
        return timedelta()


def save_offset(data_dir: Path, offset: timedelta) -> None:
    (data_dir / STATE_FILE).write_text(
        json.dumps({"clock_offset_seconds": offset.total_seconds()}), encoding="utf-8")


@dataclass
class Person:
    """A member as the picker lists them."""

    account: str
    name: str
    unit: str
    title: str
    is_admin: bool

    def label(self) -> str:
        return f"{self.unit}·{self.title}" + ("·管理员" if self.is_admin else "")


def load_people(runtime: Runtime) -> list[Person]:
    """Every member, unit by unit down the tree, the secretary first within a unit."""
    from sqlmodel import select

    from models.db import session_scope
    from models.tables import Member, Unit

    with session_scope(runtime.engine) as s:
        units = list(s.exec(select(Unit).order_by(Unit.id)))
        members = list(s.exec(select(Member).order_by(Member.id)))
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u)
    order: list[Unit] = []

    def walk(parent: int | None) -> None:
        for u in children.get(parent, []):
            order.append(u)
            walk(u.id)

    walk(None)
    rank = {u.id: n for n, u in enumerate(order)}
    names = {u.id: u.name for u in units}
    members.sort(key=lambda m: (rank.get(m.unit_id, len(rank)), not m.is_secretary, m.id))
    return [Person(m.account, m.name, names.get(m.unit_id, ""), m.title, m.is_admin) for m in members]


# ---------------------------------------------------------------------------------------------
# The bot, served on a background event loop
# ---------------------------------------------------------------------------------------------

class DemoServer:
    """The WeCom stand-in and the real app on 127.0.0.1, on an event loop in its own thread.

    ``pushes`` receives every message the stand-in records (what would have gone to WeCom).
    """

    def __init__(self, cfg: Config, clock: Clock):
        self.cfg = cfg
        self.clock = clock
        self.pushes: "queue.Queue" = queue.Queue()
        self.runtime: Runtime | None = None
        self.standin = None
        self.callback_url = ""
        self._runner = None
        self._http = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="qingdan-demo", daemon=True)

    # -- life cycle -------------------------------------------------------------------------
    def __enter__(self) -> "DemoServer":
        self._thread.start()
        try:
            self._call(self._start())
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self._thread.is_alive():
            try:
                self._call(self._stop(), timeout=10)
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(10)
        if self.runtime:
            self.runtime.close()

    def _call(self, coro, timeout: float | None = 60):
        """Run ``coro`` on the server loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _start(self) -> None:
        import aiohttp
        from aiohttp import web

        from bot.app import build_app
        from bot.wecom_standin import StandIn

        w = self.cfg.wecom
        self.standin = await StandIn(corp_id=w.corp_id, secret=w.secret).start()
        self.standin.state.listeners.append(self.pushes.put)
        w.api_base_url = self.standin.base_url
        self.runtime = Runtime.build(self.cfg, clock=self.clock)
        self.standin.state.known_users = set(await asyncio.to_thread(self._accounts))
        self._runner = web.AppRunner(build_app(self.runtime), access_log=None)
        await self._runner.setup()      # runs on_startup: reply understanding is loaded here
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.callback_url = f"http://127.0.0.1:{port}/wecom/callback"
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    async def _stop(self) -> None:
        """Close whatever ``_start`` got as far as opening."""
        for closer in (self._http and self._http.close, self._runner and self._runner.cleanup,
                       self.standin and self.standin.stop):
            if closer:
                await closer()

    def _accounts(self) -> list[str]:
        from sqlmodel import select

        from models.db import session_scope
        from models.tables import Member

        with session_scope(self.runtime.engine) as s:
            return list(s.exec(select(Member.account)))

    # -- talking as a member ----------------------------------------------------------------
    def say(self, account: str, text: str) -> str:
        """Send ``text`` as ``account`` the way WeCom does; the decrypted passive reply ("" if none)."""
        return self._call(self._say(account, text))

    async def _say(self, account: str, text: str) -> str:
        w = self.cfg.wecom
        xml = text_message_xml(w.corp_id, w.agent_id, account, text, secrets.randbits(62),
                               int(self.clock.now().timestamp()))
        params, body = seal_callback(self.runtime.crypto, w.corp_id, w.agent_id, xml)
        async with self._http.post(self.callback_url, params=params, data=body.encode("utf-8"),
                                   headers={"Content-Type": "text/xml"}) as resp:
            answer = await resp.text()
            if resp.status != 200:
                raise RuntimeError(f"回调返回 HTTP {resp.status}：{answer[:200]}")
        return open_reply(self.runtime.crypto, answer)

    # -- the scheduled pushes ---------------------------------------------------------------
    def run_due(self, at: datetime) -> list[tuple[str, list]]:
        """Run every push due at ``at`` (each once per recipient and occasion, as ``qingdan remind``
        does); returns (label, messages the stand-in recorded) per occasion, e.g. ("月报提醒", [...])."""
        from schedules.runner import run_due
        from schedules.digests import PUSHES
        from schedules.timetable import due

        results = []
        for occasion in due(at, self.cfg.schedule):
            self._call(run_due(self.cfg, self.runtime.engine, self.runtime.sender, at, kinds=[occasion.kind]),
                       timeout=120)
            results.append((PUSHES[occasion.kind].label, self.drain()))
        return results

    def settle_past(self, now: datetime) -> None:
        """On new demo data, count what fell due before the demo began as sent, as if the bot
        had been running all year: the first fast-forward then shows only what is new. (Run at
        the last moment outside the quiet hours, when sends are allowed.)"""
        from schedules.timetable import quiet_at

        at = now
        for _ in range(24):
            if not quiet_at(at, self.cfg.schedule):
                break
            at -= timedelta(hours=1)
        self.run_due(at)
        self.drain()

    def next_push(self, after: datetime) -> datetime | None:
        """When the next scheduled push that would reach somebody goes out, after ``after``
        (within about a year): the timetable's occasions in order, the first with recipients."""
        from sqlmodel import select

        from models.db import session_scope
        from models.tables import Item, ItemStatus
        from schedules.delivery import logged_members
        from schedules.digests import build
        from schedules.timetable import (add_months, deadline_occasion, deadline_offsets, effective_start,
                                         month_occasions)

        cfg = self.cfg.schedule
        local = after.astimezone(cfg.tz)
        occasions = [o for n in range(13) for o in month_occasions(*add_months(local.year, local.month, n), cfg)]
        with session_scope(self.runtime.engine) as s:
            deadlines = set(s.exec(select(Item.deadline).where(
                Item.deadline.is_not(None), Item.status.not_in([ItemStatus.DONE.value, ItemStatus.CLOSED.value]))))
            days = {d - timedelta(days=n) for d in deadlines for n in deadline_offsets(cfg)}
            occasions += [deadline_occasion(d, cfg) for d in days if d >= local.date()]
            starts = [(start, o) for o in occasions if (start := effective_start(o, cfg)) and start > after]
            for start, occasion in sorted(starts, key=lambda pair: pair[0]):
                if build(s, occasion, start, cfg, logged_members(s, occasion.key)):
                    return start
        return None

    def drain(self, wait_for: str | None = None, timeout: float = 0.0) -> list:
        """The messages the stand-in recorded since last asked; with ``wait_for``, wait up to
        ``timeout`` seconds for one addressed to that account."""
        got = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                got.append(self.pushes.get_nowait())
                continue
            except queue.Empty:
                pass
            if wait_for is None or any(wait_for in m.touser for m in got) or time.monotonic() >= deadline:
                return got
            try:
                got.append(self.pushes.get(timeout=max(0.0, min(0.2, deadline - time.monotonic()))))
            except queue.Empty:
                pass


# ---------------------------------------------------------------------------------------------
# The demo clock: "/快进 3天", "/快进 到 2026-11-30 09:00"
# ---------------------------------------------------------------------------------------------

_UNITS = {"天": 86400, "日": 86400, "d": 86400, "周": 604800, "星期": 604800, "w": 604800,
          "小时": 3600, "个小时": 3600, "时": 3600, "h": 3600, "分钟": 60, "分": 60, "m": 60, "min": 60}
_SPAN = re.compile(r"^(\d+(?:\.\d+)?)\s*(个小时|小时|分钟|星期|min|天|日|周|时|分|d|w|h|m)$", re.I)
_MOMENT = re.compile(
    r"^(?:(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?)?"
    r"\s*(?:(\d{1,2})(?:\s*[:：点时]\s*(\d{1,2})?\s*分?)?)?$")


class ForwardError(ValueError):
    """What the user typed after /快进 is not a time to move to; the message is Chinese."""


def parse_forward(arg: str, now: datetime) -> datetime:
    """The moment ``/快进 ARG`` moves the clock to: a span ("3天", "2小时", "1周", "30分钟") or,
    after an optional "到", a moment ("2026-11-30 09:00", "11-30", "11月30日 9点", "09:00").
    A date without a time means 09:00, when the pushes go out; a time alone means its next
    occurrence. Raises ForwardError if it cannot be read or is not later than ``now``."""
    text = arg.strip().replace("：", ":")
    if not text:
        raise ForwardError("请写明拨到何时，例如：/快进 3天、/快进 到 2026-11-30 09:00")
    span = _SPAN.match(text)
    if span and not text.startswith("到"):
        seconds = float(span[1]) * _UNITS[span[2].lower()]
        if seconds <= 0:
            raise ForwardError("时长应大于0")
        return now + timedelta(seconds=seconds)
    text = re.sub(r"^到\s*", "", text)
    m = _MOMENT.match(text)
    if not text or not m or not (m[3] or m[4]):
        raise ForwardError(f"看不懂“{arg.strip()}”。例如：/快进 3天、/快进 2小时、/快进 到 2026-11-30 09:00")
    hour, minute = (int(m[4]), int(m[5] or 0)) if m[4] else (9, 0)
    try:
        if m[3]:
            day = date(int(m[1] or now.year), int(m[2]), int(m[3]))
            target = datetime(day.year, day.month, day.day, hour, minute, tzinfo=now.tzinfo)
        else:
            target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if target <= now:
                target += timedelta(days=1)
    except ValueError:
        raise ForwardError(f"“{arg.strip()}”不是有效的日期或时间") from None
    if target <= now:
        raise ForwardError(f"演示时钟只能往后拨：现在已是{clock_text(now)}")
    return target


def clock_text(at: datetime) -> str:
    """"2026年11月25日（星期三）09:00"."""
    return f"{at.year}年{at.month}月{at.day}日（星期{WEEKDAYS[at.weekday()]}）{at:%H:%M}"


def span_text(delta: timedelta) -> str:
    """"3天2小时", "45分钟"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days}天" if days else "", f"{hours}小时" if hours else "", f"{minutes}分钟" if minutes and not days else ""]
    return "".join(parts) or "不到1分钟"


# ---------------------------------------------------------------------------------------------
# The terminal
# ---------------------------------------------------------------------------------------------

def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


class Terminal:
    """Reads lines: ``input()`` with readline on a terminal; plain lines, echoed, from a pipe."""

    def __init__(self, stdin=None, stdout=None):
        self.stdin = stdin or sys.stdin
        self.out = stdout or sys.stdout
        self.interactive = self.stdin.isatty() and self.out.isatty()
        if self.interactive:
            try:
                import readline  # noqa: F401 - line editing and history for input()
            except ImportError:
                pass

    def read(self, prompt: str) -> str | None:
        """One line without its newline; None at end of input (Ctrl-D)."""
        if self.interactive:
            try:
                return input(prompt)
            except EOFError:
                self.say("")
                return None
        self.out.write(prompt)
        line = self.stdin.readline()
        if not line:
            self.say("")
            return None
        line = line.rstrip("\r\n")
        self.say(line)
        return line

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()


class Chat:
    """The terminal chat: pick a member, type as them, move the clock, see the pushes."""

    def __init__(self, server: DemoServer, people: list[Person], term: Terminal, data_dir: Path):
        self.server = server
        self.people = people
        self.term = term
        self.data_dir = data_dir
        self.me: Person | None = None
        self.by_account = {p.account: p for p in people}
        self.commands: dict[str, Callable[[str], bool]] = {}
        for names, fn in ((("切换", "who", "switch"), self.cmd_switch),
                          (("成员", "members"), self.cmd_members),
                          (("时间", "time", "now"), self.cmd_time),
                          (("快进", "forward", "ff"), self.cmd_forward),
                          (("next", "下一个", "下一次"), self.cmd_next),
                          (("帮助", "help", "?", "？"), self.cmd_help),
                          (("退出", "quit", "exit", "q"), self.cmd_quit)):
            for name in names:
                self.commands[name] = fn

    @property
    def clock(self) -> Clock:
        return self.server.clock

    # -- the loop ---------------------------------------------------------------------------
    def run(self) -> None:
        if not self.choose():
            return
        while True:
            try:
                line = self.term.read(f"{self.me.name}> ")
            except KeyboardInterrupt:
                self.term.say("\n（输入 /退出 或按 Ctrl-D 离开）")
                continue
            if line is None:
                return
            line = line.strip()
            if not line:
                continue
            if line[0] in "/／":
                name, _, arg = line[1:].strip().partition(" ")
                command = self.commands.get(name.strip().lower())
                if command is None:
                    self.term.say(f"没有“/{name}”这个演示命令。输入 /帮助 查看全部命令。")
                elif not command(arg.strip()):
                    return
                continue
            self.send(line)

    def send(self, text: str) -> None:
        """``text`` as a WeCom message from the current member; print the reply and any pushes."""
        try:
            reply = self.server.say(self.me.account, text)
        except Exception as exc:  # noqa: BLE001 - show it and carry on; the log has the details
            logging.getLogger(__name__).exception("sending %r failed", text)
            self.term.say(f"  （发送失败：{exc}）")
            return
        pushes = self.server.drain(wait_for=None if reply else self.me.account,
                                   timeout=0 if reply else LATE_REPLY_WAIT)
        if reply:
            self.term.say("  清单助手：")
            self.term.say(indent(reply, "    "))
        elif not any(self.me.account in m.touser for m in pushes):
            self.term.say("  （机器人没有回复）")
        self.show_pushes(pushes, label="通知", late_reply=not reply)   # administrators' broadcasts

    def show_pushes(self, pushes: list, label: str, late_reply: bool = False) -> None:
        """Pushes to the current member in full; the others counted ("另有12人收到月报提醒")."""
        others: set[str] = set()
        for m in pushes:
            if self.me.account in m.touser:
                self.term.say("  清单助手（主动消息）：" if late_reply else f"  〔推送〕{self.me.name}收到{label}：")
                self.term.say(indent(m.content, "    "))
                late_reply = False
            others.update(a for a in m.touser if a != self.me.account)
        if others:
            names = "、".join(self.by_account[a].name if a in self.by_account else a for a in sorted(others)[:3])
            more = "等" if len(others) > 3 else ""
            self.term.say(f"  〔推送〕另有{len(others)}人收到{label}（{names}{more}）")

    # -- choosing a member -------------------------------------------------------------------
    def list_members(self) -> None:
        self.term.say(f"成员（共{len(self.people)}人）：")
        name_w = max(display_width(p.name) for p in self.people) + 2
        acct_w = max(len(p.account) for p in self.people) + 2
        for n, p in enumerate(self.people, 1):
            self.term.say(f"  {n:>2}. {pad(p.name, name_w)}{pad(p.account, acct_w)}{p.label()}")

    def choose(self) -> bool:
        """Ask for a member by number or account; False at end of input."""
        self.list_members()
        while True:
            line = self.term.read("请选择成员（输入序号或企业微信账号）> ")
            if line is None:
                return False
            line = line.strip()
            if line.lstrip("/／") in ("退出", "quit", "exit", "q"):
                return False
            person = None
            if line.isdigit() and 1 <= int(line) <= len(self.people):
                person = self.people[int(line) - 1]
            else:
                person = self.by_account.get(line.lower()) or next((p for p in self.people if p.name == line), None)
            if person:
                self.me = person
                self.term.say(f"现在您是 {person.name}（{person.label()}，账号 {person.account}）。"
                              "像在企业微信里一样打字，例如“我的清单”。")
                return True
            if line:
                self.term.say(f"没有“{line}”。请输入1到{len(self.people)}的序号，或企业微信账号（如 zhangwei）。")

    # -- commands: each returns False to end the chat ---------------------------------------
    def cmd_switch(self, arg: str) -> bool:
        if arg:
            person = self.by_account.get(arg.lower()) or next((p for p in self.people if p.name == arg), None)
            if arg.isdigit() and 1 <= int(arg) <= len(self.people):
                person = self.people[int(arg) - 1]
            if person:
                self.me = person
                self.term.say(f"现在您是 {person.name}（{person.label()}）。")
                return True
        return self.choose()

    def cmd_members(self, arg: str) -> bool:
        self.list_members()
        return True

    def cmd_time(self, arg: str) -> bool:
        now = self.clock.now()
        ahead = f"，比真实时间快{span_text(self.clock.offset)}" if self.clock.offset >= timedelta(minutes=1) else ""
        self.term.say(f"演示时钟：{clock_text(now)}{ahead}")
        nxt = self.server.next_push(now)
        if nxt:
            self.term.say(f"下一次定时推送：{clock_text(nxt)}（输入 /next 拨过去）")
        return True

    def cmd_forward(self, arg: str) -> bool:
        try:
            target = parse_forward(arg, self.clock.now())
        except ForwardError as exc:
            self.term.say(str(exc))
            return True
        self.advance(target)
        return True

    def cmd_next(self, arg: str) -> bool:
        nxt = self.server.next_push(self.clock.now())
        if nxt is None:
            self.term.say("今年已没有待发的定时推送。")
            return True
        self.advance(nxt)
        return True

    def advance(self, target: datetime) -> None:
        """Move the clock to ``target``, stopping at each scheduled push on the way to run what
        is due then, as the production scheduler would; print what arrives. (A push moment less
        than a minute before ``target`` ends the move: "/快进 3天" from 09:00:05 stops at 09:00.)"""
        self.show_pushes(self.server.drain(), label="消息")
        shown = False
        while True:
            now = self.clock.now()
            step = self.server.next_push(now)
            if step is None or step > target:
                step = target
            last = step >= target - timedelta(minutes=1)
            self.clock.offset += step - now
            try:
                arrived = [(label, messages) for label, messages in self.server.run_due(step) if messages]
                failure = ""
            except Exception as exc:  # noqa: BLE001 - show it and carry on; the log has the details
                logging.getLogger(__name__).exception("run_due(%s) failed", step)
                arrived, failure = [], f"  （执行定时推送出错：{exc}）"
            if arrived or failure or (last and not shown):
                self.term.say(f"—— 演示时钟：{clock_text(step)} ——")
            elif last:
                self.term.say(f"—— 演示时钟已拨到 {clock_text(step)} ——")
            if failure:
                self.term.say(failure)
            for label, messages in arrived:
                self.show_pushes(messages, label=label)
            shown = shown or bool(arrived)
            if last:
                if not shown and not failure:
                    self.term.say("  （这段时间没有到期的推送）")
                save_offset(self.data_dir, self.clock.offset)
                return

    def cmd_help(self, arg: str) -> bool:
        self.term.say(HELP)
        return True

    def cmd_quit(self, arg: str) -> bool:
        return False


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

def run_demo(args) -> int:
    """``qingdan demo [--dir DIR] [--fresh] [--config FILE]``."""
    started = time.perf_counter()
    data_dir = Path(args.dir)
    if args.fresh and data_dir.exists():
        for name in (DB_FILE, DB_FILE + "-wal", DB_FILE + "-shm", STATE_FILE, BOOK_FILE, LOG_FILE):
            (data_dir / name).unlink(missing_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=data_dir / LOG_FILE, level=logging.INFO, encoding="utf-8",
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    # Only 127.0.0.1 is ever spoken to: keep any configured HTTP proxy out of it.
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = ",".join(
        filter(None, (os.environ.get("NO_PROXY"), "127.0.0.1", "localhost")))
    term = Terminal()

    cfg = demo_config(args.config, data_dir)
    clock = Clock(cfg.tz, load_offset(data_dir))
    imported = prepare_data(cfg, data_dir, clock.now())
    with DemoServer(cfg, clock) as server:
        if imported is not None:
            server.settle_past(clock.now())
        people = load_people(server.runtime)
        try:
            term.say(banner(cfg, data_dir, clock, imported, people, time.perf_counter() - started))
            Chat(server, people, term, data_dir).run()
            term.say(f"演示结束。数据保留在 {data_dir}，再次运行 qingdan demo 可接着用（加 --fresh 重新开始）。")
        except KeyboardInterrupt:
            term.say("")
        except BrokenPipeError:     # the output went to a pager that was closed: end quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        finally:
            save_offset(data_dir, clock.offset)
    return 0


def banner(cfg: Config, data_dir: Path, clock: Clock, imported: list[str] | None,
           people: list[Person], seconds: float) -> str:
    """The start-up text: what this is, what was loaded, the commands."""
    lines = [
        "══════════ 清单助手 · 本地演示 ══════════",
        "这是党建“三张清单”企业微信机器人的完整演示，",
        "不需要企业微信账号，也不连接外网：机器人服务照常运行，",
        "企业微信接口由本机替身代替。选一名党员，以他的身份打字，",
        "每句话都作为加密的企业微信回调发给机器人，回复和推送都显示在这里。",
        "",
    ]
    if imported is not None:
        lines += [f"已创建示例组织（共{len(people)}名党员）：{PARTY_GROUP} → {COMMITTEE} →",
                  f"  {'、'.join(BRANCHES)}；",
                  f"{clock.now().year}年度责任清单、项目清单、整改清单和星级评分经导入工作簿载入",
                  f"（{data_dir / BOOK_FILE}），并预置了今年以来的部分进度、月报和已发的推送。"]
        lines += ["  " + line.strip() for line in imported[1:]]
    else:
        lines.append(f"沿用 {data_dir} 中上次的演示数据（加 --fresh 可重新开始）。")
    lines.append(f"演示时钟：{clock_text(clock.now())}" +
                 (f"（比真实时间快{span_text(clock.offset)}）" if clock.offset >= timedelta(minutes=1) else ""))
    lines += ["", HELP, "", f"（启动用时 {seconds:.1f} 秒）", ""]
    return "\n".join(lines)

"""The terminal chat of ``qingdan demo``: pick a member, type as them, move the demo clock, see
the pushes.

Each line that does not start with "/" is sent to the bot as a WeCom message from the current
member (``DemoServer.say``) and the passive reply is printed; pushes to the current member are
printed in full, the others counted ("另有13人收到月报提醒"). Lines starting with "/" are demo
commands (``HELP``): switch member, list members, show or move the clock ("/快进 3天", "/next").
Moving the clock stops at each scheduled push on the way and runs what is due, as the production
scheduler would.

The terminal (``terminal``) reads with ``input()`` when both ends are a terminal, and plain echoed
lines from a pipe, for scripts and tests. "/点 2" taps the second button of the last card the
current member received (``DemoServer.tap``).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bot.demo.clock_phrases import ForwardError, ahead_text, clock_text, parse_forward
from bot.demo.folder import save_offset
from bot.demo.inbox import Inbox, indent, message_label, received_text, shown
from bot.demo.server import DemoServer
from bot.demo.terminal import Terminal, display_width, pad
from bot.runtime import Clock, Runtime
from models.db import session_scope
from models.tables import Member, Unit

log = logging.getLogger(__name__)

LATE_REPLY_WAIT = 15.0     # seconds to wait for an answer that comes by message/send instead

HELP = """演示命令（以“/”开头；其余文字都作为企业微信消息发给机器人）：
  /切换 或 /who           换一名成员
  /成员                   列出全部成员
  /看 李娜                查看某人收到的全部消息（切换到某人时，也先显示他上次以来收到的）
  /点 2                   点选自己最近收到的卡片上的第2个按钮（卡片按钮带编号显示）
  /时间                   查看演示时钟
  /快进 3天               把演示时钟往后拨，并执行其间到期的定时推送
                          （月报提醒、截止提醒、季度督查……）；也可写 2小时、1周、三天
  /快进 到 11-30 09:00    拨到某一时刻（也可写完整日期 2026-11-30 09:00）
  /next 或 /下一个        拨到下一次定时推送
  /帮助 或 /help          显示本说明
  /退出 或 /quit          退出（也可按 Ctrl-D）
可以对机器人说：我的清单、第1项完成50%、召开了1次支委会、Z-1已整改到位、
  有哪些逾期的、谁还没报、我单位星级、整改清单、项目清单、李娜的清单、帮助；
  管理员还可以：通知 全体党员：明天下午3点开会"""


# -- the members to choose from ----------------------------------------------------------------

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


# -- the terminal ----------------------------------------------------------------------------

# -- the chat --------------------------------------------------------------------------------

class Chat:
    """The terminal chat: pick a member, type as them, move the clock, see the pushes."""

    def __init__(self, server: DemoServer, people: list[Person], term: Terminal, data_dir: Path):
        self.server = server
        self.people = people
        self.term = term
        self.data_dir = data_dir
        self.me: Person | None = None
        self.by_account = {p.account: p for p in people}
        self.inbox = Inbox()
        self.commands: dict[str, Callable[[str], bool]] = {}
        for names, fn in ((("切换", "who", "switch"), self.cmd_switch),
                          (("成员", "members"), self.cmd_members),
                          (("时间", "time", "now"), self.cmd_time),
                          (("快进", "forward", "ff"), self.cmd_forward),
                          (("next", "下一个", "下一次"), self.cmd_next),
                          (("看", "收件", "inbox"), self.cmd_inbox),
                          (("点", "tap"), self.cmd_tap),
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
            log.exception("sending %r failed", text)
            self.term.say(f"  （发送失败：{exc}）")
            return
        pushes = self.server.drain(wait_for=None if reply else self.me.account,
                                   timeout=0 if reply else LATE_REPLY_WAIT)
        if reply:
            self.term.say("  清单助手：")
            self.term.say(indent(reply, "    "))
        elif not any(self.me.account in m.touser for m in pushes):
            self.term.say("  （机器人没有回复）")
        self.show_pushes(pushes, late_reply=not reply)     # notices, nudges, 整改待销号 …: labelled as sent

    def show_pushes(self, pushes: list, label: str | None = None, late_reply: bool = False) -> None:
        """Pushes to the current member in full; the others counted by what they got ("另有12人收到
        月报提醒"). ``label``: what the scheduled pushes were (from the push log); else each
        message's own 【…】 heading says (``message_label``). Every one is kept in ``Inbox``."""
        others: dict[str, set[str]] = {}
        for m in pushes:
            kind = label or message_label(m.content)
            self.inbox.add(self.clock.now(), kind, m)
            if self.me.account in m.touser:
                self.term.say("  清单助手（主动消息）：" if late_reply else f"  〔推送〕{self.me.name}收到{kind}：")
                self.term.say(indent(shown(m), "    "))
                late_reply = False
            others.setdefault(kind, set()).update(a for a in m.touser if a != self.me.account)
        self.inbox.seen(self.me.account)
        for kind, accounts in others.items():
            if accounts:
                names = "、".join(self.name_of(a) for a in sorted(accounts)[:3])
                more = "等" if len(accounts) > 3 else ""
                self.term.say(f"  〔推送〕另有{len(accounts)}人收到{kind}（{names}{more}）（/看 姓名 可查看）")

    def name_of(self, account: str) -> str:
        return self.by_account[account].name if account in self.by_account else account

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
            name, _, arg = line.lstrip("/／").partition(" ")
            if line[:1] in ("/", "／") and name.lower() in ("切换", "who") and arg.strip():
                line = arg.strip()                     # "/切换 lina" works here too
            person = None
            if line.isdigit() and 1 <= int(line) <= len(self.people):
                person = self.people[int(line) - 1]
            else:
                person = self.by_account.get(line.lower()) or next((p for p in self.people if p.name == line), None)
            if person:
                self.me = person
                self.term.say(f"现在您是 {person.name}（{person.label()}，账号 {person.account}）。"
                              "像在企业微信里一样打字，例如“我的清单”。")
                self.show_unseen()
                return True
            if line:
                self.term.say(f"没有“{line}”。请输入1到{len(self.people)}的序号，或企业微信账号（如 zhangwei）。")

    # -- commands: each returns False to end the chat ---------------------------------------
    def cmd_switch(self, arg: str) -> bool:
        if arg:
            person = self.find_person(arg)
            if person:
                self.me = person
                self.term.say(f"现在您是 {person.name}（{person.label()}）。")
                self.show_unseen()
                return True
        return self.choose()

    def show_unseen(self) -> None:
        """What the current member received since their messages were last shown."""
        got = self.inbox.unseen(self.me.account)
        if got:
            self.term.say(f"  （上次查看以来，{self.me.name}收到{len(got)}条消息）")
            self.term.say(received_text(self.me.name, got))

    def find_person(self, arg: str) -> Person | None:
        """A member by number, account or name."""
        if arg.isdigit() and 1 <= int(arg) <= len(self.people):
            return self.people[int(arg) - 1]
        return self.by_account.get(arg.lower()) or next((p for p in self.people if p.name == arg), None)

    def cmd_inbox(self, arg: str) -> bool:
        """/看 李娜: every message that member received in this session, in full."""
        person = self.find_person(arg) if arg else self.me
        if person is None:
            self.term.say(f"没有“{arg}”。请写姓名、账号或序号，如 /看 李娜。")
            return True
        got = self.inbox.of(person.account)
        if not got:
            self.term.say(f"本次演示中{person.name}还没有收到消息。")
            return True
        self.term.say(f"{person.name}收到的消息（共{len(got)}条）：")
        self.term.say(received_text(person.name, got))
        return True

    def cmd_tap(self, arg: str) -> bool:
        """/点 2: tap the second button of the last card the current member received, as WeCom
        reports a tap (``DemoServer.tap``); print the card's update and any message that follows."""
        card = self.inbox.last_card.get(self.me.account)
        buttons = (card or {}).get("button_list") or []
        if not buttons:
            self.term.say(f"{self.me.name}还没有收到带按钮的卡片。")
            return True
        if not arg.isdigit() or not 1 <= int(arg) <= len(buttons):
            self.term.say(f"请写按钮的编号（1到{len(buttons)}），如 /点 1。")
            return True
        button = buttons[int(arg) - 1]
        self.term.say(f"  （点选“{button.get('text', '')}”）")
        try:
            reply, updates = self.server.tap(self.me.account, card["task_id"], button.get("key", ""))
        except Exception as exc:  # noqa: BLE001 - show it and carry on; the log has the details
            log.exception("tapping %s failed", button)
            self.term.say(f"  （点选失败：{exc}）")
            return True
        for update in updates:
            self.term.say(f"  （卡片已更新，按钮显示为“{update.replace_name}”）")
        pushes = self.server.drain(wait_for=None if updates or reply else self.me.account,
                                   timeout=0 if updates or reply else LATE_REPLY_WAIT)
        if reply:
            self.term.say("  清单助手：")
            self.term.say(indent(reply, "    "))
        self.show_pushes(pushes, late_reply=True)
        return True

    def cmd_members(self, arg: str) -> bool:
        self.list_members()
        return True

    def cmd_time(self, arg: str) -> bool:
        now = self.clock.now()
        ahead = f"，比真实时间快{span}" if (span := ahead_text(self.clock.offset)) else ""
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
        self.show_pushes(self.server.drain())
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
                log.exception("run_due(%s) failed", step)
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

"""The outbox: pushes that failed or whose outcome is unknown, found without SQL, and the failed
ones resent once (``qingdan outbox``, and the names ``qingdan remind`` prints).

Everything here reads the push log (``PushLog``, see ``schedules.delivery``):

* ``failed`` — WeCom answered with an error; still owed while the occasion lasts (the hourly
  catch-up retries it) and resent by ``resend``;
* ``unknown`` — claimed by a process that died mid-send: it may have arrived, so it is never resent
  (at most once); it is listed so that someone can ask the person;
* ``pending`` with no attempt on record (未发出) — released by a run that was stopped (SIGTERM) before
  its send began: owed, sent by the next run and by ``resend``. A ``pending`` row with an attempt is
  in flight (or about to be ``unknown``) and is never listed.

``resend`` writes no sending code of its own: it hands the failed rows, as ``Push`` values with the
message they were built with (a card as a card, an image uploaded again: ``bot.messages.from_stored``),
to ``schedules.delivery.deliver`` — the claim/send/mark path every
scheduled run takes. A failed row resent here while the scheduler's catch-up runs the same occasion
is claimed by only one of them (the claim is a conditional update of a ``failed`` row), so nobody
gets it twice. Errors were redacted (``bot.wecom.redact``) before they were stored, and are again
on the way out.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from bot.messages import from_stored
from bot.wecom import redact
from bot.wecom_errors import network_reason
from models.db import session_scope
from models.tables import Member, PushLog, PushStatus, utcnow
from schedules.delivery import Tally, deliver, settle_pending
from schedules.digests import PUSHES, Push
from schedules.timetable import PushKind

FAILED, UNKNOWN, INVALID, SENT = PushStatus.FAILED, PushStatus.UNKNOWN, PushStatus.INVALID, PushStatus.SENT

PENDING = PushStatus.PENDING
STATUS_ZH = {FAILED: "失败", UNKNOWN: "结果不明", INVALID: "账号无效", SENT: "已发送",
             PENDING: "未发出"}      # only a row never attempted is listed as pending (``find``)
OWED = (FAILED, PENDING)          # what ``resend`` sends: refused by WeCom, or released by a stop before its send

# What an operator does about the errcodes WeCom answers most (https://developer.work.weixin.qq.com/document/path/90313).
ERRCODE_HINTS = {
    60020: "本机出口IP不在应用的「企业可信IP」中",
    81013: "账号、部门和标签都无效（账号不在应用可见范围内或已删除）",
    60011: "账号不在应用的可见范围内",
    48002: "应用没有调用该接口的权限",
    40003: "无效的账号",
    45009: "调用太频繁，已超过企业微信的频率限制",
    301002: "应用无权向该成员发送消息",
}

NAMES_SHOWN = 20     # a remind line names at most this many people per error; the outbox lists all


@dataclass
class Entry:
    """One push log row as the outbox shows it."""

    id: int
    occasion: str
    member_id: int
    account: str
    name: str
    active: bool
    status: PushStatus
    at: datetime | None          # when its send began (or its claim, if never attempted)
    error: str | None
    content: str                 # the text, or a rich message's text form
    message: str | None = None   # a rich message's JSON (``bot.messages.to_stored``)

    @property
    def label(self) -> str:
        return occasion_label(self.occasion)

    @property
    def who(self) -> str:
        return f"{self.account}（{self.name}）"


# Pushes the timetable does not schedule: a secretary's nudge, a leaver's items after an import.
UNSCHEDULED_LABELS = {"nudge": "催报", "reassign": "离开人员事项"}


def occasion_label(key: str) -> str:
    """How a ``PushLog.occasion`` reads in Chinese, e.g. "月报提醒 2026-11", "催报 2026-11-20"."""
    kind, _, period = key.partition(":")
    if kind in UNSCHEDULED_LABELS:
        return f"{UNSCHEDULED_LABELS[kind]} {period}"
    try:
        return f"{PUSHES[PushKind(kind)].label} {period}"
    except (ValueError, KeyError):
        return key


_ERRCODE = re.compile(r"^\s*(\d+)\s*:")


def explain_error(error: str | None) -> str:
    """A stored error, redacted, with what the errcode means where we know it."""
    text = redact(error or "").strip() or "（无错误信息）"
    if not _ERRCODE.match(text):
        text = network_reason(text) or text       # a row stored in English before: one Chinese line
    m = _ERRCODE.match(text)
    hint = ERRCODE_HINTS.get(int(m[1])) if m else None
    return f"{text}（{hint}）" if hint else text


def find(engine: Engine, *, statuses: Iterable[PushStatus] = (FAILED, UNKNOWN), since: datetime | None = None,
         occasions: Iterable[str] | None = None) -> list[Entry]:
    """Push log rows with one of ``statuses`` whose send began at or after ``since``, oldest first
    (``pending`` ones only when never attempted)."""
    at = func.coalesce(PushLog.attempted_at, PushLog.created_at)
    query = (select(PushLog.id, PushLog.occasion, PushLog.member_id, Member.account, Member.name, Member.active,
                    PushLog.status, at, PushLog.error, PushLog.content, PushLog.message)
             .join(Member, Member.id == PushLog.member_id)
             .where(PushLog.status.in_(list(statuses)),
                    or_(PushLog.status != PENDING, PushLog.attempted_at.is_(None))))
    if since is not None:
        query = query.where(at >= since)
    if occasions is not None:
        query = query.where(PushLog.occasion.in_(list(occasions)))
    with session_scope(engine) as s:
        rows = s.connection().execute(query.order_by(at, PushLog.id)).all()
    return [Entry(*row) for row in rows]


def settle(engine: Engine, stale: timedelta) -> int:
    """Relabel ``pending`` rows claimed more than ``stale`` ago as ``unknown``, as every run does,
    so that the outbox shows them (younger ones may be in flight in a live process)."""
    return settle_pending(engine, utcnow() - stale)


async def resend(engine: Engine, sender, entries: Iterable[Entry], at: datetime) -> tuple[list[Entry], Tally]:
    """Send each failed or never-attempted entry of ``entries`` once more, through ``deliver`` (claim,
    send, mark), with the message it was built with. Entries of members who have left are not
    resent. Returns the entries as they stand afterwards, and the tally."""
    owed = [e for e in entries if e.status in OWED and e.active]
    by_occasion: dict[str, list[Push]] = defaultdict(list)
    for e in owed:
        by_occasion[e.occasion].append(Push(e.member_id, e.account, from_stored(e.message, e.content)))
    total = Tally()
    for occasion, pushes in by_occasion.items():
        total += await deliver(engine, sender, occasion, pushes, at)
    ids = {e.id for e in owed}
    after = [e for e in find(engine, statuses=list(PushStatus)) if e.id in ids]
    return after, total


# --- how it reads -------------------------------------------------------------------------------

def when(at: datetime | None, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else "—"


def entry_line(e: Entry, tz: ZoneInfo) -> str:
    """One outbox line: status, who, occasion, time, error."""
    if e.status == UNKNOWN:
        why = "发送途中进程中断，可能已送达，不会重发"
    elif e.status == PENDING:
        why = "发送前运行被停止，没有发出，仍待发送（下次推送运行或 qingdan outbox --retry 时发出）"
    else:
        why = explain_error(e.error)
    left = "" if e.active else "，已离开"
    return f"{STATUS_ZH[e.status]}  {e.who}{left}  {e.label}  {when(e.at, tz)}  {why}"


def failure_lines(entries: list[Entry], limit: int = NAMES_SHOWN) -> list[str]:
    """The people of ``entries`` grouped by status and error, e.g.
    "失败 2 人：u3（党员3）、u4（党员4）——60020: not allow to access from your ip（…）"."""
    groups: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for e in entries:
        groups[(STATUS_ZH[e.status], explain_error(e.error) if e.status == FAILED else "")].append(e)
    lines = []
    for (status, why), group in groups.items():
        names = "、".join(e.who for e in group[:limit])
        if len(group) > limit:
            names += f"……及其余 {len(group) - limit} 人（qingdan outbox 查看全部）"
        lines.append(f"{status} {len(group)} 人：{names}" + (f"——{why}" if why else ""))
    return lines

"""三会一课 reported in chat: "今天召开支委会，应到7人实到6人，研究发展党员工作" becomes a meeting record
of the sender's unit (``models.meetings``; the grammar is ``bot.nlu.meetings``).

* Who: a secretary, for their own unit, or the member a secretary named ("指定 李娜 记录三会一课").
  Anyone else's words are read as usual (progress of their own items).
* One statement, one record: when the sender has one quantified duty of that kind (a 责任清单 item
  with a target whose title names the meeting, "每月召开支委会"), the same statement adds its one
  time there, and the record names that update (``Meeting.update_id``). Nothing counts twice: a
  second report of the same meeting (kind, day, unit) stores nothing.
* Sure or read back: a clear statement is stored at once, with what was recorded and “可回复“撤回””;
  a day read from a weekday or from a day without its month, or attendance that does not add up,
  is read back first (``Waiting.MEETING``): “确认” stores it, “取消” drops it.
* 撤回: the sender's last record (within a day), when it is newer than their last progress reply,
  is withdrawn, and the duty's time with it.
"""
from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date

from sqlmodel import select

from bot.nlu import Update
from bot.nlu.corrections import read_correction
from bot.nlu.meetings import GENERAL, MeetingReport, read_meeting
from bot.nlu.notices import is_cancellation, is_confirmation
from bot.nlu.text import normalize, strip_punctuation
from bot.router import Message, Router
from bot.texts import month_zh, progress_zh
from handlers.progress import has_state
from models.conversation import State, Waiting, stop_waiting, take_waiting, wait_for
from models.corrections import last_reply_updates, undo
from models.lookups import month_key
from models.meetings import last_reported, name_recorder, recording_unit, same_meeting, store, withdraw
from models.progress import mark_reported, record_progress
from models.tables import Item, ItemKind, Meeting, Member, ProgressUpdate

router = Router("meetings")                 # a meeting reported; 指定 … 记录三会一课
confirmation = Router("meetings_read_back")  # 确认 / 取消 of a meeting read back
withdrawal = Router("meetings_undo")         # 撤回 of the last meeting recorded

HOW_TO_WITHDRAW = "如有误，可回复“撤回”撤销本条会议记录。"
_NAME_RE = re.compile(r"^指定([\u4e00-\u9fff]{2,4}?)(?:同志)?(?:为|来|负责)?(?:记录|报送|登记)三会一课$")


def _report(msg: Message) -> MeetingReport | None:
    """The meeting the message reports, when its sender records their unit's (the words first: no
    query for the many messages that report none)."""
    report = read_meeting(msg.text, msg.at.date())
    if report is None or recording_unit(msg.session, msg.member) is None:
        return None
    return report


def _meeting_line(kind: str, held_on: date, due: int | None, present: int | None, topic: str | None) -> str:
    parts = [kind, f"{held_on.year}年{held_on.month}月{held_on.day}日"]
    if due is not None or present is not None:
        parts.append("、".join(p for p in (f"应到{due}人" if due is not None else "",
                                            f"实到{present}人" if present is not None else "") if p))
    if topic:
        parts.append(f"内容：{topic}")
    return " · ".join(parts)


def _duties(msg: Message, kind: str) -> list[Item]:
    """The sender's quantified duties whose title names this kind of meeting ("每月召开支委会")."""
    word = "党员大会" if kind == GENERAL else kind
    return [i for i in msg.items if i.kind == ItemKind.RESPONSIBILITY and i.target_count and word in normalize(i.title)]


def _duty(msg: Message, kind: str, held_on: date) -> tuple[Item | None, str]:
    """The sender's one quantified duty of this kind of meeting, or None and why none is counted
    (a meeting of last year counts toward no duty of this year's list)."""
    if held_on.year != msg.at.year:
        return None, ""
    duties = _duties(msg, kind)
    named = {u.item for u in msg.parsed.updates if u.item} if msg.parsed else set()
    if len(duties) > 1:
        duties = [i for i in duties if i.code in named]
    if len(duties) == 1:
        return duties[0], ""
    return None, "您的清单中有多项与此会议相关，未计入任何一项；如需计入，请另行回复如“第1项开展了1次”。" if duties else ""


def _number(msg: Message, item: Item) -> int:
    return next(n for n, i in enumerate(msg.items, 1) if i.id == item.id)


def _other_updates(msg: Message, kind: str) -> bool:
    """The message also reports progress of an item that is no duty of this kind of meeting: a
    meeting report is one statement."""
    kin = {i.code for i in _duties(msg, kind)}
    return any(has_state(u) and u.item and u.item not in kin for u in (msg.parsed.updates if msg.parsed else []))


@router.message(when=lambda msg: _report(msg) is not None)
def report_meeting(msg: Message) -> str:
    """A meeting held: stored at once when clear, else read back first."""
    report = _report(msg)
    unit_id = recording_unit(msg.session, msg.member)
    duty, why_none = _duty(msg, report.kind, report.held_on)
    if _other_updates(msg, report.kind):
        return "这条消息既报了会议又报了其他事项的进展，本条未做任何记录。请分开发送：会议一条，其他进展一条。"
    if same_meeting(msg.session, unit_id, report.kind, report.held_on):
        return "本单位这一天的这次会议已有记录，本条未重复记录。回复“撤回”可撤销上一条记录。"
    line = _meeting_line(report.kind, report.held_on, report.due, report.present, report.topic)
    if report.doubts:
        meeting = {**asdict(report), "held_on": report.held_on.isoformat(), "unit_id": unit_id,
                   "duty_id": duty.id if duty else None}
        wait_for(msg.session, msg.member, State(Waiting.MEETING, msg.at, words=msg.text, meeting=meeting))
        counted = f"\n并计入第{_number(msg, duty)}项 [{duty.code}] {duty.title} +1次" if duty else ""
        return (f"我理解为：召开{line}（{'；'.join(report.doubts)}）{counted}\n"
                "回复“确认”记录，回复“取消”不记录；日期不对请重新发送，写明几月几日。")
    return _store(msg, unit_id, report.kind, report.held_on, report.due, report.present, report.topic,
                  duty, msg.text, confirmed=False) + (f"\n{why_none}" if why_none else "")


def _store(msg: Message, unit_id: int, kind: str, held_on: date, due: int | None, present: int | None,
           topic: str | None, duty: Item | None, words: str, confirmed: bool) -> str:
    """The record, and its duty's one time (one statement, one record); what was recorded."""
    lines = [f"已记录{msg.member.name}报送的会议：{_meeting_line(kind, held_on, due, present, topic)}"]
    update_id = None
    if duty is not None:
        before = progress_zh(duty, msg.at.date())
        change = record_progress(msg.session, item=duty, member=msg.member, at=msg.at, words=words,
                                 update=Update(duty.code, "in_progress", count=1), msg_id=msg.msg_id,
                                 confirmed_at=msg.at if confirmed else None)
        head = f"第{_number(msg, duty)}项 [{duty.code}] {duty.title}"
        update_id = change.update_id
        lines.append(f"{head}：{before} → {progress_zh(duty, msg.at.date())}" if change.applied
                     else f"{head}：未更改（{change.note}）")
    store(msg.session, unit_id=unit_id, member=msg.member, kind=kind, held_on=held_on, due=due, present=present,
          topic=topic, words=words, at=msg.at, msg_id=msg.msg_id, update_id=update_id, confirmed=confirmed)
    if update_id is not None and mark_reported(msg.session, msg.member, msg.at, words, msg.runtime.tz):
        lines.append(f"已计入{month_zh(month_key(msg.at, msg.runtime.tz))}月报。")
    return "\n".join(lines + [HOW_TO_WITHDRAW])


def _confirms(msg: Message) -> bool:
    return is_confirmation(msg.text) or strip_punctuation(normalize(msg.text)) in ("确认记录", "对的确认", "好的确认")


@confirmation.message(when=_confirms, waiting=Waiting.MEETING)
def confirm_meeting(msg: Message) -> str:
    """确认: the meeting read back is stored now, once."""
    state = msg.waiting
    if not take_waiting(msg.session, msg.member, state):
        return "这条会议记录已经处理过了。"
    m = state.meeting
    held_on = date.fromisoformat(m["held_on"])
    if same_meeting(msg.session, m["unit_id"], m["kind"], held_on):
        return "本单位这一天的这次会议已有记录，本条未重复记录。"
    duty = next((i for i in msg.items if i.id == m.get("duty_id")), None)
    return _store(msg, m["unit_id"], m["kind"], held_on, m.get("due"), m.get("present"), m.get("topic"),
                  duty, state.words, confirmed=True)


@confirmation.message(when=lambda msg: is_cancellation(msg.text), waiting=Waiting.MEETING)
def cancel_meeting(msg: Message) -> str:
    stop_waiting(msg.session, msg.member)
    return "已取消，这次会议未做记录。"


def _withdrawable(msg: Message) -> Meeting | None:
    """The sender's last meeting record, when "撤回" means it: newer than any progress reply of theirs."""
    correction = read_correction(msg.text)
    if correction is None or correction.target is not None:
        return None
    meeting = last_reported(msg.session, msg.member, msg.at)
    if meeting is None:
        return None
    later = msg.session.get(ProgressUpdate, meeting.update_id) if meeting.update_id else None
    newest = _newest_update(msg)
    if newest is not None and newest.id != (later.id if later else None) and newest.at > meeting.reported_at:
        return None
    return meeting


def _newest_update(msg: Message) -> ProgressUpdate | None:
    updates = last_reply_updates(msg.session, msg.member, msg.at)
    return updates[-1] if updates else None


@withdrawal.message(when=lambda msg: _withdrawable(msg) is not None)
def withdraw_meeting(msg: Message) -> str:
    """撤回: the last meeting record is withdrawn (kept, marked), and the duty's time it counted for."""
    meeting = _withdrawable(msg)
    withdraw(msg.session, meeting, msg.at)
    lines = ["已撤回会议记录：" + _meeting_line(meeting.kind, meeting.held_on, meeting.due, meeting.present,
                                               meeting.topic)]
    counted = msg.session.get(ProgressUpdate, meeting.update_id) if meeting.update_id else None
    if counted is not None and counted.undone_at is None:
        undone = undo(msg.session, msg.member, msg.at, msg.text, msg.msg_id, [counted])
        lines += [f"[{c.item.code}] {c.item.title}：恢复为{progress_zh(c.item, msg.at.date())}" for c in undone.changes]
        lines += [f"[{item.code}] {item.title}：{why}" for item, why in undone.refused]
    return "\n".join(lines)


def _naming(msg: Message) -> str | None:
    m = _NAME_RE.match(strip_punctuation(normalize(msg.text)))
    return m[1] if m else None


@router.message(when=lambda msg: _naming(msg) is not None)
def name_meeting_recorder(msg: Message) -> str:
    """指定 李娜 记录三会一课: a secretary names the one member who also records their unit's meetings."""
    if not msg.member.is_secretary:
        return "只有书记可以指定三会一课的记录人。"
    name = _naming(msg)
    found = list(msg.session.exec(select(Member).where(Member.unit_id == msg.member.unit_id, Member.name == name,
                                                       Member.active)))
    if len(found) != 1:
        return (f"本单位没有名为“{name}”的党员，未做更改。" if not found
                else f"本单位有{len(found)}名“{name}”，无法确定是哪一位，未做更改。")
    name_recorder(msg.session, msg.member, found[0], msg.at)
    return f"已指定{name}记录本单位的三会一课：{name}在聊天中报送的会议（如“今天召开支委会，研究……”）将记为会议记录。"

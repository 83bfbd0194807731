"""The member's answers to a report read back to them (``handlers.summary``), while the bot waits
for them (``Waiting.READ_BACK``):

* "确认" — every line is stored, once, each row marked confirmed (``ProgressUpdate.confirmed_at``)
  with the report's words; a retried callback gets the stored reply, and of two 确认 answered at
  once only one stores (``models.conversation.take_waiting``);
* "取消" — nothing is stored (the month still counts as reported);
* "第3条是60%", "第2条不对，删掉" — one line of the summary changed or taken out ("条" counts the
  summary's lines; "项" the member's list), then the summary again;
* more progress ("还有第5项完成了", "第2项是60%") — added to the summary, or replacing the line of
  that item, then the summary again.

Every summary shown waits ``confirm_hours`` from then. Any other message is answered as usual and
leaves the summary waiting. A summary left unconfirmed past its time **lapses**: nothing of it is
stored, and the member is told so when they next write (``lapses``, first of all routers), before
that message is answered as usual. One reminder goes before it lapses (``schedules.read_back``).
"""
from __future__ import annotations

import re
from dataclasses import replace

from bot.fitting import MAX_TEXT_BYTES, byte_size
from bot.messages import TemplateCard
from bot.nlu import Update
from bot.nlu.notices import is_cancellation, is_confirmation
from bot.nlu.numbers import NUMBER, to_int
from bot.nlu.text import normalize, strip_punctuation
from bot.router import Message, Outgoing, Router, understand
from bot.texts import (
    READ_BACK_CANCELLED,
    READ_BACK_EMPTY,
    READ_BACK_GONE,
    READ_BACK_HOW_TO_FIX,
    READ_BACK_LAPSED,
    READ_BACK_NAME_THE_ITEM,
    READ_BACK_NO_LINE,
    READ_BACK_TAKEN,
    moment,
)
from handlers import progress, summary
from models.conversation import Waiting, lapsed, stop_waiting, take_waiting

confirmation = Router("read_back")              # 确认 / 取消 / 第N条…: before every query and ack
amendments = Router("read_back_amendments")     # more progress while waiting: just before progress
lapses = Router("read_back_lapsed")             # a lapsed summary is told first of all

_RECORD_RE = re.compile(r"(?:好的?|对的?|是的|没错|无误|没问题)?(?:确认|确定)(?:无误)?(?:记录|提交|保存)?(?:吧|的)?")
_LINE_RE = re.compile(rf"^\s*第\s*({NUMBER})\s*条\s*[:：，,、]?\s*(.*)$", re.S)
_DELETE_RE = re.compile(r"删掉|删除|删了|删去|去掉|不要|作废|划掉|拿掉|不算|取消")


def _confirms(msg: Message) -> bool:
    bare = strip_punctuation(normalize(msg.text))
    return is_confirmation(msg.text) or _RECORD_RE.fullmatch(bare) is not None


def _cancels(msg: Message) -> bool:
    return is_cancellation(msg.text)


def _line_fix(msg: Message) -> tuple[int, str] | None:
    """"第3条是60%" → (3, "是60%"): a line of the summary by its number, and what to do with it."""
    m = _LINE_RE.match(normalize(msg.text))
    n = to_int(m[1]) if m else None
    return (n, m[2].strip()) if n is not None else None


@confirmation.message(when=_confirms, waiting=Waiting.READ_BACK)
def confirm(msg: Message) -> str:
    """确认: every line is stored now, once, as confirmed."""
    state = msg.waiting
    if not take_waiting(msg.session, msg.member, state):
        return READ_BACK_TAKEN
    planned, gone = summary.planned_of(state.lines, msg.items)
    replies = [progress.record(msg, planned, state.words, confirmed=True)] if planned else []
    return "\n".join(replies + [READ_BACK_GONE.format(k=k) for k in gone])


@confirmation.message(when=_cancels, waiting=Waiting.READ_BACK)
def cancel(msg: Message) -> str:
    """取消: nothing of the summary is stored."""
    stop_waiting(msg.session, msg.member)
    return READ_BACK_CANCELLED


@confirmation.message(when=lambda msg: _line_fix(msg) is not None, waiting=Waiting.READ_BACK)
def fix_line(msg: Message) -> str:
    """"第3条是60%" / "第2条删掉": one line changed or taken out, then the summary again."""
    state = msg.waiting
    k, rest = _line_fix(msg)
    lines = list(state.lines)
    if not 1 <= k <= len(lines):
        return READ_BACK_NO_LINE.format(n=len(lines), k=k)
    code = lines[k - 1][0]
    if _DELETE_RE.search(rest):
        del lines[k - 1]
    else:
        item = next((i for i in msg.items if i.code == code), None)
        said = [u for u in understand(rest, [item]).updates if progress.has_state(u)] if item else []
        if len(said) != 1:
            return READ_BACK_HOW_TO_FIX.format(k=k)
        lines[k - 1] = (code, replace(said[0], item=code, candidates=[], unresolved=None))
    if not lines:
        stop_waiting(msg.session, msg.member)
        return READ_BACK_EMPTY
    return summary.show(msg, lines, f"{state.words}（{msg.text}）", note=f"已按“{msg.text}”修改。")


def _merged(lines: list[summary.Line], updates: list[tuple[str, Update]]) -> list[summary.Line]:
    """``lines`` with each update replacing the line of its item, or added after them."""
    out = list(lines)
    for code, u in updates:
        at = next((n for n, (c, _) in enumerate(out) if c == code), None)
        if at is None:
            out.append((code, u))
        else:
            out[at] = (code, u)
    return out


@amendments.message(intent="progress", waiting=Waiting.READ_BACK)
def amend(msg: Message) -> str:
    """"还有第5项完成了": more updates join the summary (one per item), then the summary again."""
    state = msg.waiting
    refused = progress.unresolved(msg)
    own = {i.code for i in msg.items}
    said = [(u.item, u) for u in msg.parsed.updates if progress.has_state(u) and u.item in own]
    if refused or not said or any(progress.has_state(u) and u.item not in own for u in msg.parsed.updates):
        return summary.show(msg, state.lines, state.words, note=refused or READ_BACK_NAME_THE_ITEM, kept=state)
    return summary.show(msg, _merged(state.lines, said), f"{state.words}（{msg.text}）",
                        note=f"已按“{msg.text}”修改。")


def _has_lapsed(msg: Message) -> bool:
    return lapsed(msg.member, msg.at) is not None


@lapses.message(when=_has_lapsed)
def tell_lapsed(msg: Message) -> str:
    """A summary left unconfirmed past its time: the member is told nothing of it was stored, and
    the message is then answered as usual (a late 确认 or 取消 only gets the news)."""
    state = lapsed(msg.member, msg.at)
    stop_waiting(msg.session, msg.member)
    hours = round((state.expires - state.since).total_seconds() / 3600)
    news = READ_BACK_LAPSED.format(since=moment(state.since, msg.runtime.tz), n=len(state.lines), hours=hours)
    if _confirms(msg) or _cancels(msg):
        return news
    msg.waiting = None
    rest = msg.runtime.dispatcher.feed(msg) or _card_as_text(msg)
    if not rest:
        return news
    if byte_size(f"{news}\n\n{rest}") <= MAX_TEXT_BYTES:
        return f"{news}\n\n{rest}"
    msg.outbox.insert(0, Outgoing([msg.member.account], news))
    return rest


def _card_as_text(msg: Message) -> str:
    """The card the answer would send the member (a new read-back's), as its text form instead: the
    news of the lapse goes with it, in one message."""
    last = msg.outbox[-1] if msg.outbox else None
    if last is None or not isinstance(last.message, TemplateCard) or last.accounts != [msg.member.account]:
        return ""
    msg.outbox.pop()
    return last.message.text

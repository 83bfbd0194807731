"""The read-back: a report is shown as it was understood, and stored only when its sender confirms.

A reply is read back instead of stored at once (``needs_read_back``) when it would change
``[understanding] confirm_from`` items or more (default 3), or change any item on weak evidence
(reply understanding's ``Update.sure`` is False), or take an item back (``models.progress.preview``:
from finished to not finished, a lower count or a lower percentage). The bot then answers with a
numbered summary ("我理解为：1. [R-1] 每月召开支委会 +1次（本年10/12）…"), keeps the updates whole,
item by item, as the member's ``Waiting.READ_BACK`` state (``models.conversation``) with the words,
and stores nothing until the member replies "确认" (``handlers.read_back``). The month counts as
reported the moment the report arrives, its words kept as the written report (``mark_reported``).

The summary is one message when it fits in 2048 bytes; a longer one goes on in further messages
(sent after the commit), so that no line the member confirms is one they were not shown.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.cards.answers import card_or_text
from bot.cards.read_back import OCCASION_KIND as READ_BACK_KIND
from bot.cards.read_back import read_back_card
from bot.fitting import MAX_TEXT_BYTES, byte_size, fit_text
from bot.nlu import Update
from bot.router import Message, Outgoing
from bot.texts import (
    READ_BACK_COUNTED,
    READ_BACK_FOOTER,
    READ_BACK_GONE,
    READ_BACK_HEAD,
    READ_BACK_MORE,
    moment,
    month_zh,
    read_back_line,
)
from models.conversation import State, Waiting, wait_for
from models.lookups import month_key
from models.progress import mark_reported, preview
from models.tables import Item

Planned = list[tuple[Item, Update, bool]]       # (item, update, whether the reply named the item)
Line = tuple[str, Update]                       # (item 编号, the update whole), as the state keeps it


def needs_read_back(msg: Message, planned: Planned) -> bool:
    """Whether ``planned`` is read back before it is stored (the module docstring's three rules)."""
    if len({item.id for item, _, _ in planned}) >= msg.runtime.config.understanding.confirm_from:
        return True
    return any(not u.sure or preview(item, u, named).backwards for item, u, named in planned)


def lines_of(planned: Planned) -> list[Line]:
    """The state's lines: an update the reply named keeps its item's 编号 in ``Update.item``; one
    meant for the item the bot had in mind keeps None there (it may not take that item back)."""
    return [(item.code, u) for item, u, _ in planned]


def planned_of(lines: list[Line], items: list[Item]) -> tuple[Planned, list[int]]:
    """The lines as (item, update, named) again, and the numbers of lines whose item is gone."""
    by_code = {i.code: i for i in reversed(items)}
    planned, gone = [], []
    for n, (code, u) in enumerate(lines, 1):
        if code in by_code:
            planned.append((by_code[code], u, u.item == code))
        else:
            gone.append(n)
    return planned, gone


def summary_line(n: int, item: Item, u: Update, named: bool, today: date) -> str:
    """One numbered line: what the update would do to the item as it is now."""
    return read_back_line(n, item, u, preview(item, u, named), today)


def _parts(head: str, lines: list[str], footer: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """``head``, ``lines`` and ``footer`` in as few messages of at most ``limit`` bytes as hold
    them, each line whole (a line longer than half a message is cut on its own)."""
    parts: list[list[str]] = [[head]]
    for n, line in enumerate(lines, 1):
        line = fit_text(line, limit // 2)
        if byte_size("\n".join(parts[-1] + [line])) > limit:
            parts.append([READ_BACK_MORE.format(first=n, total=len(lines))])
        parts[-1].append(line)
    if byte_size("\n".join(parts[-1] + [footer])) > limit:
        parts.append([])
    parts[-1].append(footer)
    return ["\n".join(p) for p in parts]


def shown_lines(items: list[Item], lines: list[Line], msg: Message) -> list[str]:
    """The summary's numbered lines. Lines keep their numbers ("第3条" is the third line of the
    state), an item no longer on the list says so."""
    by_code = {i.code: i for i in reversed(items)}
    return [summary_line(n, by_code[code], u, u.item == code, msg.at.date()) if code in by_code
            else READ_BACK_GONE.format(k=n)
            for n, (code, u) in enumerate(lines, 1)]


def summary_parts(items: list[Item], lines: list[Line], until: datetime, msg: Message, note: str = "") -> list[str]:
    """The summary as the member reads it: one message, or more when it is long."""
    shown = shown_lines(items, lines, msg)
    head = (note + "\n" if note else "") + READ_BACK_HEAD.format(n=len(shown))
    footer = READ_BACK_FOOTER.format(n=len(shown), until=moment(until, msg.runtime.tz))
    return _parts(head, shown, footer)


def show(msg: Message, lines: list[Line], words: str, note: str = "", tail: str = "",
         kept: State | None = None) -> str:
    """Wait for the member's 确认 of ``lines`` (``confirm_hours`` from now) and give the summary:
    the reply is its first message; any further one goes out after the commit. ``kept``: the
    summary waiting already, shown again unchanged (its time limit stays as it was)."""
    if kept is not None:
        until = kept.expires
    else:
        until = msg.at + timedelta(hours=msg.runtime.config.understanding.confirm_hours)
        wait_for(msg.session, msg.member, State(Waiting.READ_BACK, msg.at, words=words, lines=lines, until=until))
    parts = summary_parts(msg.items, lines, until, msg, note)
    if tail and byte_size(parts[-1] + "\n" + tail) <= MAX_TEXT_BYTES:
        parts[-1] += "\n" + tail
    if kept is None and len(parts) == 1:
        return _as_card(msg, lines, until, parts[0], " ".join(filter(None, (note, tail))))
    msg.outbox.extend(Outgoing([msg.member.account], part) for part in parts[1:])
    return parts[0]


def _as_card(msg: Message, lines: list[Line], until: datetime, text: str, note: str) -> str:
    """The summary ``text`` as a card (``bot.cards.read_back``), sent in place of the reply; or the
    reply ``text`` when cards are off or it does not fit one."""
    since = msg.at          # the read-back just set waiting (show)
    by_code = {i.code: i for i in msg.items}
    titles = [by_code[code].title if code in by_code else "" for code, _ in lines]
    made = card_or_text(msg, lambda tid: read_back_card(tid, shown_lines(msg.items, lines, msg), titles, since,
                                                         moment(until, msg.runtime.tz), text, note),
                        READ_BACK_KIND, msg.member.id, text)
    if isinstance(made, str):
        return made
    msg.outbox.append(Outgoing([msg.member.account], made))
    return ""


def read_back(msg: Message, planned: Planned, words: str) -> str:
    """A report that arrived: it counts as the month's report now; its updates wait for 确认."""
    counted = ""
    if mark_reported(msg.session, msg.member, msg.at, words, msg.runtime.tz):
        counted = READ_BACK_COUNTED.format(month=month_zh(month_key(msg.at, msg.runtime.tz)))
    return show(msg, lines_of(planned), words, tail=counted)

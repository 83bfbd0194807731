"""Answers longer than one message, in pages.

A question's answer (我的清单, 谁还没报, 有哪些逾期的, 整改清单) shows the lines that fit in one
message and says how many are left; the bot then waits for "更多" (``Waiting.MORE_PAGES``, with the
question's words and the page shown), and "更多" / "下一页" / "第3页" / "上一页" answer the same
question again from that page on (``handlers.more``). Pages are cut the same way every time, so
"第2页" is what "更多" showed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from bot.fitting import fit_page
from bot.router import Message
from bot.texts import NO_MORE_PAGES
from models.conversation import State, Waiting, stop_waiting, wait_for

MORE = "…还有{n}%s，回复“更多”查看"


def items_only(line: str) -> int:
    """The weight of a line of an answer grouped by unit: an item's line ("· [Z-1] …") is one item,
    a unit's heading none."""
    return 1 if line.startswith("· ") else 0


def _page_head(head: str, page: int) -> str:
    return head if page == 1 else f"{head}（第{page}页）"


def paged(msg: Message, head: str, lines: Iterable[str], noun: str = "项", footer: str = "",
          count: int | None = None, weight: Callable[[str], int] | None = None) -> str:
    """Page ``msg.page`` of the answer: ``head``, the lines that fit, how many are left (``noun``:
    项, 个单位, 人 …, counted by ``weight`` when a line is not one: see ``fit_page``) and ``footer``.
    When lines are left the bot waits for "更多"."""
    page = max(1, msg.page)
    if (page > 1 or weight is not None) and not isinstance(lines, Sequence):
        lines = list(lines)
    n_lines = count if not isinstance(lines, Sequence) else len(lines)
    more, start = MORE % noun, 0
    for earlier in range(1, page):
        start = fit_page(_page_head(head, earlier), lines, more, footer, start, count=count, weight=weight)[1]
    if start >= n_lines and page > 1:
        stop_waiting(msg.session, msg.member)
        return NO_MORE_PAGES.format(pages=page - 1)
    text, end = fit_page(_page_head(head, page), lines, more, footer, start, count=count, weight=weight)
    if end < n_lines or page > 1:       # the last page too: "上一页" still goes back, "更多" says it was the last
        wait_for(msg.session, msg.member, State(Waiting.MORE_PAGES, msg.at, words=msg.text, page=page))
    elif msg.waiting is not None and msg.waiting.kind == Waiting.MORE_PAGES:
        stop_waiting(msg.session, msg.member)       # one page: nothing more to wait for
    return text

"""更多 / 下一页 / 第3页 / 上一页: the next (or named) page of the answer cut last (``bot.paging``).

Only while the bot waits for it (``Waiting.MORE_PAGES``, an hour after the cut answer): the same
question is answered again, from that page. Asked for with nothing to continue, it says so.
"""
import re

from bot.nlu.numbers import to_int
from bot.nlu.text import normalize
from bot.router import Message, Router, understand
from bot.texts import NOTHING_TO_CONTINUE
from handlers.questions import QUESTIONS
from models.conversation import Waiting, stop_waiting

router = Router("more")

_NEXT = re.compile(r"(更多|下一页|下页|继续|接着看|后面的?|还有呢)")
_PREVIOUS = re.compile(r"(上一页|上页|前一页)")
_NAMED = re.compile(r"第([0-9一二三四五六七八九十两]+)页")
_POLITE = re.compile(r"[请麻烦看查一下吧呢啊。！!？?,，\s]")


def _page_asked(msg: Message) -> int | None:
    """The page asked for, relative to ``shown`` (the page shown last): +1, -1, or a page named."""
    clean = normalize(msg.text)
    shown = msg.waiting.page if msg.waiting is not None else 1
    for pattern, page in ((_NAMED, None), (_PREVIOUS, shown - 1), (_NEXT, shown + 1)):
        found = pattern.search(clean)
        if found and not _POLITE.sub("", pattern.sub("", clean)):      # nothing else said
            return page if page is not None else to_int(found.group(1))
    return None


def _asks_for_a_page(msg: Message) -> bool:
    return _page_asked(msg) is not None


@router.message(when=_asks_for_a_page, waiting=Waiting.MORE_PAGES)
def next_page(msg: Message) -> str:
    """The same question as before, from the page asked for."""
    words = msg.waiting.words
    msg.page = max(1, _page_asked(msg) or 1)
    msg.text, msg.parsed = words, understand(words, msg.items)
    answer = QUESTIONS.get(msg.parsed.intent)
    if answer is None:
        stop_waiting(msg.session, msg.member)
        return NOTHING_TO_CONTINUE
    return answer(msg)


@router.message(when=_asks_for_a_page)
def nothing_to_continue(msg: Message) -> str:
    return NOTHING_TO_CONTINUE

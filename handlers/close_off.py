"""整改销号: a secretary reviews the rectifications of the people they answer for, by 编号.

    "销号 Z-2" / "Z-2已销号"       close off a rectification reported done
    "退回 Z-2 原因：台账不全"       send it back to 进行中; the owner is told the reason
    "重开 Z-2 原因：…"             reopen one closed off (only by the secretary who closed it)

The grammar is ``bot.nlu.codes.read_review``; the rules are ``models.progress`` (close_off,
send_back, reopen). The owner is told each outcome, after the transaction commits. A member's own
"Z-2已销号" is progress (recorded as done, awaiting this step).

A 编号 that reads as several rectifications of the people the secretary answers for (Z-5 and Z-05
of two members, stored before the import refused such pairs; Z-6 of last year still open and this
year's) is never guessed: the bot lists them, numbered, and waits (``Waiting.WHICH_REVIEW``, the
items offered kept in the state) for the secretary's "2" / "第2个"; the other codes of the command
are reviewed at once.
"""
from __future__ import annotations

import re

from bot.nlu.codes import Review, read_review
from bot.router import Message, Outgoing, Router
from bot.texts import only_for
from models.conversation import State, Waiting, stop_waiting, wait_for
from models.lookups import item_with_code, items_by_code
from models.organisation import Tree
from models.progress import ReviewRefused, close_off, reopen, send_back
from models.tables import Item, ItemKind, Member

router = Router("close_off")

VERBS = {"close": ("销号", close_off), "return": ("退回", send_back), "reopen": ("重开", reopen)}
_CHOICE_RE = re.compile(r"\s*第?\s*(\d{1,3})\s*(?:个|项|条|号)?\s*[。.!！]?\s*")


def _reviewing(msg: Message) -> bool:
    """退回 / 重开 always; 销号 from a secretary naming an item that is not their own."""
    review = read_review(msg.text)
    if review is None:
        return False
    if review.verb != "close":
        return True
    return msg.member.is_secretary and any(item_with_code(msg.items, c) is None for c in review.codes)


def review_item(msg: Message, review: Review, item: Item, words: str) -> str:
    """Apply ``review`` to ``item`` (``words``: as typed): the line of the reply; the owner is told."""
    verb, rule = VERBS[review.verb]
    owner = msg.session.get(Member, item.owner_id)
    extra = {} if review.verb == "close" else {"reason": review.reason}
    try:
        rule(msg.session, item=item, secretary=msg.member, at=msg.at, words=words, msg_id=msg.msg_id, **extra)
    except ReviewRefused as refused:
        return f"· [{item.code}] {item.title}（{owner.name}）：未{verb}，{refused}"
    why = f"，原因：{review.reason}" if review.reason else ""
    msg.outbox.append(Outgoing([owner.account], f"【整改{verb}】您负责的整改事项[{item.code}] {item.title}"
                                                f"已由{msg.member.name}{verb}{why}。"))
    return f"· [{item.code}] {item.title}（{owner.name}）：已{verb}"


def _which(msg: Message, code: str, items: list[Item], first: int, verb: str) -> list[str]:
    """The lines asking which of ``items`` (numbered from ``first``) ``code`` means."""
    names = {m.id: m.name for m in (msg.session.get(Member, i.owner_id) for i in items)}
    return [f"· {code.upper()}：有{len(items)}项整改事项读作这个编号，未{verb}，请回复序号选择："] + [
        f"  {n}. [{i.code}] {i.title}（{names[i.owner_id]}，{i.year}年）" for n, i in enumerate(items, first)]


@router.message(when=_reviewing)
def review_rectifications(msg: Message) -> str:
    """Apply the review to each named rectification; tell each owner; ask which when a 编号 reads
    as several."""
    review = read_review(msg.text)
    verb, _ = VERBS[review.verb]
    if not msg.member.is_secretary:
        return only_for(f"{verb}整改事项", "书记", "整改完成后请回复如“Z-1已整改到位”，由书记核实销号。")
    units = Tree.load(msg.session).units_of(msg.member) or [msg.member.unit_id]
    lines: list[str] = []
    offered: list[Item] = []
    for code in review.codes:
        items = items_by_code(msg.session, units, code, msg.at.year, ItemKind.RECTIFICATION)
        if not items:
            lines.append(f"· {code.upper()}：您负责的单位{msg.at.year}年度没有这个整改事项")
        elif len(items) == 1:
            lines.append(review_item(msg, review, items[0], msg.text))
        else:
            lines += _which(msg, code, items, len(offered) + 1, verb)
            offered += items
    if msg.waiting is not None and msg.waiting.kind == Waiting.WHICH_REVIEW:
        stop_waiting(msg.session, msg.member)       # a new command: the question asked before is moot
    if offered:
        wait_for(msg.session, msg.member, State(Waiting.WHICH_REVIEW, msg.at, words=msg.text,
                                                item_ids=tuple(i.id for i in offered)))
        lines.append(f"请回复序号（如“1”），只{verb}所选的一项。")
    return f"整改{verb}结果：\n" + "\n".join(lines)


def _choice(msg: Message) -> bool:
    return _CHOICE_RE.fullmatch(msg.text) is not None


@router.message(waiting=Waiting.WHICH_REVIEW, when=_choice)
def review_the_one_chosen(msg: Message) -> str:
    """"2" after the list of rectifications a 编号 read as: the review kept is applied to that one."""
    state = msg.waiting
    review = read_review(state.words)
    verb, _ = VERBS[review.verb]
    n = int(_CHOICE_RE.fullmatch(msg.text)[1])
    if not 1 <= n <= len(state.item_ids):
        return f"请回复 1 到 {len(state.item_ids)} 之间的序号，选择要{verb}的整改事项。"
    stop_waiting(msg.session, msg.member)
    item = msg.session.get(Item, state.item_ids[n - 1])
    if item is None:
        return f"所选的整改事项已不存在，未{verb}。"
    return f"整改{verb}结果：\n" + review_item(msg, review, item, f"{state.words}（{msg.text}）")

"""报进度: replies become progress updates on the sender's own items — only on items the reply names.

* An update lands on an item only when the reply refers to it (position, position within a list
  section, 编号, title words). A reference that resolves to nothing ("第9项" of 8, an 编号 the
  sender does not own) writes nothing and says so.
* The item the bot last spoke about (a reminder about one item, a question) applies only to a reply
  that names no item at all and carries a state, percent, count or total, within its time limit;
  otherwise the bot asks which item and waits (``Waiting.WHICH_ITEM``), keeping the update whole
  (reply understanding's ``Update``) until the answer ("第2项"), which applies it.
* Two items matching equally: the bot asks, never guesses. An update read from weak evidence
  with no item named: the bot says it is not sure and writes nothing.
* A reply changing several items, an update read from weak evidence, or one taking an item back
  is read back first and stored only when confirmed (``handlers.summary``, ``handlers.read_back``);
  a single clear update applies at once.

What the bot remembers between messages is ``models.conversation``'s; the state rules are
``models.progress``'s. Every confirmation says how to undo it (``handlers.undo``).
"""
from __future__ import annotations

from bot.cards.answers import card_or_text
from bot.cards.close_off import OCCASION_KIND as CLOSE_OFF_KIND
from bot.cards.close_off import close_off_card
from bot.cards.deadline import last_updates
from bot.fitting import MAX_TEXT_BYTES, byte_size, fit_lines, fit_text
from bot.nlu import Update
from bot.nlu.codes import find_codes, key_of
from bot.nlu.text import normalize
from bot.router import Message, Outgoing, Router
from bot.texts import (
    ANSWER_WITH_ITEM,
    ASK_ITEM_STATE,
    HOW_TO_UNDO,
    MORE_ITEMS,
    NO_ITEMS_TO_UPDATE,
    NOT_SURE,
    item_line,
    month_zh,
    numbered,
    page_line,
    progress_zh,
)
from handlers.summary import needs_read_back, read_back
from models.conversation import State, Waiting, item_in_mind, remember_item, stop_waiting, wait_for
from models.lookups import code_in_use, month_key
from models.organisation import Tree
from models.photos import counts, evidence_line, item_photos_url
from models.progress import mark_reported, record_progress
from models.tables import Item, ItemKind, ItemStatus

router = Router("progress")


def has_state(u: Update) -> bool:
    return bool(u.status or u.percent is not None or u.count or u.total is not None)


def _wait_for_item(msg: Message, u: Update) -> None:
    """Keep ``u`` whole until the sender says which item it is for."""
    wait_for(msg.session, msg.member, State(Waiting.WHICH_ITEM, msg.at, update=u, words=msg.text))


def _number(msg: Message, item: Item) -> int:
    return next(n for n, i in enumerate(msg.items, 1) if i.id == item.id)


def _ask_which(msg: Message, candidates: list[Item] | None = None) -> str:
    if candidates:
        head = "您说的是哪一项？以下事项都符合："
        lines = numbered(msg.items, only=candidates, today=msg.at.date())
    else:
        open_items = [i for i in msg.items if i.is_open] or msg.items
        head = "请问是哪一项的进展？您的未完成事项："
        lines = numbered(msg.items, only=open_items, today=msg.at.date())
    return fit_lines(head, lines, MORE_ITEMS, footer=ANSWER_WITH_ITEM)


def _foreign_codes(msg: Message) -> list[str]:
    """编号 in the reply that are not the sender's but are items' of the organisation ("P-1已完成"
    from someone who has no P-1; "销号 Z-2")."""
    own = {key_of(i.code) for i in msg.items}
    clean = normalize(msg.text)
    typed = [(clean[start:end], key) for start, end, key, _ in find_codes(clean) if key not in own]
    return [text for text, key in typed if code_in_use(msg.session, key, msg.at.year)]


def unresolved(msg: Message) -> str | None:
    """The reply's words for a reference that names none of the sender's items, if any."""
    own = {i.code for i in msg.items}
    words = [u.unresolved or u.item for u in msg.parsed.updates if u.unresolved or (u.item and u.item not in own)]
    words += _foreign_codes(msg)
    if not words:
        return None
    return (f"您的清单共{len(msg.items)}项，没有“{'、'.join(dict.fromkeys(words))}”，本条未做任何记录。"
            "回复“我的清单”查看事项及序号、编号。")


def _named_items(msg: Message) -> list[Item]:
    by_code = {i.code: i for i in msg.items}
    return list({by_code[u.item].id: by_code[u.item] for u in msg.parsed.updates if u.item in by_code}.values())


def _plan(msg: Message) -> tuple[list[tuple[Item, Update, bool]], str] | str:
    """(item, update, named) triples to apply and the words to keep; or the reply when nothing applies."""
    by_code = {i.code: i for i in reversed(msg.items)}
    updates = msg.parsed.updates
    refused = unresolved(msg)
    if refused:
        return refused
    ambiguous = next((u for u in updates if u.item is None and u.candidates), None)
    if ambiguous:
        if has_state(ambiguous):
            _wait_for_item(msg, ambiguous)
        return _ask_which(msg, [by_code[c] for c in ambiguous.candidates if c in by_code])
    if any(not u.sure and u.item not in by_code for u in updates if has_state(u)):
        return NOT_SURE                 # weak evidence, no item named: nothing to read back
    if not any(has_state(u) for u in updates):
        named = _named_items(msg)
        if len(named) == 1:
            remember_item(msg.session, msg.member, named[0], msg.at)
            return f"{item_line(_number(msg, named[0]), named[0], msg.at.date())}\n{ASK_ITEM_STATE}"
        return _ask_which(msg, named or None)
    planned = []
    names_an_item = any(u.item for u in updates)
    for u in updates:
        if not has_state(u):
            continue
        in_mind = None if names_an_item else item_in_mind(msg.member, msg.items, msg.at)
        item = by_code[u.item] if u.item else in_mind
        if item is None:
            _wait_for_item(msg, u)
            return _ask_which(msg)
        planned.append((item, u, bool(u.item)))
    return planned, msg.text


def says_done(update: Update) -> bool:
    """The update is a statement that the item is done (整改到位 / 已整改 / 整改完成 / 100%), not
    one that it moved ("整改了一部分", "基本整改到位", "正在整改" read as in progress)."""
    return update.status in (ItemStatus.DONE, ItemStatus.CLOSED) or update.percent == 100


def ask_for_close_off(msg: Message, item: Item, was: ItemStatus, words: str) -> None:
    """A rectification just made done (it was not before) by a statement that says so: the
    secretary responsible (never the owner) is asked to verify."""
    if item.kind != ItemKind.RECTIFICATION or item.status != ItemStatus.DONE or was == ItemStatus.DONE:
        return
    boss = Tree.load(msg.session).responsible_for(msg.member)     # the tree only when it is needed
    if boss is None:
        return
    web = msg.runtime.config.web
    url = web.page_url("rectifications")
    photos = counts(msg.session, [item.id]).get(item.id, 0)       # 佐证材料 (models.photos)
    tail = (f"\n{evidence_line(msg.session, item, web.base_url)}\n"
            f"核实后请回复“销号 {item.code}”；如需退回，请回复“退回 {item.code} 原因：……”。{page_line(url)}")
    text = fit_text(f"【整改待销号】{msg.member.name}报告整改事项[{item.code}] {item.title}已完成：“{words}”",
                    MAX_TEXT_BYTES - byte_size(tail)) + tail
    last = last_updates(msg.session, [item.id]).get(item.id, 0)
    msg.outbox.append(Outgoing([boss.account], card_or_text(
        msg, lambda tid: close_off_card(tid, item, msg.member.name, words, last, text, photos,
                                        item_photos_url(web.base_url, item.id), url),
        CLOSE_OFF_KIND, boss.id, text)))


def _answers_which_item(msg: Message) -> bool:
    """The reply names exactly one of the sender's items and says nothing of its state ("第2项")."""
    return (not any(has_state(u) for u in msg.parsed.updates) and unresolved(msg) is None
            and len(_named_items(msg)) == 1)


@router.message(intent="progress", waiting=Waiting.WHICH_ITEM, when=_answers_which_item)
def apply_waiting_update(msg: Message) -> str:
    """"第2项" after "哪一项？": the update kept whole is applied to that item."""
    waiting = msg.waiting
    stop_waiting(msg.session, msg.member)
    return _store(msg, [(_named_items(msg)[0], waiting.update, True)], f"{waiting.words}（{msg.text}）")


@router.message(intent="progress")
def record_updates(msg: Message) -> str:
    """Apply every understood update in one go and confirm what changed in one reply."""
    if not msg.items:
        return NO_ITEMS_TO_UPDATE
    plan = _plan(msg)
    if isinstance(plan, str):
        return plan
    if msg.waiting is not None and msg.waiting.kind == Waiting.WHICH_ITEM:
        stop_waiting(msg.session, msg.member)       # a new report: the question asked before is moot
    return _store(msg, *plan)


def _store(msg: Message, planned: list[tuple[Item, Update, bool]], words: str) -> str:
    """Store ``planned`` now, or read it back first (``handlers.summary``)."""
    if needs_read_back(msg, planned):
        return read_back(msg, planned, words)
    return record(msg, planned, words)


def record(msg: Message, planned: list[tuple[Item, Update, bool]], words: str, confirmed: bool = False) -> str:
    """Apply ``planned`` and say what changed, how to undo it, and whether it counts as the month's
    report. ``confirmed``: the member confirmed it after a read-back (kept on each row; the month
    was counted when the report arrived)."""
    lines, applied = [], 0
    for item, update, named in planned:
        before, was = progress_zh(item, msg.at.date()), ItemStatus(item.status)
        change = record_progress(msg.session, item=item, member=msg.member, at=msg.at, words=words,
                                 update=update, msg_id=msg.msg_id, named=named,
                                 confirmed_at=msg.at if confirmed else None)
        head = f"第{_number(msg, item)}项 [{item.code}] {item.title}"
        if change.applied:
            applied += 1
            lines.append(f"{head}：{before} → {progress_zh(item, msg.at.date())}")
            if says_done(update):
                ask_for_close_off(msg, item, was, words)
            if change.note:
                lines.append(f"  （{change.note}）")
        else:
            lines.append(f"{head}：未更改（{change.note}）")
        remember_item(msg.session, msg.member, item, msg.at)
    if not applied:
        return "\n".join(["本条未做任何更改："] + lines)
    if not confirmed and mark_reported(msg.session, msg.member, msg.at, words, msg.runtime.tz):   # the month's first
        lines.append(f"已计入{month_zh(month_key(msg.at, msg.runtime.tz))}月报。")
    head = f"已按您的确认记录{msg.member.name}的进展：" if confirmed else f"已记录{msg.member.name}的进展："
    return fit_lines(head, lines, "…及其余{n}项", footer=HOW_TO_UNDO)

"""Reply understanding: what a party member's chat message means.

    >>> parse("1、2项已完成，第3项进行中", items)
    Parse(intent='progress', updates=[Update(item='P-1', status='done', ...), ...])

``parse`` decides in this order (see docs/understanding.md):

1. a notice ("通知 全体党员：…") → broadcast; "帮助", "怎么用", "?" → help;
2. a query written as a bare noun phrase ("我的清单", "整改清单", "本月未报名单") → that query;
3. voice-input homophones of state and title words are repaired ("已完城" → "已完成");
4. the reply is laid out (``layout``): examples, salutations and headers dropped, sections and
   clauses found;
5. a question about one item ("第2项完成了吗？") → my_list with ``asked_items``; another question
   ("我们支部几星", "还有哪些整改没完成") → the query it asks, or unknown;
6. the statements left → progress updates, when they state something about an item;
7. an acknowledgement ("收到", "好的", "谢谢") → ack; anything else → unknown, never a guess.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from . import homophones, intents, layout, segmenter
from . import items as _items
from .items import find_mentions, index_for
from .model import INTENTS, STATUSES, ItemRef, Parse, Update
from .progress import read_updates
from .text import normalize

__all__ = ["INTENTS", "STATUSES", "ItemRef", "Update", "Parse", "load", "add_words", "parse",
           "to_json", "item_refs", "split_clauses"]

split_clauses = layout.split_clauses

log = logging.getLogger(__name__)

# WeCom text messages are at most 2048 bytes; anything longer is read up to here.
MAX_CHARS = 2000


def load(extra_words: Iterable[str] = ()) -> float:
    """Pre-load jieba and the domain dictionary (and add extra words, e.g. item titles).

    Idempotent; returns the seconds taken.
    """
    words = list(extra_words)
    seconds = segmenter.load(_with_normalized(words))
    if words:
        _items.clear_cache()
    return seconds


def add_words(words: Iterable[str]) -> None:
    """Add words (e.g. the titles of newly imported items) to the segmenter."""
    segmenter.add_words(_with_normalized(list(words)))
    _items.clear_cache()


def parse(text: str, items: Sequence[ItemRef | dict], trace: dict | None = None) -> Parse:
    """Understand one reply from the owner of ``items`` (in "我的清单" order). Never raises.

    ``trace``, when given, is filled with what each stage read (see ``bot.nlu.explain``).
    """
    try:
        return _parse(text, items, trace)
    except Exception:  # noqa: BLE001 - a reply we cannot read is "unknown", never a crash
        log.exception("could not parse %r", text)
        return Parse("unknown")


def to_json(p: Parse) -> dict:
    """The contract form: {"intent", "updates": [{"item", "status", "percent", "count", "total"}, ...]}.

    Updates are listed for progress only; "candidates" appears only when non-empty, "sure" only
    when false (read from weak evidence; "doubt" then says why, ``model.DOUBTS``), "unresolved" only for a position or 编号 that names no
    item of the list ("第9项" of 8), "asked_items" only for a question about items.
    """
    updates = []
    if p.intent == "progress":
        for u in p.updates:
            entry = {"item": u.item, "status": u.status, "percent": u.percent, "count": u.count,
                     "total": u.total}
            if u.candidates:
                entry["candidates"] = list(u.candidates)
            if not u.sure:
                entry["sure"] = False
                if u.doubt:
                    entry["doubt"] = u.doubt
            if u.unresolved:
                entry["unresolved"] = u.unresolved
            updates.append(entry)
    out = {"intent": p.intent, "updates": updates}
    if p.asked_items:
        out["asked_items"] = list(p.asked_items)
    return out


def item_refs(raw: Sequence[dict]) -> list[ItemRef]:
    """ItemRefs from dicts shaped like items.json entries ({"id", "title", "kind", "target"})."""
    refs = []
    for entry in raw or ():
        if isinstance(entry, ItemRef):
            refs.append(entry)
        elif isinstance(entry, dict):
            refs.append(ItemRef(id=str(entry.get("id") or ""), title=str(entry.get("title") or ""),
                                kind=str(entry.get("kind") or ""), target=_target(entry.get("target"))))
    return refs


# ---- internals -------------------------------------------------------------------------------

def _parse(text: str, items: Sequence[ItemRef | dict], trace: dict | None) -> Parse:
    if not segmenter.is_loaded():
        load()
    clean = normalize(text[:MAX_CHARS] if isinstance(text, str) else "")
    if trace is not None:
        trace["normalized"] = clean
    if not clean:
        return Parse("unknown")
    intent = intents.command_intent(clean)
    if intent:
        return Parse(intent)
    index = index_for(_items_key(items))
    repaired = homophones.repair(clean, index.sounds)
    dropped: list | None = [] if trace is not None else None
    parts = layout.clauses(repaired, dropped, lambda words: _names_item(words, index))
    if trace is not None:
        trace.update(repaired=repaired, dropped=dropped, clauses=parts, steps=[])
    questions = [c for c in parts if c.question or intents.is_question(c.text)]
    statements = [c for c in parts if c not in questions]
    steps = trace["steps"] if trace is not None else None
    links = trace.setdefault("links", []) if trace is not None else None
    if questions:
        asked = _asked_items(questions, index)
        if trace is not None:
            trace.update(questions=[c.text for c in questions], asked=asked)
        if asked:
            updates = read_updates(statements, index, steps, links) if statements else []
            return Parse("progress", updates) if updates else Parse("my_list", asked_items=asked)
        intent = intents.question_intent(clean)
        if intent:
            return Parse(intent)
    updates = read_updates(statements, index, steps, links) if statements else []
    if updates and not all(map(_bare, updates)):
        return Parse("progress", updates)
    ack = intents.is_ack(repaired)
    if updates and not ack:         # "好的书记" is no reference
        return Parse("progress", updates)
    return Parse("ack" if ack else "unknown")


def _names_item(words: str, index) -> bool:
    """Whether ``words`` name an item of the list by its title."""
    return any(m.how == "title" and m.items for m in find_mentions(words, index)[0])


def _bare(u: Update) -> bool:
    return u.status is None and u.percent is None and u.count is None and u.total is None


def _asked_items(questions: list[layout.Clause], index) -> list[str]:
    """The items questions ask the state or deadline of ("第2项完成了吗", "换届选举截止哪天")."""
    asked: list[str] = []
    for clause in questions:
        if not intents.asks_about_an_item(clause.text):
            continue
        mentions, _, _ = find_mentions(clause.text, index, clause.section)
        for mention in mentions:
            if mention.items and not mention.ambiguous and not mention.rest and len(mention.items) < len(index):
                asked.extend(index.ids[k] for k in mention.items if index.ids[k] not in asked)
    return asked


def _items_key(items: Sequence[ItemRef | dict]) -> tuple:
    """A hashable form of the item list, the key of the per-list index cache."""
    key = []
    append = key.append
    for entry in items or ():
        if type(entry) is dict or isinstance(entry, dict):
            get = entry.get
            target = get("target")
            append((str(get("id") or ""), str(get("title") or ""), str(get("kind") or ""),
                    target if type(target) is int and target > 0 else _target(target)))
        elif isinstance(entry, ItemRef):
            append((entry.id, entry.title, entry.kind, _target(entry.target)))
    return tuple(key)


def _target(value) -> int | None:
    """A positive target count, or None ("", None, 0, "n/a" all mean not quantified)."""
    if value is None:
        return None
    if type(value) is int:
        return value if value > 0 else None
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _with_normalized(words: list[str]) -> list[str]:
    """The words as given and in the normalized form titles are matched in."""
    out = []
    for word in words:
        if isinstance(word, str):
            out.append(word)
            normalized = normalize(word)
            if normalized != word:
                out.append(normalized)
    return out

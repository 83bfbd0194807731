"""Reply understanding: what a party member's chat message means.

    >>> parse("1、2项已完成，第3项进行中", items)
    Parse(intent='progress', updates=[Update(item='P-1', status='done', ...), ...])

``parse`` decides in this order (see docs/understanding.md):

1. a notice ("通知 全体党员：…") → broadcast; "帮助", "怎么用", "?" → help;
2. a query written as a bare noun phrase ("我的清单", "整改清单", "本月未报名单") → that query;
3. a question ("我们支部几星", "还有哪些整改没完成") → the query it asks, or unknown;
4. the statements left → progress updates, when they name an item or a state;
5. anything else → unknown, never a guessed update.
"""
from __future__ import annotations

import logging
from typing import Iterable, Sequence

from . import intents, items as _items, segmenter
from .items import index_for
from .model import INTENTS, STATUSES, ItemRef, Parse, Update
from .progress import read_updates
from .text import normalize, split_clauses

__all__ = ["INTENTS", "STATUSES", "ItemRef", "Update", "Parse", "load", "add_words", "parse",
           "to_json", "item_refs"]

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


def parse(text: str, items: Sequence[ItemRef | dict]) -> Parse:
    """Understand one reply from the owner of ``items`` (in "我的清单" order). Never raises."""
    try:
        return _parse(text, items)
    except Exception:  # noqa: BLE001 - a reply we cannot read is "unknown", never a crash
        log.exception("could not parse %r", text)
        return Parse("unknown")


def to_json(p: Parse) -> dict:
    """The contract form: {"intent", "updates": [{"item", "status", "percent", "count"}, ...]}.

    Updates are listed for progress only; "candidates" appears only when non-empty.
    """
    updates = []
    if p.intent == "progress":
        for u in p.updates:
            entry = {"item": u.item, "status": u.status, "percent": u.percent, "count": u.count}
            if u.candidates:
                entry["candidates"] = list(u.candidates)
            updates.append(entry)
    return {"intent": p.intent, "updates": updates}


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

def _parse(text: str, items: Sequence[ItemRef | dict]) -> Parse:
    if not segmenter.is_loaded():
        load()
    clean = normalize(text[:MAX_CHARS] if isinstance(text, str) else "")
    if not clean:
        return Parse("unknown")
    intent = intents.command_intent(clean)
    if intent:
        return Parse(intent)
    clauses = split_clauses(clean)
    questions = [intents.is_question(c) for c in clauses]
    if any(questions):
        intent = intents.question_intent(clean)
        if intent:
            return Parse(intent)
    statements = [c for c, asked in zip(clauses, questions) if not asked]
    updates = read_updates(statements, index_for(_items_key(items))) if statements else []
    return Parse("progress", updates) if updates else Parse("unknown")


def _items_key(items: Sequence[ItemRef | dict]) -> tuple:
    """A hashable form of the item list, the key of the per-list index cache."""
    key = []
    for ref in item_refs(items):
        key.append((ref.id, ref.title, ref.kind, _target(ref.target)))
    return tuple(key)


def _target(value) -> int | None:
    """A positive target count, or None ("", None, 0, "n/a" all mean not quantified)."""
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

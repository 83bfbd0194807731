"""The values reply understanding hands to the rest of the bot (re-exported by ``bot.nlu``)."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.statuses import STATUS_ZH

INTENTS = ("progress", "my_list", "star_level", "overdue", "unreported", "rectifications",
           "report_status", "broadcast", "help", "ack", "unknown")
STATUSES = tuple(STATUS_ZH)     # an Update's status: the item statuses models store


@dataclass
class ItemRef:
    """An item the sender owns, in the order "我的清单" shows them (so 第2项 = items[1])."""
    id: str             # 编号, e.g. "Z-2", "XM-3", "R-1"
    title: str
    kind: str           # "responsibility" | "project" | "rectification"
    target: int | None = None   # yearly target count of a quantified duty


@dataclass
class Update:
    """What a reply says about one item."""
    item: str | None            # an ItemRef.id, or None when the reply does not say which item
    status: str | None          # one of STATUSES, or None when the reply names an item but no state
    percent: int | None = None  # 0..100
    count: int | None = None    # times a quantified duty was carried out (this time)
    candidates: list[str] = field(default_factory=list)  # ids that match equally, when item is None
    total: int | None = None    # the running total for the year, when the reply states one
    sure: bool = True           # False: read from weak evidence; the handler should confirm
    unresolved: str | None = None  # a position or 编号 as typed that names no item of the list ("第9项")
    # how sure the link to ``item`` is (``bot.nlu.confidence``), when judged; not part of equality
    confidence: float | None = field(default=None, compare=False)
    # why ``sure`` is False (``DOUBTS``), for the read-back and --explain; not part of equality
    doubt: str | None = field(default=None, compare=False)


# Why an update is asked about instead of written (``Update.doubt``), in the member's words.
DOUBTS = {
    "weak_signal": "只是表态或计划，没说已经做了",
    "dated": "只写了日期和活动，没说已经开过",
    "qualifier": "这几个字只是修饰后面的事项",
    "line_words": "条目序号可能是这一行自己的编号，不一定是清单第几项",
    "rectification_words": "用的是整改的说法，这一项却不是整改事项",
    "people": "数字是人数，不一定是次数",
    "low_confidence": "把握低于阈值",
}


@dataclass
class Parse:
    """A reply understood: its intent and, for progress, the updates.

    ``asked_items`` lists the ids of the items a question asks about ("第2项完成了吗？",
    "换届选举截止哪天"); such a question has intent ``my_list`` and the handler can answer with
    just those items' lines.
    """
    intent: str
    updates: list[Update] = field(default_factory=list)
    asked_items: list[str] = field(default_factory=list)

"""Item statuses and kinds: the values stored and parsed, and how each reads in Chinese.

One table for every place that shows them: ``models.tables`` (the StrEnums ``ItemStatus`` and
``ItemKind`` take their words from here), ``bot.nlu`` (what a parse may say, and
``qingdan parse``'s words for it) and the ``qingdan`` command. It imports nothing, so the
language leaf ``bot.nlu`` can use it without reaching up, and ``models.tables`` without loading
reply understanding.
"""
from __future__ import annotations

STATUS_ZH = {
    "not_started": "未开始",
    "in_progress": "进行中",
    "done": "已完成",
    "blocked": "受阻",
    "closed": "已销号",
}
KIND_ZH = {
    "responsibility": "责任清单",
    "project": "项目清单",
    "rectification": "整改清单",
}


def status_zh(status: str) -> str:
    """"done" → "已完成"; a value that is no status reads as itself."""
    return STATUS_ZH.get(status, status)


def kind_zh(kind: str) -> str:
    """"project" → "项目清单"; a value that is no kind reads as itself."""
    return KIND_ZH.get(kind, kind)

"""A card's task_id: its push log row's key, ``(occasion, addressee)``, in the characters WeCom
allows (letters, digits and ``_-@``, at most 128 bytes): ``qd@deadline@2026-11-25@17``.

The push log row is unique, so is the task_id within the app (a repeat would fail with 42014),
and a retry of the row's send reuses it. ``read_task_id`` gives the row back from a tap.
"""
from __future__ import annotations

import re

PREFIX = "qd"
VALID = re.compile(r"[A-Za-z0-9_\-@]{1,128}")


def task_id(occasion: str, member_id: int) -> str:
    """The task_id of the card sent for ``occasion`` ("deadline:2026-11-25") to ``member_id``."""
    made = f"{PREFIX}@{occasion.replace(':', '@')}@{member_id}"
    if not VALID.fullmatch(made):
        raise ValueError(f"occasion {occasion!r} makes no valid task_id")
    return made


def read_task_id(value: str | None) -> tuple[str, int] | None:
    """``(occasion, member_id)`` of a task_id ``task_id`` made; None for any other."""
    parts = (value or "").split("@")
    if len(parts) != 4 or parts[0] != PREFIX or not parts[3].isdigit():
        return None
    return f"{parts[1]}:{parts[2]}", int(parts[3])


def kind_of(value: str | None) -> str | None:
    """The occasion kind of a task_id ("deadline"), without a query; None when not the bot's."""
    read = read_task_id(value)
    return read[0].split(":", 1)[0] if read else None

"""One item's signals resolved into an update: its status, percent, count and total.

Priorities: closed, blocked, an explicit percent (100 done, 0 not started, else in progress), not
started (in progress when something was done as well), in progress, done, not closed off (in
progress); weak signals only when nothing else is said. See ``resolve_update``.
"""
from __future__ import annotations

from .model import Update
from .states import Signal


def resolve_update(item: str | None, signals: list[Signal], target: int | None, bare: bool = False,
            known: bool = False) -> Update | None:
    """Resolve the signals about one item into an update; None when they say nothing.

    ``target`` is the item's yearly count (None: not quantified); ``known`` is True for candidates
    (item None, but of a known list); for an unknown item counts are kept as said.
    Priorities: closed, blocked, an explicit percent (100 done, 0 not started, else in progress),
    not started (in progress when something was done as well: "不算完成…活动还没搞"), in progress,
    done, not closed off (in progress); weak signals (a promise, a plan to start, 👍) only when
    nothing else is said. A held activity ("召开了", "讲了") is one more time of a quantified duty,
    and done for other items; a count or an ordinal ("第一期") of an unquantified item means it is
    under way. A total ("今年已召开8次") is kept apart from the count.
    """
    said = _by_kind(signals)
    statuses = set(said.get("status", ()))
    sure, doubt = True, None
    weak = said.get("weak", [])
    percents = said.get("percent", [])
    counts = said.get("count", [])
    totals = said.get("total", [])
    ordinal = "ordinal" in said
    held = "held" in said
    if "dated" in said and not held and not statuses and not counts and not percents and not weak:
        held = True         # "10月18日召开支部党员大会": held that day (asked about, see below)
        sure, doubt = False, "dated"
    if "tick" in said:
        if target is not None:
            held = True         # "支委会✅": one more time of a quantified duty, not the year's duty done
        else:
            statuses.add("done")
    figure_given = "bad_percent" in said or "bad_count" in said
    if figure_given:
        held = ordinal = False      # "支委会开了-1次": the figure cannot be kept, so nothing was held either
    percent = percents[-1] if percents else None
    count = sum(counts) if counts else None
    total = totals[-1] if totals else None

    if "closed" in statuses:
        status = "closed"
    elif "blocked" in statuses:
        status = "blocked"
    elif percent is not None:
        status = "done" if percent >= 100 else "not_started" if percent == 0 else "in_progress"
    elif "not_started" in statuses:
        status = "in_progress" if statuses & {"in_progress", "done"} else "not_started"
    elif "in_progress" in statuses:
        status = "in_progress"
    elif "done" in statuses:
        status = "done"         # "已整改到位，尚未销号" is done, waiting to be closed off
    elif "not_closed" in statuses:
        status = "in_progress"
    else:
        status = None

    known = known or item is not None
    if status is None and weak and known:
        status = "in_progress" if "in_progress" in weak else weak[0]
        sure, doubt = False, "weak_signal"

    if target is not None:      # a quantified duty (or candidates that all are)
        if count is None and total is None:
            if held or ordinal:
                count = 1
            elif status == "done" and target == 1:
                count = 1       # a duty done once a year: "讲党课已完成" is that one time
        if count is not None and status == "done":
            status = "in_progress"  # "已完成2次" is two more times; the store compares the total with the target
    elif not known:
        if count is not None and not held and status is None and percent is None:
            count = None        # "第一次" alone says nothing about an item
        if status is None and held and count is None:
            status = "done"
    else:                       # an item without a target
        if (count is not None or ordinal) and status in (None, "done"):
            status = "in_progress"  # "参加了两次志愿服务", "已举办第一期": under way
        count = total = None
        if status is None and held:
            status = "done"
    if (count is not None or total is not None) and status is None:
        status = "in_progress"

    if status is None and percent is None and count is None and total is None and not figure_given and not bare:
        return None
    return Update(item=item, status=status, percent=percent, count=count, total=total, sure=sure, doubt=doubt)


def _by_kind(signals: list[Signal]) -> dict[str, list]:
    """The values of the signals, by kind, in order."""
    said: dict[str, list] = {}
    for s in signals:
        values = said.get(s.kind)
        if values is None:
            said[s.kind] = [s.value]
        else:
            values.append(s.value)
    return said

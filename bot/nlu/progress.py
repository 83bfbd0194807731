"""From the clauses of a progress reply to updates: who gets which state, percent and count.

Within a clause, item references and signals (see ``states``) are taken in order:

* a signal goes to the references just before it that have none yet ("1、2项已完成",
  "学习计划和调研报告都完成了");
* with none waiting, a signal right before a reference goes to it and to the references that
  directly follow ("召开了2次支委会", "完成了学习计划和调研报告");
* otherwise it adds to the last group ("第2项已完成80%").

A clause with signals but no reference continues the previous clause ("活动室建设遇到困难，需要协调
场地", "第2项，已完成"); with no reference anywhere, the reply is one update with item None.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .items import ItemIndex, Mention, find_mentions
from .model import Update
from .states import Signal, find_signals

_ADJACENT = 1   # at most this many characters between a signal and the reference it leads into


@dataclass
class _Group:
    mentions: list[Mention]
    signals: list[Signal] = field(default_factory=list)


def read_updates(clauses: list[str], index: ItemIndex) -> list[Update]:
    """The updates a reply's clauses make; empty when they name no item and no state."""
    groups: list[_Group] = []
    unattached: list[Signal] = []       # signals before any reference
    for clause in clauses:
        clause_groups, loose = _clause_groups(clause, index)
        if loose:               # only when the clause names no item
            if groups:
                groups[-1].signals.extend(loose)
            else:
                unattached.extend(loose)
        groups.extend(clause_groups)
    if not groups:
        update = _update(None, unattached, None, bare_ok=False)
        return [update] if update else []
    if unattached and not groups[0].signals:
        groups[0].signals.extend(unattached)
    return _updates_for(groups, index)


def _clause_groups(clause: str, index: ItemIndex) -> tuple[list[_Group], list[Signal]]:
    """The groups of one clause; when it names no item, its signals instead."""
    mentions, masked, mask = find_mentions(clause, index)
    signals = [s for s in find_signals(masked, mask) if not _inside(s, mentions)]
    tokens: list[Mention | Signal] = sorted([*mentions, *signals], key=lambda t: (t.start, isinstance(t, Signal)))
    groups: list[_Group] = []
    pending: list[Mention] = []        # references waiting for a signal
    forward: list[Signal] = []         # signals waiting for a reference
    last: _Group | None = None         # the group later signals add to
    joining: _Group | None = None      # a group that directly following references join
    for pos, token in enumerate(tokens):
        if isinstance(token, Mention):
            if forward:
                last = joining = _Group([token], forward)
                groups.append(last)
                forward = []
            elif joining is not None:
                joining.mentions.append(token)
            else:
                pending.append(token)
                last = None
            continue
        joining = None
        if pending:
            last = _Group(pending, [token])
            groups.append(last)
            pending = []
        elif last is not None and not _leads_into(token, tokens[pos + 1] if pos + 1 < len(tokens) else None):
            last.signals.append(token)
        else:
            forward.append(token)
    if pending:
        groups.append(_Group(pending))
    if forward and groups:
        groups[-1].signals.extend(forward)
        forward = []
    return groups, forward


def _inside(signal: Signal, mentions: list[Mention]) -> bool:
    """Whether a signal lies wholly within the title words of a reference (a title read as a state)."""
    return any(s <= signal.start and signal.end <= e for m in mentions for s, e in m.spans)


def _leads_into(signal: Signal, following: Mention | Signal | None) -> bool:
    """Whether the token after ``signal`` is a reference starting right after it ("召开了|支委会")."""
    return isinstance(following, Mention) and following.start - signal.end <= _ADJACENT


def _updates_for(groups: list[_Group], index: ItemIndex) -> list[Update]:
    """One update per item named (signals of repeated mentions merged), plus the unresolved ones."""
    per_item: dict[int, list[Signal]] = {}
    others: list[tuple[Mention, list[Signal]]] = []
    for group in groups:
        for mention in group.mentions:
            if len(mention.items) and not mention.ambiguous:
                for item in mention.items:
                    per_item.setdefault(item, []).extend(group.signals)
            else:
                others.append((mention, group.signals))
    updates = []
    for item, signals in per_item.items():
        updates.append(_update(index.ids[item], signals, index.quantified[item]))
    for mention, signals in others:
        if mention.rest and per_item:     # "其余": the items not named elsewhere
            for item in range(len(index)):
                if item not in per_item:
                    updates.append(_update(index.ids[item], signals, index.quantified[item]))
        elif mention.ambiguous:
            quantified = all(index.quantified[k] for k in mention.items)
            update = _update(None, signals, quantified)
            update.candidates = [index.ids[k] for k in mention.items]
            updates.append(update)
        else:       # a position or 编号 not in the list, or "其余" with nothing else named
            updates.append(_update(None, signals, None))
    return [u for u in updates if u is not None]


def _update(item: str | None, signals: list[Signal], quantified: bool | None,
            bare_ok: bool = True) -> Update | None:
    """Resolve the signals about one item into an update.

    ``quantified`` is None when the item is unknown. Priorities: closed, blocked, an explicit
    percent (100 done, 0 not started, else in progress), not started, in progress, done, not
    closed off (in progress). A held
    activity ("召开了", "讲了") is one more time of a quantified duty, and done for other items.
    Returns None when there is nothing to report and ``bare_ok`` is False.
    """
    statuses = {s.value for s in signals if s.kind == "status"}
    percents = [s.value for s in signals if s.kind == "percent"]
    counts = [s.value for s in signals if s.kind == "count"]
    held = any(s.kind == "held" for s in signals)
    percent = percents[-1] if percents else None
    count = counts[-1] if counts else None

    if "closed" in statuses:
        status = "closed"
    elif "blocked" in statuses:
        status = "blocked"
    elif percent is not None:
        status = "done" if percent >= 100 else "not_started" if percent == 0 else "in_progress"
    elif "not_started" in statuses:
        status = "not_started"
    elif "in_progress" in statuses:
        status = "in_progress"
    elif "done" in statuses:
        status = "done"         # "已整改到位，尚未销号" is done, waiting to be closed off
    elif "not_closed" in statuses:
        status = "in_progress"
    else:
        status = None

    if quantified:
        if count is None and held:
            count = 1
        if count is not None and status == "done":
            status = "in_progress"  # "已完成2次" is two more times; the store compares the total with the target
    elif quantified is None:
        if count is not None and not held and status is None and percent is None:
            count = None        # "第一次" alone says nothing about an item
        if status is None and held and count is None:
            status = "done"
    else:
        count = None
        if status is None and held:
            status = "done"
    if count is not None and status is None:
        status = "in_progress"

    if status is None and percent is None and count is None and not bare_ok:
        return None
    return Update(item=item, status=status, percent=percent, count=count)

"""催报: the rules of a secretary's nudge to those who have not reported this month.

* **Whom.** The month's non-reporters (``models.lookups.unreported``: active members owing a
  report) in the secretary's units — their unit and every unit below it, down the tree only: an
  administrator's nudge does not reach the 党组 above them (``reach``) — or in the unit or the
  person the secretary names, which must lie within those units. The sender is never nudged.
* **At most once a day per person.** Each nudge is a ``PushLog`` row for the occasion
  ``nudge:YYYY-MM-DD`` (the local day) and the member; the row is unique, so a second nudge the
  same day — by the same secretary or another — claims nobody already claimed (``claim``). The
  rows are claimed ``pending`` in the handler's transaction with the send attempt on record; the
  message goes out after the commit, and ``settle`` marks the rows sent, failed or invalid. A row
  whose send failed may be claimed again the same day (as ``schedules.delivery`` retries); a
  process killed between commit and send leaves a pending row that is never resent (at most once).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.db import session_scope
from models.lookups import expected_reporters, report_for, unreported
from models.notices import find_unit, no_such_unit, outside_units
from models.organisation import Tree
from models.push_log import claim_many, marked, outcome
from models.tables import Member, PushLog, PushStatus, utcnow

if TYPE_CHECKING:       # the type only: models knows nothing of the sender (README, Dependencies)
    from bot.wecom import SendResult

_UNIT_WORD_RE = re.compile(r"(?:党支部|支部|党总支|总支|党委|党组|党小组|单位|机关)$")


def occasion(at: datetime, tz: ZoneInfo) -> str:
    """The push-log occasion of the day's nudges: "nudge:2026-11-20" (the local day)."""
    return f"nudge:{at.astimezone(tz):%Y-%m-%d}"


@dataclass
class Plan:
    """Whom a nudge is for: ``due`` (not reported), or why nobody is (``reason``)."""

    label: str                                      # "第一党支部及下级单位", "吴三"
    due: list[Member] = field(default_factory=list)
    expected: int = 0                               # how many owe the month's report there
    reason: str = ""                                # a named person who owes nothing, or reported


def reach(tree: Tree, sender: Member) -> list[int]:
    """The units a nudge may reach: the sender's own and those below it, never above — an
    administrator's nudge too (being an administrator is no place in the tree)."""
    return tree.subtree(sender.unit_id) if sender.is_secretary else []


def _reach_label(tree: Tree, sender: Member) -> str:
    """``reach`` as it reads: "市政协机关党委及下级单位", "第一党支部"."""
    return tree.name(sender.unit_id) + ("及下级单位" if len(reach(tree, sender)) > 1 else "")


def _outside(tree: Tree, sender: Member, who: str) -> str:
    return outside_units(who, "无法提醒", f"您可提醒{_reach_label(tree, sender)}的人员。")


def _person(session: Session, tree: Tree, sender: Member, name: str, month: str) -> Plan | str:
    people = list(session.exec(select(Member).where(Member.name == name).order_by(Member.id)))
    if not people:
        if _UNIT_WORD_RE.search(name):
            return no_such_unit(tree, name)
        return f"没有找到名为“{name}”的党员，请核对姓名，或说“提醒没报的”提醒全部未报人员。"
    allowed = set(reach(tree, sender))
    inside = [p for p in people if p.unit_id in allowed]
    if not inside:
        return _outside(tree, sender, f"{name}（{tree.name(people[0].unit_id)}）")
    person = next((p for p in inside if p.active), None)
    if person is None:
        return f"{name}已不在册，无需提醒。"
    if person.id == sender.id:
        return "无需提醒自己。"
    if report_for(session, person.id, month):
        return Plan(name, [], 1, reason=f"{name}本月已报送，无需提醒。")
    if person.id not in {m.id for m in expected_reporters(session, person.unit_id, int(month[:4]))}:
        return Plan(name, [], 0, reason=f"{name}目前没有需要报送的事项，无需提醒。")
    return Plan(name, [person], 1)


def plan(session: Session, tree: Tree, sender: Member, target: str, month: str) -> Plan | str:
    """The non-reporters the nudge is for, or why it cannot be sent (a unit or person outside the
    sender's units, or not found)."""
    if target:
        unit_id = find_unit(tree, target)
        if unit_id is None:
            return _person(session, tree, sender, target, month)
        return plan_unit(session, tree, sender, unit_id, month)
    return _due(session, sender, reach(tree, sender), _reach_label(tree, sender), month)


def plan_unit(session: Session, tree: Tree, sender: Member, unit_id: int, month: str) -> Plan | str:
    """The non-reporters of the unit ``unit_id`` and those below it (the console's 催报 button), or
    why not: the unit must lie within the sender's reach."""
    if unit_id not in reach(tree, sender):
        return _outside(tree, sender, tree.name(unit_id))
    units = tree.subtree(unit_id)
    return _due(session, sender, units, tree.name(unit_id) + ("及下级单位" if len(units) > 1 else ""), month)


def _due(session: Session, sender: Member, units: list[int], label: str, month: str) -> Plan:
    wanted = set(units)
    expected = [m for m in expected_reporters(session, None, int(month[:4])) if m.unit_id in wanted]
    due = [m for m in unreported(session, None, month) if m.unit_id in wanted and m.id != sender.id]
    return Plan(label, due, len(expected))


# --- the push log -------------------------------------------------------------------------------

def claim(session: Session, key: str, members: list[Member], content: str,
          at: datetime) -> tuple[list[Member], list[Member]]:
    """Claim the day's nudge of each member (``models.push_log.claim_many``): (claimed, already nudged
    today). The send follows the commit at once, so the claim records the attempt."""
    taken = claim_many(session, [(key, m.id, content) for m in members], at)
    claimed = [m for m in members if (key, m.id) in taken]
    return claimed, [m for m in members if (key, m.id) not in taken]


def settle(engine: Engine, key: str, members: dict[int, str], result: SendResult) -> None:
    """Mark the claimed rows (member id → account) as the send turned out (``models.push_log.outcome``):
    sent, failed (may be claimed again today) or invalid (WeCom named the account invalid)."""
    groups: dict[tuple[PushStatus, str | None], list[int]] = defaultdict(list)
    for mid, account in members.items():
        groups[outcome(result, account)].append(mid)
    now = utcnow()
    with session_scope(engine) as session:
        for (status, error), ids in groups.items():
            session.connection().execute(
                update(PushLog).where(PushLog.occasion == key, PushLog.member_id.in_(sorted(ids)),
                                      PushLog.status == PushStatus.PENDING).values(**marked(status, error, now)))

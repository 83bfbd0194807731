"""The organisation as a tree: 党组 → 机关党委 → 党总支 → 党支部, and who answers for what.

三级书记: each secretary answers for their own unit and every unit below it. A unit without a
secretary is covered by the nearest secretary above it; nobody answers for themself — the
secretary responsible for a person is the nearest one above them who is not that person.

``Tree`` is loaded once per transaction (the units as rows, the active secretaries when first asked
for: a few hundred rows at most) and answers the walks in memory. Members who have left (``Member.active`` false) are nobody's
secretary and nobody's responsibility.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlmodel import Session, select

from models.tables import SECRETARY_TITLES, Member, Unit

_UNITS = select(Unit.id, Unit.name, Unit.parent_id).order_by(Unit.id)


@dataclass
class Tree:
    units: dict[int, Unit]                      # unit id → its row (id, name, parent_id)
    children: dict[int | None, list[int]] = field(default_factory=dict)
    session: Session | None = None              # where the secretaries are read, when first asked for

    @classmethod
    def load(cls, session: Session) -> Tree:
        """The units as plain rows (a question's scope needs only their names and parents: a
        thousand ORM objects cost more than the rest of a member's question); the secretaries
        when first needed."""
        units = {u.id: u for u in session.connection().execute(_UNITS)}
        tree = cls(units, session=session)
        for u in units.values():
            parent = u.parent_id if u.parent_id in units else None
            tree.children.setdefault(parent, []).append(u.id)
        return tree

    @cached_property
    def secretaries(self) -> dict[int, Member]:
        """Unit id → its secretary (the first by id, among members still on the rolls)."""
        out: dict[int, Member] = {}
        for m in self.session.exec(select(Member).where(Member.title.in_(SECRETARY_TITLES), Member.active)
                                   .order_by(Member.id)):
            out.setdefault(m.unit_id, m)
        return out

    def roots(self) -> list[int]:
        return list(self.children.get(None, []))

    def subtree(self, unit_id: int) -> list[int]:
        """``unit_id`` and every unit below it, parents before children."""
        out, stack, seen = [], [unit_id], set()
        while stack:
            uid = stack.pop()
            if uid in seen or uid not in self.units:
                continue
            seen.add(uid)
            out.append(uid)
            stack.extend(reversed(self.children.get(uid, [])))
        return out

    def in_order(self) -> list[int]:
        """Every unit, down the tree."""
        out = []
        for root in self.roots():
            out.extend(self.subtree(root))
        return out + [u for u in self.units if u not in set(out)]     # units on a (corrupt) cycle

    def ancestors(self, unit_id: int) -> list[int]:
        """The units above ``unit_id``, nearest first."""
        out, seen = [], {unit_id}
        parent = self.units[unit_id].parent_id if unit_id in self.units else None
        while parent is not None and parent in self.units and parent not in seen:
            out.append(parent)
            seen.add(parent)
            parent = self.units[parent].parent_id
        return out

    def covering_secretary(self, unit_id: int) -> Member | None:
        """The unit's secretary, else the nearest one above (a unit without a secretary is covered)."""
        for uid in [unit_id, *self.ancestors(unit_id)]:
            if uid in self.secretaries:
                return self.secretaries[uid]
        return None

    def responsible_for(self, member: Member) -> Member | None:
        """The secretary who answers for ``member``: the nearest one above them that is not them."""
        for uid in [member.unit_id, *self.ancestors(member.unit_id)]:
            boss = self.secretaries.get(uid)
            if boss is not None and boss.id != member.id:
                return boss
        return None

    def units_of(self, member: Member) -> list[int]:
        """The units a member may ask about and act on: all for an administrator, a secretary's unit
        and everything below, nothing for others (they ask about themselves)."""
        if member.is_admin:
            return self.in_order()
        if member.is_secretary:
            return self.subtree(member.unit_id)
        return []

    def name(self, unit_id: int) -> str:
        return self.units[unit_id].name if unit_id in self.units else ""

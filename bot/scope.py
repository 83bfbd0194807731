"""Who and what a query covers: the asker's units, or the unit, person or month the question names.

Scope is the subtree (三级书记): a secretary's queries cover their unit and every unit below it;
an administrator's the whole organisation; a member asks about themself only. A question may name
a unit ("第二支部谁还没报", short forms included, or 全机关), a person ("李娜报了吗") or a month
("11月", "上个月"): the answer is about exactly that, or says why not — outside the asker's units,
or no such unit (with the closest names). The grammar is ``bot.nlu.scopes``; the tree
``models.organisation``.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, bindparam
from sqlmodel import select

from bot.nlu.scopes import read_scope
from bot.router import Message
from bot.texts import only_for
from models.lookups import month_key
from models.notices import no_such_unit, outside_units
from models.organisation import Tree
from models.tables import Member


@dataclass
class Asked:
    """What to answer about."""

    tree: Tree
    units: list[int]            # unit ids to answer for, down the tree (empty: the asker alone)
    people: list[Member]        # people named (empty: none named)
    month: str                  # "2026-11"
    label: str                  # how the scope reads: "第一党支部", "市政协机关党委及下级单位"
    own: bool                   # the asker's default scope, nothing named
    month_named: bool = False   # the question names its month ("11月", "上个月")


def asked(msg: Message) -> Asked | str:
    """The scope of ``msg``'s question, or the reply saying why it cannot be answered."""
    session, member = msg.session, msg.member
    tree = Tree.load(session)
    names = {u.name: uid for uid, u in tree.units.items()}
    allowed = tree.units_of(member)
    people_names = _names_in(session, msg.text)
    scope = read_scope(msg.text, names, people_names, msg.at.date())
    month = scope.month or month_key(msg.at, msg.runtime.tz)
    named = scope.month is not None
    if scope.unknown_units and not scope.units:
        return no_such_unit(tree, scope.unknown_units[0], noun="")
    if scope.people:
        people = _people(session, tree, scope, names)
        inside = [p for p in people if p.id == member.id or p.unit_id in allowed]
        missing = [p.name for p in people if p.name not in {q.name for q in inside}]
        if missing:                 # a name nobody of which is in the asker's units
            return outside_units(missing[0], "无法查询", _you_may(tree, member))
        return Asked(tree, [], inside, month, "、".join(dict.fromkeys(p.name for p in inside)), own=False,
                     month_named=named)
    if scope.units:
        outside = [u for u in scope.units if names[u] not in allowed]
        if outside:
            return outside_units(outside[0], "无法查询", _you_may(tree, member))
        units = list(dict.fromkeys(uid for u in scope.units for uid in tree.subtree(names[u])))
        return Asked(tree, units, [], month, "、".join(scope.units), own=False, month_named=named)
    if scope.whole and not member.is_admin and not member.is_secretary:
        return only_for("查询全机关的情况", "书记和管理员", _you_may(tree, member))
    if not allowed:
        return Asked(tree, [], [member], month, "您", own=True, month_named=named)
    label = "全机关" if member.is_admin else tree.name(member.unit_id) + ("及下级单位" if len(allowed) > 1 else "")
    return Asked(tree, allowed, [], month, label, own=True, month_named=named)


def _people(session, tree: Tree, scope, names: dict[str, int]) -> list[Member]:
    """The people on the rolls of the names given; a unit named with them ("第一支部李娜") narrows
    them to that unit and those below."""
    people = list(session.exec(select(Member).where(Member.name.in_(scope.people), Member.active).order_by(Member.id)))
    if scope.units:
        within = {uid for u in scope.units for uid in tree.subtree(names[u])}
        people = [p for p in people if p.unit_id in within] or people
    return people


# A name is 2 to NAME_CHARS characters; a question of up to LOOKED_UP characters has its names
# looked up among its parts, a longer one (rare) every name is tried against.
NAME_CHARS, LOOKED_UP = 16, 100
_NAMED = select(Member.name).where(Member.active, Member.name.in_(bindparam("names", expanding=True)))
_NAMED_IN = select(Member.name).where(Member.active, bindparam("text", type_=String).contains(Member.name))


def _names_in(session, text: str) -> set[str]:
    """The names of members on the rolls that occur in ``text``: found by the index on
    ``member.name`` among the text's parts, not by trying every member's name against the text (a
    scan that grew with the organisation, on every question)."""
    if len(text) > LOOKED_UP:
        return set(session.connection().execute(_NAMED_IN, {"text": text}).scalars())
    parts = {text[i:j] for i in range(len(text)) for j in range(i + 2, min(len(text), i + NAME_CHARS) + 1)}
    return set(session.connection().execute(_NAMED, {"names": sorted(parts)}).scalars()) if parts else set()


def _you_may(tree: Tree, member: Member) -> str:
    if member.is_admin:
        return ""
    if member.is_secretary:
        return f"您可查询{tree.name(member.unit_id)}及其下级单位。"
    return "您可查询本人的情况，如“我这个月报了吗”“我的清单”。"

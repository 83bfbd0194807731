"""The 单位 page: the 挂图作战 board of a secretary's subtree (an administrator's: the whole
organisation), and a person's whole list — within exactly the units chat lets the viewer ask about
(``models.organisation.Tree.units_of``, as ``bot.scope``). A unit or person outside them is
refused with 403, one that does not exist with 404, in Chinese.

Every item of the units is a row (its owner's number, as in chat), coloured by ``items.signal``;
the filters are query parameters (清单 ``kind``, 单位 ``unit``, 人员 ``owner``, 状态 ``status``,
颜色 ``signal``). Under the board: this month's report rate per unit and who has not reported
(``models.lookups.reporting_by_unit``, as "谁还没报"), with each unit's 红叉 of the year
(``models.ladder.marks_of_year``: a red ✗ and the count standing, the cleared ones beside).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.console.items import Row, add_history, rows_of
from bot.statuses import KIND_ZH, STATUS_ZH
from models.ladder import Tally, marks_of_year
from models.lookups import listed, reporting_by_unit
from models.meetings import branches
from models.organisation import Tree
from models.tables import Item, Member

SIGNALS = {"red": "红", "amber": "黄", "green": "绿"}
PEOPLE_LISTED = 300          # more people than this: no 人员 list to choose from (their names still link)


class Refused(Exception):
    """A page the viewer may not see, or that does not exist: its status and the Chinese reason."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass
class Filters:
    kind: str = ""
    unit: int | None = None
    owner: int | None = None
    status: str = ""
    signal: str = ""


def read_filters(query) -> Filters:
    """The board's query parameters, each checked (400 for a value that means nothing)."""
    f = Filters(kind=query.get("kind", ""), status=query.get("status", ""), signal=query.get("signal", ""))
    if (f.kind and f.kind not in KIND_ZH) or (f.status and f.status not in STATUS_ZH) or \
            (f.signal and f.signal not in SIGNALS):
        raise Refused(400, "筛选条件无效，请从页面上的选项中选择。")
    f.unit, f.owner = _number(query.get("unit")), _number(query.get("owner"))
    return f


def _number(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        raise Refused(404, "没有找到这个页面。")
    return int(value)


@dataclass
class UnitRate:
    unit: str
    expected: int
    reported: int
    missing: list[str]
    unit_id: int = 0
    marks: Tally = field(default_factory=Tally)     # the unit's 红叉 of the year (models.ladder)

    @property
    def rate(self) -> int:
        return round(100 * self.reported / self.expected) if self.expected else 100


@dataclass
class Board:
    label: str
    rows: list[Row]
    rates: list[UnitRate]
    units: list[tuple[int, str]]            # the 单位 to choose from
    people: list[tuple[int, str]]           # the 人员 to choose from (empty: too many)
    filters: Filters
    counts: dict[str, int] = field(default_factory=dict)
    branches: set[int] = field(default_factory=set)         # units with a 三会一课 calendar (党支部)
    marks: dict[int, Tally] = field(default_factory=dict)   # person → their 红叉 of the year


def allowed_units(tree: Tree, viewer: Member) -> list[int]:
    units = tree.units_of(viewer)
    if not units:
        raise Refused(403, "“单位”页面仅限各级书记和管理员查看。您可以在“我的清单”查看本人的事项。")
    return units


def _within(tree: Tree, viewer: Member, unit_id: int) -> None:
    if unit_id not in tree.units:
        raise Refused(404, "没有这个单位。")
    if unit_id not in tree.units_of(viewer):
        mine = "" if viewer.is_admin else f"您可查看{tree.name(viewer.unit_id)}及其下级单位。"
        raise Refused(403, f"无权查看该单位。{mine}")


def board(session: Session, viewer: Member, f: Filters, today: date, month: str) -> Board:
    tree = Tree.load(session)
    allowed = allowed_units(tree, viewer)
    units = allowed
    if f.unit is not None:
        _within(tree, viewer, f.unit)
        units = tree.subtree(f.unit)
    if f.owner is not None:
        owner = session.get(Member, f.owner)
        if owner is None:
            raise Refused(404, "没有这个人。")
        _within(tree, viewer, owner.unit_id)
    rows = _rows(session, tree, units, today)
    people = sorted({(r.item.owner_id, r.owner) for r in rows}, key=lambda p: p[1])
    shown = [r for r in rows if _matches(r, f)]
    counts = {s: sum(r.signal == s for r in shown) for s in SIGNALS}
    label = tree.name(f.unit) if f.unit is not None else ("全机关" if viewer.is_admin else tree.name(viewer.unit_id))
    people_marks, unit_marks = marks_of_year(session, int(month[:4]))
    return Board(label, shown, _rates(session, tree, units, month, unit_marks), [(u, tree.name(u)) for u in allowed],
                 people if len(people) <= PEOPLE_LISTED else [], f, counts, set(branches(session, units)),
                 people_marks)


def _matches(row: Row, f: Filters) -> bool:
    item = row.item
    return ((not f.kind or item.kind == f.kind) and (f.owner is None or item.owner_id == f.owner)
            and (not f.status or item.status == f.status) and (not f.signal or row.signal == f.signal))


def _rows(session: Session, tree: Tree, units: list[int], today: date) -> list[Row]:
    """Every item of ``units`` on its owner's numbered list, by unit down the tree, then owner."""
    within = set(units)
    owners = sorted(set(session.exec(select(Item.owner_id).where(Item.unit_id.in_(units), listed(today.year)))))
    names = dict(session.connection().execute(select(Member.id, Member.name).where(Member.id.in_(owners))).all()) \
        if owners else {}
    unit_names = {u: tree.name(u) for u in units}
    rows = [r for r in rows_of(session, owners, today.year, today, names, unit_names) if r.item.unit_id in within]
    place = {u: n for n, u in enumerate(units)}
    return sorted(rows, key=lambda r: (place[r.item.unit_id], r.owner, r.item.owner_id, r.number))


def _rates(session: Session, tree: Tree, units: list[int], month: str, marks: dict[int, Tally]) -> list[UnitRate]:
    reporting = reporting_by_unit(session, units, month)
    return [UnitRate(tree.name(u), len(people), len(people) - len(missing), [m.name for m in missing], u,
                     marks.get(u, Tally()))
            for u in units if u in reporting for people, missing in [reporting[u]]]


def person(session: Session, viewer: Member, member_id: int, today: date, tz: ZoneInfo) -> tuple[Member, list[Row]]:
    """A person's whole numbered list with each item's history: the viewer's own, or one of the
    people in the units the viewer may see."""
    target = session.get(Member, member_id)
    if target is None:
        raise Refused(404, "没有这个人。")
    if target.id != viewer.id:
        tree = Tree.load(session)
        if target.unit_id not in tree.units_of(viewer):
            raise Refused(403, "无权查看此人的清单。您可以在“我的清单”查看本人的事项。")
    return target, my_rows(session, target, today, tz)


def my_rows(session: Session, member: Member, today: date, tz: ZoneInfo) -> list[Row]:
    tree = Tree.load(session)
    rows = rows_of(session, [member.id], today.year, today, {member.id: member.name},
                   {u: tree.name(u) for u in tree.units})
    add_history(session, rows, tz)
    return rows

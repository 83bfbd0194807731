"""The 单位 page: the 挂图作战 board of a secretary's subtree (an administrator's: the whole
organisation), and a person's whole list — within exactly the units chat lets the viewer ask about
(``models.organisation.Tree.units_of``, as ``bot.scope``). A unit or person outside them is
refused with 403, one that does not exist with 404, in Chinese.

Every item of the units is a row (its owner's number, as in chat), coloured by ``items.signal``;
the filters are query parameters (清单 ``kind``, 单位 ``unit``, 人员 ``owner``, 状态 ``status``,
颜色 ``signal``). Under the board: this month's report rate of the board's unit (its own members)
and of each unit right below it, counted with everything below that, opened level by level while
the table stays short (``_report_rows``: a 机关党委's 20 党总支, each linking to its own board, where
its branches are rows), and who has not reported in
the rows of a single unit (``models.lookups.report_counts`` / ``missing_reporters``: the people
"谁还没报" counts, counted in the database), with each row's 红叉 of the year
(``models.ladder.marks_by_unit``: a red ✗ and the count standing, the cleared ones beside).

A 机关党委's board has tens of thousands of rows, so it comes in pages of about ``PAGE_ROWS``
(whole people: one person's items are never split), in a constant number of queries whatever the
size: the counts by colour (``items.signal_sql``) and each person's number of rows in the database,
then the page's people's lists (``items.rows_of``). The filters apply to every page and the counts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import Session, select

from bot.console.items import Row, add_history, rows_of, signal_sql
from bot.statuses import KIND_ZH, STATUS_ZH
from models.ladder import Tally, marks_by_unit, marks_of_people
from models.lookups import listed, missing_reporters, report_counts
from models.meetings import branches
from models.organisation import Tree
from models.tables import Item, Member

SIGNALS = {"red": "红", "amber": "黄", "green": "绿"}
PEOPLE_LISTED = 300          # more people than this: no 人员 list to choose from (their names still link)
REPORT_ROWS = 40             # the report table opens a level down while its rows stay within this
PAGE_ROWS = 100              # rows a page of the board holds, about: whole people, never split


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
    below: bool = False      # counted with the units below it: the names are on its own board

    @property
    def unreported(self) -> int:
        return self.expected - self.reported

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
    page: int = 1
    pages: int = 1
    branches: set[int] = field(default_factory=set)         # units with a 三会一课 calendar (党支部)
    marks: dict[int, Tally] = field(default_factory=dict)   # person → their 红叉 of the year
    scope: list[int] = field(default_factory=list)          # the units on the board

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def allowed_units(tree: Tree, viewer: Member) -> list[int]:
    units = tree.units_of(viewer)
    if not units:
        raise Refused(403, "“单位”页面仅限各级书记和管理员查看。您可以在“我的清单”查看本人的事项。")
    return units


def _within(tree: Tree, viewer: Member, unit_id: int, allowed: list[int] | None = None) -> None:
    if unit_id not in tree.units:
        raise Refused(404, "没有这个单位。")
    if unit_id not in (tree.units_of(viewer) if allowed is None else allowed):
        mine = "" if viewer.is_admin else f"您可查看{tree.name(viewer.unit_id)}及其下级单位。"
        raise Refused(403, f"无权查看该单位。{mine}")


def board(session: Session, viewer: Member, f: Filters, today: date, month: str, page: int = 1) -> Board:
    tree = Tree.load(session)
    allowed = allowed_units(tree, viewer)
    units = allowed
    if f.unit is not None:
        _within(tree, viewer, f.unit, allowed)
        units = tree.subtree(f.unit)
    if f.owner is not None:
        owner = session.get(Member, f.owner)
        if owner is None:
            raise Refused(404, "没有这个人。")
        _within(tree, viewer, owner.unit_id, allowed)
    in_units = _in_units(tree, units)
    segments, counts = _segments(session, units, _where(in_units, f, today), today)
    pages = _paged(segments)
    page = min(max(page, 1), len(pages) or 1)
    shown = _page_rows(session, tree, pages[page - 1] if pages else [], f, today)
    label = tree.name(f.unit) if f.unit is not None else ("全机关" if viewer.is_admin else tree.name(viewer.unit_id))
    people_marks = marks_of_people(session, int(month[:4]), list({r.item.owner_id for r in shown}))
    return Board(label, shown, _rates(session, tree, units, month), [(u, tree.name(u)) for u in allowed],
                 _people(session, in_units, f, segments, today.year), f, counts, page, max(len(pages), 1),
                 set(branches(session, units)), people_marks, units)


def _in_units(tree: Tree, units: list[int]) -> list:
    """Items of ``units`` in SQL, the shorter way: none when they are all, else the units left out
    when those are fewer (a 机关党委's board: every unit but the 党组)."""
    within = set(units)
    others = [u for u in tree.units if u not in within]
    if not others:
        return []
    return [Item.unit_id.not_in(others)] if len(others) < len(units) else [Item.unit_id.in_(units)]


def _where(in_units: list, f: Filters, today: date) -> list:
    """The board's rows in SQL: the items of the units on their owners' lists, filtered."""
    where = [*in_units, listed(today.year)]
    if f.kind:
        where.append(Item.kind == f.kind)
    if f.owner is not None:
        where.append(Item.owner_id == f.owner)
    if f.status:
        where.append(Item.status == f.status)
    if f.signal:
        where.append(signal_sql(today) == f.signal)
    return where


Segment = tuple[int, int, str, int]         # unit, owner, owner's name, rows


def _segments(session: Session, units: list[int], where: list, today: date) -> tuple[list[Segment], dict[str, int]]:
    """Each person's rows within each unit, in the board's order (down the tree, then by name),
    and the rows by colour: one pass over the items."""
    conn = session.connection()
    colour = signal_sql(today)
    by_colour = [func.sum(case((colour == s, 1), else_=0)) for s in ("red", "amber")]      # green: the rest
    found = conn.execute(select(Item.unit_id, Item.owner_id, func.count(), *by_colour).where(*where)
                         .group_by(Item.unit_id, Item.owner_id)).all()
    if not found:
        return [], {s: 0 for s in SIGNALS}
    columns = list(zip(*found, strict=True))     # column by column: 10,000 people in a 机关党委
    red, amber = int(sum(columns[3])), int(sum(columns[4]))
    counts = {"red": red, "amber": amber, "green": int(sum(columns[2])) - red - amber}
    owners = list(set(columns[1]))
    q = select(Member.id, Member.name)
    names = dict(conn.execute(q.where(Member.id.in_(owners)) if len(owners) <= 1000 else q).all())
    place = {u: n for n, u in enumerate(units)}
    segments = zip(columns[0], columns[1], [names.get(o, "") for o in columns[1]], columns[2], strict=True)
    return sorted(segments, key=lambda s: (place[s[0]], s[2], s[1])), counts


def _paged(segments: list[Segment]) -> list[list[Segment]]:
    pages: list[list[Segment]] = []
    rows = PAGE_ROWS
    for segment in segments:
        if rows >= PAGE_ROWS:
            pages.append([])
            rows = 0
        pages[-1].append(segment)
        rows += segment[3]
    return pages


def _page_rows(session: Session, tree: Tree, page: list[Segment], f: Filters, today: date) -> list[Row]:
    """The rows of the page's people (numbered in their whole lists, as in chat), in board order."""
    if not page:
        return []
    place = {(unit, owner): n for n, (unit, owner, _, _) in enumerate(page)}
    rows = rows_of(session, list(dict.fromkeys(s[1] for s in page)), today.year, today,
                   {s[1]: s[2] for s in page}, {s[0]: tree.name(s[0]) for s in page})
    kept = [r for r in rows if (r.item.unit_id, r.item.owner_id) in place and _matches(r, f)]
    return sorted(kept, key=lambda r: (place[r.item.unit_id, r.item.owner_id], r.number))


def _people(session: Session, in_units: list, f: Filters, segments: list[Segment], year: int) -> list[tuple[int, str]]:
    """The 人员 to choose from: everybody with items in the units (none when more than ``PEOPLE_LISTED``)."""
    if len({s[1] for s in segments}) > PEOPLE_LISTED:           # the rows shown have too many already
        return []
    if f.kind or f.owner is not None or f.status or f.signal:
        q = (select(Item.owner_id, Member.name).join(Member, Member.id == Item.owner_id)
             .where(*in_units, listed(year)).distinct().limit(PEOPLE_LISTED + 1))
        found = set(session.connection().execute(q).all())
    else:
        found = {(s[1], s[2]) for s in segments}
    return sorted(found, key=lambda p: p[1]) if len(found) <= PEOPLE_LISTED else []


def _matches(row: Row, f: Filters) -> bool:
    item = row.item
    return ((not f.kind or item.kind == f.kind) and (f.owner is None or item.owner_id == f.owner)
            and (not f.status or item.status == f.status) and (not f.signal or row.signal == f.signal))


def _report_rows(tree: Tree, units: list[int]) -> list[tuple[int, list[int]]]:
    """The report table's rows, each a unit and the units counted in it: the board's head unit by
    itself and the units right below it with their subtrees; then, level by level while the rows
    stay within ``REPORT_ROWS``, each of those opened the same way (an administrator's 党组 → its
    机关党委 by itself and the 20 党总支)."""
    within = set(units)
    heads = [(u, tree.subtree(u)) for u in units if tree.units[u].parent_id not in within]
    rows = _opened(tree, heads, within)
    while (deeper := _opened(tree, rows, within)) != rows and len(deeper) <= REPORT_ROWS:
        rows = deeper
    return rows


def _opened(tree: Tree, rows: list[tuple[int, list[int]]], within: set[int]) -> list[tuple[int, list[int]]]:
    out = []
    for unit, covered in rows:
        below = [c for c in tree.children.get(unit, []) if c in within] if len(covered) > 1 else []
        out.append((unit, [unit] if below else covered))
        out.extend((c, tree.subtree(c)) for c in below)
    return out


def _rates(session: Session, tree: Tree, units: list[int], month: str) -> list[UnitRate]:
    """This month's reporting: each head unit of the board by its own members, then each unit right
    below it counted with its whole subtree (a 机关党委's 20 党总支, not its 500 branches: each
    links to its own board). Names of who has not reported are read for the rows of one unit."""
    rows = _report_rows(tree, units)
    counts = report_counts(session, units, month)
    names = missing_reporters(session, [u for u, covered in rows if len(covered) == 1], month)
    marks = marks_by_unit(session, int(month[:4]))
    out = []
    for unit, covered in rows:
        found = [counts[u] for u in covered if u in counts]
        expected, reported = sum(n for n, _ in found), sum(sent for _, sent in found)
        if expected:
            tally = Tally()
            for u in covered:
                tally.merge(marks.get(u, Tally()))
            out.append(UnitRate(tree.name(unit), expected, reported, names.get(unit, []), unit, tally, len(covered) > 1))
    return out


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

"""Read-only lookups shared by handlers, schedules, the workbook and the CLI. Nothing here writes.

Numbering matters: a person's items of the year are numbered once for the year (``listed``, in
``list_order``) and every reply, prompt, reminder and the reading of "第2项" use that one
list (``owners_items``), so "第2项" means the same item everywhere and all year: an item that
finishes, or is closed off, keeps its number and is shown as finished.

The lookups every callback makes (the sender, their items, their month's report) are statements
built once with bound parameters: building a SQLAlchemy statement costs more than
running it on SQLite, and a statement built once also reuses its compiled SQL from the cache.
"""
from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, case, exists, func, or_
from sqlmodel import Session, select

from bot.nlu.codes import code_key, key_of
from models.tables import (
    FINISHED,
    SECRETARY_TITLES,
    Item,
    ItemKind,
    ItemStatus,
    Member,
    MonthlyReport,
    StarScore,
    account_key,
)

KIND_ORDER = {ItemKind.RESPONSIBILITY: 0, ItemKind.PROJECT: 1, ItemKind.RECTIFICATION: 2}


def month_key(at: datetime, tz: ZoneInfo) -> str:
    """"2026-11" for the month ``at`` falls in, in the configured zone."""
    return at.astimezone(tz).strftime("%Y-%m")


def _natural(code: str) -> tuple:
    """"Z-10" → ("Z-", 10, ""): 编号 compared number by number."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


@lru_cache(maxsize=65536)
def _kind_and_code(kind: str, code: str) -> tuple[int, tuple]:
    """The kind's place and the 编号 compared number by number. Cached: the same 编号 recur in
    every list, and each callback sorts its sender's items."""
    return KIND_ORDER.get(ItemKind(kind), 9), _natural(code)


def item_sort_key(item: Item) -> tuple:
    """Responsibility, project, rectification; by 编号; earlier years' leftovers after this year's."""
    kind, code = _kind_and_code(item.kind, item.code)
    return (kind, -item.year, code, item.id or 0)


def list_order(items: Iterable, year: int) -> list:
    """One person's items of ``year`` (``listed``) in the order their list numbers them: the items
    the list began with (the year's first import of theirs, and what was carried into it) by
    ``item_sort_key``, then each item an import added later, in the order added — so an addition
    takes the next number and moves none. Items added before ``Item.added_at`` was kept count as
    the beginning of the list."""
    mine = list(items)
    stamps = [i.added_at for i in mine if i.year == year]
    if not stamps:
        return sorted(mine, key=item_sort_key)
    first = None if None in stamps else min(stamps)     # None: the list began before added_at was kept

    def place(item) -> tuple:
        if item.added_at is not None and (first is None or item.added_at > first):
            return (1, item.added_at, item_sort_key(item))
        return (0, item_sort_key(item))

    return sorted(mine, key=place)


# --- people and units ----------------------------------------------------------------------

def member_by_account(session: Session, account: str) -> Member | None:
    return members_by_accounts(session, [account]).get(account)


# lower(account) as the unique index ux_member_account_lower has it, so the index finds them.
_MEMBERS_BY_ACCOUNTS = select(Member).where(func.lower(Member.account).in_(bindparam("keys", expanding=True)))


def members_by_accounts(session: Session, accounts: Iterable[str]) -> dict[str, Member]:
    """The members holding ``accounts`` in any case ("SUNDY" finds the member ``sundy``:
    ``account_key``), by each account as given (an account nobody holds is left out), in one
    indexed query: the senders of the callbacks answered together (``bot.conversation``)."""
    wanted = list(dict.fromkeys(accounts))
    if not wanted:
        return {}
    keys = list(dict.fromkeys(map(account_key, wanted)))
    found = {account_key(m.account): m for m in session.exec(_MEMBERS_BY_ACCOUNTS, params={"keys": keys})}
    return {a: found[account_key(a)] for a in wanted if account_key(a) in found}


def secretaries(session: Session) -> list[Member]:
    return list(session.exec(select(Member).where(Member.title.in_(SECRETARY_TITLES), Member.active)
                             .order_by(Member.id)))


def owner_names(session: Session, items: Iterable[Item]) -> dict[int, str]:
    """The names of the owners of ``items``, by member id: only those, not the whole roll of
    thousands, and only their names (a question over a whole organ names some 10,000)."""
    ids = list({i.owner_id for i in items})
    if not ids:
        return {}
    return dict(session.connection().execute(select(Member.id, Member.name).where(Member.id.in_(ids))).all())


def latest_star_scores(session: Session, unit_ids: Iterable[int]) -> dict[int, StarScore]:
    """Each unit's latest star assessment, by unit id (a unit never assessed is left out), in one
    query however many units are asked about."""
    wanted = list(unit_ids)
    if not wanted:
        return {}
    latest: dict[int, StarScore] = {}
    for score in session.exec(select(StarScore).where(StarScore.unit_id.in_(wanted))
                              .order_by(StarScore.unit_id, StarScore.year.desc())):
        latest.setdefault(score.unit_id, score)
    return latest


def live(year: int):
    """The items that count in ``year``: the year's own, every unfinished project of earlier years,
    and every rectification not yet closed off whatever its year. A responsibility duty belongs to
    its year and closes with it as it stands (``models.yearly``): it is never carried. Built once
    per year: the expression is immutable and shared by every statement using it."""
    return or_(Item.year == year,
               and_(Item.year < year, Item.kind == ItemKind.PROJECT, Item.status.not_in(FINISHED)),
               and_(Item.kind == ItemKind.RECTIFICATION, Item.status != ItemStatus.CLOSED, Item.year < year))


def listed(year: int):
    """The items on a person's numbered list of ``year``: ``live(year)``, and the earlier years'
    projects and rectifications finished or closed off during the year (changed since its first
    moment anywhere), which would otherwise leave the list when they finish and move the numbers
    of the items after them. Built once per year."""
    return _listed(year)


@lru_cache(maxsize=16)
def _listed(year: int):
    first_moment = datetime(year, 1, 1, tzinfo=timezone(timedelta(hours=14)))
    return or_(live(year), and_(Item.year < year, Item.kind != ItemKind.RESPONSIBILITY,
                                Item.updated_at >= first_moment))


class ItemView(namedtuple("ItemRow", [c.name for c in Item.__table__.columns])):
    """An item read for display only, with ``Item``'s attributes and its ``is_open`` rule but none
    of the ORM's cost per row: a month-end digest reads every item of the year (50,000 in a
    province-sized organ), and building that many ORM objects took most of its time. A tuple
    made from the row as it comes (no per-column Python): a 党组 secretary's question reads
    some 20,000 of them."""

    __slots__ = ()
    is_open = Item.is_open


def item_views(session: Session, *conditions) -> list[ItemView]:
    """The items meeting ``conditions``, as ``ItemView``s (read-only)."""
    table = Item.__table__
    return list(map(ItemView._make, session.connection().execute(select(table).where(*conditions))))


@lru_cache(maxsize=16)
def _owners_items_statement(year: int):
    return select(Item).where(Item.owner_id.in_(bindparam("owner_ids", expanding=True)), listed(year))


def owners_items(session: Session, owner_ids: Iterable[int], year: int) -> dict[int, list[Item]]:
    """Each person's numbered list of the year (``listed``), in the order "我的清单" numbers them, in
    one query: {owner id: their items}, every owner asked for present (with [] when they have none)."""
    owners = list(dict.fromkeys(owner_ids))
    if not owners:
        return {}
    items = grouped_by(session.exec(_owners_items_statement(year), params={"owner_ids": owners}), "owner_id")
    return {owner: list_order(items.get(owner, ()), year) for owner in owners}


def my_items(session: Session, member_id: int, year: int) -> list[Item]:
    """A person's numbered list of the year (``listed``), in the order "我的清单" numbers them."""
    return owners_items(session, [member_id], year)[member_id]


def grouped_by(rows: Iterable, column: str) -> dict[int, list]:
    """Rows (members, items) grouped by their ``column`` (``unit_id``, ``owner_id``), each group
    in the order given."""
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(getattr(row, column), []).append(row)
    return grouped


def unit_item_views(session: Session, unit_ids: Iterable[int], year: int, *conditions) -> dict[int, list[ItemView]]:
    """The live items of the year of each of ``unit_ids`` (those also meeting ``conditions``), in
    one query, as ``ItemView``s for display: {unit id: its items in "我的清单" order}, a unit with
    none left out. A secretary's question covers hundreds of units and tens of thousands of items."""
    ids = list(unit_ids)
    if not ids:
        return {}
    return grouped_by(sorted(item_views(session, Item.unit_id.in_(ids), live(year), *conditions), key=item_sort_key),
                      "unit_id")


def overdue_items(items: list[Item], today: date) -> list[Item]:
    """Open items whose deadline has passed."""
    return [i for i in items if i.is_open and i.deadline is not None and i.deadline < today]


def item_with_code(items: list[Item], code: str) -> Item | None:
    """The item of ``items`` whose 编号 is ``code`` in any of its typed forms (Z-2 = Z-02 = z 2)."""
    wanted = code_key(code) or key_of(code)
    return next((i for i in items if key_of(i.code) == wanted), None)


def items_by_code(session: Session, unit_ids: Iterable[int], code: str, year: int,
                  kind: ItemKind | None = None) -> list[Item]:
    """Every live item of ``unit_ids`` in ``year`` whose 编号 reads as ``code`` (by
    ``bot.nlu.codes.code_key``: Z-2 = Z-02 = z 2 = Ｚ－２), in "我的清单" order — more than one when
    people of those units hold items whose 编号 read as one (the caller asks which). The codes are
    read as plain rows (a 党组 secretary's units hold thousands), then only the matches as items."""
    wanted = code_key(code) or key_of(code)
    q = select(Item.id, Item.code).where(Item.unit_id.in_(list(unit_ids)), live(year))
    if kind:
        q = q.where(Item.kind == kind)
    ids = [i for i, c in session.connection().execute(q) if key_of(c) == wanted]
    return sorted(session.exec(select(Item).where(Item.id.in_(ids))), key=item_sort_key) if ids else []


def code_in_use(session: Session, key: str, year: int) -> bool:
    """Whether any item of ``year`` has the 编号 whose key (``bot.nlu.codes.code_key``) is ``key``."""
    prefix = key.rstrip("0123456789")
    codes = session.exec(select(Item.code).where(live(year), func.upper(Item.code).like(f"{prefix}%"))).all()
    return any(key_of(code) == key for code in codes)


# --- monthly reports -------------------------------------------------------------------------

_REPORT_FOR = select(MonthlyReport).where(MonthlyReport.member_id == bindparam("member_id"),
                                          MonthlyReport.month == bindparam("month"))


def report_for(session: Session, member_id: int, month: str) -> MonthlyReport | None:
    return session.exec(_REPORT_FOR, params={"member_id": member_id, "month": month}).first()


def _owing(year: int, *columns):
    """Members owing a monthly report in ``year`` (whole, or only ``columns``): active, owning at
    least one open item of it."""
    return select(*(columns or (Member,))).join(Item, Item.owner_id == Member.id).where(
        live(year), Item.status.not_in(FINISHED), Member.active)


def expected_reporters(session: Session, unit_id: int | None, year: int) -> list[Member]:
    """Those who owe a monthly report: people owning at least one open item of the year."""
    q = _owing(year)
    if unit_id is not None:
        q = q.where(Member.unit_id == unit_id)
    return list(session.exec(q.distinct().order_by(Member.id)))


def reporting_by_unit(session: Session, unit_ids: Iterable[int], month: str) -> dict[int, tuple[list, list]]:
    """For each of ``unit_ids`` with expected reporters (``expected_reporters``): them, and those
    of them with no report for ``month``, as rows of ``id``, ``name`` and ``unit_id`` — in a
    constant number of queries, however many units a secretary's question covers (some 10,000
    people for a 党组 secretary: rows, not ``Member`` objects)."""
    ids = list(unit_ids)
    if not ids:
        return {}
    q = _owing(int(month[:4]), Member.id, Member.name, Member.unit_id).where(Member.unit_id.in_(ids))
    expected = grouped_by(session.connection().execute(q.distinct().order_by(Member.id)), "unit_id")
    reported = reported_members(session, month)
    return {uid: (people, [m for m in people if m.id not in reported]) for uid, people in expected.items()}


def owes_report(year: int):
    """``_owing``'s rule as a condition on ``Member`` (no join, no DISTINCT): active, owning at
    least one open item of ``year``."""
    return and_(Member.active, exists().where(Item.owner_id == Member.id, live(year), Item.status.not_in(FINISHED)))


def report_rates(session: Session, unit_ids: Iterable[int], month: str) -> dict[int, tuple[int, list[str]]]:
    """For each of ``unit_ids`` with expected reporters (as ``reporting_by_unit``): how many, and
    the names of those with no report for ``month`` — counted in the database, in two queries."""
    ids = list(unit_ids)
    counts, missing = report_counts(session, ids, month), missing_reporters(session, ids, month)
    return {unit_id: (n, missing.get(unit_id, [])) for unit_id, (n, _) in counts.items()}


def _owing_in(ids: list[int], month: str) -> tuple[list, object]:
    reported = exists().where(MonthlyReport.member_id == Member.id, MonthlyReport.month == month)
    return [Member.unit_id.in_(ids), owes_report(int(month[:4]))], reported


def report_counts(session: Session, unit_ids: Iterable[int], month: str) -> dict[int, tuple[int, int]]:
    """For each of ``unit_ids`` with expected reporters: how many owe ``month``'s report and how
    many of them sent it, in one query (the console's board of a 机关党委: 10,000 people, no name read)."""
    ids = list(unit_ids)
    if not ids:
        return {}
    owing, reported = _owing_in(ids, month)
    q = (select(Member.unit_id, func.count(), func.sum(case((reported, 1), else_=0))).where(*owing)
         .group_by(Member.unit_id))
    return {unit_id: (n, int(sent or 0)) for unit_id, n, sent in session.connection().execute(q)}


def missing_reporters(session: Session, unit_ids: Iterable[int], month: str) -> dict[int, list[str]]:
    """The names of ``unit_ids``' expected reporters with no report for ``month``, by unit."""
    ids = list(unit_ids)
    if not ids:
        return {}
    owing, reported = _owing_in(ids, month)
    missing: dict[int, list[str]] = {}
    q = select(Member.unit_id, Member.name).where(*owing, ~reported).order_by(Member.id)
    for unit_id, name in session.connection().execute(q):
        missing.setdefault(unit_id, []).append(name)
    return missing


def reports_by_month(session: Session, unit_ids: Iterable[int], year: int) -> tuple[int, dict[str, int]]:
    """The month-by-month trend of ``unit_ids``: how many owe a report in ``year`` now
    (``expected_reporters``), and for each month of the year how many of them reported
    (``reported_by_month``). Who owes is counted as of now, the base of every month."""
    ids = list(unit_ids)
    if not ids:
        return 0, {}
    owing = select(Member.id).where(Member.unit_id.in_(ids), owes_report(year))      # no join, no DISTINCT
    expected = session.connection().execute(select(func.count()).select_from(owing.subquery())).scalar_one()
    return expected, reported_by_month(session, ids, year)


def reported_by_month(session: Session, unit_ids: Iterable[int], year: int) -> dict[str, int]:
    """For each month of ``year``: how many of ``unit_ids``' people who owe a report now sent it, in
    one query however many units."""
    ids = list(unit_ids)
    if not ids:
        return {}
    owing = select(Member.id).where(Member.unit_id.in_(ids), owes_report(year))
    q = (select(MonthlyReport.month, func.count()).where(MonthlyReport.member_id.in_(owing),
                                                         MonthlyReport.month.like(f"{year}-%"))
         .group_by(MonthlyReport.month))
    return dict(session.connection().execute(q).all())


def reported_members(session: Session, month: str) -> set[int]:
    """The ids of the members who reported for ``month``."""
    return set(session.exec(select(MonthlyReport.member_id).where(MonthlyReport.month == month)))


def unreported(session: Session, unit_id: int | None, month: str) -> list[Member]:
    """Expected reporters of ``unit_id`` (all units if None) with no report for ``month``."""
    reported = reported_members(session, month)
    return [m for m in expected_reporters(session, unit_id, int(month[:4])) if m.id not in reported]

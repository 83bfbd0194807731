"""Step 2, check: references across the book and the database, duplicates, cycles and the configured
limits, one function per sheet. Each adds its reasons to the rows (``Row.problems``); a row that
refers to a bad row is bad too. Run in this order, since each sheet refers to the ones before it:
``check_units`` → ``check_members`` → ``check_items`` (each list sheet) → ``check_stars``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from bot.nlu.codes import key_of
from models.stars import DIMENSIONS
from models.tables import Item, Member, StarScore, Unit, account_key
from models.workbook.read import Book, Row
from models.workbook.sheets import ITEM_SHEETS, MEMBERS, OWNER_LABEL, RECTIFICATIONS, STARS, UNITS

# A score may exceed its maximum by this much (floating-point noise from Excel), no more.
_EPSILON = 1e-9


@dataclass
class Db:
    """What is already in the database, by natural key: a member by ``account_key`` (accounts
    ignore case), an item by (kind, 编号, 年度) and by (kind, the 编号 as chat reads it, 年度)."""

    units: dict[str, Unit]
    members: dict[str, Member]
    items: dict[tuple[str, str, int], Item]
    stars: dict[tuple[int, int], StarScore]
    codes: dict[tuple[str, str, int], str]

    @classmethod
    def load(cls, session: Session) -> Db:
        items = {(i.kind, i.code, i.year): i for i in session.exec(select(Item))}
        return cls(
            units={u.name: u for u in session.exec(select(Unit))},
            members={account_key(m.account): m for m in session.exec(select(Member))},
            items=items,
            stars={(s.unit_id, s.year): s for s in session.exec(select(StarScore))},
            codes={(kind, key_of(code), year): code for kind, code, year in items},
        )


def index(rows: list[Row], key: Callable[[Row], Any], what: Callable[[Row], str]) -> dict[Any, Row]:
    """Rows by key (the first row wins); later rows with the same key are problems."""
    seen: dict[Any, Row] = {}
    for r in rows:
        k = key(r)
        if k is None:
            continue
        if k in seen:
            r.problems.append(f"{what(r)}与第{seen[k].row}行重复")
        else:
            seen[k] = r
    return seen


def depends(row: Row, label: str, value: str, book: dict[Any, Row], in_db: bool, missing: str,
            key: Any = None) -> None:
    """Check a reference from ``row`` to something named ``value`` (found in ``book`` by ``key``,
    by default ``value``): defined in the book (and its row must be good), or already in the
    database; otherwise the row gets a problem."""
    src = book.get(value if key is None else key)
    if src is not None:
        if not src.ok:
            row.problems.append(f"{label} {value} 所在的「{src.sheet}」第{src.row}行有误")
    elif not in_db:
        row.problems.append(f"{label} {value} {missing}")


def _cycles(unit_rows: dict[str, Row], parent_of: dict[str, str | None]) -> list[tuple[Row, str]]:
    """The good rows on a cycle of the tree as it would be after the import, with the cycle."""
    found = []
    for name, r in unit_rows.items():
        if not r.ok:
            continue
        path, cur = [name], parent_of.get(name)
        while cur and cur != name and cur not in path:
            path.append(cur)
            cur = parent_of.get(cur)
        if cur == name:
            found.append((r, " → ".join(path + [name])))
    return found


def check_units(book: Book, db: Db) -> dict[str, Row]:
    """组织: names unique, parents known, no cycle. Rows with their own problems first, then (until
    nothing changes) rows whose parent row is bad, and rows on a cycle of the tree as it would be
    after the import. Returns the book's units by name."""
    units = book.rows(UNITS)
    unit_rows = index(units, lambda r: r.data.get("name"), lambda r: f"名称 {r.data['name']} ")
    for r in units:
        parent = r.data.get("parent")
        if parent and parent == r.data.get("name"):
            r.problems.append("上级不能是自己")
        elif parent and parent not in unit_rows and parent not in db.units:
            r.problems.append(f"上级组织 {parent} 不在组织名单中")
    by_id = {u.id: u.name for u in db.units.values()}
    db_parent = {u.name: by_id.get(u.parent_id) for u in db.units.values()}
    changed = True
    while changed:
        changed = False
        for r in units:
            parent = r.data.get("parent")
            if r.ok and parent in unit_rows and not unit_rows[parent].ok:
                src = unit_rows[parent]
                r.problems.append(f"上级组织 {parent} 所在的「{UNITS}」第{src.row}行有误")
                changed = True
        parent_of = dict(db_parent)
        parent_of.update({name: r.data.get("parent") for name, r in unit_rows.items() if r.ok})
        for r, text in _cycles(unit_rows, parent_of):
            r.problems.append(f"上级关系形成了循环：{text}")
            changed = True
    return unit_rows


def check_members(book: Book, db: Db, unit_rows: dict[str, Row]) -> dict[str, Row]:
    """党员: accounts unique whatever their case (WeCom's userid ignores it: ``account_key``),
    each in a known unit. Returns the book's members by ``account_key``."""
    members = book.rows(MEMBERS)
    member_rows: dict[str, Row] = {}
    for r in members:
        account = r.data.get("account")
        first = member_rows.setdefault(account_key(account), r) if account else r
        if first is not r:
            r.problems.append(f"企业微信账号 {account} 与第{first.row}行重复" if first.data["account"] == account else
                              f"企业微信账号 {account} 与第{first.row}行的 {first.data['account']} 只是大小写不同，"
                              "企业微信视为同一账号")
    for r in members:
        unit = r.data.get("unit")
        if unit:
            depends(r, "所在组织", unit, unit_rows, unit in db.units, "不在组织名单中")
    return member_rows


def check_items(book: Book, name: str, db: Db, member_rows: dict[str, Row], now: datetime) -> None:
    """One list sheet (责任清单, 项目清单 or 整改清单): 编号 unique within a year, owners known.
    A rectification without 年度 belongs to the year it is imported (``now``'s)."""
    rows = book.rows(name)
    if name == RECTIFICATIONS:
        for r in rows:
            if r.data.get("year") is None:
                r.data["year"] = now.year

    same_codes(rows, name, db)
    for r in rows:
        owner = r.data.get("owner")
        if owner:
            depends(r, OWNER_LABEL[name], owner, member_rows, account_key(owner) in db.members, "不在党员名单中",
                    key=account_key(owner))


def same_codes(rows: list[Row], name: str, db: Db) -> None:
    """编号 unique within the sheet and year as chat reads them (``bot.nlu.codes.key_of``: Z-2,
    Z-02 and z2 are one; P-D2, ｐ－ｄ２ and p-d2 are one): a second spelling of a 编号 already in the
    sheet, or of another one stored for the year, is a problem naming the first — unless both are
    stored already (a pair from before this rule: an exported book imports again; the secretary's
    销号 asks which of them it means)."""
    kind = ITEM_SHEETS[name].value
    seen: dict[tuple[str, int], Row] = {}
    for r in rows:
        code, year = r.data.get("code"), r.data.get("year")
        if not code or not year:
            continue
        what = f"编号 {code}（{year}年）"
        key = (key_of(code), year)
        first = seen.setdefault(key, r)
        stored = db.codes.get((kind, *key))
        if first is not r:
            first_code = first.data["code"]
            if first_code != code and {(kind, c, year) for c in (code, first_code)} <= db.items.keys():
                continue        # both stored before import refused such pairs: updating them adds nothing to read twice
            r.problems.append(f"{what}与第{first.row}行重复" if first_code == code else
                              f"{what}与第{first.row}行的 {first_code} 在对话中读作同一编号，请改用不同编号或写法一致")
        elif stored is not None and stored != code and (kind, code, year) not in db.items:
            r.problems.append(f"{what}与{name}中已有的 {stored} 在对话中读作同一编号；"
                              f"如是同一项，请写作 {stored}，否则请改用不同编号")


def check_stars(book: Book, db: Db, unit_rows: dict[str, Row], maxima: dict[str, float]) -> None:
    """星级评分: one row per unit and year, the unit known, and each of the seven dimensions at most
    its maximum (``maxima``: StarScore field → most points, every field of ``DIMENSIONS``)."""
    rows = book.rows(STARS)

    def key(r: Row) -> tuple[str, int] | None:
        unit, year = r.data.get("unit"), r.data.get("year")
        return (unit, year) if unit and year else None

    for r in rows:
        for d in DIMENSIONS:
            score = r.data.get(d.field)
            most = maxima[d.field]
            if score is not None and score > most + _EPSILON:
                r.problems.append(f"{d.zh} {score:g} 超过该项满分{most:g}分")
    index(rows, key, lambda r: f"{r.data['unit']} {r.data['year']}年的评分")
    for r in rows:
        unit = r.data.get("unit")
        if unit:
            depends(r, "组织", unit, unit_rows, unit in db.units, "不在组织名单中")

"""Step 3, write: upsert the good rows by natural key, one function per sheet, touching only the
fields that differ, and count what happened in the ``ImportSummary``.

Natural keys: a unit by name, a member by account (whatever its case: ``account_key``), an item by (kind, 编号, 年度), a star score by
(unit, 年度). A column left out of the sheet leaves its field alone. Progress that comes from chat
(status, percent, done count, latest update) is never touched, and nothing is ever deleted.
Run in this order, since each sheet refers to the ones before it: ``write_units`` →
``write_members`` → ``write_items`` (each list sheet) → ``write_stars``.
"""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import insert
from sqlmodel import Session, SQLModel, select

from models.tables import Item, ItemStatus, Member, StarScore, Unit, account_key
from models.workbook.check import Db
from models.workbook.read import Book
from models.workbook.results import ImportSummary
from models.workbook.sheets import ITEM_SHEETS, MEMBERS, SHEETS, STARS, UNITS

# The fields of a list sheet that an import sets when their column is in the sheet.
_ITEM_FIELDS = ("deadline", "target_count", "measures", "source")


def same(old: Any, new: Any) -> bool:
    """Whether a stored value and a value read are the same: floats to 1e-6, "" and None alike."""
    if isinstance(old, float) or isinstance(new, float):
        if old is None or new is None:
            return old is new
        return math.isclose(float(old), float(new), rel_tol=0, abs_tol=1e-6)
    if isinstance(old, str) or isinstance(new, str):
        return (old or None) == (new or None)          # "" and None are the same empty cell
    return old == new


def apply(obj: Any, values: dict[str, Any]) -> bool:
    """Set the fields that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if not same(getattr(obj, name), value):
            setattr(obj, name, value)
            changed = True
    return changed


def write_units(session: Session, book: Book, db: Db, summary: ImportSummary) -> None:
    """组织: create the new units first (parents may come later in the sheet), then link parents."""
    good = [r for r in book.rows(UNITS) if r.ok]
    new: set[str] = set()
    for r in good:
        if r.data["name"] not in db.units:
            unit = Unit(name=r.data["name"], kind=r.data["kind"])
            session.add(unit)
            db.units[unit.name] = unit
            new.add(unit.name)
    session.flush()
    for r in good:
        unit = db.units[r.data["name"]]
        parent = r.data.get("parent")
        changed = apply(unit, {"kind": r.data["kind"], "parent_id": db.units[parent].id if parent else None})
        summary.count(UNITS, "created" if unit.name in new else "updated" if changed else "unchanged")
    session.flush()


def write_members(session: Session, book: Book, db: Db, summary: ImportSummary) -> None:
    """党员, by account; 职务, 管理员 and 状态 only when their column is in the sheet. New members
    go in by one bulk INSERT (``_insert_new``), then are read back for their ids."""
    present = book.sheets[MEMBERS].present if MEMBERS in book.sheets else set()
    new: dict[str, dict[str, Any]] = {}
    for r in book.rows(MEMBERS):
        if not r.ok:
            continue
        values = {"name": r.data["name"], "unit_id": db.units[r.data["unit"]].id}
        values.update({f: r.data[f] for f in ("title", "is_admin", "active") if f in present})
        member = db.members.get(account_key(r.data["account"]))
        if member is None:
            new[r.data["account"]] = {"account": r.data["account"], **values}
            summary.count(MEMBERS, "created")
            if values.get("active") is False:
                summary.left.append(r.data["account"])   # new, and marked 离开 already
            continue
        was_active = member.active
        summary.count(MEMBERS, "updated" if apply(member, values) else "unchanged")
        if was_active and values.get("active") is False:
            summary.left.append(member.account)          # marked 离开 by this import
    session.flush()
    _insert_new(session, Member, list(new.values()))
    for chunk in _chunks(list(new)):
        for member in session.exec(select(Member).where(Member.account.in_(chunk))):
            db.members[account_key(member.account)] = member


def write_items(session: Session, book: Book, name: str, db: Db, summary: ImportSummary,
                now: datetime | None = None) -> None:
    """One list sheet (责任清单, 项目清单 or 整改清单), by (kind, 编号, 年度); an item's unit is its
    owner's. New items go in by one bulk INSERT (``_insert_new``), added at ``now`` (where its
    owner's list numbers them: ``models.lookups.list_order``)."""
    kind = ITEM_SHEETS[name]
    present = book.sheets[name].present if name in book.sheets else set()
    new: list[dict[str, Any]] = []
    for r in book.rows(name):
        if not r.ok:
            continue
        owner = db.members[account_key(r.data["owner"])]
        values = {"title": r.data["title"], "owner_id": owner.id, "unit_id": owner.unit_id}
        values.update({f: r.data[f] for f in _ITEM_FIELDS if f in present})
        item = db.items.get((kind.value, r.data["code"], r.data["year"]))
        if item is None:
            new.append({"kind": kind, "code": r.data["code"], "year": r.data["year"],
                        "status": ItemStatus.NOT_STARTED, "added_at": now, **values})
            summary.count(name, "created")
        else:
            summary.count(name, "updated" if apply(item, values) else "unchanged")
    session.flush()
    _insert_new(session, Item, new)


def _insert_new(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` of ``model`` in one executemany (SQLAlchemy batches it into multi-row
    INSERTs): building one ORM object per row cost most of an import of 50,000 items. Each row
    gets every field: the given value, else the model's default."""
    if not rows:
        return
    defaults = {name: f.default for name, f in model.model_fields.items()
                if name != "id" and f.default is not PydanticUndefined}
    columns = [c.name for c in model.__table__.columns if c.name != "id"]
    base = {c: defaults.get(c) for c in columns}
    if set().union(*rows) <= base.keys():
        full = [base | row for row in rows]      # the same dicts as below, built in C
    else:
        full = [{c: row.get(c, base[c]) for c in columns} for row in rows]
    session.execute(insert(model.__table__), full)


def _chunks(values: list[str], size: int = 5000) -> list[list[str]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def write_stars(session: Session, book: Book, db: Db, summary: ImportSummary) -> None:
    """星级评分, by (unit, 年度): the seven dimensions, the rate, the two checks and 处分人数."""
    present = book.sheets[STARS].present if STARS in book.sheets else set()
    fields = [c.field for c in SHEETS[STARS] if c.field not in ("unit", "year") and c.field in present]
    for r in book.rows(STARS):
        if not r.ok:
            continue
        unit = db.units[r.data["unit"]]
        values = {f: r.data[f] for f in fields}
        score = db.stars.get((unit.id, r.data["year"]))
        if score is None:
            score = StarScore(unit_id=unit.id, year=r.data["year"], **values)
            session.add(score)
            db.stars[(unit.id, score.year)] = score
            summary.count(STARS, "created")
        else:
            summary.count(STARS, "updated" if apply(score, values) else "unchanged")
    session.flush()

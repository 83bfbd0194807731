"""Export: every sheet with current data, one function per sheet's rows, and ``build_workbook``.

The list sheets carry six more columns (状态, 进度, 完成次数, 最近更新, 佐证材料 — how many evidence
photos — and 佐证链接, where the console shows them; 整改清单 ends with 年度), and
a 月报 sheet lists every owner of an item of the year and every month of the year so far; 红叉 and
红叉汇总 list the year's marks of the accountability ladder (``models.workbook.marks``). An
exported book re-imports without changing anything. Times are shown in the configured time zone.
"""
from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func
from sqlmodel import Session, select

from bot.statuses import status_zh
from models.lookups import live
from models.photos import counts, item_photos_url
from models.stars import DIMENSIONS
from models.tables import AuditEvent, Item, ItemKind, Member, MonthlyReport, StarScore, Unit
from models.workbook.marks import MARK_TOTALS, MARKS, mark_rows, total_rows
from models.workbook.sheets import (
    DUTIES,
    ITEM_SHEETS,
    MEMBERS,
    PROGRESS_HEADERS,
    PROJECTS,
    RECTIFICATIONS,
    REPORT_HEADERS,
    REPORTS,
    STARS,
    UNITS,
    headers,
)


def _width(v: Any) -> int:
    """Display width of a cell: CJK characters count double."""
    if v is None:
        return 0
    if isinstance(v, (date, datetime)):
        return 10
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(v))


def _add_sheet(wb: openpyxl.Workbook, title: str, rows: list[list[Any]], literal: bool = False) -> None:
    """A sheet from rows (the first is the header): bold frozen header, date cells, fitted widths.

    With ``literal`` (export), text is always text: "=..." typed in chat never becomes a formula,
    and characters Excel cannot store are dropped rather than failing the export."""
    ws = wb.create_sheet(title)
    for row in rows:
        if literal:
            row = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
        ws.append(row)
    widths: dict[int, int] = {}
    for r, row in enumerate(ws.iter_rows(), start=1):
        for cell in row:
            if literal and cell.data_type == "f":
                cell.data_type = "s"
            if r == 1:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center")
            elif isinstance(cell.value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
            widths[cell.column] = max(widths.get(cell.column, 0), _width(cell.value))
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(w + 2, 8), 60)
    if rows:
        ws.freeze_panes = "A2"


def build_workbook(data: dict[str, list[list]], *, literal: bool = False) -> openpyxl.Workbook:
    """A workbook from ``{sheet name: rows}``, the first row of each being the header.
    Text starting with "=" is a formula unless ``literal``."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in data.items():
        _add_sheet(wb, title, [list(r) for r in rows], literal)
    return wb


def _num(x: float | int | None) -> float | int | None:
    """85.0 → 85, so that scores read as typed."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def _stamp(at: datetime | None, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else ""


NOT_APPLICABLE = "—"      # 月报 of a month before the first import: nobody was asked


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def unit_rows(units: list[Unit]) -> list[list]:
    """组织: parents before children, siblings in creation order (any unit on a corrupt cycle last)."""
    name = {u.id: u.name for u in units}
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        children.setdefault(u.parent_id if u.parent_id in name else None, []).append(u)
    ordered: list[Unit] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        u = stack.pop()
        ordered.append(u)
        stack.extend(reversed(children.get(u.id, [])))
    ordered += [u for u in units if u not in ordered]
    return [headers(UNITS)] + [[u.name, name.get(u.parent_id), u.kind] for u in ordered]


def member_rows(members: list[Member], unit_name: dict[int, str]) -> list[list]:
    """党员, in creation order."""
    return [headers(MEMBERS)] + [[m.name, m.account, unit_name.get(m.unit_id), m.title, _yes_no(m.is_admin),
                                  "在册" if m.active else "离开"] for m in members]


def item_rows(sheet: str, items: list[Item], account: dict[int, str], tz: ZoneInfo,
              photos: dict[int, int] | None = None, base_url: str = "") -> list[list]:
    """One list sheet: its columns, then 状态, 进度, 完成次数, 最近更新, 佐证材料, 佐证链接 (and 年度
    last on 整改清单). ``photos``: item id → its evidence photos."""
    photos = photos or {}
    kind: ItemKind = ITEM_SHEETS[sheet]
    if sheet == RECTIFICATIONS:
        rows = [headers(sheet)[:-1] + list(PROGRESS_HEADERS) + ["年度"]]
    else:
        rows = [headers(sheet) + list(PROGRESS_HEADERS)]
    for i in items:
        if i.kind != kind.value:
            continue
        owner = account.get(i.owner_id)
        if sheet == DUTIES:
            row = [i.code, owner, i.title, i.year, i.target_count]
        elif sheet == PROJECTS:
            row = [i.code, i.title, owner, i.year, i.deadline]
        else:
            row = [i.code, i.title, i.measures, owner, i.source, i.deadline]
        latest = " ".join(s for s in (_stamp(i.updated_at, tz), i.updated_words or "") if s)
        done = i.done_count if i.target_count is not None else None
        shown = photos.get(i.id, 0)
        row += [status_zh(i.status), i.percent, done, latest, shown,
                item_photos_url(base_url, i.id) if shown else ""]
        if sheet == RECTIFICATIONS:
            row.append(i.year)
        rows.append(row)
    return rows


def star_rows(scores: list[StarScore], unit_name: dict[int, str]) -> list[list]:
    """星级评分 of the year: the seven dimensions (``DIMENSIONS``), the rate, the checks, 处分人数."""
    rows = [headers(STARS)]
    for s in scores:
        rate: Any = _num(s.satisfaction_rate)
        if 0 < s.satisfaction_rate <= 1:      # would read back as a fraction; keep it a percentage
            rate = f"{s.satisfaction_rate:g}%"
        rows.append([unit_name.get(s.unit_id), s.year, *(_num(getattr(s, d.field)) for d in DIMENSIONS),
                     rate, "" if s.three_meetings_ok is None else _yes_no(s.three_meetings_ok), _yes_no(s.venue_ok), s.disciplined])
    return rows


def first_import_month(session: Session, tz: ZoneInfo) -> str | None:
    """"2026-11": the month of the first import in ``tz`` (None if there was none). Before it the
    bot asked nobody for a 月报, so those months are not applicable ("—"), not 未报."""
    first = session.exec(select(func.min(AuditEvent.at)).where(AuditEvent.action == "import")).one()
    if first is None:
        return None
    return f"{(first if first.tzinfo else first.replace(tzinfo=UTC)).astimezone(tz):%Y-%m}"


def report_rows(session: Session, members: list[Member], owners: set[int], unit_name: dict[int, str],
                months: list[str], tz: ZoneInfo) -> list[list]:
    """月报: every owner of an item of the year, every month of the year so far, reported or not
    ("—" for a month before the first import)."""
    rows = [list(REPORT_HEADERS)]
    if not months:
        return rows
    reports = {(r.member_id, r.month): r for r in session.exec(
        select(MonthlyReport).where(MonthlyReport.month.in_(months)))}
    start = first_import_month(session, tz) or months[0]
    for month in months:
        for m in members:
            if m.id not in owners:
                continue
            rep = reports.get((m.id, month))
            reported = _yes_no(rep is not None) if rep is not None or month >= start else NOT_APPLICABLE
            rows.append([m.account, m.name, unit_name.get(m.unit_id), month,
                         reported, _stamp(rep.reported_at, tz) if rep else ""])
    return rows


def export_workbook(session: Session, path: Any, *, year: int | None, now: datetime, tz: ZoneInfo,
                    base_url: str = "") -> None:
    """Write every sheet with current data (items and scores of ``year``, default: now's year in
    ``tz``), the progress and evidence columns on each list sheet (links to the console's pages of
    photos under ``base_url``, when given), and the 月报 sheet of the year so far."""
    local_now = now.astimezone(tz)
    if year is None:
        year = local_now.year
    units = list(session.exec(select(Unit).order_by(Unit.id)))
    unit_name = {u.id: u.name for u in units}
    members = list(session.exec(select(Member).order_by(Member.id)))
    account = {m.id: m.account for m in members}
    items = list(session.exec(select(Item).where(live(year)).order_by(Item.id)))
    scores = list(session.exec(select(StarScore).where(StarScore.year == year).order_by(StarScore.id)))
    last = 12 if year < local_now.year else local_now.month if year == local_now.year else 0
    months = [f"{year}-{m:02d}" for m in range(1, last + 1)]

    data: dict[str, list[list]] = {UNITS: unit_rows(units), MEMBERS: member_rows(members, unit_name)}
    photos = counts(session, None)
    for sheet in ITEM_SHEETS:
        data[sheet] = item_rows(sheet, items, account, tz, photos, base_url)
    data[STARS] = star_rows(scores, unit_name)
    data[REPORTS] = report_rows(session, members, {i.owner_id for i in items}, unit_name, months, tz)
    data[MARKS], data[MARK_TOTALS] = mark_rows(session, year, tz), total_rows(session, year)
    build_workbook(data, literal=True).save(path)

"""Step 1, read: open the book once, and read every known sheet into rows of values and reasons.

**One load, one copy.** The book is opened once, read-only and with cached values
(``load_workbook(read_only=True, data_only=True)``), and each known sheet's XML is streamed once
into a grid of plain values: the grid is the only copy of the sheet held, and openpyxl keeps no
cell objects. Two things a read-only, values-only load does not give are taken from the same
stream by a small subclass of openpyxl's own sheet parser (``_SheetParser``):

* a formula cell with no cached value (a book written by a program and never opened in Excel)
  becomes ``FORMULA`` instead of looking empty, so that it is a problem and not a missing value;
* the merged ranges, so that the value of a merged range fills every cell of it, as a reader sees it.

The subclass relies on openpyxl's sheet parser (``openpyxl.worksheet._reader.WorkSheetParser``) and
on what a read-only worksheet knows of its part of the archive; both have been stable since
openpyxl 3.0, and ``tests/models/workbook/test_read.py`` covers formulas, merged cells and dates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser
from openpyxl.worksheet.cell_range import CellRange

from models.workbook.cells import FORMULA, BadCell, is_blank
from models.workbook.results import RowProblem, WorkbookError
from models.workbook.sheets import BOOK, REPORTS, SHEET_ORDER, SHEETS, header_key, sheet_name


@dataclass
class Row:
    """One data row of a sheet: the values read and what is wrong with it."""

    sheet: str
    row: int                            # the Excel row number
    data: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Sheet:
    """A known sheet as read: the fields whose column it has, and its non-empty rows."""

    name: str
    present: set[str]
    rows: list[Row]


@dataclass
class Book:
    """What reading found: the known sheets by name, the problems found while reading (headers,
    cells), and the titles of the sheets that are not known."""

    sheets: dict[str, Sheet]
    problems: list[RowProblem]
    ignored: list[str]

    def rows(self, name: str) -> list[Row]:
        """The rows of sheet ``name``; none when the book does not have it."""
        return self.sheets[name].rows if name in self.sheets else []


class _SheetParser(WorkSheetParser):
    """openpyxl's sheet parser, reading cached values, that marks a formula without one."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = FORMULA
        return cell


def _unreadable(exc: Exception) -> WorkbookError:
    return WorkbookError([RowProblem(BOOK, 0, f"无法打开（{type(exc).__name__}: {exc}），请确认是 .xlsx 文件")])


def open_book(path: Any) -> openpyxl.Workbook:
    """The book, read-only with cached values (a path or an open binary file)."""
    if hasattr(path, "seek"):
        path.seek(0)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the administrator's problem
        raise _unreadable(exc) from exc


def grid(wb: openpyxl.Workbook, ws: Any) -> list[list[Any]]:
    """The sheet's cells as rows of values (row ``i`` of the list is Excel row ``i + 1``; rows are
    as long as their last filled cell); formulas without a cached value are ``FORMULA``; the value
    of a merged range fills every cell of the range."""
    rows: list[list[Any]] = []
    try:
        with ws._get_source() as src:
            parser = _SheetParser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                  date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            for number, cells in parser.parse():
                rows.extend([] for _ in range(len(rows), number - 1))
                row: list[Any] = []
                for cell in cells:
                    if cell["value"] is not None:
                        row.extend([None] * (cell["column"] - len(row)))
                        row[cell["column"] - 1] = cell["value"]
                rows.append(row)
            merged = parser.merged_cells.mergeCell if parser.merged_cells else ()
    except Exception as exc:  # noqa: BLE001 - a damaged sheet is the administrator's problem
        raise _unreadable(exc) from exc
    for ref in merged:
        rng = CellRange(ref.ref)
        top_row = rows[rng.min_row - 1] if rng.min_row <= len(rows) else []
        top = top_row[rng.min_col - 1] if rng.min_col <= len(top_row) else None
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            row = rows[r]
            row.extend([None] * (rng.max_col - len(row)))
            for c in range(rng.min_col - 1, rng.max_col):
                row[c] = top
    return rows


def _header_row(name: str, cells: list[list[Any]]) -> int:
    """The index of the header row: normally the first, but a title row or two above it is fine."""
    known = {header_key(c.header) for c in SHEETS[name]}

    def hits(row: list[Any]) -> int:
        return sum(1 for v in row if header_key(v) in known)

    candidates = cells[:10]
    head = max(range(len(candidates)), key=lambda i: (hits(candidates[i]), -i))
    return head if hits(candidates[head]) else 0


def read_sheet(name: str, cells: list[list[Any]], problems: list[RowProblem]) -> Sheet | None:
    """Find the header row, map columns, read every non-empty row. None for an empty sheet.
    Header problems (a missing or repeated column) go to ``problems``; cell problems to the row."""
    cols = SHEETS[name]
    if all(is_blank(v) for row in cells for v in row):
        return None
    known = {header_key(c.header): c for c in cols}
    head = _header_row(name, cells)
    where: dict[str, int] = {}
    bad_header = False
    for j, v in enumerate(cells[head]):
        col = known.get(header_key(v))
        if col is None:
            continue                                  # other columns (e.g. 状态、进度) are ignored
        if col.field in where:
            problems.append(RowProblem(name, head + 1, f"「{col.label}」列出现了不止一次"))
            bad_header = True
        where[col.field] = j
    for col in cols:
        if col.field not in where and not col.optional:
            problems.append(RowProblem(name, head + 1, f"缺少「{col.label}」列"))
            bad_header = True
    sheet = Sheet(name, set(where), [])
    if bad_header:
        return sheet
    present = [c for c in cols if c.field in where]
    for i in range(head + 1, len(cells)):
        line = cells[i]
        raw = {c.field: (line[where[c.field]] if where[c.field] < len(line) else None) for c in present}
        if all(is_blank(v) for v in raw.values()):
            continue
        row = Row(name, i + 1, {})
        for c in present:
            try:
                value = c.parse(raw[c.field], c.label)
            except BadCell as exc:
                row.problems.append(exc.args[0])
                value = None
            else:
                if value is None:
                    if c.required:
                        row.problems.append(f"缺少{c.label}")
                    value = c.default
            row.data[c.field] = value
        sheet.rows.append(row)
    return sheet


def read_book(path: Any) -> Book:
    """Every known sheet of the book, the header and cell problems, and the names of unknown sheets.
    Raises WorkbookError when the file cannot be opened or has no known sheet."""
    wb = open_book(path)
    book = Book({}, [], [])
    found: set[str] = set()
    try:
        for ws in wb.worksheets:
            name = sheet_name(ws.title)
            if name not in SHEETS:
                if name != REPORTS:                   # our own export's extra sheet
                    book.ignored.append(ws.title)
                continue
            if name in found:
                book.problems.append(RowProblem(name, 0, f"有两张名为「{name}」的工作表"))
                continue
            found.add(name)
            sheet = read_sheet(name, grid(wb, ws), book.problems)
            if sheet is not None:
                book.sheets[name] = sheet
    finally:
        wb.close()
    if not found:
        raise WorkbookError([RowProblem(BOOK, 0, "没有找到可导入的工作表（应为 " + "、".join(SHEET_ORDER) + "）")])
    return book

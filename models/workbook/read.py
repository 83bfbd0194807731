"""Step 1, read: open the book once, and read every known sheet into rows of values and reasons.

The cells of each sheet come from ``grids.py`` (python-calamine, or openpyxl where calamine would
read the sheet differently: the reasons are there); here each known sheet's header row is found,
its columns mapped, and every non-empty row read into values, with a reason for each bad cell.
``Book.read_by_openpyxl`` says which sheets openpyxl read, and why.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models.workbook.cells import BadCell, is_blank
from models.workbook.grids import SheetSource
from models.workbook.marks import MARK_TOTALS, MARKS
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
    read_by_openpyxl: dict[str, str] = field(default_factory=dict)   # sheet title → why not calamine

    def rows(self, name: str) -> list[Row]:
        """The rows of sheet ``name``; none when the book does not have it."""
        return self.sheets[name].rows if name in self.sheets else []


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
    present = [(c.field, where[c.field], c.parse, c.label, c.required, c.default) for c in cols if c.field in where]
    for i in range(head + 1, len(cells)):
        line = cells[i]
        width = len(line)
        raw = [line[j] if j < width else None for _, j, *_ in present]
        if all(is_blank(v) for v in raw):
            continue
        row = Row(name, i + 1, {})
        for (field_, _, parse, label, required, default), v in zip(present, raw, strict=True):
            try:
                value = parse(v, label)
            except BadCell as exc:
                row.problems.append(exc.args[0])
                value = None
            else:
                if value is None:
                    if required:
                        row.problems.append(f"缺少{label}")
                    value = default
            row.data[field_] = value
        sheet.rows.append(row)
    return sheet


def read_book(path: Any, progress: Callable[[str], None] | None = None) -> Book:
    """Every known sheet of the book, the header and cell problems, and the names of unknown sheets;
    ``progress`` is told the rows read after each sheet. Raises WorkbookError when the file cannot
    be opened, is out of bounds (``bounds.py``) or has no known sheet."""
    src = SheetSource(path)
    read = 0
    book = Book({}, [], [])
    found: set[str] = set()
    try:
        for index, (title, _) in enumerate(src.sheets):
            name = sheet_name(title)
            if name not in SHEETS:
                if name not in (REPORTS, MARKS, MARK_TOTALS):     # our own export's extra sheets
                    book.ignored.append(title)
                continue
            if name in found:
                book.problems.append(RowProblem(name, 0, f"有两张名为「{name}」的工作表"))
                continue
            found.add(name)
            sheet = read_sheet(name, src.grid(index), book.problems)
            if sheet is not None:
                book.sheets[name] = sheet
                read += len(sheet.rows)
                if progress is not None:
                    progress(f"已读取{read}行（{name}）")
    finally:
        src.close()
    book.read_by_openpyxl = src.slow
    if not found:
        raise WorkbookError([RowProblem(BOOK, 0, "没有找到可导入的工作表（应为 " + "、".join(SHEET_ORDER) + "）")])
    return book

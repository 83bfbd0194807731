"""The cells of a sheet as rows of plain values, read by one of two readers.

**Two readers, one result.** A sheet's cells are read by python-calamine (a Rust reader) unless a
cheap scan of the sheet's XML (about 0.1 s for the largest sheet of the benchmark book) finds
something calamine reads differently from openpyxl; then that sheet is read by openpyxl as before.
Why: openpyxl's cell parser was most of an import of the benchmark book (10,000 members, 50,000
items: reading it took 10.3 s of CPU under cProfile, 1.3 s now), and a read-only openpyxl load alone
scans every sheet without a ``<dimension>`` to size it (1.5 s), so openpyxl now loads the book only
for a sheet that needs it. Either way ``check.py`` gets the same grid of plain values (str, int,
float, bool, datetime, time, timedelta, ``FORMULA`` or None).

The openpyxl reader (``grid``) loads the book read-only with cached values and streams
the sheet's XML once through a small subclass of openpyxl's own sheet parser (``_SheetParser``),
which marks a formula cell with no cached value (a book written by a program and never opened in
Excel) as ``FORMULA``, so that it is a problem and not a missing value, and gives the merged ranges.

calamine gives no formula information, reads error cells (``#N/A``) as empty, trims the
whitespace around text not marked ``xml:space="preserve"``, decodes ``_x000D_`` escapes, gives
``2026.0`` for ``2026`` and ``date`` where openpyxl gives ``datetime``. So the calamine reader
(``_calamine_grid``) turns an integral float into an int and a date into a datetime, reads merged
ranges from the XML itself, and is used only when ``untrusted(xml)`` finds none of these in the
sheet's part of the archive (nor in the shared strings):

* a formula without a cached value, an error cell (``t="e"``), an ISO date cell (``t="d"``);
* a ``<t>`` or ``<v>`` with whitespace at either end and no ``xml:space="preserve"``, a ``_xHHHH_``
  escape, CDATA, single-quoted attributes, prefixed element names, another namespace;
* a number openpyxl would read otherwise: written as ``15.0`` or ``1E3`` (openpyxl: a float, here an
  int), an integer of more than 15 digits (openpyxl: exact), anything not a plain decimal;
* in a date-formatted cell, a serial where the two differ (negative, past 9999-12-31, or within
  half a millisecond below 1).

Everything else was checked to come out the same, value for value and type for type
(``tests/models/workbook/test_grids.py`` reads every test book, the benchmark book and a
table of number formats both ways). The book's structure (which sheets, in which order, their
parts, the date styles, the 1904 epoch) is read once with openpyxl's own workbook reader, without
parsing any sheet; a book with 1904 dates is read by openpyxl throughout. ``SheetSource.slow``
(``read.Book.read_by_openpyxl``) says which sheets were, and why.
"""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from typing import Any

import openpyxl
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.datetime import WINDOWS_EPOCH
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser
from openpyxl.worksheet.cell_range import CellRange

from models.workbook import bounds
from models.workbook.cells import FORMULA
from models.workbook.results import RowProblem, WorkbookError
from models.workbook.sheets import BOOK, sheet_name


class _SheetParser(WorkSheetParser):
    """openpyxl's sheet parser, reading cached values, that marks a formula without one."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = FORMULA
        return cell


def _unreadable(exc: Exception) -> WorkbookError:
    """The cause in Chinese: not a workbook at all, a format openpyxl does not read, or damaged."""
    if isinstance(exc, InvalidFileException):
        why = "无法打开：不是 .xlsx 工作簿（这种文件格式读不了；.xls、.csv 请先用 Excel 另存为 .xlsx）"
    elif isinstance(exc, zipfile.BadZipFile):
        why = "无法打开：不是 Excel 工作簿（文件内容不是 .xlsx 格式；请用 Excel 打开后另存为 .xlsx）"
    else:
        why = "无法打开：文件已损坏或不是 .xlsx 工作簿（请用 Excel 打开后另存为 .xlsx）"
    return WorkbookError([RowProblem(BOOK, 0, why)])   # "无法打开：…" (tests/models/workbook/test_read.py)


def open_book(path: Any) -> openpyxl.Workbook:
    """The book, read-only with cached values (a path or an open binary file)."""
    if hasattr(path, "seek"):
        path.seek(0)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the administrator's problem
        raise _unreadable(exc) from exc


def fill_merged(rows: list[list[Any]], refs: Any) -> None:
    """The value of each merged range (``refs``: "A2:C4" …) fills every cell of it, as a reader sees it."""
    for ref in refs:
        rng = CellRange(ref)
        top_row = rows[rng.min_row - 1] if rng.min_row <= len(rows) else []
        top = top_row[rng.min_col - 1] if rng.min_col <= len(top_row) else None
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            row = rows[r]
            row.extend([None] * (rng.max_col - len(row)))
            for c in range(rng.min_col - 1, rng.max_col):
                row[c] = top


def grid(wb: openpyxl.Workbook, ws: Any) -> list[list[Any]]:
    """The sheet's cells read by openpyxl as rows of values (row ``i`` of the list is Excel row
    ``i + 1``; rows are as long as their last filled cell); formulas without a cached value are
    ``FORMULA``; the value of a merged range fills every cell of the range."""
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
    fill_merged(rows, [m.ref for m in merged])
    return rows


# --- the guard: what calamine would read differently from openpyxl ------------------------------

_MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# Searched one at a time (an alternation of them is slower: it defeats the literal prefix scan).
_ODD_MARKUP = [re.compile(p) for p in (
    rb"_x[0-9A-Fa-f]{4}_",                                          # escapes calamine decodes
    rb"<[A-Za-z_][\w.-]*:(?:sheetData|row|c|f|v|is|si|r|t|mergeCell)[\s/>]",   # prefixed elements
    rb"<[tv]>\s|<[tv]>[^<]*\s</[tv]>",                               # whitespace calamine would trim
)]
_QUOTED = re.compile(rb"<!\[CDATA\[|=\s*'")                        # CDATA, '-quoted attributes (after a ' is seen)
_CELL_TYPE = re.compile(rb'\st\s*=\s*"[ed]"')                         # error and ISO date cells
_FORMULA_END = re.compile(rb"(?:</f>|<f\b[^>]*/>)(?!\s*<v>[^<])")   # a formula not followed by a value
# A <v> that is not plainly safe: plain integers of up to 6 digits and decimals ending in 1-9
# (not 0.9999999…) are; everything else is looked at in its cell.
_ODD_VALUE = re.compile(rb"<v>(?!(?:\d{1,6}|(?!0\.9999999)\d{1,6}\.\d*[1-9])</v>)([^<]*)</v>")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_ATTR = re.compile(rb'\s([ts])\s*=\s*"([^"]*)"')
_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref\s*=\s*"([^"]*)"')
_LAST_SERIAL = 2958466          # 10000-01-01: openpyxl makes it an error, calamine a number


def untrusted(xml: bytes, date_styles: set[int] = frozenset(), strings: bool = False) -> str | None:
    """Why calamine could read this sheet (``xml``, its part of the archive) differently from
    openpyxl, or None when it reads it the same. ``date_styles``: the style ids openpyxl reads as
    dates or durations. ``strings``: the part is the shared strings table (text checks only)."""
    if _MAIN_NS not in xml[:4096]:
        return "namespace"
    for pattern in _ODD_MARKUP:
        odd = pattern.search(xml)
        if odd:
            return f"markup {odd.group().decode(errors='replace')!r}"
    if (b"'" in xml or b"<![" in xml) and _QUOTED.search(xml):
        return "markup (CDATA or quotes)"
    if strings:
        return None
    if _CELL_TYPE.search(xml):
        return "error or ISO date cell"
    if b"<f" in xml and _FORMULA_END.search(xml):
        return "formula without a value"
    for m in _ODD_VALUE.finditer(xml):
        why = _odd_value(xml, m.start(), m.group(1).decode(errors="replace"), date_styles)
        if why:
            return why
    return None


def _odd_value(xml: bytes, at: int, text: str, date_styles: set[int]) -> str | None:
    """Whether the value ``text`` (at ``at``) of a cell would be read differently."""
    start = xml.rfind(b"<c", 0, at)
    end = xml.find(b">", start)
    if start < 0 or xml[start + 2:start + 3] not in (b" ", b">", b"/") or end > at:
        return "cell markup"
    attrs = {k.decode(): v.decode() for k, v in _ATTR.findall(xml, start, end)}
    kind = attrs.get("t", "n")
    if kind == "str":
        return None                     # a formula's text result, text to both
    if kind in ("s", "b"):
        return None if text.isdigit() and text.isascii() else f"value {text!r}"
    if kind != "n" or not _NUMBER.fullmatch(text):
        return f"value {text!r}"
    x = float(text)
    written_as_float = any(ch in text for ch in ".eE")
    if written_as_float and x.is_integer():
        return f"number {text}"         # openpyxl: float; the fast reader: int
    if not written_as_float and len(text.lstrip("-")) > 15:
        return f"number {text}"         # openpyxl: the exact int; calamine: a float
    style = attrs.get("s", "0")
    if style.isdigit() and int(style) in date_styles and (x < 0 or x >= _LAST_SERIAL or 0.9999999 <= x < 1):
        return f"date serial {text}"
    return None


def _value(v: Any) -> Any:
    """A calamine value as openpyxl gives it: "" is None, 2026.0 is 2026, a date is a datetime."""
    t = type(v)
    if t is str:
        return v or None
    if t is float:
        return int(v) if v.is_integer() and -2**53 < v < 2**53 else v
    if t is date:
        return datetime(v.year, v.month, v.day)
    return v


def _calamine_grid(sheet: Any, xml: bytes) -> list[list[Any]]:
    """The sheet read by calamine as ``grid`` gives it (rows may be longer, padded with None)."""
    rows = [[_value(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    if b"<mergeCell" in xml:
        fill_merged(rows, [ref.decode() for ref in _MERGE.findall(xml)])
    return rows


class SheetSource:
    """The book's structure from openpyxl's workbook reader (no sheet parsed), each sheet's cells
    from calamine when the guard trusts it, else from openpyxl (the book loaded once, when first
    needed). ``slow``: the titles of the sheets read by openpyxl, with the reason."""

    def __init__(self, path: Any):
        self.path = path
        self.slow: dict[str, str] = {}
        self._calamine: Any = None
        self._openpyxl: openpyxl.Workbook | None = None
        if hasattr(path, "seek"):
            path.seek(0)
        try:
            reader = ExcelReader(path, read_only=True, data_only=True)
            reader.read_manifest()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            self.archive = reader.archive
            wb = reader.wb
            self.date_styles = set(wb._date_formats) | set(wb._timedelta_formats)
            self.sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                           if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
            self.whole_book = None if wb.epoch == WINDOWS_EPOCH else "1904 dates"
            strings = reader.package.find(SHARED_STRINGS)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is the administrator's problem
            raise _unreadable(exc) from exc
        if strings is not None:
            xml = self._strings(strings.PartName[1:])
            if self.whole_book is None:
                why = untrusted(xml, strings=True)
                self.whole_book = why and f"shared strings: {why}"

    def _strings(self, part: str) -> bytes:
        """The shared strings, within the bounds (``bounds.py``): a string too long is refused
        naming the cells that use it (or the book, when none does), before any of it is read whole."""
        try:
            long = bounds.long_strings(self.archive, part)
        except Exception as exc:  # noqa: BLE001 - a damaged archive is the administrator's problem
            self.close()
            raise _unreadable(exc) from exc
        if long:
            try:
                problems = [p for title, sheet in self.sheets
                            for p in bounds.sheet_problems(sheet_name(title), self._xml(title, sheet), long)]
            finally:
                self.close()
            raise WorkbookError(problems[:1] or [RowProblem(BOOK, 0, f"共享字符串表第{long[0] + 1}项{bounds.TOO_LONG}")])
        if bounds.part_size(self.archive, part) > bounds.MAX_PART:
            self.close()
            raise WorkbookError([RowProblem(BOOK, 0, f"共享字符串表{bounds.PART_TOO_LARGE}")])
        return self.archive.read(part)

    def _xml(self, title: str, part: str) -> bytes:
        """A sheet's XML, refused when it is larger than ``bounds.MAX_PART`` unpacked."""
        if bounds.part_size(self.archive, part) > bounds.MAX_PART:
            raise WorkbookError([RowProblem(sheet_name(title), 0, f"工作表{bounds.PART_TOO_LARGE}")])
        try:
            return self.archive.read(part)
        except Exception as exc:  # noqa: BLE001
            raise _unreadable(exc) from exc

    def grid(self, index: int) -> list[list[Any]]:
        """The cells of worksheet ``index`` (of ``self.sheets``) as rows of values; refused
        (``WorkbookError``) when the sheet is out of bounds (``bounds.py``), before it is read."""
        title, part = self.sheets[index]
        xml = self._xml(title, part)
        problems = bounds.sheet_problems(sheet_name(title), xml, [])
        if problems:
            raise WorkbookError(problems)
        why = self.whole_book or untrusted(xml, self.date_styles)
        if why is None:
            try:
                sheet = self._book().get_sheet_by_name(title)
                return _calamine_grid(sheet, xml)
            except Exception as exc:  # noqa: BLE001 - let openpyxl read it, or say why it cannot
                why = f"calamine: {type(exc).__name__}: {exc}"
        self.slow[title] = why
        if self._openpyxl is None:
            self._openpyxl = open_book(self.path)
        return grid(self._openpyxl, self._openpyxl.worksheets[index])

    def _book(self) -> Any:
        if self._calamine is None:
            import python_calamine
            if hasattr(self.path, "seek"):
                self.path.seek(0)
                self._calamine = python_calamine.CalamineWorkbook.from_filelike(self.path)
            else:
                self._calamine = python_calamine.CalamineWorkbook.from_path(str(self.path))
        return self._calamine

    def close(self) -> None:
        self.archive.close()
        if self._calamine is not None:
            self._calamine.close()
        if self._openpyxl is not None:
            self._openpyxl.close()

"""The bounds of a book, checked on its XML before any reader reads a cell: a hostile book cannot
take the import's memory or time (issue 21). Each refusal is one Chinese line naming the sheet and
the cell (``RowProblem`` with row 0), and nothing is written.

* **Rows and columns**: a sheet has at most ``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns (AD; the
  widest sheet, 星级评分, has 13) — its used range (``<dimension>``) and every cell and row
  reference. calamine sizes its grid by them: one stray cell at XFD1048576 made it try to allocate
  512 GiB and abort the process; one at Z1048576 took 1.5 GiB and 37 s. Within the bounds, the
  worst (one cell at AD100000) reads in 1.5 s of CPU and 240 MiB; at CV100000 it took 575 MiB.
* **Text**: no cell's text (shared or inline) is longer than ``MAX_TEXT`` bytes, far beyond the
  longest column (``cells.MAX_MEASURES``). The shared strings are scanned as a stream, never held
  whole, so a 300 MB string is found in about a second; then the cells that use it are named.
* **Parts**: a sheet's XML, and the shared strings table, at most ``MAX_PART`` bytes unpacked (the
  largest sheet of the 60,000-row benchmark book is 7.8 MB) — the size the archive declares, which
  is also the most ``zipfile`` will unpack.

The cells' own lengths, column by column, are ``cells.py``'s (``text_of``).
"""
from __future__ import annotations

import re
import zipfile

from openpyxl.utils import column_index_from_string, get_column_letter

from models.workbook.results import RowProblem

MAX_ROWS = 100_000
MAX_COLUMNS = 30
MAX_TEXT = 128 * 1024           # bytes of one cell's text
MAX_PART = 64 * 1024 * 1024     # bytes of one part unpacked

_CHUNK = 1 << 20
_SI = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?si(/?)[\s>/]")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*\sref\s*=\s*"(?:[^":]*:)?\$?([A-Z]+)\$?(\d+)"')
# A cell or row reference (r="…"): past the last row (6 digits or more, checked), past the last column
# (2 letters or more, checked). Searched as literals (fast: 18 MB of the benchmark book in some 0.1 s);
# a sheet spacing or quoting its attributes otherwise is searched by the general pattern.
_FAR = re.compile(rb'r="([A-Z]{0,3})(\d{%d,})"' % len(str(MAX_ROWS)))
_WIDE = re.compile(rb'r="([A-Z]{%d,3})(\d+)"' % len(get_column_letter(MAX_COLUMNS)))
_ANY_REF = re.compile(rb"""\sr\s*=\s*["']([A-Z]{0,3})(\d+)["']""")
_ODD_REFS = re.compile(rb"r(?:\s+=|=\s|=')")
_LONG_TEXT = re.compile(rb">[^<]{%d}" % MAX_TEXT)
_CELL_REF = re.compile(rb'\sr\s*=\s*"([A-Z]+\d+)"')

OUT_OF_BOUNDS = f"超出可导入的范围（每张表最多{MAX_ROWS}行、{MAX_COLUMNS}列）；如是多余的内容或格式，请删除其所在的行或列，保存后再导入"
TOO_LONG = (f"的文字过长（超过{MAX_TEXT // 1024}KB），远超任何一列的上限（最长的「整改措施」为2000个字），"
            "请检查该单元格")
PART_TOO_LARGE = f"解压后超过{MAX_PART // (1024 * 1024)}MB，超出可导入的大小，请拆分后分批导入"


def part_size(archive: zipfile.ZipFile, part: str) -> int:
    """The unpacked size the archive declares for ``part`` (0 when it has none)."""
    try:
        return archive.getinfo(part).file_size
    except KeyError:
        return 0


def long_strings(archive: zipfile.ZipFile, part: str) -> list[int]:
    """The indices of the shared strings longer than ``MAX_TEXT`` bytes, read as a stream (a few
    at most: the scan stops at ten)."""
    found: list[int] = []
    index, start, consumed, tail = 0, None, 0, b""
    with archive.open(part) as f:
        while len(found) < 10:
            chunk = f.read(_CHUNK)
            if not chunk:
                break
            buf = tail + chunk
            base = consumed - len(tail)
            last = 0
            for m in _SI.finditer(buf):
                last = m.end()
                if m[2]:                                  # <si/>: an empty string
                    index += 1
                elif not m[1]:                            # <si>
                    start = base + m.start()
                else:                                     # </si>
                    if start is not None and base + m.start() - start > MAX_TEXT:
                        found.append(index)
                    index, start = index + 1, None
            if start is not None and base + len(buf) - start > MAX_TEXT and (not found or found[-1] != index):
                found.append(index)                       # already too long: no need to find its end
                start = None
            consumed += len(chunk)
            tail = buf[max(last, len(buf) - 8):]
    return found


def _cell_before(xml: bytes, at: int) -> str:
    """The reference of the cell whose markup is before ``at`` ("" when it has none)."""
    start = max(xml.rfind(b"<c ", 0, at), xml.rfind(b":c ", 0, at))
    m = _CELL_REF.search(xml, start, at) if start >= 0 else None
    return m[1].decode() if m else ""


def _shared_string_cells(xml: bytes, indices: list[int]) -> list[str]:
    """The cells of shared-string type (t="s") whose value is one of ``indices``."""
    found = []
    for i in indices:
        at = xml.find(b"<v>%d</v>" % i)
        while at >= 0:
            start = max(xml.rfind(b"<c ", 0, at), xml.rfind(b":c ", 0, at))
            if start >= 0 and re.search(rb'\st\s*=\s*"s"', xml[start:xml.find(b">", start)]):
                found.append(_cell_before(xml, at))
                break
            at = xml.find(b"<v>%d</v>" % i, at + 1)
    return found


def _beyond(column: str, row: int) -> bool:
    return row > MAX_ROWS or column_index_from_string(column) > MAX_COLUMNS


def _far_cell(xml: bytes) -> str | None:
    """A cell (else a row) out of bounds, else the used range's far corner when it is; or None."""
    refs = _ANY_REF.findall(xml) if _ODD_REFS.search(xml) else _FAR.findall(xml) + _WIDE.findall(xml)
    far = [(c.decode(), int(r)) for c, r in refs if _beyond(c.decode() or "A", int(r))]
    if far:
        column, row = next(((c, r) for c, r in far if c), far[0])
        return f"{column or 'A'}{row}"
    m = _DIMENSION.search(xml, 0, 4096)
    if m and _beyond(m[1].decode(), int(m[2])):
        return f"{m[1].decode()}{int(m[2])}"
    return None


def sheet_problems(sheet: str, xml: bytes, long: list[int]) -> list[RowProblem]:
    """What in the sheet's XML is out of bounds (the first of each kind): its used range, a cell or
    row far out, a cell with too long a text of its own or from the shared strings (``long``)."""
    problems: list[RowProblem] = []
    far = _far_cell(xml)
    if far:
        problems.append(RowProblem(sheet, 0, f"单元格 {far} {OUT_OF_BOUNDS}"))
    if xml.count(b"<row ") + xml.count(b"<row>") > MAX_ROWS:
        problems.append(RowProblem(sheet, 0, f"行数{OUT_OF_BOUNDS}"))
    text = _LONG_TEXT.search(xml)
    cells = [_cell_before(xml, text.start())] if text else []
    cells += [ref for ref in _shared_string_cells(xml, long)]
    if cells:
        problems.append(RowProblem(sheet, 0, f"单元格 {cells[0] or '（未标明位置）'} {TOO_LONG}"))
    return problems

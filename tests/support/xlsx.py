"""Workbooks written part by part with ``zipfile``, as a hostile or odd program might write them:
shared strings (openpyxl writes inline ones), a sheet without ``<dimension>``, a cell anywhere, a
shared string of any length streamed in chunks (never held whole). For the import's bounds."""
from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _content_types(sheets: int) -> str:
    parts = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
                    for i in range(1, sheets + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
            f'{parts}</Types>')


def _workbook(titles: list[str]) -> tuple[str, str]:
    sheets = "".join(f'<sheet name="{escape(t)}" sheetId="{i}" r:id="rId{i}"/>' for i, t in enumerate(titles, 1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(titles) + 1))
    n = len(titles) + 1
    rels += f'<Relationship Id="rId{n}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    return (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>{sheets}'
            '</sheets></workbook>', f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">{rels}'
            '</Relationships>')


def cell_ref(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def write_book(path: Path, sheets: dict[str, dict[str, str]], *, dimension: dict[str, str] | None = None,
               long_string: tuple[str, int] | None = None, inline: bool = False) -> Path:
    """A book of ``sheets`` (title → {cell ref: text}), every text a shared string (``inline``:
    an inline string), in the order given; ``dimension``: a ``<dimension ref>`` per title (none
    otherwise); ``long_string``: the text ``(placeholder, n)`` is replaced by ``n`` times "党" —
    in the shared strings streamed, never held whole."""
    strings: list[str] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _content_types(len(sheets)))
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
                                  f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                                  '</Relationships>')
        book, rels = _workbook(list(sheets))
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, (title, cells) in enumerate(sheets.items(), 1):
            xml = _sheet(cells, strings, (dimension or {}).get(title), inline)
            if inline and long_string:
                xml = xml.replace(f"<t>{escape(long_string[0])}</t>", f"<t>{'党' * long_string[1]}</t>")
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        with z.open("xl/sharedStrings.xml", "w") as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}" count="{len(strings)}" '
                    f'uniqueCount="{len(strings)}">'.encode())
            for s in strings:
                if long_string and s == long_string[0]:
                    f.write(b"<si><t>")
                    _stream(f, long_string[1])
                    f.write(b"</t></si>")
                else:
                    f.write(f"<si><t>{escape(s)}</t></si>".encode())
            f.write(b"</sst>")
    return path


def _stream(f, n: int, chunk: int = 1 << 20) -> None:
    block = ("党" * chunk).encode()
    for _ in range(n // chunk):
        f.write(block)
    f.write(("党" * (n % chunk)).encode())


def _sheet(cells: dict[str, str], strings: list[str], dimension: str | None, inline: bool) -> str:
    from openpyxl.utils.cell import coordinate_from_string

    rows: dict[int, list[str]] = {}
    for ref, text in cells.items():
        if inline:
            cell = f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
        else:
            strings.append(text)
            cell = f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'
        rows.setdefault(coordinate_from_string(ref)[1], []).append(cell)
    data = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}">{dim}<sheetData>{data}</sheetData></worksheet>'


def table(rows: Iterable[Iterable[str | None]], top: int = 1) -> dict[str, str]:
    """{cell ref: text} of ``rows`` from row ``top``, column A on (None: no cell)."""
    return {cell_ref(top + i, j + 1): v for i, row in enumerate(rows) for j, v in enumerate(row) if v is not None}

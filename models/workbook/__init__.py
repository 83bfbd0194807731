"""Excel workbook import and export: units, members, the three lists and star scores.

The format (sheet names and Chinese headers) is the public contract in ``contracts.md``, section
"Workbook"; ``docs/workbook.md`` explains it to administrators. This package maps sheets to tables
and knows nothing of chat: it depends on ``models`` only, and takes configuration (the star maxima)
as parameters.

Import works in three steps, so that a bad book writes nothing:

1. **read** (``read.py``, the cells by ``grids.py``) the book once and every known sheet in it: find the header row, find
   columns by header text (``sheets.py``), turn each cell into a value or a Chinese reason why it
   cannot be read (``cells.py``);
2. **check** (``check.py``, one function per sheet) references across the book and the database
   (units, parents, accounts), duplicates, cycles and the configured limits (each star-rating
   dimension at most its maximum); a row that depends on a bad row is bad too;
3. **write** (``write.py``, one function per sheet) the good rows (only when there are no bad ones,
   unless ``skip_bad_rows``): upsert by natural key, touching only the fields that differ. Progress
   that comes from chat (status, percent, done count, latest update) is never touched, and nothing
   is ever deleted.

``import_workbook`` never commits: the caller's ``session_scope`` does. ``export_workbook``
(``export.py``) writes the same sheets with the progress columns and a 月报 sheet.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlmodel import Session

from models.stars import DIMENSIONS
from models.tables import AuditEvent
from models.workbook.check import Db, check_items, check_members, check_stars, check_units
from models.workbook.export import build_workbook, export_workbook
from models.workbook.read import read_book
from models.workbook.results import ImportSummary, RowProblem, WorkbookError
from models.workbook.sheets import ITEM_SHEETS, MEMBERS, SHEET_ORDER, STARS, UNITS
from models.workbook.write import write_items, write_members, write_stars, write_units

__all__ = ["ImportSummary", "RowProblem", "WorkbookError", "build_workbook", "export_workbook",
           "import_workbook"]

DEFAULT_MAXIMA: dict[str, float] = {d.field: d.maximum for d in DIMENSIONS}


def import_workbook(session: Session, path: Any, *, actor: str, now: datetime,
                    skip_bad_rows: bool = False, star_maxima: dict[str, float] | None = None,
                    progress: Callable[[str], None] | None = None) -> ImportSummary:
    """Load a book into the database (never commits; the caller's session_scope does).

    ``star_maxima`` is the most points of each star-rating dimension (StarScore field → points,
    e.g. ``cfg.stars.maxima()``); fields it leaves out keep ``models.stars.DIMENSIONS``' defaults.
    Raises WorkbookError with every problem found, having written nothing, unless
    ``skip_bad_rows``: then the good rows are written and the bad ones are in ``summary.skipped``.
    An AuditEvent (action "import") is added when anything changed. ``progress`` is told, in
    Chinese, the rows read, checked and written so far (the CLI shows it on a terminal).
    """
    say = progress or (lambda _line: None)
    book = read_book(path, say)
    rows = sum(len(book.rows(name)) for name in SHEET_ORDER)

    db = Db.load(session)
    unit_rows = check_units(book, db)
    member_rows = check_members(book, db, unit_rows)
    for name in ITEM_SHEETS:
        check_items(book, name, db, member_rows, now)
    check_stars(book, db, unit_rows, DEFAULT_MAXIMA | (star_maxima or {}))
    say(f"已检查{rows}行")

    problems = list(book.problems)
    for name in SHEET_ORDER:
        for r in book.rows(name):
            problems.extend(RowProblem(r.sheet, r.row, reason) for reason in r.problems)
    order = {name: i for i, name in enumerate(SHEET_ORDER)}
    problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row))
    if problems and not skip_bad_rows:
        raise WorkbookError(problems)

    summary = ImportSummary(skipped=problems, ignored_sheets=book.ignored)
    for name in SHEET_ORDER:
        if name in book.sheets:
            summary.start(name)
    writes = [(UNITS, write_units), (MEMBERS, write_members),
              *((name, partial(write_items, name=name, now=now)) for name in ITEM_SHEETS), (STARS, write_stars)]
    written = 0
    for name, write in writes:
        write(session, book, db=db, summary=summary)
        written += len(book.rows(name))
        say(f"已写入{written}/{rows}行（{name}）")

    if summary.changed:
        words = Path(path).name if isinstance(path, (str, Path)) else str(getattr(path, "name", "workbook"))
        session.add(AuditEvent(at=now, actor=actor, action="import", words=words,
                               detail="\n".join(summary.lines())))
        session.flush()
    return summary

"""Excel workbook import and export: units, members, the three lists and star scores.

The format (sheet names and Chinese headers) is the public contract in ``contracts.md``, section
"Workbook"; ``docs/workbook.md`` explains it to administrators.

Import works in three steps, so that a bad book writes nothing:

1. **read** every known sheet: find the header row, find columns by header text, turn each cell
   into a value or a Chinese reason why it cannot be read;
2. **check** references across the book and the database (units, parents, accounts), duplicates
   and cycles; a row that depends on a bad row is bad too;
3. **write** the good rows (only when there are no bad ones, unless ``skip_bad_rows``): upsert by
   natural key, touching only the fields that differ. Progress that comes from chat (status,
   percent, done count, latest update) is never touched, and nothing is ever deleted.

``import_workbook`` never commits: the caller's ``session_scope`` does.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from sqlmodel import Session, select

from models.tables import (
    STATUS_ZH,
    TITLES,
    AuditEvent,
    Item,
    ItemKind,
    Member,
    MonthlyReport,
    StarScore,
    Unit,
    UnitKind,
)

UNITS, MEMBERS, DUTIES, PROJECTS, RECTIFICATIONS, STARS, REPORTS = (
    "组织", "党员", "责任清单", "项目清单", "整改清单", "星级评分", "月报")
BOOK = "工作簿"   # the "sheet" named in problems about the file as a whole

ITEM_SHEETS = {
    DUTIES: ItemKind.RESPONSIBILITY,
    PROJECTS: ItemKind.PROJECT,
    RECTIFICATIONS: ItemKind.RECTIFICATION,
}
OWNER_LABEL = {DUTIES: "责任人", PROJECTS: "牵头人", RECTIFICATIONS: "责任人"}
_STATUS_ZH = {status.value: zh for status, zh in STATUS_ZH.items()}
PROGRESS_HEADERS = ("状态", "进度", "完成次数", "最近更新")
REPORT_HEADERS = ("账号", "姓名", "所在组织", "月份", "已报", "报送时间")


# ---------------------------------------------------------------------------------------------
# Public results
# ---------------------------------------------------------------------------------------------

@dataclass
class RowProblem:
    """One thing wrong with a book: where (sheet, Excel row number) and why (Chinese)."""

    sheet: str
    row: int
    reason: str

    def __str__(self) -> str:
        if self.row:
            return f"「{self.sheet}」第{self.row}行：{self.reason}"
        return f"「{self.sheet}」：{self.reason}"


class WorkbookError(Exception):
    """The book has problems; nothing was written. ``problems`` lists all of them."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"工作簿有{len(self.problems)}处问题，未导入任何数据："
        return "\n".join([head] + [f"  {p}" for p in self.problems])


@dataclass
class ImportSummary:
    """What an import did, per sheet name: rows created, updated, unchanged; rows skipped."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    skipped: list[RowProblem] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)   # sheets whose name is not known

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def lines(self) -> list[str]:
        """Chinese summary lines for the CLI (and for the audit record)."""
        sheets = [s for s in SHEET_ORDER if s in self.created]
        total = [sum(d.get(s, 0) for s in sheets) for d in (self.created, self.updated, self.unchanged)]
        out = [f"导入完成：新增{total[0]}条，更新{total[1]}条，未变{total[2]}条"
               + ("" if self.changed else "（数据没有变化）")]
        for s in sheets:
            out.append(f"  {s}：新增{self.created.get(s, 0)}，更新{self.updated.get(s, 0)}，"
                       f"未变{self.unchanged.get(s, 0)}")
        if self.skipped:
            rows = len({(p.sheet, p.row) for p in self.skipped})
            out.append(f"跳过{rows}行（共{len(self.skipped)}处问题）：")
            out.extend(f"  {p}" for p in self.skipped)
        if self.ignored_sheets:
            out.append("未识别的工作表（已忽略）：" + "、".join(self.ignored_sheets))
        return out


# ---------------------------------------------------------------------------------------------
# Cells: each parser turns one raw cell into a value, or raises _Bad with a Chinese reason
# ---------------------------------------------------------------------------------------------

class _Bad(Exception):
    """A cell that cannot be read; ``args[0]`` is the reason in Chinese."""


class _Formula:
    """A formula cell with no computed value (e.g. a book written by a program, never opened in Excel)."""

    def __repr__(self) -> str:
        return "<公式>"


FORMULA = _Formula()
_BLANKS = " \t\r\n\u3000\xa0\u200b\ufeff"


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip(_BLANKS))


def _show(v: Any) -> str:
    """A cell value as shown in a reason: short, on one line."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, datetime):
        v = v.strftime("%Y-%m-%d %H:%M") if v.time() != time() else v.strftime("%Y-%m-%d")
    s = " ".join(str(v).split())
    return s if len(s) <= 30 else s[:29] + "…"


def _guard(v: Any, label: str) -> None:
    """Formulas without a value and Excel error values are problems whatever the column."""
    if v is FORMULA:
        raise _Bad(f"{label}是公式，但没有计算结果（请在 Excel 中打开并保存，或改为直接填写数值）")
    if isinstance(v, str) and v.strip(_BLANKS) in ERROR_CODES:
        raise _Bad(f"{label}是错误值 {v.strip(_BLANKS)}")


def _norm(s: str) -> str:
    """Full-width digits, letters and punctuation to half-width, no whitespace: for numbers and keys."""
    return "".join(unicodedata.normalize("NFKC", s).split())


def _text(v: Any, label: str) -> str | None:
    """Free text (names, titles, accounts, codes); numbers become their plain digits."""
    _guard(v, label)
    if _is_blank(v):
        return None
    if isinstance(v, bool):
        raise _Bad(f"{label}应是文字，不是逻辑值 {v}")
    if isinstance(v, (datetime, date, time, timedelta)):
        raise _Bad(f"{label} {_show(v)} 被 Excel 当成了日期或时间，请把该列设为文本格式后重填")
    if isinstance(v, float):
        if not math.isfinite(v):
            raise _Bad(f"{label} {v} 不是有效内容")
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip(_BLANKS)


def _number(v: Any, label: str, suffixes: str = "") -> float | None:
    """A number from a numeric cell or text such as "85"、"８５"、"4次" (given suffixes)."""
    _guard(v, label)
    if _is_blank(v):
        return None
    if isinstance(v, bool) or isinstance(v, (datetime, date, time, timedelta)):
        raise _Bad(f"{label} {_show(v)} 不是数字")
    if isinstance(v, (int, float)):
        x = float(v)
    else:
        s = _norm(str(v)).rstrip(suffixes) if suffixes else _norm(str(v))
        try:
            x = float(s)
        except ValueError:
            raise _Bad(f"{label} {_show(v)} 不是数字") from None
    if not math.isfinite(x):
        raise _Bad(f"{label} {_show(v)} 不是数字")
    return x


def _year(v: Any, label: str) -> int | None:
    """A four-digit year: 2026, 2026.0, "2026", "2026年"."""
    _guard(v, label)
    bad = _Bad(f"{label} {_show(v)} 不是有效的年份（应为四位年份，如 2026）")
    if isinstance(v, (datetime, date)):
        raise bad
    try:
        x = _number(v, label, "年")
    except _Bad:
        raise bad from None
    if x is None:
        return None
    if not x.is_integer() or not 2000 <= x <= 2100:
        raise bad
    return int(x)


def _positive_int(v: Any, label: str) -> int | None:
    """Empty, or a whole number of at least 1 ("4"、"4次")."""
    x = _number(v, label, "次")
    if x is None:
        return None
    if not x.is_integer() or x < 1:
        raise _Bad(f"{label} {_show(v)} 应为正整数（或留空）")
    return int(x)


def _count(v: Any, label: str) -> int | None:
    """Empty, or a whole number of at least 0 ("0"、"1人")."""
    x = _number(v, label, "人")
    if x is None:
        return None
    if not x.is_integer() or x < 0:
        raise _Bad(f"{label} {_show(v)} 应为不小于 0 的整数")
    return int(x)


def _score(v: Any, label: str) -> float | None:
    """A score of at least 0 ("18"、"18.5"、"18分")."""
    x = _number(v, label, "分")
    if x is None:
        return None
    if x < 0 or x > 100:
        raise _Bad(f"{label} {_show(v)} 应在 0 到 100 之间")
    return x


def _rate(v: Any, label: str) -> float | None:
    """A percentage: "85%", 85, or 0.85 (a fraction, as a percent-formatted cell holds) → 85."""
    _guard(v, label)
    if isinstance(v, str) and _norm(v).endswith("%"):
        x = _number(_norm(v)[:-1], label)
        if x is None:
            raise _Bad(f"{label} {_show(v)} 不是百分数")
    else:
        x = _number(v, label)
        if x is None:
            return None
        if 0 <= x <= 1:
            x *= 100
    x = round(x, 6)
    if not 0 <= x <= 100:
        raise _Bad(f"{label} {_show(v)} 应在 0% 到 100% 之间")
    return x


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "对", "有", "已落实", "落实", "达标"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "不", "无", "未落实", "不达标", "未达标"}


def _yes_no(v: Any, label: str) -> bool | None:
    """是 / 否 (also Y/N, √/×, 1/0, true/false and the like); empty gives the column default."""
    _guard(v, label)
    if _is_blank(v):
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    s = _norm(str(v)).lower()
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise _Bad(f"{label} {_show(v)} 应填“是”或“否”")


def _date(v: Any, label: str) -> date | None:
    """A date cell, or text 2026-05-31 / 2026/5/31 / 2026.5.31 / 2026年5月31日 (or an Excel serial)."""
    _guard(v, label)
    if _is_blank(v):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 20000 <= v <= 80000:
        return from_excel(v).date()   # a date that lost its cell format
    if isinstance(v, str):
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?",
                         _norm(v))
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise _Bad(f"{label} {_show(v)} 不是存在的日期") from None
    raise _Bad(f"{label} {_show(v)} 不是日期（应写成 2026-05-31，或设为日期格式）")


def _choice(options: Iterable[str], aliases: dict[str, str]) -> Callable[[Any, str], str | None]:
    """A parser accepting one of ``options`` (or an alias of one)."""
    options = tuple(options)

    def parse(v: Any, label: str) -> str | None:
        s = _text(v, label)
        if s is None:
            return None
        key = _norm(s)
        if key in options:
            return key
        if key in aliases:
            return aliases[key]
        raise _Bad(f"{label} {_show(s)} 不在可选范围内（{' / '.join(options)}）")

    return parse


_unit_kind = _choice([k.value for k in UnitKind], {"支部": "党支部", "总支": "党总支"})
_title = _choice(TITLES, {"党支部书记": "支部书记", "党总支书记": "支部书记", "总支书记": "支部书记"})


# ---------------------------------------------------------------------------------------------
# Sheets and their columns
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Col:
    """A column: its header, the field it fills and how its cells are read."""

    header: str                         # as exported; matched loosely on import (see _header_key)
    field: str
    parse: Callable[[Any, str], Any]
    required: bool = False              # the cell must be filled
    optional: bool = False              # the column may be left out of the sheet
    default: Any = None                 # the value of an empty cell

    @property
    def label(self) -> str:
        return re.sub(r"\s*[（(].*$", "", self.header)


SHEETS: dict[str, tuple[Col, ...]] = {
    UNITS: (
        Col("名称", "name", _text, required=True),
        Col("上级", "parent", _text),
        Col("类型", "kind", _unit_kind, required=True),
    ),
    MEMBERS: (
        Col("姓名", "name", _text, required=True),
        Col("企业微信账号", "account", _text, required=True),
        Col("所在组织", "unit", _text, required=True),
        Col("职务", "title", _title, default="党员"),
        Col("管理员", "is_admin", _yes_no, optional=True, default=False),
    ),
    DUTIES: (
        Col("编号", "code", _text, required=True),
        Col("责任人", "owner", _text, required=True),
        Col("事项", "title", _text, required=True),
        Col("年度", "year", _year, required=True),
        Col("目标次数", "target_count", _positive_int, optional=True),
    ),
    PROJECTS: (
        Col("编号", "code", _text, required=True),
        Col("项目", "title", _text, required=True),
        Col("牵头人", "owner", _text, required=True),
        Col("年度", "year", _year, required=True),
        Col("截止日期", "deadline", _date),
    ),
    RECTIFICATIONS: (
        Col("编号", "code", _text, required=True),
        Col("问题", "title", _text, required=True),
        Col("整改措施", "measures", _text),
        Col("责任人", "owner", _text, required=True),
        Col("来源", "source", _text),
        Col("整改时限", "deadline", _date),
        # Not in the contract's list: optional; when empty the year is the deadline's (else now's).
        # Export writes it (last column) so that a re-imported book finds the same items.
        Col("年度", "year", _year, optional=True),
    ),
    STARS: (
        Col("组织", "unit", _text, required=True),
        Col("年度", "year", _year, required=True),
        Col("组织建设", "organisation", _score, default=0.0),
        Col("队伍建设", "team", _score, default=0.0),
        Col("制度建设", "system", _score, default=0.0),
        Col("阵地建设", "venue", _score, default=0.0),
        Col("活动开展", "activities", _score, default=0.0),
        Col("工作实绩", "performance", _score, default=0.0),
        Col("群众满意度测评", "satisfaction_score", _score, default=0.0),
        Col("群众满意率", "satisfaction_rate", _rate, default=100.0),
        Col("三会一课落实(是/否)", "three_meetings_ok", _yes_no, default=True),
        Col("阵地达标(是/否)", "venue_ok", _yes_no, default=True),
        Col("受警告以上处分人数", "disciplined", _count, default=0),
    ),
}
SHEET_ORDER = tuple(SHEETS)


def _header_key(v: Any) -> str:
    """Loose header text: half-width, no spaces, no "*" marks, no trailing "(是/否)" / "（%）"."""
    if v is None or v is FORMULA:
        return ""
    s = _norm(str(v)).strip("*")
    while True:
        t = re.sub(r"\([^()]*\)$", "", s)
        if t == s:
            return s
        s = t


# ---------------------------------------------------------------------------------------------
# Step 1: read
# ---------------------------------------------------------------------------------------------

@dataclass
class _Row:
    """One data row of a sheet: the values read and what is wrong with it."""

    sheet: str
    row: int
    data: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Sheet:
    name: str
    present: set[str]                   # fields whose column is in the sheet
    rows: list[_Row]


def _load(path: Any, data_only: bool) -> openpyxl.Workbook:
    if hasattr(path, "seek"):
        path.seek(0)
    return openpyxl.load_workbook(path, data_only=data_only)


def _grid(ws_values, ws_formulas) -> list[list[Any]]:
    """The sheet's cells as rows of values; formulas without a cached value become FORMULA;
    the value of a merged range fills every cell of the range (as a reader sees it)."""
    grid: list[list[Any]] = []
    for vals, forms in zip(ws_values.iter_rows(values_only=True), ws_formulas.iter_rows(values_only=True)):
        row = list(vals)
        for j, v in enumerate(row):
            f = forms[j] if j < len(forms) else None
            if v is None and f is not None and not isinstance(f, (str, int, float, bool, date, time, timedelta)):
                row[j] = FORMULA                      # array / data-table formula objects
            elif v is None and isinstance(f, str) and f.startswith("="):
                row[j] = FORMULA
        grid.append(row)
    for rng in ws_values.merged_cells.ranges:
        top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(grid) else None
        for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
            row = grid[r]
            row.extend([None] * (rng.max_col - len(row)))
            for c in range(rng.min_col - 1, rng.max_col):
                row[c] = top
    return grid


def _read_sheet(name: str, grid: list[list[Any]], problems: list[RowProblem]) -> _Sheet | None:
    """Find the header row, map columns, read every non-empty row. None for an empty sheet."""
    cols = SHEETS[name]
    if all(_is_blank(v) for row in grid for v in row):
        return None
    known = {_header_key(c.header): c for c in cols}

    def hits(row: list[Any]) -> int:
        return sum(1 for v in row if _header_key(v) in known)

    # The header is normally row 1; a title row or two above it is tolerated.
    candidates = grid[:10]
    head = max(range(len(candidates)), key=lambda i: (hits(candidates[i]), -i))
    if hits(candidates[head]) == 0:
        head = 0
    where: dict[str, int] = {}
    bad_header = False
    for j, v in enumerate(grid[head]):
        col = known.get(_header_key(v))
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
    sheet = _Sheet(name, set(where), [])
    if bad_header:
        return sheet
    for i in range(head + 1, len(grid)):
        raw = {c.field: (grid[i][where[c.field]] if where[c.field] < len(grid[i]) else None)
               for c in cols if c.field in where}
        if all(_is_blank(v) for v in raw.values()):
            continue
        row = _Row(name, i + 1, {})
        for c in cols:
            if c.field not in where:
                continue
            try:
                value = c.parse(raw[c.field], c.label)
            except _Bad as exc:
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


def _read_book(path: Any) -> tuple[dict[str, _Sheet], list[RowProblem], list[str]]:
    """Every known sheet of the book, the header problems, and the names of unknown sheets."""
    try:
        values = _load(path, data_only=True)
        formulas = _load(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the administrator's problem
        raise WorkbookError([RowProblem(BOOK, 0, f"无法打开（{type(exc).__name__}: {exc}），请确认是 .xlsx 文件")]) from exc
    sheets: dict[str, _Sheet] = {}
    problems: list[RowProblem] = []
    ignored: list[str] = []
    found: set[str] = set()
    for title in values.sheetnames:
        name = "".join(title.split())
        if name not in SHEETS:
            if name != REPORTS:                       # our own export's extra sheet
                ignored.append(title)
            continue
        if name in found:
            problems.append(RowProblem(name, 0, f"有两张名为「{name}」的工作表"))
            continue
        found.add(name)
        sheet = _read_sheet(name, _grid(values[title], formulas[title]), problems)
        if sheet is not None:
            sheets[name] = sheet
    if not found:
        raise WorkbookError([RowProblem(BOOK, 0, "没有找到可导入的工作表（应为 " + "、".join(SHEET_ORDER) + "）")])
    return sheets, problems, ignored


# ---------------------------------------------------------------------------------------------
# Step 2: check references, duplicates and cycles
# ---------------------------------------------------------------------------------------------

@dataclass
class _Db:
    """What is already in the database, by natural key."""

    units: dict[str, Unit]
    members: dict[str, Member]
    items: dict[tuple[str, str, int], Item]
    stars: dict[tuple[int, int], StarScore]

    @classmethod
    def load(cls, session: Session) -> "_Db":
        return cls(
            units={u.name: u for u in session.exec(select(Unit))},
            members={m.account: m for m in session.exec(select(Member))},
            items={(i.kind, i.code, i.year): i for i in session.exec(select(Item))},
            stars={(s.unit_id, s.year): s for s in session.exec(select(StarScore))},
        )


def _rows(sheets: dict[str, _Sheet], name: str) -> list[_Row]:
    return sheets[name].rows if name in sheets else []


def _index(rows: list[_Row], key: Callable[[_Row], Any], what: Callable[[_Row], str]) -> dict[Any, _Row]:
    """Rows by key (the first row wins); later rows with the same key are problems."""
    seen: dict[Any, _Row] = {}
    for r in rows:
        k = key(r)
        if k is None:
            continue
        if k in seen:
            r.problems.append(f"{what(r)}与第{seen[k].row}行重复")
        else:
            seen[k] = r
    return seen


def _depends(row: _Row, label: str, value: str, book: dict[Any, _Row], in_db: bool, missing: str) -> None:
    """Check a reference from ``row`` to something named ``value``: defined in the book (and its
    row must be good), or already in the database; otherwise the row gets a problem."""
    src = book.get(value)
    if src is not None:
        if not src.ok:
            row.problems.append(f"{label} {value} 所在的「{src.sheet}」第{src.row}行有误")
    elif src is None and not in_db:
        row.problems.append(f"{label} {value} {missing}")


def _check(sheets: dict[str, _Sheet], db: _Db, now: datetime) -> dict[str, dict[Any, _Row]]:
    """Annotate every row with its problems; returns the book's indexes (units, members)."""
    # Units. Rows with their own problems first, then (until nothing changes) rows whose parent
    # row is bad, and rows on a cycle of the tree as it would be after the import.
    units = _rows(sheets, UNITS)
    unit_rows = _index(units, lambda r: r.data.get("name"), lambda r: f"名称 {r.data['name']} ")
    for r in units:
        parent = r.data.get("parent")
        if parent and parent == r.data.get("name"):
            r.problems.append("上级不能是自己")
        elif parent and parent not in unit_rows and parent not in db.units:
            r.problems.append(f"上级组织 {parent} 不在组织名单中")
    db_parent = {u.name: None for u in db.units.values()}
    by_id = {u.id: u.name for u in db.units.values()}
    for u in db.units.values():
        db_parent[u.name] = by_id.get(u.parent_id)
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
        cycles = []
        for name, r in unit_rows.items():
            if not r.ok:
                continue
            path, cur = [name], parent_of.get(name)
            while cur and cur != name and cur not in path:
                path.append(cur)
                cur = parent_of.get(cur)
            if cur == name:
                cycles.append((r, " → ".join(path + [name])))
        for r, text in cycles:
            r.problems.append(f"上级关系形成了循环：{text}")
            changed = True

    # Members.
    members = _rows(sheets, MEMBERS)
    member_rows = _index(members, lambda r: r.data.get("account"),
                         lambda r: f"企业微信账号 {r.data['account']} ")
    for r in members:
        unit = r.data.get("unit")
        if unit:
            _depends(r, "所在组织", unit, unit_rows, unit in db.units, "不在组织名单中")

    # The three lists.
    for name, kind in ITEM_SHEETS.items():
        rows = _rows(sheets, name)
        for r in rows:
            if name == RECTIFICATIONS and r.data.get("year") is None:
                deadline = r.data.get("deadline")
                r.data["year"] = deadline.year if deadline else now.year
        _index(rows, lambda r: (r.data.get("code"), r.data.get("year")) if r.data.get("code") and r.data.get("year") else None,
               lambda r: f"编号 {r.data['code']}（{r.data['year']}年）")
        for r in rows:
            owner = r.data.get("owner")
            if owner:
                _depends(r, OWNER_LABEL[name], owner, member_rows, owner in db.members, "不在党员名单中")

    # Star scores.
    stars = _rows(sheets, STARS)
    _index(stars, lambda r: (r.data.get("unit"), r.data.get("year")) if r.data.get("unit") and r.data.get("year") else None,
           lambda r: f"{r.data['unit']} {r.data['year']}年的评分")
    for r in stars:
        unit = r.data.get("unit")
        if unit:
            _depends(r, "组织", unit, unit_rows, unit in db.units, "不在组织名单中")
    return {UNITS: unit_rows, MEMBERS: member_rows}


# ---------------------------------------------------------------------------------------------
# Step 3: write
# ---------------------------------------------------------------------------------------------

def _same(old: Any, new: Any) -> bool:
    if isinstance(old, float) or isinstance(new, float):
        if old is None or new is None:
            return old is new
        return math.isclose(float(old), float(new), rel_tol=0, abs_tol=1e-6)
    if isinstance(old, str) or isinstance(new, str):
        return (old or None) == (new or None)          # "" and None are the same empty cell
    return old == new


def _apply(obj: Any, values: dict[str, Any]) -> bool:
    """Set the fields that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if not _same(getattr(obj, name), value):
            setattr(obj, name, value)
            changed = True
    return changed


class _Counter:
    def __init__(self, summary: ImportSummary, sheet: str):
        self.summary, self.sheet = summary, sheet
        for d in (summary.created, summary.updated, summary.unchanged):
            d.setdefault(sheet, 0)

    def count(self, outcome: str) -> None:
        d = getattr(self.summary, outcome)
        d[self.sheet] += 1


def _write(session: Session, sheets: dict[str, _Sheet], db: _Db) -> ImportSummary:
    summary = ImportSummary()
    for name in SHEET_ORDER:
        if name in sheets:
            _Counter(summary, name)

    # Units: create the new ones first (parents may come later in the sheet), then link parents.
    if UNITS in sheets:
        counter = _Counter(summary, UNITS)
        good = [r for r in sheets[UNITS].rows if r.ok]
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
            changed = _apply(unit, {"kind": r.data["kind"],
                                    "parent_id": db.units[parent].id if parent else None})
            counter.count("created" if unit.name in new else "updated" if changed else "unchanged")
        session.flush()

    if MEMBERS in sheets:
        counter = _Counter(summary, MEMBERS)
        present = sheets[MEMBERS].present
        for r in sheets[MEMBERS].rows:
            if not r.ok:
                continue
            values = {"name": r.data["name"], "unit_id": db.units[r.data["unit"]].id}
            values.update({f: r.data[f] for f in ("title", "is_admin") if f in present})
            member = db.members.get(r.data["account"])
            if member is None:
                member = Member(account=r.data["account"], **values)
                session.add(member)
                db.members[member.account] = member
                counter.count("created")
            else:
                counter.count("updated" if _apply(member, values) else "unchanged")
        session.flush()

    for name, kind in ITEM_SHEETS.items():
        if name not in sheets:
            continue
        counter = _Counter(summary, name)
        present = sheets[name].present
        for r in sheets[name].rows:
            if not r.ok:
                continue
            owner = db.members[r.data["owner"]]
            values = {"title": r.data["title"], "owner_id": owner.id, "unit_id": owner.unit_id}
            values.update({f: r.data[f] for f in ("deadline", "target_count", "measures", "source")
                           if f in present})
            key = (kind.value, r.data["code"], r.data["year"])
            item = db.items.get(key)
            if item is None:
                item = Item(kind=kind.value, code=r.data["code"], year=r.data["year"], **values)
                session.add(item)
                db.items[key] = item
                counter.count("created")
            else:
                counter.count("updated" if _apply(item, values) else "unchanged")
        session.flush()

    if STARS in sheets:
        counter = _Counter(summary, STARS)
        present = sheets[STARS].present
        fields = [c.field for c in SHEETS[STARS] if c.field not in ("unit", "year") and c.field in present]
        for r in sheets[STARS].rows:
            if not r.ok:
                continue
            unit = db.units[r.data["unit"]]
            values = {f: r.data[f] for f in fields}
            score = db.stars.get((unit.id, r.data["year"]))
            if score is None:
                score = StarScore(unit_id=unit.id, year=r.data["year"], **values)
                session.add(score)
                db.stars[(unit.id, score.year)] = score
                counter.count("created")
            else:
                counter.count("updated" if _apply(score, values) else "unchanged")
        session.flush()
    return summary


def import_workbook(session: Session, path: Any, *, actor: str, now: datetime,
                    skip_bad_rows: bool = False) -> ImportSummary:
    """Load a book into the database (never commits; the caller's session_scope does).

    Raises WorkbookError with every problem found, having written nothing, unless
    ``skip_bad_rows``: then the good rows are written and the bad ones are in ``summary.skipped``.
    An AuditEvent (action "import") is added when anything changed.
    """
    sheets, problems, ignored = _read_book(path)
    db = _Db.load(session)
    _check(sheets, db, now)
    for name in SHEET_ORDER:
        for r in _rows(sheets, name):
            problems.extend(RowProblem(r.sheet, r.row, reason) for reason in r.problems)
    order = {name: i for i, name in enumerate(SHEET_ORDER)}
    problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row))
    if problems and not skip_bad_rows:
        raise WorkbookError(problems)
    summary = _write(session, sheets, db)
    summary.skipped = problems
    summary.ignored_sheets = ignored
    if summary.changed:
        words = Path(path).name if isinstance(path, (str, Path)) else str(getattr(path, "name", "workbook"))
        session.add(AuditEvent(at=now, actor=actor, action="import", words=words,
                               detail="\n".join(summary.lines())))
        session.flush()
    return summary


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------

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


def _headers(sheet: str) -> list[str]:
    return [c.header for c in SHEETS[sheet]]


def export_workbook(session: Session, path: Any, *, year: int | None, now: datetime, tz: ZoneInfo) -> None:
    """Write every sheet with current data (items and scores of ``year``, default: now's year in
    ``tz``), the progress columns on each list sheet, and the 月报 sheet of the year so far."""
    local_now = now.astimezone(tz)
    if year is None:
        year = local_now.year
    units = list(session.exec(select(Unit).order_by(Unit.id)))
    unit_name = {u.id: u.name for u in units}
    members = list(session.exec(select(Member).order_by(Member.id)))
    account = {m.id: m.account for m in members}
    items = list(session.exec(select(Item).where(Item.year == year).order_by(Item.id)))

    # Parents before children, siblings in creation order.
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        parent = u.parent_id if u.parent_id in unit_name else None
        children.setdefault(parent, []).append(u)
    ordered: list[Unit] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        u = stack.pop()
        ordered.append(u)
        stack.extend(reversed(children.get(u.id, [])))
    ordered += [u for u in units if u not in ordered]  # any unit on a (corrupt) cycle

    data: dict[str, list[list]] = {
        UNITS: [_headers(UNITS)] + [[u.name, unit_name.get(u.parent_id), u.kind] for u in ordered],
        MEMBERS: [_headers(MEMBERS)] + [
            [m.name, m.account, unit_name.get(m.unit_id), m.title, "是" if m.is_admin else "否"]
            for m in members],
    }
    for sheet, kind in ITEM_SHEETS.items():
        rows = [_headers(sheet)[:-1] + list(PROGRESS_HEADERS) + ["年度"] if sheet == RECTIFICATIONS
                else _headers(sheet) + list(PROGRESS_HEADERS)]
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
            row += [_STATUS_ZH.get(i.status, i.status), i.percent, i.done_count if i.target_count is not None else None, latest]
            if sheet == RECTIFICATIONS:
                row.append(i.year)
            rows.append(row)
        data[sheet] = rows

    stars = session.exec(select(StarScore).where(StarScore.year == year).order_by(StarScore.id))
    data[STARS] = [_headers(STARS)]
    for s in stars:
        rate: Any = _num(s.satisfaction_rate)
        if 0 < s.satisfaction_rate <= 1:      # would read back as a fraction; keep it a percentage
            rate = f"{s.satisfaction_rate:g}%"
        data[STARS].append([
            unit_name.get(s.unit_id), s.year, _num(s.organisation), _num(s.team), _num(s.system),
            _num(s.venue), _num(s.activities), _num(s.performance), _num(s.satisfaction_score), rate,
            "是" if s.three_meetings_ok else "否", "是" if s.venue_ok else "否", s.disciplined])

    # 月报: every owner of an item of the year, every month of the year up to now's month.
    last = 12 if year < local_now.year else local_now.month if year == local_now.year else 0
    months = [f"{year}-{m:02d}" for m in range(1, last + 1)]
    owners = {i.owner_id for i in items}
    reports = {(r.member_id, r.month): r for r in session.exec(
        select(MonthlyReport).where(MonthlyReport.month.in_(months)))} if months else {}
    data[REPORTS] = [list(REPORT_HEADERS)]
    for month in months:
        for m in members:
            if m.id not in owners:
                continue
            rep = reports.get((m.id, month))
            data[REPORTS].append([m.account, m.name, unit_name.get(m.unit_id), month,
                                  "是" if rep else "否", _stamp(rep.reported_at, tz) if rep else ""])
    build_workbook(data, literal=True).save(path)

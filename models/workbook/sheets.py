"""Sheets and their columns: the names and Chinese headers of the contract's "Workbook" section.

``SHEETS`` maps each importable sheet to its columns (``Col``: header, field, parser, required,
optional, default). The seven star-rating dimensions come from ``models.stars.DIMENSIONS``, the one
table of them. Headers are matched loosely on import (``header_key``).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from models.stars import DIMENSIONS
from models.tables import ItemKind
from models.workbook.cells import (
    FORMULA,
    MAX_CODE,
    MAX_MEASURES,
    MAX_NAME,
    MAX_SOURCE,
    MAX_TITLE,
    norm,
    parse_account,
    parse_count,
    parse_date,
    parse_member_status,
    parse_positive_int,
    parse_rate,
    parse_score,
    parse_title,
    parse_unit_kind,
    parse_year,
    parse_yes_no,
    text_of,
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
# Export only, on each list sheet: the progress, and the evidence photos (how many, where the console shows them).
PROGRESS_HEADERS = ("状态", "进度", "完成次数", "最近更新", "佐证材料", "佐证链接")
REPORT_HEADERS = ("账号", "姓名", "所在组织", "月份", "已报", "报送时间")   # the exported 月报 sheet


@dataclass(frozen=True)
class Col:
    """A column: its header, the field it fills and how its cells are read."""

    header: str                         # as exported; matched loosely on import (see header_key)
    field: str
    parse: Callable[[Any, str], Any]
    required: bool = False              # the cell must be filled
    optional: bool = False              # the column may be left out of the sheet
    default: Any = None                 # the value of an empty cell

    @cached_property
    def label(self) -> str:
        return re.sub(r"\s*[（(].*$", "", self.header)


# Free text, each of at most its characters: names (units, people), 编号, titles, 整改措施, 来源.
NAME, CODE, TITLE, MEASURES, SOURCE = (text_of(n) for n in (MAX_NAME, MAX_CODE, MAX_TITLE, MAX_MEASURES, MAX_SOURCE))

SHEETS: dict[str, tuple[Col, ...]] = {
    UNITS: (
        Col("名称", "name", NAME, required=True),
        Col("上级", "parent", NAME),
        Col("类型", "kind", parse_unit_kind, required=True),
    ),
    MEMBERS: (
        Col("姓名", "name", NAME, required=True),
        Col("企业微信账号", "account", parse_account, required=True),
        Col("所在组织", "unit", NAME, required=True),
        Col("职务", "title", parse_title, default="党员"),
        Col("管理员", "is_admin", parse_yes_no, optional=True, default=False),
        Col("状态", "active", parse_member_status, optional=True, default=True),
    ),
    DUTIES: (
        Col("编号", "code", CODE, required=True),
        Col("责任人", "owner", parse_account, required=True),
        Col("事项", "title", TITLE, required=True),
        Col("年度", "year", parse_year, required=True),
        Col("目标次数", "target_count", parse_positive_int, optional=True),
    ),
    PROJECTS: (
        Col("编号", "code", CODE, required=True),
        Col("项目", "title", TITLE, required=True),
        Col("牵头人", "owner", parse_account, required=True),
        Col("年度", "year", parse_year, required=True),
        Col("截止日期", "deadline", parse_date),
    ),
    RECTIFICATIONS: (
        Col("编号", "code", CODE, required=True),
        Col("问题", "title", TITLE, required=True),
        Col("整改措施", "measures", MEASURES),
        Col("责任人", "owner", parse_account, required=True),
        Col("来源", "source", SOURCE),
        Col("整改时限", "deadline", parse_date),
        # Not in the contract's list: optional; when empty the year is the deadline's (else now's).
        # Export writes it (last column) so that a re-imported book finds the same items.
        Col("年度", "year", parse_year, optional=True),
    ),
    STARS: (
        Col("组织", "unit", NAME, required=True),
        Col("年度", "year", parse_year, required=True),
        *(Col(d.zh, d.field, parse_score, default=0.0) for d in DIMENSIONS),
        Col("群众满意率", "satisfaction_rate", parse_rate, default=100.0),
        # empty: from the meeting records of the year (models.meetings), not "是"
        Col("三会一课落实(是/否)", "three_meetings_ok", parse_yes_no, default=None),
        Col("阵地达标(是/否)", "venue_ok", parse_yes_no, default=True),
        Col("受警告以上处分人数", "disciplined", parse_count, default=0),
    ),
}
SHEET_ORDER = tuple(SHEETS)


def headers(sheet: str) -> list[str]:
    """The header row of ``sheet`` as exported (and as ``docs/workbook.md`` lists it)."""
    return [c.header for c in SHEETS[sheet]]


def header_key(v: Any) -> str:
    """Loose header text: half-width, no spaces, no "*" marks, no trailing "(是/否)" / "（%）"."""
    if v is None or v is FORMULA:
        return ""
    s = norm(str(v)).strip("*")
    while True:
        t = re.sub(r"\([^()]*\)$", "", s)
        if t == s:
            return s
        s = t


def sheet_name(title: str) -> str:
    """A sheet's title as matched against the known names: no whitespace anywhere."""
    return "".join(title.split())

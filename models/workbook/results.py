"""What an import reports: the problems of a book (``RowProblem``, ``WorkbookError``) and what it
wrote (``ImportSummary``), in Chinese for the administrator."""
from __future__ import annotations

from dataclasses import dataclass, field

from models.workbook.sheets import SHEET_ORDER


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
    left: list[str] = field(default_factory=list)             # accounts this import marked 离开

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def count(self, sheet: str, outcome: str) -> None:
        """One more row of ``sheet`` "created", "updated" or "unchanged"."""
        counts = getattr(self, outcome)
        counts[sheet] = counts.get(sheet, 0) + 1

    def start(self, sheet: str) -> None:
        """``sheet`` is in the book: it is listed, with zeros, even when it has no good row."""
        for counts in (self.created, self.updated, self.unchanged):
            counts.setdefault(sheet, 0)

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

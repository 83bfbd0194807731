"""models.workbook.results: what an import tells the administrator — where each problem is, and
what was written, sheet by sheet."""
from __future__ import annotations

from models.workbook.results import ImportSummary, RowProblem, WorkbookError
from models.workbook.sheets import SHEET_ORDER


def test_a_problem_names_its_sheet_and_row():
    assert str(RowProblem("党员", 7, "账号重复")) == "「党员」第7行：账号重复"
    assert str(RowProblem("单位", 0, "缺少“名称”列")) == "「单位」：缺少“名称”列"


def test_a_book_with_problems_lists_all_of_them_and_says_nothing_was_written():
    err = WorkbookError([RowProblem("党员", 3, "账号为空"), RowProblem("项目清单", 9, "截止日期无法识别")])
    assert str(err).splitlines() == ["工作簿有2处问题，未导入任何数据：", "  「党员」第3行：账号为空",
                                     "  「项目清单」第9行：截止日期无法识别"]


def test_the_summary_counts_per_sheet_in_the_books_order_and_lists_what_was_skipped():
    first, second = SHEET_ORDER[1], SHEET_ORDER[0]
    s = ImportSummary()
    s.start(first)
    s.start(second)
    s.count(first, "created")
    s.count(first, "created")
    s.count(second, "unchanged")
    s.skipped += [RowProblem(first, 4, "账号为空"), RowProblem(first, 4, "姓名为空")]
    s.ignored_sheets.append("草稿")
    lines = s.lines()
    assert lines[0] == "导入完成：新增2条，更新0条，未变1条" and s.changed
    assert lines[1:3] == [f"  {second}：新增0，更新0，未变1", f"  {first}：新增2，更新0，未变0"]
    assert lines[3] == "跳过1行（共2处问题）：" and lines[-1] == "未识别的工作表（已忽略）：草稿"


def test_nothing_changed_says_so():
    s = ImportSummary()
    s.start(SHEET_ORDER[0])
    s.count(SHEET_ORDER[0], "unchanged")
    assert not s.changed and s.lines()[0] == "导入完成：新增0条，更新0条，未变1条（数据没有变化）"

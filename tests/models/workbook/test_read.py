"""Reading a book (models.workbook.read): headers found loosely, missing columns, unknown sheets,
files that are not books."""
from __future__ import annotations

from datetime import date

from sqlmodel import select

from models.db import session_scope
from models.tables import Item, StarScore
from tests.models.workbook.books import MEMBERS, UNITS, import_error, reasons, run_import, save


def test_missing_column_is_a_problem_on_row_1(bare_engine, tmp_path):
    book = {"整改清单": [["编号", "问题", "整改措施", "来源", "整改时限"],
                       ["Z-1", "问题", "措施", "巡察", "2026-12-01"]]}
    err = import_error(bare_engine, save(tmp_path, book))
    assert reasons(err) == ["「整改清单」第1行：缺少「责任人」列"]


def test_header_order_spaces_and_variants(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    book = {
        " 整改清单 ": [["2026年问题整改清单"],                   # a title row above the header
                     [" 责任人", "整改时限 ", "编号", "备注", "问题", "来源", "整改措施"],
                     ["wangfang", "2026-11-30", "Z-1", "随便写", "党费收缴不规范", "巡察", "核对"],
                     [None, None, None, None, None, None, None],
                     [" sunli ", None, " Z-2", None, "记录不全\u3000", None, None]],
        "星级评分": [["年度", "组织", "群众满意率（%）", "组织建设", "队伍建设", "制度建设", "阵地建设", "活动开展",
                    "工作实绩", "群众满意度测评", "三会一课落实 (是/否)", "阵地达标", "受警告以上处分人数"],
                   [2026.0, "第一党支部", 85, 15, 14, 13, 10, 14, 15, 10, "√", "否", "0"]],
    }
    summary = run_import(bare_engine, save(tmp_path, book, "h.xlsx"))
    assert summary.created == {"整改清单": 2, "星级评分": 1}, summary.lines()
    with session_scope(bare_engine) as s:
        items = {i.code: i for i in s.exec(select(Item))}
        assert items["Z-1"].deadline == date(2026, 11, 30) and items["Z-1"].measures == "核对"
        assert items["Z-2"].title == "记录不全"
        star = s.exec(select(StarScore)).one()
        assert (star.year, star.satisfaction_rate, star.three_meetings_ok, star.venue_ok) == (2026, 85, True, False)


def test_not_a_workbook_or_no_known_sheet(bare_engine, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    err = import_error(bare_engine, junk)
    assert err.problems[0].sheet == "工作簿" and "无法打开" in str(err.problems[0])
    err = import_error(bare_engine, save(tmp_path, {"Sheet1": [["a"], [1]]}, "other.xlsx"))
    assert "没有找到可导入的工作表" in str(err.problems[0])


def test_unknown_sheets_are_ignored_and_named(bare_engine, tmp_path):
    summary = run_import(bare_engine, save(tmp_path, {"组织": UNITS, "说明": [["随便写"]]}))
    assert summary.ignored_sheets == ["说明"]
    assert summary.lines()[-1] == "未识别的工作表（已忽略）：说明"

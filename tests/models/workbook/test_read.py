"""Reading a book (models.workbook.read): headers found loosely, missing columns, unknown sheets,
files that are not books."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import openpyxl
from sqlmodel import select

from models.db import session_scope
from models.tables import Item, StarScore
from models.workbook.read import read_book
from tests.models.workbook.books import DUTIES, MEMBERS, UNITS, import_error, reasons, run_import, save


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


# --- one load: cached values, formulas without one, merged cells -----------------------------

def with_cached_values(path, values: dict[str, str]):
    """The book at ``path`` as Excel saves it: the formula cells named in ``values`` get that
    cached value (openpyxl writes formulas without one)."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, value in values.items():
        xml, n = re.subn(rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/>', rf"\g<1><v>{value}</v>", xml)
        assert n == 1, ref
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_formulas_read_as_their_cached_values_and_are_problems_without_one(tmp_path):
    path = save(tmp_path, {"责任清单": [DUTIES[0],
                                    ["W-1", "jiwei", "算过的公式", "=2025+1", "=2*2"],
                                    ["W-2", "jiwei", "没算过的公式", "=2025+1", None]]})
    with_cached_values(path, {"D2": "2026", "E2": "4"})
    book = read_book(path)
    (w1, w2) = book.rows("责任清单")
    assert w1.ok and (w1.data["year"], w1.data["target_count"]) == (2026, 4)
    assert len(w2.problems) == 1 and w2.problems[0].startswith("年度是公式，但没有计算结果")


def test_a_merged_range_fills_every_cell_of_it(tmp_path):
    path = save(tmp_path, {"党员": [MEMBERS[0],
                                  ["王芳", "wangfang", "第一党支部", "党员", "否"],
                                  ["李明", "liming", None, "支部书记", "否"],
                                  ["赵磊", "zhaolei", None, "党员", "否"]]})
    wb = openpyxl.load_workbook(path)
    wb["党员"].merge_cells("C2:C4")
    wb.save(path)
    book = read_book(path)
    assert [(r.data["account"], r.data["unit"]) for r in book.rows("党员")] == [
        ("wangfang", "第一党支部"), ("liming", "第一党支部"), ("zhaolei", "第一党支部")]


def test_openpyxl_loads_the_book_only_for_a_sheet_calamine_cannot_be_trusted_with(tmp_path, monkeypatch):
    loads = []
    real = openpyxl.load_workbook

    def counting(*args, **kwargs):
        loads.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counting)
    book = read_book(save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    assert loads == [] and book.read_by_openpyxl == {}
    assert len(book.rows("组织")) == 4 and len(book.rows("党员")) == 5
    # two sheets with a formula without a cached value: openpyxl loads the book once, read-only
    formulas = {"组织": UNITS + [["=1+1", None, "党支部"]], "党员": MEMBERS + [["=1+1", "x", "机关党委"]]}
    book = read_book(save(tmp_path, formulas, "formulas.xlsx"))
    assert loads == [{"read_only": True, "data_only": True}]
    assert set(book.read_by_openpyxl) == {"组织", "党员"}


def test_an_open_file_is_read_from_its_start(tmp_path):
    path = save(tmp_path, {"组织": UNITS})
    with open(path, "rb") as f:
        f.read(10)
        assert len(read_book(f).rows("组织")) == 4
    assert len(read_book(io.BytesIO(path.read_bytes())).rows("组织")) == 4

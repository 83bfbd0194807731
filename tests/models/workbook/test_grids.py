"""The two readers of models.workbook.grids give check.py the same values: python-calamine (fast)
where the guard (``untrusted``) trusts a sheet, openpyxl elsewhere. Every book here is read both
ways and compared cell by cell and as read (rows, values, problems); the guard's fallbacks are
shown to be needed (calamine alone would differ) and to give openpyxl's reading."""
from __future__ import annotations

import random
import re
import zipfile
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from openpyxl.styles.numbers import BUILTIN_FORMATS

from bench.org_data import generate, write_book
from models.workbook import grids
from models.workbook.bounds import MAX_COLUMNS
from models.workbook.grids import SheetSource, _calamine_grid, grid, open_book, untrusted
from models.workbook.read import read_book
from tests.models.workbook.books import DUTIES, MEMBERS, RECTS, STARS, UNITS, full_book, save

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def tidy(rows: list[list]) -> list[list]:
    """A grid as read_sheet sees it: "" is an empty cell, trailing empty cells and rows do not count."""
    out = []
    for row in rows:
        row = [None if v == "" else v for v in row]
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def typed(rows: list[list]) -> list[list]:
    return [[(type(v).__name__, v) for v in row] for row in rows]


def both_grids(path) -> dict[str, tuple[list[list], list[list]]]:
    """Each sheet's grid by calamine (guard or not) and by openpyxl, tidied, with types."""
    src = SheetSource(path)
    wb = open_book(path)
    try:
        out = {}
        for index, (title, part) in enumerate(src.sheets):
            fast = _calamine_grid(src._book().get_sheet_by_name(title), src.archive.read(part))
            out[title] = (typed(tidy(fast)), typed(tidy(grid(wb, wb.worksheets[index]))))
        return out
    finally:
        src.close()
        wb.close()


def as_read(book) -> list:
    return [(name, sorted(s.present), [(r.row, r.data, r.problems) for r in s.rows])
            for name, s in book.sheets.items()] + [book.problems, book.ignored]


def read_by_openpyxl(path, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(grids, "untrusted", lambda *a, **k: "forced")
        book = read_book(path)
    assert book.read_by_openpyxl and all(why.endswith("forced") for why in book.read_by_openpyxl.values())
    return book


def assert_same(path, monkeypatch, fast: bool = True):
    """Both readers give the same grids and the same book; calamine read it when ``fast``."""
    for title, (by_calamine, by_openpyxl) in both_grids(path).items():
        assert by_calamine == by_openpyxl, title
    book = read_book(path)
    assert (book.read_by_openpyxl == {}) is fast, book.read_by_openpyxl
    assert as_read(book) == as_read(read_by_openpyxl(path, monkeypatch))


def rewrite(path, change) -> None:
    """Rewrite the parts of the book at ``path``: ``change(parts)`` edits the dict of part → bytes."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def set_strings(parts: dict[str, bytes], strings: str) -> None:
    """Give the book the shared strings table ``strings`` (the <si> elements)."""
    if "xl/sharedStrings.xml" not in parts:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                         b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/'
                                 b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                 b"</Relationships>")
    parts["xl/sharedStrings.xml"] = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>{strings}</sst>'.encode()


def patched(path, sheet_xml: str | None = None, strings: str | None = None, sheet: int = 1):
    """The book at ``path`` with sheet ``sheet``'s sheetData and/or the shared strings replaced."""
    def change(parts):
        if sheet_xml is not None:
            name = f"xl/worksheets/sheet{sheet}.xml"
            parts[name] = re.sub(r"<sheetData\s*/>|<sheetData>.*</sheetData>",
                                 lambda _: f"<sheetData>{sheet_xml}</sheetData>", parts[name].decode(),
                                 flags=re.S).encode()
        if strings is not None:
            set_strings(parts, strings)
    rewrite(path, change)
    return path


def shared(path):
    """The book at ``path`` with its text in a shared strings table, as Excel saves it (openpyxl
    writes each text in its cell)."""
    table: dict[str, int] = {}

    def to_index(m):
        i = table.setdefault(m[3], len(table))
        return f'<c{m[1]}t="s"{m[2]}><v>{i}</v></c>'

    def change(parts):
        for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
            parts[name] = re.sub(r'<c([^>]*)t="inlineStr"([^>]*)><is>(.*?)</is></c>', to_index,
                                 parts[name].decode()).encode()
        set_strings(parts, "".join(f"<si>{si}</si>" for si in table))
    rewrite(path, change)
    assert table
    return path


# --- the same values -------------------------------------------------------------------------

def test_the_test_books_read_the_same(tmp_path, monkeypatch):
    assert_same(save(tmp_path, full_book()), monkeypatch)
    assert_same(shared(save(tmp_path, full_book(), "shared.xlsx")), monkeypatch)
    variants = {" 整改清单 ": [["2026年问题整改清单"], [" 责任人", "整改时限 ", "编号", "备注", "问题"],
                            ["wangfang", "2026-11-30", "Z-1", "随便写", "党费收缴不规范"],
                            [None, None, None, None, None],
                            [" sunli ", None, " Z-2", None, "记录不全\u3000"]],
                "星级评分": [STARS[0], ["第一党支部", 2026.0, 15, 14, 13.5, 10, 14, 15.25, 10, 0.85, "√", "否", "0"]],
                "说明": [["随便写"]]}
    assert_same(save(tmp_path, variants, "variants.xlsx"), monkeypatch)
    bad = {"组织": UNITS + [["第三党支部", "无此组织", "支部委员会"]], "党员": MEMBERS + [["王芳", "wang fang", None]],
           "责任清单": DUTIES + [["R-9", "liming", "x", "二〇二六", "-2"]], "整改清单": RECTS + [["Z-9", "x", None, "sunli",
                                                                                      None, "2026-02-30"]]}
    assert_same(save(tmp_path, bad, "bad.xlsx"), monkeypatch)


def test_the_benchmark_book_reads_the_same(tmp_path, monkeypatch):
    org = generate(members=600)
    assert_same(write_book(tmp_path / "org.xlsx", org), monkeypatch)          # inline strings (streaming writer)
    assert_same(shared(write_book(tmp_path / "org2.xlsx", org)), monkeypatch)   # shared strings, as Excel


def test_values_of_every_kind_read_the_same(tmp_path, monkeypatch):
    rows = [["text", " spaces ", "\u3000全角\u3000", "a\nb", "", "#N/A as text", "=not a formula?"],
            [True, False, 0, 1, -1, 2026, 13.5],
            [0.1, 1e-7, 123456789012345, 1.5e-20, -0.25, 99999999999.5, 7],
            [date(2026, 5, 31), datetime(2026, 5, 31, 8, 30), datetime(2026, 5, 31, 8, 30, 15, 250000),
             time(9, 45), timedelta(hours=30, minutes=5), date(1900, 2, 28), date(1900, 3, 1)]]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "组织"
    for row in rows:
        ws.append(row)
    ws["G1"].data_type = "s"
    ws.cell(6, 3, "beyond a gap")
    wb.save(tmp_path / "kinds.xlsx")
    assert_same(tmp_path / "kinds.xlsx", monkeypatch)


FORMATS = [BUILTIN_FORMATS[i] for i in sorted(BUILTIN_FORMATS)] + [
    'yyyy"年"m"月"d"日"', "yyyy/m/d", "yyyy\\-mm\\-dd", 'm"月"d"日"', '[DBNum1][$-804]yyyy"年"m"月"d"日"',
    "[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy", "0_ ", "0.00_ ", "#,##0.00_ ", "yyyy-mm-dd h:mm:ss", "[h]:mm:ss",
    "mm:ss.0", "[$-804]aaaa", "yyyy-mm-dd hh:mm", "0.0%", "@"]


def test_every_number_format_and_date_serial_reads_the_same(tmp_path, monkeypatch):
    rng = random.Random(11)
    serials = [0, 0.25, 0.5, 1, 1.5, 59, 60, 61, 46000, 46000.5, 46000.123456789, 46000.99999999,
               45292.0000001, 1e-9, 2958465, 2958465.999]
    serials += [round(rng.uniform(0, 80000), rng.choice((0, 3, 6, 9, 12))) for _ in range(200)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "组织"
    for i, fmt in enumerate(FORMATS):        # blocks of at most 30 columns (bounds.MAX_COLUMNS)
        for row, x in enumerate(serials, start=1 + i // MAX_COLUMNS * len(serials)):
            ws.cell(row, 1 + i % MAX_COLUMNS, x).number_format = fmt
    wb.save(tmp_path / "formats.xlsx")
    assert_same(tmp_path / "formats.xlsx", monkeypatch)


def test_rich_text_phonetics_and_markup_of_shared_strings_read_the_same(tmp_path, monkeypatch):
    path = save(tmp_path, {"组织": [["名称", "上级", "类型"], ["a", "b", "c"], ["d", "e", "f"]]})
    strings = ('<si><t>名称</t></si><si><t>上级</t></si><si><t>类型</t></si>'
               '<si><r><t>第一</t></r><r><rPr><b/></rPr><t xml:space="preserve">党支部 </t></r></si>'
               '<si><t>机关党委</t><rPh sb="0" eb="2"><t>jiguan</t></rPh><phoneticPr fontId="1"/></si>'
               '<si><t xml:space="preserve"> 党支部</t></si><si><t>a&amp;b&lt;c&#10;d</t></si><si><t/></si>'
               '<si><t>wang_xf</t></si>')
    cells = "".join(f'<c r="{c}{r}" t="s"><v>{i}</v></c>' for i, (r, c) in
                    enumerate([(1, "A"), (1, "B"), (1, "C"), (2, "A"), (2, "B"), (2, "C"), (3, "A"), (3, "B"),
                               (3, "C")]))
    rows = re.sub(r'(<c r="[A-C]1".*?</c>)(?=<c r="A2")', r"\1</row><row>", cells)
    rows = re.sub(r'(?=<c r="A3")', "</row><row>", rows)
    assert_same(patched(path, f"<row>{rows}</row>", strings), monkeypatch)


def test_merged_ranges_are_filled_by_both_readers(tmp_path, monkeypatch):
    path = save(tmp_path, {"党员": [MEMBERS[0], ["王芳", "wangfang", "第一党支部", "党员", "否"],
                                  ["李明", "liming", None, "支部书记", "否"], ["赵磊", "zhaolei", None, "党员", "否"]]})
    wb = openpyxl.load_workbook(path)
    wb["党员"].merge_cells("C2:C4")
    wb["党员"].merge_cells("F1:G1")
    wb.save(path)
    assert_same(path, monkeypatch)
    assert [r.data["unit"] for r in read_book(path).rows("党员")] == ["第一党支部"] * 3


def test_a_sheet_in_any_place_of_the_book_with_a_wrong_dimension_reads_the_same(tmp_path, monkeypatch):
    path = save(tmp_path, {"说明": [["x"]], "组织": UNITS, "党员": MEMBERS})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet2.xml"] = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>',
                                               parts["xl/worksheets/sheet2.xml"])
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    assert_same(path, monkeypatch)


# --- the guard's fallbacks -------------------------------------------------------------------

CELLS = {
    "formula without value": '<c r="A2"><f>2025+1</f><v></v></c>',
    "shared formula without value": '<c r="A2"><f t="shared" si="0"/></c>',
    "error cell": '<c r="A2" t="e"><v>#N/A</v></c>',
    "error from a formula": '<c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    "ISO date cell": '<c r="A2" t="d"><v>2026-05-31T00:00:00</v></c>',
    "text trimmed by calamine": '<c r="A2" t="inlineStr"><is><t> 第一党支部 </t></is></c>',
    "escape decoded by calamine": '<c r="A2" t="inlineStr"><is><t>a_x000D_b</t></is></c>',
    "float written as 15.0": '<c r="A2"><v>15.0</v></c>',
    "float written as 1E3": '<c r="A2"><v>1E3</v></c>',
    "integer of 18 digits": '<c r="A2"><v>123456789012345678</v></c>',
    "negative date": '<c r="A2" s="2"><v>-1</v></c>',
    "date past 9999": '<c r="A2" s="2"><v>2958466</v></c>',
    "date a hair below 1": '<c r="A2" s="2"><v>0.999999999</v></c>',
    "value with spaces": '<c r="A2"><v> 15 </v></c>',
    "prefixed cell": '<x:c r="A2" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:v>1</x:v></x:c>',
}


@pytest.mark.parametrize("case", CELLS)
@pytest.mark.filterwarnings("ignore:Cell A2 is marked as a date:UserWarning")   # "date past 9999", on purpose
def test_the_guard_falls_back_to_openpyxl(tmp_path, monkeypatch, case):
    path = save(tmp_path, {"组织": [["名称", "上级", "类型"], [date(2026, 1, 1), None, None]]})
    path = patched(path, '<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c r="B1" t="inlineStr">'
                         '<is><t>上级</t></is></c><c r="C1" t="inlineStr"><is><t>类型</t></is></c></row>'
                         f'<row r="2">{CELLS[case]}<c r="C2" t="inlineStr"><is><t>党支部</t></is></c></row>')
    book = read_book(path)
    assert list(book.read_by_openpyxl) == ["组织"]
    assert as_read(book) == as_read(read_by_openpyxl(path, monkeypatch))


def test_the_problem_texts_of_formulas_and_errors_stay(tmp_path):
    head = ('<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c r="B1" t="inlineStr"><is><t>上级</t></is>'
            '</c><c r="C1" t="inlineStr"><is><t>类型</t></is></c></row>')
    path = patched(save(tmp_path, {"组织": [["名称", "类型"], ["x", "y"]]}),
                   head + '<row r="2"><c r="A2"><f>1+1</f><v/></c><c r="C2" t="e"><v>#N/A</v></c></row>')
    (row,) = read_book(path).rows("组织")
    assert row.problems == ["名称是公式，但没有计算结果（请在 Excel 中打开并保存，或改为直接填写数值）", "类型是错误值 #N/A"]
    assert read_book(path).read_by_openpyxl == {"组织": "error or ISO date cell"}


def test_untrusted_says_why():
    sheet = f'<worksheet {NS}><sheetData>{{}}</sheetData></worksheet>'.format
    assert untrusted(sheet('<row r="1"><c r="A1"><v>2026</v></c><c r="B1"><v>13.5</v></c></row>').encode()) is None
    assert untrusted(sheet('<row r="1"><c r="A1" s="3"><v>46000.5</v></c></row>').encode(), {3}) is None
    assert untrusted(sheet('<row r="1"><c r="A1" s="3"><v>-1</v></c></row>').encode(), set()) is None
    assert untrusted(sheet('<row r="1"><c r="A1" s="3"><v>-1</v></c></row>').encode(), {3}) == "date serial -1"
    assert untrusted(sheet('<row r="1"><c r="A1" t="str"><f>A2</f><v>15.0</v></c></row>').encode()) is None
    assert untrusted(sheet('<row r="1"><c r="A1"><f>A2</f><v>15.5</v></c></row>').encode()) is None
    assert untrusted(sheet('<row r="1"><c r="A1"><v>15.0</v></c></row>').encode()) == "number 15.0"
    assert untrusted(sheet('<row r="1"><c r="A1"><f>A2</f><v/></c></row>').encode()) == "formula without a value"
    assert untrusted(b'<worksheet xmlns="urn:other"/>') == "namespace"
    assert untrusted(f'<sst {NS}><si><t>wang_xf</t></si></sst>'.encode(), strings=True) is None
    assert untrusted(f'<sst {NS}><si><t>a_x000D_</t></si></sst>'.encode(), strings=True) == "markup '_x000D_'"


def test_a_book_whose_shared_strings_calamine_would_read_differently_is_read_by_openpyxl(tmp_path, monkeypatch):
    path = patched(save(tmp_path, {"组织": [["名称", "上级", "类型"], ["x", None, "党支部"]]}),
                   strings='<si><t>名称</t></si><si><t>上级</t></si><si><t>类型</t></si>'
                           '<si><t>x_x000D_</t></si><si><t>党支部</t></si>')
    book = read_book(path)
    assert book.read_by_openpyxl == {"组织": "shared strings: markup '_x000D_'"}
    assert as_read(book) == as_read(read_by_openpyxl(path, monkeypatch))


def test_a_1904_book_is_read_by_openpyxl(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.MAC_EPOCH
    wb.active.title = "项目清单"
    for row in [["编号", "项目", "牵头人", "年度", "截止日期"], ["P-1", "x", "liming", 2026, date(2026, 12, 20)]]:
        wb.active.append(row)
    wb.save(tmp_path / "mac.xlsx")
    book = read_book(tmp_path / "mac.xlsx")
    assert book.read_by_openpyxl == {"项目清单": "1904 dates"}
    assert book.rows("项目清单")[0].data["deadline"] == date(2026, 12, 20)

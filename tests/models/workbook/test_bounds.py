"""The bounds checked on a sheet's XML before any reader reads it (``models/workbook/bounds.py``);
the books themselves are refused through ``qingdan import`` in tests/bot/test_hostile_books.py."""
from __future__ import annotations

import io
import zipfile

from models.workbook import bounds


def test_references_spaced_or_quoted_otherwise_are_found_all_the_same():
    for xml in (b'<worksheet><sheetData><row r = "1"><c r = "Z1048576" t="s"><v>0</v></c></row></sheetData></worksheet>',
                b"<worksheet><sheetData><row r='1'><c\nr='Z1048576'><v>1</v></c></row></sheetData></worksheet>"):
        [problem] = bounds.sheet_problems("组织", xml, [])
        assert str(problem).startswith("「组织」：单元格 Z1048576 超出可导入的范围")


def test_a_row_far_out_without_cells_is_named_by_its_first_cell():
    xml = b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="200001"/></sheetData></worksheet>'
    [problem] = bounds.sheet_problems("党员", xml, [])
    assert problem.reason.startswith("单元格 A200001 超出")


def test_a_number_equal_to_a_long_strings_index_is_not_that_string():
    xml = b'<worksheet><sheetData><row r="1"><c r="A1"><v>3</v></c><c r="B1" t="s"><v>3</v></c></row></sheetData></worksheet>'
    [problem] = bounds.sheet_problems("组织", xml, [3])
    assert problem.reason.startswith("单元格 B1 的文字过长")


def test_long_strings_are_found_across_the_chunks_of_the_stream():
    strings = [b"<si><t>a</t></si>", b"<si/>", b"<si><t>" + b"x" * (bounds.MAX_TEXT + 1) + b"</t></si>",
               b"<si><t>b</t></si>", b"<si><t>" + b"y" * (3 << 20) + b"</t></si>"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/sharedStrings.xml", b'<sst xmlns="x">' + b"".join(strings) + b"</sst>")
    with zipfile.ZipFile(buf) as z:
        assert bounds.long_strings(z, "xl/sharedStrings.xml") == [2, 4]

"""Hostile workbooks cannot hurt the bot (issue 21, point 3): `qingdan import` (a subprocess, as an
administrator runs it: a Rust abort would take a test process with it) refuses a stray cell far
out, a sheet whose used range says so, an over-long shared or inline string, with one Chinese line
naming the sheet and the cell, and writes nothing — on both engines. The 100-million-character
shared string itself, with its time and memory, is ``bench/hostile_books.py``."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.cli import main
from models.tables import Member, Unit
from models.workbook import build_workbook
from tests.support.cli import qingdan
from tests.support.config import write_config
from tests.support.xlsx import table, write_book

UNITS = [["名称", "上级", "类型"], ["机关党委", None, "机关党委"], ["第一党支部", "机关党委", "党支部"]]
MEMBERS = [["姓名", "企业微信账号", "所在组织", "职务"], ["李明", "liming", "第一党支部", "支部书记"]]
RECT_HEAD = ["编号", "问题", "整改措施", "责任人", "来源", "整改时限"]


def refused(tmp_path, db_url, engine, path, capsys, apart: bool = False) -> str:
    """`qingdan import PATH` refused the book: its one line of problems. ``apart``: run as a
    subprocess (a book that could abort the process: calamine's allocation failure is no exception);
    else in-process, through ``bot.cli.main``."""
    config = write_config(tmp_path / "config.toml", db_url, "http://127.0.0.1:9/cgi-bin/")
    if apart:
        r = qingdan("import", str(path), config=config, timeout=90)
        code, err = r.returncode, r.stderr
    else:
        capsys.readouterr()
        code, err = main(["import", str(path), "--config", str(config)]), capsys.readouterr().err
    assert code == 1, (code, err[-2000:])
    assert "Traceback" not in err and "panicked" not in err
    head, line, *rest = err.splitlines()
    assert head == "导入失败，未写入任何数据。共1处问题：", err[-2000:]
    with Session(engine) as s:
        assert s.exec(select(Unit)).all() == [] and s.exec(select(Member)).all() == []
    return line.strip()


STRAY = {
    "a stray cell at XFD1048576": ({"XFD1048576": "x"}, None, "XFD1048576"),
    "the same, the used range saying so": ({"XFD1048576": "x"}, "A1:XFD1048576", "XFD1048576"),
    "a stray cell at Z1048576": ({"Z1048576": "x"}, None, "Z1048576"),
    "a used range to Z1048576 and no cell there": ({}, "A1:Z1048576", "Z1048576"),
    "a stray cell in column ZZ": ({"ZZ2": "x"}, None, "ZZ2"),
    "a cell one column too far": ({"AE3": "x"}, None, "AE3"),
    "a row one too far": ({"A100001": "x"}, None, "A100001"),
}


@pytest.mark.parametrize("case", STRAY)
def test_a_cell_out_of_bounds_is_refused_naming_it(case, bare_engine, db_url, tmp_path, capsys):
    extra, dimension, cell = STRAY[case]
    path = write_book(tmp_path / "stray.xlsx", {"组织": table(UNITS) | extra, "党员": table(MEMBERS)},
                      dimension={"组织": dimension} if dimension else None)
    line = refused(tmp_path, db_url, bare_engine, path, capsys, apart=cell.startswith("XFD"))
    assert line.startswith(f"「组织」：单元格 {cell} 超出可导入的范围（每张表最多100000行、30列）"), line


def test_a_cell_at_the_bounds_is_read(bare_engine, db_url, tmp_path, capsys):
    path = write_book(tmp_path / "edge.xlsx", {"组织": table(UNITS) | {"AD100000": "备注"}})
    config = write_config(tmp_path / "config.toml", db_url, "http://127.0.0.1:9/cgi-bin/")
    assert main(["import", str(path), "--config", str(config)]) == 0, capsys.readouterr().err
    assert "组织：新增2" in capsys.readouterr().out


def test_an_over_long_shared_string_is_refused_naming_its_cell(bare_engine, db_url, tmp_path, capsys):
    rows = UNITS + [["很长的名称", None, "党支部"]]
    path = write_book(tmp_path / "long.xlsx", {"组织": table(rows), "党员": table(MEMBERS)},
                      long_string=("很长的名称", 200_000))
    line = refused(tmp_path, db_url, bare_engine, path, capsys)
    assert line.startswith("「组织」：单元格 A4 的文字过长（超过128KB），"), line


def test_an_over_long_string_no_cell_uses_is_refused_all_the_same(bare_engine, db_url, tmp_path, capsys):
    path = write_book(tmp_path / "long.xlsx", {"组织": table(UNITS), "备注": {"A1": "很长"}},
                      long_string=("很长", 200_000))
    line = refused(tmp_path, db_url, bare_engine, path, capsys)
    assert line.startswith("「备注」：单元格 A1 的文字过长（超过128KB），"), line


def test_an_over_long_inline_string_is_refused_naming_its_cell(bare_engine, db_url, tmp_path, capsys):
    rows = UNITS + [["很长的名称", None, "党支部"]]
    path = write_book(tmp_path / "inline.xlsx", {"组织": table(rows)}, long_string=("很长的名称", 50_000), inline=True)
    line = refused(tmp_path, db_url, bare_engine, path, capsys)
    assert line.startswith("「组织」：单元格 A4 的文字过长（超过128KB），"), line


LONG_CELLS = [
    ("组织", UNITS + [["党" * 65, None, "党支部"]], "「组织」第4行：名称有65个字，超过上限64个字"),
    ("党员", MEMBERS + [["王" * 65, "wang", "第一党支部", "党员"]], "「党员」第3行：姓名有65个字，超过上限64个字"),
    ("党员", MEMBERS + [["王芳", "w" * 65, "第一党支部", "党员"]],
     "「党员」第3行：企业微信账号有65个字，超过上限64个字"),
    ("整改清单", [RECT_HEAD, ["Z-1", "问题", "补齐", "liming", "巡" * 101, None]],
     "「整改清单」第2行：来源有101个字，超过上限100个字"),
    ("整改清单", [RECT_HEAD, ["Z-1", "问" * 501, "补齐", "liming", None, None]],
     "「整改清单」第2行：问题有501个字，超过上限500个字"),
    ("整改清单", [RECT_HEAD, ["Z-1", "问题", "措" * 2001, "liming", "巡" * 100, None]],
     "「整改清单」第2行：整改措施有2001个字，超过上限2000个字"),
    ("项目清单", [["编号", "项目", "牵头人", "年度", "截止日期"], ["P-" + "1" * 31, "项目", "liming", 2026, None]],
     "「项目清单」第2行：编号有33个字，超过上限32个字"),
]


@pytest.mark.parametrize("sheet, rows, problem", LONG_CELLS)
def test_each_column_has_a_length_limit(sheet, rows, problem, bare_engine, db_url, tmp_path, capsys):
    book = {"组织": UNITS, "党员": MEMBERS} | {sheet: rows}
    path = tmp_path / "book.xlsx"
    build_workbook(book).save(path)
    config = write_config(tmp_path / "config.toml", db_url, "http://127.0.0.1:9/cgi-bin/")
    assert main(["import", str(path), "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert f"  {problem}\n" in err and "共1处问题" in err
    with Session(bare_engine) as s:
        assert s.exec(select(Unit)).all() == []

"""bot.demo.organisation: the demo organisation goes in through the import workbook and the
chat's own rules, on both engines, once."""
from __future__ import annotations

from datetime import date

import openpyxl
from sqlmodel import Session, select

from bot.config import Config
from bot.demo.organisation import (
    DUTIES,
    MEMBERS,
    PROJECTS,
    RECTIFICATIONS,
    STARS,
    UNITS,
    prepare_data,
    workbook_rows,
)
from models.db import make_engine
from models.stars import DIMENSIONS
from models.tables import Item, ItemStatus, Member, MonthlyReport, StarScore, Unit
from tests.support.clock import NOW


def test_star_sheet_headers_are_the_seven_dimensions():
    header = workbook_rows(date(2026, 11, 20))["星级评分"][0]
    assert header[2:9] == [d.zh for d in DIMENSIONS]
    assert all(len(scores) == len(DIMENSIONS) for _, scores, *_ in STARS)


def test_deadlines_stay_inside_the_year():
    for today in (date(2026, 1, 3), date(2026, 12, 30)):
        rows = workbook_rows(today)
        deadlines = [r[-1] for r in rows["项目清单"][1:]] + [r[-1] for r in rows["整改清单"][1:]]
        assert all(d.year == 2026 for d in deadlines)


def test_prepare_data_imports_the_workbook_and_plays_back_the_year(db_url, tmp_path):
    cfg = Config()
    cfg.database.url = db_url
    book = tmp_path / "演示清单.xlsx"
    lines = prepare_data(cfg, book, NOW)
    assert lines[0].startswith("导入完成：新增")
    assert openpyxl.load_workbook(book).sheetnames == ["组织", "党员", "责任清单", "项目清单", "整改清单", "星级评分"]

    engine = make_engine(db_url)
    with Session(engine) as s:
        assert len(s.exec(select(Unit)).all()) == len(UNITS)
        assert len(s.exec(select(Member)).all()) == len(MEMBERS)
        items = s.exec(select(Item).where(Item.year == NOW.year)).all()
        assert len(items) == len(DUTIES) + len(PROJECTS) + len(RECTIFICATIONS)
        assert any(i.status == ItemStatus.CLOSED for i in items)             # Z-6 verified and closed off
        assert any(i.done_count for i in items)                              # counts played back
        scores = {row.unit_id: row for row in s.exec(select(StarScore))}
        assert len(scores) == len(STARS)
        first = s.exec(select(Unit).where(Unit.name == "第一党支部")).one()
        assert [getattr(scores[first.id], d.field) for d in DIMENSIONS] == list(STARS[0][1])
        assert s.exec(select(MonthlyReport)).first() is not None
    engine.dispose()

    again = tmp_path / "again.xlsx"
    assert prepare_data(cfg, again, NOW) is None                           # the earlier run's data is kept
    assert not again.exists()

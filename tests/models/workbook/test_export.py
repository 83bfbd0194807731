"""Export (models.workbook.export): progress columns, the 月报 sheet, the year, and a book that
re-imports unchanged."""
from __future__ import annotations

from datetime import UTC, date, datetime

import openpyxl
from sqlmodel import select

from models.db import init_db, make_engine, session_scope
from models.tables import Item, Member, MonthlyReport, StarScore, Unit
from models.workbook import export_workbook
from tests.models.workbook.books import (
    MEMBERS,
    NOW,
    TZ,
    UNITS,
    counts,
    dump,
    full_book,
    run_import,
    save,
    sheet_rows,
)
from tests.support.databases import fresh_database


def test_export_shows_progress_and_monthly_reports(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, full_book()))
    with session_scope(bare_engine) as s:
        r1 = s.exec(select(Item).where(Item.code == "R-1")).one()
        r1.status, r1.percent, r1.done_count = "in_progress", 50, 2
        p1 = s.exec(select(Item).where(Item.code == "P-1")).one()
        p1.status, p1.percent = "in_progress", 80
        p1.updated_at = datetime(2026, 11, 20, 2, 15, tzinfo=UTC)     # 10:15 in Shanghai
        p1.updated_words = "第2项完成80%"
        z1 = s.exec(select(Item).where(Item.code == "Z-1")).one()
        z1.status, z1.percent = "closed", 100
        liming = s.exec(select(Member).where(Member.account == "liming")).one()
        s.add(MonthlyReport(member_id=liming.id, month="2026-11", words="第2项完成80%",
                            reported_at=datetime(2026, 11, 20, 2, 15, tzinfo=UTC)))
    out = tmp_path / "out.xlsx"
    with session_scope(bare_engine) as s:
        export_workbook(s, out, year=None, now=NOW, tz=TZ)

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["组织", "党员", "责任清单", "项目清单", "整改清单", "星级评分", "月报", "红叉", "红叉汇总"]
    assert [c.value for c in wb["项目清单"][1]] == ["编号", "项目", "牵头人", "年度", "截止日期",
                                                 "状态", "进度", "完成次数", "最近更新", "佐证材料", "佐证链接"]
    assert wb["项目清单"][1][0].font.bold
    p1 = sheet_rows(out, "项目清单")[0]
    assert (p1["编号"], p1["状态"], p1["进度"], p1["完成次数"]) == ("P-1", "进行中", 80, None)
    assert p1["最近更新"] == "2026-11-20 10:15 第2项完成80%"
    assert wb["项目清单"]["E2"].is_date and p1["截止日期"].date() == date(2026, 12, 20)
    r1 = sheet_rows(out, "责任清单")[0]
    assert (r1["状态"], r1["进度"], r1["完成次数"], r1["目标次数"]) == ("进行中", 50, 2, 4)
    assert sheet_rows(out, "责任清单")[1]["状态"] == "未开始"
    z1 = sheet_rows(out, "整改清单")[0]
    assert (z1["问题"], z1["状态"], z1["来源"]) == ("党费收缴不规范", "已销号", "巡察")
    star = sheet_rows(out, "星级评分")[0]
    assert (star["组织"], star["群众满意率"], star["三会一课落实(是/否)"]) == ("第一党支部", 92, "是")
    members = sheet_rows(out, "党员")
    assert {m["企业微信账号"]: m["管理员"] for m in members}["jiwei"] == "是"

    months = sheet_rows(out, "月报")
    # Five owners (everyone owns an item) × eleven months (January to November 2026).
    assert len(months) == 5 * 11
    assert {m["月份"] for m in months} == {f"2026-{i:02d}" for i in range(1, 12)}
    nov = {m["账号"]: m for m in months if m["月份"] == "2026-11"}
    assert (nov["liming"]["已报"], nov["liming"]["报送时间"]) == ("是", "2026-11-20 10:15")
    assert (nov["liming"]["姓名"], nov["liming"]["所在组织"]) == ("李明", "第一党支部")
    assert nov["wangfang"]["已报"] == "否" and not nov["wangfang"]["报送时间"]


def test_export_then_reimport_changes_nothing(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, full_book()))
    with session_scope(bare_engine) as s:
        item = s.exec(select(Item).where(Item.code == "R-1")).one()
        item.status, item.percent, item.done_count = "done", 100, 4
        # A rectification filed under a year other than its deadline's keeps its year.
        s.add(Item(kind="rectification", code="Z-9", title="跨年整改", owner_id=item.owner_id,
                   unit_id=item.unit_id, year=2026, deadline=date(2027, 3, 31)))
        star = s.exec(select(StarScore)).first()
        star.satisfaction_rate = 0.5                    # a (strange) rate below 1%
    before = dump(bare_engine)
    out = tmp_path / "out.xlsx"
    with session_scope(bare_engine) as s:
        export_workbook(s, out, year=2026, now=NOW, tz=TZ)
    summary = run_import(bare_engine, out)
    assert counts(summary.created) == 0 and counts(summary.updated) == 0, summary.lines()
    assert summary.skipped == [] and summary.ignored_sheets == []
    assert dump(bare_engine) == before


def test_export_into_a_fresh_database_reproduces_the_data(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, full_book()))
    out = tmp_path / "out.xlsx"
    with session_scope(bare_engine) as s:
        export_workbook(s, out, year=2026, now=NOW, tz=TZ)

    def keys(eng):
        with session_scope(eng) as s:
            units = {u.id: u.name for u in s.exec(select(Unit))}
            return (sorted((u.name, units.get(u.parent_id), u.kind) for u in s.exec(select(Unit))),
                    sorted((i.kind, i.code, i.year, i.title, i.deadline, i.target_count, i.measures)
                           for i in s.exec(select(Item))))

    # A second fresh database on the same engine (SQLite or PostgreSQL) as ``bare_engine``.
    (tmp_path / "other").mkdir()
    with fresh_database(bare_engine.dialect.name, tmp_path / "other") as url:
        other = make_engine(url)
        init_db(other)
        summary = run_import(other, out)
        assert counts(summary.created) == 18
        assert keys(other) == keys(bare_engine)
        other.dispose()


def test_export_year_defaults_to_now_in_tz_and_filters_items(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, full_book()))
    out = tmp_path / "out.xlsx"
    new_year_eve = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)     # already 2027 in Shanghai
    with session_scope(bare_engine) as s:
        export_workbook(s, out, year=None, now=new_year_eve, tz=TZ)
    # Projects live until finished: 2026's unfinished ones are 2027's too, marked with their year;
    # a responsibility duty closed with 2026 and stays in 2026's export.
    assert {r["年度"] for r in sheet_rows(out, "项目清单")} == {2026} and sheet_rows(out, "星级评分") == []
    assert sheet_rows(out, "责任清单") == []
    assert len(sheet_rows(out, "组织")) == 4                   # units and members are not per year
    with session_scope(bare_engine) as s:
        export_workbook(s, out, year=2025, now=NOW, tz=TZ)
    assert sheet_rows(out, "整改清单") == []


def test_export_keeps_text_that_looks_like_a_formula(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    with session_scope(bare_engine) as s:
        owner = s.exec(select(Member).where(Member.account == "liming")).one()
        s.add(Item(kind="project", code="=1+1", title="=HYPERLINK(\"x\")", owner_id=owner.id,
                   unit_id=owner.unit_id, year=2026, updated_words="=2+2\x07完成",
                   updated_at=datetime(2026, 11, 1, 1, 0, tzinfo=UTC)))
    out = tmp_path / "out.xlsx"
    with session_scope(bare_engine) as s:
        export_workbook(s, out, year=2026, now=NOW, tz=TZ)
    row = sheet_rows(out, "项目清单")[0]
    assert (row["编号"], row["项目"], row["最近更新"]) == ("=1+1", "=HYPERLINK(\"x\")", "2026-11-01 09:00 =2+2完成")
    summary = run_import(bare_engine, out)
    assert not summary.changed and summary.skipped == []

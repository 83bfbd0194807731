"""Writing the good rows (models.workbook.write): upserts by natural key, only what changed,
progress from chat kept, nothing deleted."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from models.db import session_scope
from models.tables import AuditEvent, Item, Member, StarScore, Unit
from models.workbook import WorkbookError
from tests.models.workbook.books import MEMBERS, NOW, RECTS, UNITS, counts, dump, full_book, run_import, save


def test_full_import_of_all_sheets(bare_engine, tmp_path):
    summary = run_import(bare_engine, save(tmp_path, full_book()))
    assert summary.created == {"组织": 4, "党员": 5, "责任清单": 3, "项目清单": 2, "整改清单": 2, "星级评分": 2}
    assert counts(summary.updated) == 0 and counts(summary.unchanged) == 0 and summary.skipped == []

    with session_scope(bare_engine) as s:
        units = {u.name: u for u in s.exec(select(Unit))}
        assert units["县委办党组"].parent_id is None
        assert units["机关党委"].parent_id == units["县委办党组"].id
        assert units["第一党支部"].parent_id == units["机关党委"].id
        assert units["第一党支部"].kind == "党支部"
        members = {m.account: m for m in s.exec(select(Member))}
        assert members["jiwei"].is_admin and not members["liming"].is_admin
        assert members["liming"].title == "支部书记" and members["liming"].unit_id == units["第一党支部"].id
        items = {i.code: i for i in s.exec(select(Item))}
        assert items["R-1"].kind == "responsibility" and items["R-1"].target_count == 4
        assert items["R-2"].target_count is None and items["R-3"].target_count == 2
        assert items["R-1"].unit_id == units["县委办党组"].id          # the owner's unit
        assert items["P-1"].kind == "project" and items["P-1"].deadline == date(2026, 12, 20)
        assert items["P-2"].deadline == date(2026, 6, 30)
        z1 = items["Z-1"]
        assert (z1.kind, z1.title, z1.measures, z1.source, z1.deadline, z1.year) == (
            "rectification", "党费收缴不规范", "逐月核对台账", "巡察", date(2026, 11, 30), 2026)
        assert items["Z-2"].deadline == date(2026, 12, 15)
        assert all(i.status == "not_started" and i.percent == 0 for i in items.values())
        stars = {s_.unit_id: s_ for s_ in s.exec(select(StarScore))}
        one = stars[units["第一党支部"].id]
        assert one.total == 96.5 and one.satisfaction_rate == 92 and one.three_meetings_ok
        two = stars[units["第二党支部"].id]
        assert two.satisfaction_rate == 55 and not two.three_meetings_ok and two.disciplined == 1
        audits = list(s.exec(select(AuditEvent)))
        assert len(audits) == 1
        assert (audits[0].actor, audits[0].action, audits[0].words) == ("cli:test", "import", "book.xlsx")
        assert "新增" in audits[0].detail


def test_summary_lines_are_chinese(bare_engine, tmp_path):
    lines = run_import(bare_engine, save(tmp_path, full_book())).lines()
    assert lines[0].startswith("导入完成：新增18条")
    assert any(line.strip() == "整改清单：新增2，更新0，未变0" for line in lines)


def test_reimport_changes_nothing(bare_engine, tmp_path):
    path = save(tmp_path, full_book())
    run_import(bare_engine, path)
    before = dump(bare_engine)
    summary = run_import(bare_engine, path)
    assert counts(summary.created) == 0 and counts(summary.updated) == 0
    assert summary.unchanged == {"组织": 4, "党员": 5, "责任清单": 3, "项目清单": 2, "整改清单": 2, "星级评分": 2}
    assert not summary.changed and "没有变化" in summary.lines()[0]
    assert dump(bare_engine) == before                           # incl. no new AuditEvent


def test_reimport_keeps_progress_from_chat(bare_engine, tmp_path):
    path = save(tmp_path, full_book())
    run_import(bare_engine, path)
    at = datetime(2026, 11, 20, 2, 15, tzinfo=UTC)
    with session_scope(bare_engine) as s:
        item = s.exec(select(Item).where(Item.code == "R-1")).one()
        item.status, item.percent, item.done_count = "in_progress", 50, 2
        item.updated_at, item.updated_words = at, "听取汇报2次"
    run_import(bare_engine, path)
    with session_scope(bare_engine) as s:
        item = s.exec(select(Item).where(Item.code == "R-1")).one()
        assert (item.status, item.percent, item.done_count, item.updated_at, item.updated_words) == (
            "in_progress", 50, 2, at, "听取汇报2次")


def test_changed_book_updates_only_what_changed(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, full_book()))
    book = full_book()
    book["整改清单"] = [RECTS[0], ["Z-1", "党费收缴不规范", "逐月核对台账并公示", "wangfang", "巡察", date(2026, 11, 30)],
                       RECTS[2], ["Z-3", "发展党员程序不规范", None, "liming", None, None]]
    book["党员"] = MEMBERS + [["周强", "zhouqiang", "第二党支部", "党员", "否"]]
    summary = run_import(bare_engine, save(tmp_path, book, "b2.xlsx"))
    assert summary.updated["整改清单"] == 1 and summary.created["整改清单"] == 1
    assert summary.unchanged["整改清单"] == 1 and summary.created["党员"] == 1
    with session_scope(bare_engine) as s:
        z1 = s.exec(select(Item).where(Item.code == "Z-1")).one()
        assert z1.measures == "逐月核对台账并公示"
        z3 = s.exec(select(Item).where(Item.code == "Z-3")).one()
        assert z3.year == NOW.year and z3.deadline is None
        assert len(list(s.exec(select(AuditEvent)))) == 2


def test_missing_rows_are_never_deleted(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, full_book()))
    run_import(bare_engine, save(tmp_path, {"整改清单": RECTS[:2]}, "small.xlsx"))
    with session_scope(bare_engine) as s:
        assert len(list(s.exec(select(Item)))) == 7
        assert len(list(s.exec(select(Unit)))) == 4


def test_admin_column_may_be_left_out(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    book = {"党员": [row[:4] for row in MEMBERS]}
    summary = run_import(bare_engine, save(tmp_path, book, "m.xlsx"))
    assert summary.unchanged == {"党员": 5}
    with session_scope(bare_engine) as s:
        assert s.exec(select(Member).where(Member.account == "jiwei")).one().is_admin


def test_a_member_marked_left_is_kept_but_inactive_and_back_again(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    left = [MEMBERS[0] + ["状态"]] + [row + ["离开" if row[1] == "wangfang" else None] for row in MEMBERS[1:]]
    summary = run_import(bare_engine, save(tmp_path, {"党员": left}, "left.xlsx"))
    assert summary.updated == {"党员": 1}
    with session_scope(bare_engine) as s:
        assert {m.account: m.active for m in s.exec(select(Member))}["wangfang"] is False
        assert s.exec(select(Member).where(Member.account == "liming")).one().active
    back = [MEMBERS[0] + ["状态"]] + [row + ["在册"] for row in MEMBERS[1:]]
    run_import(bare_engine, save(tmp_path, {"党员": back}, "back.xlsx"))
    with session_scope(bare_engine) as s:
        assert s.exec(select(Member).where(Member.account == "wangfang")).one().active


def test_an_unknown_member_status_is_a_row_error(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, {"组织": UNITS}))
    book = {"党员": [MEMBERS[0] + ["状态"], MEMBERS[1] + ["请假"]]}
    with pytest.raises(WorkbookError) as err:
        run_import(bare_engine, save(tmp_path, book, "bad.xlsx"))
    assert "「党员」第2行：状态 请假 不在可选范围内（在册 / 离开）" in str(err.value)

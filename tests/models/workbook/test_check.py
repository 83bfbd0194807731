"""Checks across the book and the database (models.workbook.check): references, duplicates, cycles;
a bad book writes nothing unless bad rows are skipped."""
from __future__ import annotations

from datetime import date

from sqlmodel import select

from models.db import session_scope
from models.tables import AuditEvent, Item, Member, StarScore, Unit
from models.workbook import RowProblem
from tests.models.workbook.books import (
    DUTIES,
    MEMBERS,
    RECTS,
    STARS,
    UNITS,
    counts,
    dump,
    full_book,
    import_error,
    reasons,
    run_import,
    save,
)


def test_bad_rows_are_all_reported_and_nothing_is_written(bare_engine, tmp_path):
    book = full_book()
    book["组织"] = UNITS + [["第三党支部", "不存在的党委", "党支部"], ["第四党支部", "机关党委", "支部委员会"]]
    book["党员"] = MEMBERS + [["周强", "zhouqiang", "第九党支部", "党员", "否"],
                              ["赵磊", "zhaolei", "第二党支部", "组织委员", "否"],
                              ["重复", "wangfang", "第一党支部", "党员", "否"]]
    book["整改清单"] = RECTS + [["Z-3", "问题", "措施", "zhangsan", "巡察", "2026-12-01"],
                              ["Z-1", "重复编号", "措施", "wangfang", "巡察", "2026-12-01"],
                              ["Z-4", "日期不对", "措施", "wangfang", "巡察", "2026-02-30"],
                              ["Z-5", None, "措施", "wangfang", "巡察", "下个月"]]
    book["责任清单"] = DUTIES + [["R-4", "jiwei", "事项", "二〇二六", "若干次"], ["R-5", "jiwei", "事项", 2026, 0]]
    err = import_error(bare_engine, save(tmp_path, book))
    text = reasons(err)
    expected = [
        "「组织」第6行：上级组织 不存在的党委 不在组织名单中",
        "「组织」第7行：类型 支部委员会 不在可选范围内（党组 / 机关党委 / 党总支 / 党支部）",
        "「党员」第7行：所在组织 第九党支部 不在组织名单中",
        "「党员」第8行：职务 组织委员 不在可选范围内（党组书记 / 机关党委书记 / 支部书记 / 党组成员 / 党员）",
        "「党员」第9行：企业微信账号 wangfang 与第5行重复",
        "「整改清单」第4行：责任人 zhangsan 不在党员名单中",
        "「整改清单」第5行：编号 Z-1（2026年）与第2行重复",
        "「整改清单」第6行：整改时限 2026-02-30 不是存在的日期",
        "「整改清单」第7行：缺少问题",
    ]
    for line in expected:
        assert line in text, (line, text)
    assert any(t.startswith("「整改清单」第7行：整改时限 下个月 不是日期") for t in text)
    assert any(t.startswith("「责任清单」第5行：年度 二〇二六 不是有效的年份") for t in text)
    assert any(t.startswith("「责任清单」第5行：目标次数 若干次") for t in text)
    assert "「责任清单」第6行：目标次数 0 应为正整数（或留空）" in text
    assert all(isinstance(p, RowProblem) and p.sheet and p.row for p in err.problems)
    assert "「整改清单」第4行" in str(err)
    # Nothing at all was written, although the session was committed.
    assert all(rows == [] for rows in dump(bare_engine).values())


def test_unit_cycle_is_reported(bare_engine, tmp_path):
    book = {"组织": [["名称", "上级", "类型"],
                     ["甲党支部", "乙党支部", "党支部"],
                     ["乙党支部", "甲党支部", "党支部"],
                     ["丙党支部", "丙党支部", "党支部"],
                     ["丁党支部", "甲党支部", "党支部"]]}
    err = import_error(bare_engine, save(tmp_path, book))
    text = reasons(err)
    assert "「组织」第2行：上级关系形成了循环：甲党支部 → 乙党支部 → 甲党支部" in text
    assert "「组织」第3行：上级关系形成了循环：乙党支部 → 甲党支部 → 乙党支部" in text
    assert "「组织」第4行：上级不能是自己" in text
    assert "「组织」第5行：上级组织 甲党支部 所在的「组织」第2行有误" in text


def test_cycle_through_a_unit_already_in_the_database(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, full_book()))
    err = import_error(bare_engine, save(tmp_path, {"组织": [["名称", "上级", "类型"],
                                                       ["县委办党组", "第一党支部", "党组"]]}, "b.xlsx"))
    assert reasons(err) == ["「组织」第2行：上级关系形成了循环：县委办党组 → 第一党支部 → 机关党委 → 县委办党组"]


def test_skip_bad_rows_writes_the_good_rows(bare_engine, tmp_path):
    book = full_book()
    book["组织"] = UNITS + [["第三党支部", "机关党委", "小组"]]
    book["党员"] = MEMBERS + [["周强", "zhouqiang", "第三党支部", "党员", "否"]]
    book["整改清单"] = RECTS + [["Z-3", "问题", "措施", "zhouqiang", "巡察", "2026-12-01"],
                              ["Z-4", "问题", "措施", "nobody", "巡察", "2026-12-01"]]
    summary = run_import(bare_engine, save(tmp_path, book), skip_bad_rows=True)
    text = [str(p) for p in summary.skipped]
    assert text == [
        "「组织」第6行：类型 小组 不在可选范围内（党组 / 机关党委 / 党总支 / 党支部）",
        "「党员」第7行：所在组织 第三党支部 所在的「组织」第6行有误",
        "「整改清单」第4行：责任人 zhouqiang 所在的「党员」第7行有误",
        "「整改清单」第5行：责任人 nobody 不在党员名单中",
    ]
    assert summary.created["组织"] == 4 and summary.created["党员"] == 5 and summary.created["整改清单"] == 2
    assert any("跳过4行" in line for line in summary.lines())
    with session_scope(bare_engine) as s:
        assert {i.code for i in s.exec(select(Item).where(Item.kind == "rectification"))} == {"Z-1", "Z-2"}
        assert s.exec(select(Member).where(Member.account == "zhouqiang")).first() is None
        assert len(list(s.exec(select(AuditEvent)))) == 1


def test_only_rectifications_referencing_existing_members(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    book = {"整改清单": [RECTS[0],
                       ["Z-1", "党费收缴不规范", "逐月核对台账", "wangfang", "巡察", date(2027, 1, 31)],
                       ["Z-2", "记录不全", "补齐", "sunli", "检查考核", None]]}
    summary = run_import(bare_engine, save(tmp_path, book, "z.xlsx"))
    assert summary.created == {"整改清单": 2}
    with session_scope(bare_engine) as s:
        units = {u.id: u.name for u in s.exec(select(Unit))}
        items = {i.code: i for i in s.exec(select(Item))}
        # No 年度 column: the year it was imported, whatever the 整改时限 (issue 10) — so a
        # rectification due next year is on this year's list, queries and export.
        assert items["Z-1"].year == 2026 and items["Z-2"].year == 2026
        assert units[items["Z-2"].unit_id] == "第二党支部"
    assert counts(run_import(bare_engine, save(tmp_path, book, "z.xlsx")).unchanged) == 2


def test_a_row_with_several_problems_reports_each(bare_engine, tmp_path):
    book = {"组织": UNITS, "党员": MEMBERS,
            "整改清单": [RECTS[0], ["Z-3", "问题", "措施", "nobody", "巡察", "2026-13-01"]]}
    err = import_error(bare_engine, save(tmp_path, book))
    assert reasons(err) == ["「整改清单」第2行：整改时限 2026-13-01 不是存在的日期",
                            "「整改清单」第2行：责任人 nobody 不在党员名单中"]


# --- star-rating maxima ----------------------------------------------------------------------

STAR_HEADER = STARS[0]


def test_a_dimension_above_its_maximum_is_a_row_error(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, {"组织": UNITS}))
    book = {"星级评分": [STAR_HEADER,
                       ["第一党支部", 2026, 90, 90, 90, 90, 90, 90, 90, "95%", "是", "是", 0],   # 630 points
                       ["第二党支部", 2026, 15, 15, 15, 10.5, 15, 20, 10, "95%", "是", "是", 0],
                       ["机关党委", 2026, 15, 15, 15, 10, 15, 20, 10, "95%", "是", "是", 0]]}   # exactly 100
    err = import_error(bare_engine, save(tmp_path, book, "s.xlsx"))
    assert reasons(err) == [
        "「星级评分」第2行：组织建设 90 超过该项满分15分",
        "「星级评分」第2行：队伍建设 90 超过该项满分15分",
        "「星级评分」第2行：制度建设 90 超过该项满分15分",
        "「星级评分」第2行：阵地建设 90 超过该项满分10分",
        "「星级评分」第2行：活动开展 90 超过该项满分15分",
        "「星级评分」第2行：工作实绩 90 超过该项满分20分",
        "「星级评分」第2行：群众满意度测评 90 超过该项满分10分",
        "「星级评分」第3行：阵地建设 10.5 超过该项满分10分",
    ]
    assert all((p.sheet, p.row) in {("星级评分", 2), ("星级评分", 3)} for p in err.problems)
    with session_scope(bare_engine) as s:
        assert list(s.exec(select(StarScore))) == []          # nothing written

    summary = run_import(bare_engine, save(tmp_path, book, "s.xlsx"), skip_bad_rows=True)
    assert summary.created["星级评分"] == 1 and len(summary.skipped) == 8
    with session_scope(bare_engine) as s:
        (score,) = s.exec(select(StarScore))
        assert score.total == 100


def test_configured_maxima_are_honoured(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, {"组织": UNITS}))
    book = {"星级评分": [STAR_HEADER,
                       ["第一党支部", 2026, 12, 15, 15, 12, 15, 20, 10, "95%", "是", "是", 0]]}
    path = save(tmp_path, book, "s.xlsx")
    # 阵地建设 may have 12 points here, 组织建设 only 10; the fields left out keep their defaults.
    err = import_error(bare_engine, path, star_maxima={"venue": 12, "organisation": 10})
    assert reasons(err) == ["「星级评分」第2行：组织建设 12 超过该项满分10分"]
    summary = run_import(bare_engine, path, star_maxima={"venue": 12, "organisation": 12})
    assert summary.created["星级评分"] == 1
    with session_scope(bare_engine) as s:
        assert s.exec(select(StarScore)).one().venue == 12

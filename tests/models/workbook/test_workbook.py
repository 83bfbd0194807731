"""Workbook import / export (models.workbook), on a fresh SQLite file per test."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlmodel import select

from models.workbook import (
    ImportSummary,
    RowProblem,
    WorkbookError,
    build_workbook,
    export_workbook,
    import_workbook,
)
from models.db import init_db, make_engine, session_scope
from models.tables import AuditEvent, Item, Member, MonthlyReport, StarScore, Unit

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=TZ)

UNITS = [["名称", "上级", "类型"],
         ["县委办党组", None, "党组"],
         ["第一党支部", "机关党委", "党支部"],           # parent defined on a later row
         ["机关党委", "县委办党组", "机关党委"],
         ["第二党支部", "机关党委", "党支部"]]
MEMBERS = [["姓名", "企业微信账号", "所在组织", "职务", "管理员"],
           ["张书记", "zhangsj", "县委办党组", "党组书记", "否"],
           ["纪伟", "jiwei", "机关党委", "机关党委书记", "是"],
           ["李明", "liming", "第一党支部", "支部书记", None],
           ["王芳", "wangfang", "第一党支部", "党员", "否"],
           ["孙丽", "sunli", "第二党支部", "支部书记", "否"]]
DUTIES = [["编号", "责任人", "事项", "年度", "目标次数"],
          ["R-1", "zhangsj", "听取基层党建工作汇报并指导", 2026, 4],
          ["R-2", "jiwei", "组织党员集中学习", 2026, None],
          ["R-3", "liming", "讲专题党课", "2026", "2次"]]
PROJECTS = [["编号", "项目", "牵头人", "年度", "截止日期"],
            ["P-1", "建设党员活动室", "liming", 2026, date(2026, 12, 20)],
            ["P-2", "制定年度学习计划", "wangfang", 2026, "2026-06-30"]]
RECTS = [["编号", "问题", "整改措施", "责任人", "来源", "整改时限"],
         ["Z-1", "党费收缴不规范", "逐月核对台账", "wangfang", "巡察", date(2026, 11, 30)],
         ["Z-2", "三会一课记录不全", "补齐记录", "sunli", "检查考核", "2026/12/15"]]
STARS = [["组织", "年度", "组织建设", "队伍建设", "制度建设", "阵地建设", "活动开展", "工作实绩",
          "群众满意度测评", "群众满意率", "三会一课落实(是/否)", "阵地达标(是/否)", "受警告以上处分人数"],
         ["第一党支部", 2026, 15, 14, 13, 12, 14, 15, 13.5, "92%", "是", "是", 0],
         ["第二党支部", 2026, 10, 9, 8, 8, 9, 9, 7, 0.55, "否", "是", 1]]


def full_book() -> dict[str, list[list]]:
    return {"组织": UNITS, "党员": MEMBERS, "责任清单": DUTIES, "项目清单": PROJECTS,
            "整改清单": RECTS, "星级评分": STARS}


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    init_db(eng)
    return eng


def save(tmp_path, data, name="book.xlsx"):
    path = tmp_path / name
    build_workbook(data).save(path)
    return path


def run_import(engine, path, **kw) -> ImportSummary:
    with session_scope(engine) as s:
        return import_workbook(s, path, actor="cli:test", now=NOW, **kw)


def import_error(engine, path) -> WorkbookError:
    """Import expecting failure; the session is committed anyway, to prove nothing was written."""
    with session_scope(engine) as s:
        with pytest.raises(WorkbookError) as info:
            import_workbook(s, path, actor="cli:test", now=NOW)
    return info.value


def dump(engine) -> dict[str, list[dict]]:
    """Every row of the tables an import may touch, as plain dicts."""
    with session_scope(engine) as s:
        return {t.__name__: [r.model_dump() for r in s.exec(select(t).order_by(t.id))]
                for t in (Unit, Member, Item, StarScore, AuditEvent)}


def counts(d):
    return sum(d.values())


def reasons(err: WorkbookError) -> list[str]:
    return [str(p) for p in err.problems]


# --- full import -----------------------------------------------------------------------------

def test_full_import_of_all_sheets(engine, tmp_path):
    summary = run_import(engine, save(tmp_path, full_book()))
    assert summary.created == {"组织": 4, "党员": 5, "责任清单": 3, "项目清单": 2, "整改清单": 2, "星级评分": 2}
    assert counts(summary.updated) == 0 and counts(summary.unchanged) == 0 and summary.skipped == []

    with session_scope(engine) as s:
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


def test_summary_lines_are_chinese(engine, tmp_path):
    lines = run_import(engine, save(tmp_path, full_book())).lines()
    assert lines[0].startswith("导入完成：新增18条")
    assert any(line.strip() == "整改清单：新增2，更新0，未变0" for line in lines)


def test_reimport_changes_nothing(engine, tmp_path):
    path = save(tmp_path, full_book())
    run_import(engine, path)
    before = dump(engine)
    summary = run_import(engine, path)
    assert counts(summary.created) == 0 and counts(summary.updated) == 0
    assert summary.unchanged == {"组织": 4, "党员": 5, "责任清单": 3, "项目清单": 2, "整改清单": 2, "星级评分": 2}
    assert not summary.changed and "没有变化" in summary.lines()[0]
    assert dump(engine) == before                           # incl. no new AuditEvent


def test_reimport_keeps_progress_from_chat(engine, tmp_path):
    path = save(tmp_path, full_book())
    run_import(engine, path)
    at = datetime(2026, 11, 20, 2, 15, tzinfo=timezone.utc)
    with session_scope(engine) as s:
        item = s.exec(select(Item).where(Item.code == "R-1")).one()
        item.status, item.percent, item.done_count = "in_progress", 50, 2
        item.updated_at, item.updated_words = at, "听取汇报2次"
    run_import(engine, path)
    with session_scope(engine) as s:
        item = s.exec(select(Item).where(Item.code == "R-1")).one()
        assert (item.status, item.percent, item.done_count, item.updated_at, item.updated_words) == (
            "in_progress", 50, 2, at, "听取汇报2次")


def test_changed_book_updates_only_what_changed(engine, tmp_path):
    run_import(engine, save(tmp_path, full_book()))
    book = full_book()
    book["整改清单"] = [RECTS[0], ["Z-1", "党费收缴不规范", "逐月核对台账并公示", "wangfang", "巡察", date(2026, 11, 30)],
                       RECTS[2], ["Z-3", "发展党员程序不规范", None, "liming", None, None]]
    book["党员"] = MEMBERS + [["周强", "zhouqiang", "第二党支部", "党员", "否"]]
    summary = run_import(engine, save(tmp_path, book, "b2.xlsx"))
    assert summary.updated["整改清单"] == 1 and summary.created["整改清单"] == 1
    assert summary.unchanged["整改清单"] == 1 and summary.created["党员"] == 1
    with session_scope(engine) as s:
        z1 = s.exec(select(Item).where(Item.code == "Z-1")).one()
        assert z1.measures == "逐月核对台账并公示"
        z3 = s.exec(select(Item).where(Item.code == "Z-3")).one()
        assert z3.year == NOW.year and z3.deadline is None
        assert len(list(s.exec(select(AuditEvent)))) == 2


def test_missing_rows_are_never_deleted(engine, tmp_path):
    run_import(engine, save(tmp_path, full_book()))
    run_import(engine, save(tmp_path, {"整改清单": RECTS[:2]}, "small.xlsx"))
    with session_scope(engine) as s:
        assert len(list(s.exec(select(Item)))) == 7
        assert len(list(s.exec(select(Unit)))) == 4


# --- export ----------------------------------------------------------------------------------

def sheet_rows(path, name) -> list[dict]:
    ws = openpyxl.load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_export_shows_progress_and_monthly_reports(engine, tmp_path):
    run_import(engine, save(tmp_path, full_book()))
    with session_scope(engine) as s:
        r1 = s.exec(select(Item).where(Item.code == "R-1")).one()
        r1.status, r1.percent, r1.done_count = "in_progress", 50, 2
        p1 = s.exec(select(Item).where(Item.code == "P-1")).one()
        p1.status, p1.percent = "in_progress", 80
        p1.updated_at = datetime(2026, 11, 20, 2, 15, tzinfo=timezone.utc)     # 10:15 in Shanghai
        p1.updated_words = "第2项完成80%"
        z1 = s.exec(select(Item).where(Item.code == "Z-1")).one()
        z1.status, z1.percent = "closed", 100
        liming = s.exec(select(Member).where(Member.account == "liming")).one()
        s.add(MonthlyReport(member_id=liming.id, month="2026-11", words="第2项完成80%",
                            reported_at=datetime(2026, 11, 20, 2, 15, tzinfo=timezone.utc)))
    out = tmp_path / "out.xlsx"
    with session_scope(engine) as s:
        export_workbook(s, out, year=None, now=NOW, tz=TZ)

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["组织", "党员", "责任清单", "项目清单", "整改清单", "星级评分", "月报"]
    assert [c.value for c in wb["项目清单"][1]] == ["编号", "项目", "牵头人", "年度", "截止日期",
                                                 "状态", "进度", "完成次数", "最近更新"]
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


def test_export_then_reimport_changes_nothing(engine, tmp_path):
    run_import(engine, save(tmp_path, full_book()))
    with session_scope(engine) as s:
        item = s.exec(select(Item).where(Item.code == "R-1")).one()
        item.status, item.percent, item.done_count = "done", 100, 4
        # A rectification filed under a year other than its deadline's keeps its year.
        s.add(Item(kind="rectification", code="Z-9", title="跨年整改", owner_id=item.owner_id,
                   unit_id=item.unit_id, year=2026, deadline=date(2027, 3, 31)))
        star = s.exec(select(StarScore)).first()
        star.satisfaction_rate = 0.5                    # a (strange) rate below 1%
    before = dump(engine)
    out = tmp_path / "out.xlsx"
    with session_scope(engine) as s:
        export_workbook(s, out, year=2026, now=NOW, tz=TZ)
    summary = run_import(engine, out)
    assert counts(summary.created) == 0 and counts(summary.updated) == 0, summary.lines()
    assert summary.skipped == [] and summary.ignored_sheets == []
    assert dump(engine) == before


def test_export_into_a_fresh_database_reproduces_the_data(engine, tmp_path):
    run_import(engine, save(tmp_path, full_book()))
    out = tmp_path / "out.xlsx"
    with session_scope(engine) as s:
        export_workbook(s, out, year=2026, now=NOW, tz=TZ)
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    init_db(other)
    summary = run_import(other, out)
    assert counts(summary.created) == 18

    def keys(eng):
        with session_scope(eng) as s:
            units = {u.id: u.name for u in s.exec(select(Unit))}
            return (sorted((u.name, units.get(u.parent_id), u.kind) for u in s.exec(select(Unit))),
                    sorted((i.kind, i.code, i.year, i.title, i.deadline, i.target_count, i.measures)
                           for i in s.exec(select(Item))))
    assert keys(other) == keys(engine)


def test_export_year_defaults_to_now_in_tz_and_filters_items(engine, tmp_path):
    run_import(engine, save(tmp_path, full_book()))
    out = tmp_path / "out.xlsx"
    new_year_eve = datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc)     # already 2027 in Shanghai
    with session_scope(engine) as s:
        export_workbook(s, out, year=None, now=new_year_eve, tz=TZ)
    assert sheet_rows(out, "责任清单") == [] and sheet_rows(out, "星级评分") == []
    assert len(sheet_rows(out, "组织")) == 4                   # units and members are not per year
    assert sheet_rows(out, "月报") == []                       # nobody owns a 2027 item
    with session_scope(engine) as s:
        export_workbook(s, out, year=2025, now=NOW, tz=TZ)
    assert sheet_rows(out, "整改清单") == []


# --- bad rows --------------------------------------------------------------------------------

def test_bad_rows_are_all_reported_and_nothing_is_written(engine, tmp_path):
    book = full_book()
    book["组织"] = UNITS + [["第三党支部", "不存在的党委", "党支部"], ["第四党支部", "机关党委", "支部委员会"]]
    book["党员"] = MEMBERS + [["周强", "zhouqiang", "第九党支部", "党员", "否"],
                              ["赵磊", "zhaolei", "第二党支部", "组织委员", "否"],
                              ["重复", "wangfang", "第一党支部", "党员", "否"]]
    book["整改清单"] = RECTS + [["Z-3", "问题", "措施", "zhangsan", "巡察", "2026-12-01"],
                              ["Z-1", "重复编号", "措施", "wangfang", "巡察", "2026-12-01"],
                              ["Z-4", "日期不对", "措施", "wangfang", "巡察", "2026-02-30"],
                              ["Z-5", None, "措施", "wangfang", "巡察", "下个月"]]
    book["责任清单"] = DUTIES + [["R-4", "jiwei", "事项", "二〇二六", "两次"], ["R-5", "jiwei", "事项", 2026, 0]]
    err = import_error(engine, save(tmp_path, book))
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
    assert any(t.startswith("「责任清单」第5行：目标次数 两次") for t in text)
    assert "「责任清单」第6行：目标次数 0 应为正整数（或留空）" in text
    assert all(isinstance(p, RowProblem) and p.sheet and p.row for p in err.problems)
    assert "「整改清单」第4行" in str(err)
    # Nothing at all was written, although the session was committed.
    assert all(rows == [] for rows in dump(engine).values())


def test_missing_column_is_a_problem_on_row_1(engine, tmp_path):
    book = {"整改清单": [["编号", "问题", "整改措施", "来源", "整改时限"],
                       ["Z-1", "问题", "措施", "巡察", "2026-12-01"]]}
    err = import_error(engine, save(tmp_path, book))
    assert reasons(err) == ["「整改清单」第1行：缺少「责任人」列"]


def test_unit_cycle_is_reported(engine, tmp_path):
    book = {"组织": [["名称", "上级", "类型"],
                     ["甲党支部", "乙党支部", "党支部"],
                     ["乙党支部", "甲党支部", "党支部"],
                     ["丙党支部", "丙党支部", "党支部"],
                     ["丁党支部", "甲党支部", "党支部"]]}
    err = import_error(engine, save(tmp_path, book))
    text = reasons(err)
    assert "「组织」第2行：上级关系形成了循环：甲党支部 → 乙党支部 → 甲党支部" in text
    assert "「组织」第3行：上级关系形成了循环：乙党支部 → 甲党支部 → 乙党支部" in text
    assert "「组织」第4行：上级不能是自己" in text
    assert "「组织」第5行：上级组织 甲党支部 所在的「组织」第2行有误" in text


def test_cycle_through_a_unit_already_in_the_database(engine, tmp_path):
    run_import(engine, save(tmp_path, full_book()))
    err = import_error(engine, save(tmp_path, {"组织": [["名称", "上级", "类型"],
                                                       ["县委办党组", "第一党支部", "党组"]]}, "b.xlsx"))
    assert reasons(err) == ["「组织」第2行：上级关系形成了循环：县委办党组 → 第一党支部 → 机关党委 → 县委办党组"]


def test_skip_bad_rows_writes_the_good_rows(engine, tmp_path):
    book = full_book()
    book["组织"] = UNITS + [["第三党支部", "机关党委", "小组"]]
    book["党员"] = MEMBERS + [["周强", "zhouqiang", "第三党支部", "党员", "否"]]
    book["整改清单"] = RECTS + [["Z-3", "问题", "措施", "zhouqiang", "巡察", "2026-12-01"],
                              ["Z-4", "问题", "措施", "nobody", "巡察", "2026-12-01"]]
    summary = run_import(engine, save(tmp_path, book), skip_bad_rows=True)
    text = [str(p) for p in summary.skipped]
    assert text == [
        "「组织」第6行：类型 小组 不在可选范围内（党组 / 机关党委 / 党总支 / 党支部）",
        "「党员」第7行：所在组织 第三党支部 所在的「组织」第6行有误",
        "「整改清单」第4行：责任人 zhouqiang 所在的「党员」第7行有误",
        "「整改清单」第5行：责任人 nobody 不在党员名单中",
    ]
    assert summary.created["组织"] == 4 and summary.created["党员"] == 5 and summary.created["整改清单"] == 2
    assert any("跳过4行" in line for line in summary.lines())
    with session_scope(engine) as s:
        assert {i.code for i in s.exec(select(Item).where(Item.kind == "rectification"))} == {"Z-1", "Z-2"}
        assert s.exec(select(Member).where(Member.account == "zhouqiang")).first() is None
        assert len(list(s.exec(select(AuditEvent)))) == 1


# --- cells -----------------------------------------------------------------------------------

def test_dates_as_cells_and_as_text(engine, tmp_path):
    run_import(engine, save(tmp_path, full_book()))
    book = {"项目清单": [PROJECTS[0],
                       ["D-1", "日期单元格", "liming", 2026, date(2026, 5, 31)],
                       ["D-2", "日期时间单元格", "liming", 2026, datetime(2026, 5, 31, 0, 0)],
                       ["D-3", "横线", "liming", 2026, "2026-05-31"],
                       ["D-4", "斜线", "liming", 2026, "2026/5/31"],
                       ["D-5", "中文", "liming", 2026, "2026年5月31日"],
                       ["D-6", "带空格", "liming", 2026, " 2026-05-31 "],
                       ["D-7", "留空", "liming", 2026, None]]}
    run_import(engine, save(tmp_path, book, "dates.xlsx"))
    with session_scope(engine) as s:
        got = {i.code: i.deadline for i in s.exec(select(Item).where(Item.code.startswith("D-")))}
    assert got == {f"D-{n}": date(2026, 5, 31) for n in range(1, 7)} | {"D-7": None}


def test_only_rectifications_referencing_existing_members(engine, tmp_path):
    run_import(engine, save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    book = {"整改清单": [RECTS[0],
                       ["Z-1", "党费收缴不规范", "逐月核对台账", "wangfang", "巡察", date(2027, 1, 31)],
                       ["Z-2", "记录不全", "补齐", "sunli", "检查考核", None]]}
    summary = run_import(engine, save(tmp_path, book, "z.xlsx"))
    assert summary.created == {"整改清单": 2}
    with session_scope(engine) as s:
        units = {u.id: u.name for u in s.exec(select(Unit))}
        items = {i.code: i for i in s.exec(select(Item))}
        assert items["Z-1"].year == 2027                      # no 年度 column: the deadline's year
        assert items["Z-2"].year == 2026                      # no deadline either: now's year
        assert units[items["Z-2"].unit_id] == "第二党支部"
    assert counts(run_import(engine, save(tmp_path, book, "z.xlsx")).unchanged) == 2


def test_header_order_spaces_and_variants(engine, tmp_path):
    run_import(engine, save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    book = {
        " 整改清单 ": [["2026年问题整改清单"],                   # a title row above the header
                     [" 责任人", "整改时限 ", "编号", "备注", "问题", "来源", "整改措施"],
                     ["wangfang", "2026-11-30", "Z-1", "随便写", "党费收缴不规范", "巡察", "核对"],
                     [None, None, None, None, None, None, None],
                     [" sunli ", None, " Z-2", None, "记录不全\u3000", None, None]],
        "星级评分": [["年度", "组织", "群众满意率（%）", "组织建设", "队伍建设", "制度建设", "阵地建设", "活动开展",
                    "工作实绩", "群众满意度测评", "三会一课落实 (是/否)", "阵地达标", "受警告以上处分人数"],
                   [2026.0, "第一党支部", 85, 15, 14, 13, 12, 14, 15, 13, "√", "否", "0"]],
    }
    summary = run_import(engine, save(tmp_path, book, "h.xlsx"))
    assert summary.created == {"整改清单": 2, "星级评分": 1}, summary.lines()
    with session_scope(engine) as s:
        items = {i.code: i for i in s.exec(select(Item))}
        assert items["Z-1"].deadline == date(2026, 11, 30) and items["Z-1"].measures == "核对"
        assert items["Z-2"].title == "记录不全"
        star = s.exec(select(StarScore)).one()
        assert (star.year, star.satisfaction_rate, star.three_meetings_ok, star.venue_ok) == (2026, 85, True, False)


def test_weird_cells_become_problems_not_crashes(engine, tmp_path):
    run_import(engine, save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    book = {"责任清单": [DUTIES[0],
                       ["W-1", "jiwei", "公式", "=2025+1", None],        # a formula never calculated
                       ["W-2", "jiwei", "错误值", 2026, "#N/A"],
                       ["W-3", "jiwei", "逻辑值", True, None],
                       ["W-4", "jiwei", "小数年份", 2026.5, 1.5],
                       [date(2026, 1, 2), "jiwei", "编号被当成日期", 2026, None],
                       ["W-6", "   ", "只有空格", 2026, None],
                       ["W-7", "jiwei", "正常", 2026.0, 3.0]]}
    err = import_error(engine, save(tmp_path, book, "w.xlsx"))
    text = reasons(err)
    assert any(t.startswith("「责任清单」第2行：年度是公式，但没有计算结果") for t in text)
    assert "「责任清单」第3行：目标次数是错误值 #N/A" in text
    assert any(t.startswith("「责任清单」第4行：年度 True 不是有效的年份") for t in text)
    assert any(t.startswith("「责任清单」第5行：年度 2026.5 不是有效的年份") for t in text)
    assert "「责任清单」第5行：目标次数 1.5 应为正整数（或留空）" in text
    assert any(t.startswith("「责任清单」第6行：编号 2026-01-02 被 Excel 当成了日期") for t in text)
    assert "「责任清单」第7行：缺少责任人" in text
    assert not any("第8行" in t for t in text)


def test_star_score_values(engine, tmp_path):
    run_import(engine, save(tmp_path, {"组织": UNITS}))
    header = STARS[0]
    book = {"星级评分": [header,
                       ["第一党支部", 2026, 15, 14, 13, 12, 14, 15, 13, 0.85, "是", "是", 0],
                       ["第二党支部", 2026, 15, 14, 13, 12, 14, 15, 13, "101%", "也许", "是", -1],
                       ["机关党委", 2026, 15, 14, 13, 12, 14, 15, 13, None, None, None, None],
                       ["第一党支部", 2026, 1, 1, 1, 1, 1, 1, 1, 90, "是", "是", 0]]}
    err = import_error(engine, save(tmp_path, book, "s.xlsx"))
    text = reasons(err)
    assert "「星级评分」第3行：群众满意率 101% 应在 0% 到 100% 之间" in text
    assert "「星级评分」第3行：三会一课落实 也许 应填“是”或“否”" in text
    assert "「星级评分」第3行：受警告以上处分人数 -1 应为不小于 0 的整数" in text
    assert "「星级评分」第5行：第一党支部 2026年的评分与第2行重复" in text
    assert len(text) == 4
    summary = run_import(engine, save(tmp_path, book, "s.xlsx"), skip_bad_rows=True)
    assert summary.created["星级评分"] == 2
    with session_scope(engine) as s:
        scores = {s_.satisfaction_rate for s_ in s.exec(select(StarScore))}
        assert scores == {85, 100}                            # an empty rate is the default 100%


def test_not_a_workbook_or_no_known_sheet(engine, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    err = import_error(engine, junk)
    assert err.problems[0].sheet == "工作簿" and "无法打开" in str(err.problems[0])
    err = import_error(engine, save(tmp_path, {"Sheet1": [["a"], [1]]}, "other.xlsx"))
    assert "没有找到可导入的工作表" in str(err.problems[0])


def test_unknown_sheets_are_ignored_and_named(engine, tmp_path):
    summary = run_import(engine, save(tmp_path, {"组织": UNITS, "说明": [["随便写"]]}))
    assert summary.ignored_sheets == ["说明"]
    assert summary.lines()[-1] == "未识别的工作表（已忽略）：说明"


def test_admin_column_may_be_left_out(engine, tmp_path):
    run_import(engine, save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    book = {"党员": [row[:4] for row in MEMBERS]}
    summary = run_import(engine, save(tmp_path, book, "m.xlsx"))
    assert summary.unchanged == {"党员": 5}
    with session_scope(engine) as s:
        assert s.exec(select(Member).where(Member.account == "jiwei")).one().is_admin


def test_export_keeps_text_that_looks_like_a_formula(engine, tmp_path):
    run_import(engine, save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    with session_scope(engine) as s:
        owner = s.exec(select(Member).where(Member.account == "liming")).one()
        s.add(Item(kind="project", code="=1+1", title="=HYPERLINK(\"x\")", owner_id=owner.id,
                   unit_id=owner.unit_id, year=2026, updated_words="=2+2\x07完成",
                   updated_at=datetime(2026, 11, 1, 1, 0, tzinfo=timezone.utc)))
    out = tmp_path / "out.xlsx"
    with session_scope(engine) as s:
        export_workbook(s, out, year=2026, now=NOW, tz=TZ)
    row = sheet_rows(out, "项目清单")[0]
    assert (row["编号"], row["项目"], row["最近更新"]) == ("=1+1", "=HYPERLINK(\"x\")", "2026-11-01 09:00 =2+2完成")
    summary = run_import(engine, out)
    assert not summary.changed and summary.skipped == []


def test_a_row_with_several_problems_reports_each(engine, tmp_path):
    book = {"组织": UNITS, "党员": MEMBERS,
            "整改清单": [RECTS[0], ["Z-3", "问题", "措施", "nobody", "巡察", "2026-13-01"]]}
    err = import_error(engine, save(tmp_path, book))
    assert reasons(err) == ["「整改清单」第2行：整改时限 2026-13-01 不是存在的日期",
                            "「整改清单」第2行：责任人 nobody 不在党员名单中"]

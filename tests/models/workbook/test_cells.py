"""Cell parsers (models.workbook.cells): dates, numbers, years, rates, yes/no, and cells that
cannot be read becoming problems, not crashes."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import select

from models.db import session_scope
from models.tables import Item, StarScore
from models.workbook.cells import BadCell, parse_account
from tests.models.workbook.books import (
    DUTIES,
    MEMBERS,
    PROJECTS,
    STARS,
    UNITS,
    full_book,
    import_error,
    reasons,
    run_import,
    save,
)


def test_dates_as_cells_and_as_text(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, full_book()))
    book = {"项目清单": [PROJECTS[0],
                       ["D-1", "日期单元格", "liming", 2026, date(2026, 5, 31)],
                       ["D-2", "日期时间单元格", "liming", 2026, datetime(2026, 5, 31, 0, 0)],
                       ["D-3", "横线", "liming", 2026, "2026-05-31"],
                       ["D-4", "斜线", "liming", 2026, "2026/5/31"],
                       ["D-5", "中文", "liming", 2026, "2026年5月31日"],
                       ["D-6", "带空格", "liming", 2026, " 2026-05-31 "],
                       ["D-7", "留空", "liming", 2026, None]]}
    run_import(bare_engine, save(tmp_path, book, "dates.xlsx"))
    with session_scope(bare_engine) as s:
        got = {i.code: i.deadline for i in s.exec(select(Item).where(Item.code.startswith("D-")))}
    assert got == {f"D-{n}": date(2026, 5, 31) for n in range(1, 7)} | {"D-7": None}


def test_weird_cells_become_problems_not_crashes(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, {"组织": UNITS, "党员": MEMBERS}))
    book = {"责任清单": [DUTIES[0],
                       ["W-1", "jiwei", "公式", "=2025+1", None],        # a formula never calculated
                       ["W-2", "jiwei", "错误值", 2026, "#N/A"],
                       ["W-3", "jiwei", "逻辑值", True, None],
                       ["W-4", "jiwei", "小数年份", 2026.5, 1.5],
                       [date(2026, 1, 2), "jiwei", "编号被当成日期", 2026, None],
                       ["W-6", "   ", "只有空格", 2026, None],
                       ["W-7", "jiwei", "正常", 2026.0, 3.0]]}
    err = import_error(bare_engine, save(tmp_path, book, "w.xlsx"))
    text = reasons(err)
    assert any(t.startswith("「责任清单」第2行：年度是公式，但没有计算结果") for t in text)
    assert "「责任清单」第3行：目标次数是错误值 #N/A" in text
    assert any(t.startswith("「责任清单」第4行：年度 True 不是有效的年份") for t in text)
    assert any(t.startswith("「责任清单」第5行：年度 2026.5 不是有效的年份") for t in text)
    assert "「责任清单」第5行：目标次数 1.5 应为正整数（或留空）" in text
    assert any(t.startswith("「责任清单」第6行：编号 2026-01-02 被 Excel 当成了日期") for t in text)
    assert "「责任清单」第7行：缺少责任人" in text
    assert not any("第8行" in t for t in text)


def test_star_score_values(bare_engine, tmp_path):
    run_import(bare_engine, save(tmp_path, {"组织": UNITS}))
    header = STARS[0]
    book = {"星级评分": [header,
                       ["第一党支部", 2026, 15, 14, 13, 10, 14, 15, 10, 0.85, "是", "是", 0],
                       ["第二党支部", 2026, 15, 14, 13, 10, 14, 15, 10, "101%", "也许", "是", -1],
                       ["机关党委", 2026, 15, 14, 13, 10, 14, 15, 10, None, None, None, None],
                       ["第一党支部", 2026, 1, 1, 1, 1, 1, 1, 1, 90, "是", "是", 0]]}
    err = import_error(bare_engine, save(tmp_path, book, "s.xlsx"))
    text = reasons(err)
    assert "「星级评分」第3行：群众满意率 101% 应在 0% 到 100% 之间" in text
    assert "「星级评分」第3行：三会一课落实 也许 应填“是”或“否”" in text
    assert "「星级评分」第3行：受警告以上处分人数 -1 应为不小于 0 的整数" in text
    assert "「星级评分」第5行：第一党支部 2026年的评分与第2行重复" in text
    assert len(text) == 4
    summary = run_import(bare_engine, save(tmp_path, book, "s.xlsx"), skip_bad_rows=True)
    assert summary.created["星级评分"] == 2
    with session_scope(bare_engine) as s:
        scores = {s_.satisfaction_rate for s_ in s.exec(select(StarScore))}
        assert scores == {85, 100}                            # an empty rate is the default 100%


# --- WeCom accounts --------------------------------------------------------------------------

ACCOUNT_RULE = "不是有效的企业微信账号（只能由字母、数字和 _ - . @ 组成，不能有空格、汉字或其他符号）"


@pytest.mark.parametrize("value, expected", [
    ("liming", "liming"), ("Li.Ming-2_x@corp", "Li.Ming-2_x@corp"), (" liming ", "liming"),
    (10086, "10086"), (None, None), ("   ", None),
])
def test_accounts_that_wecom_allows(value, expected):
    assert parse_account(value, "企业微信账号") == expected


@pytest.mark.parametrize("value", ["li ming", "李明", "liming李", "ｌｉｍｉｎｇ", "li,ming", "li\u3000ming", "li#1"])
def test_accounts_that_wecom_does_not_allow(value):
    with pytest.raises(BadCell) as info:
        parse_account(value, "企业微信账号")
    assert info.value.args[0].endswith(ACCOUNT_RULE)


def test_an_account_with_a_space_or_chinese_characters_is_a_row_error(bare_engine, tmp_path):
    book = {"组织": UNITS,
            "党员": MEMBERS + [["周强", "zhou qiang", "第二党支部", "党员", "否"],
                               ["赵磊", "赵磊", "第二党支部", "党员", "否"]],
            "项目清单": [PROJECTS[0], ["P-1", "建设党员活动室", "王 芳", 2026, None]],
            "整改清单": [["编号", "问题", "整改措施", "责任人", "来源", "整改时限"],
                       ["Z-1", "党费收缴不规范", "核对", "孙丽", "巡察", None]],
            "责任清单": [DUTIES[0], ["R-1", "li ming", "讲党课", 2026, None]]}
    err = import_error(bare_engine, save(tmp_path, book))
    assert reasons(err) == [
        f"「党员」第7行：企业微信账号 zhou qiang {ACCOUNT_RULE}",
        f"「党员」第8行：企业微信账号 赵磊 {ACCOUNT_RULE}",
        f"「责任清单」第2行：责任人 li ming {ACCOUNT_RULE}",
        f"「项目清单」第2行：牵头人 王 芳 {ACCOUNT_RULE}",
        f"「整改清单」第2行：责任人 孙丽 {ACCOUNT_RULE}",
    ]

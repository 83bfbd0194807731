"""Issue 22, points 2–4 — records and numbers people rely on — as people meet them: real encrypted
callbacks to the app (the clock moved where a year must turn), and ``qingdan export``."""
from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from tests.support.cli import qingdan_ok
from tests.support.clock import TZ
from tests.support.config import write_config
from tests.support.wecom import say

MARCH_2027 = datetime(2027, 3, 10, 10, 0, tzinfo=TZ)


def _at(runtime, when: datetime) -> None:
    runtime.clock.offset = when - datetime.now(TZ)


def _sheet(path, name: str) -> dict[str, dict]:
    ws = openpyxl.load_workbook(path)[name]
    header = [c.value for c in ws[1]]
    return {r[0]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)}


@pytest.fixture
def config_file(tmp_path, db_url, standin):
    return write_config(tmp_path / "config.toml", db_url, standin.base_url)


# --- 2. years close ------------------------------------------------------------------------------

async def test_last_years_duties_close_with_the_year_projects_and_rectifications_carry(client, runtime):
    _at(runtime, MARCH_2027)
    mine = await say(client, "liming", "我的清单")
    assert "R-1" not in mine and "R-3" not in mine and "9/12" not in mine
    assert "[Z-2] 党员活动室未按标准建设｜未开始｜2026年度" in mine
    assert "[P-1] 制定年度学习计划｜未开始｜2026年度" in await say(client, "wangfang", "我的清单")
    assert "已记录" not in await say(client, "liming", "R-1召开了1次")           # nothing recorded on a closed duty


async def test_the_export_of_the_year_keeps_its_duties_as_they_stood(org, client, runtime, tmp_path, config_file):
    _at(runtime, MARCH_2027)
    await say(client, "liming", "我的清单")
    last, this = tmp_path / "2026.xlsx", tmp_path / "2027.xlsx"
    qingdan_ok("export", str(last), "--year", "2026", config=config_file)
    qingdan_ok("export", str(this), "--year", "2027", config=config_file)
    duties = _sheet(last, "责任清单")
    assert (duties["R-1"]["完成次数"], duties["R-1"]["状态"]) == (9, "进行中")
    assert set(_sheet(this, "责任清单")) == set()                              # not carried
    assert {"P-1", "P-2", "P-3", "P-9"} <= set(_sheet(this, "项目清单"))      # carried until finished


# --- 3. pace ---------------------------------------------------------------------------------------

async def test_a_quantified_duty_says_whether_it_keeps_pace_and_is_not_done_below_its_target(client):
    mine = await say(client, "liming", "我的清单")
    assert "1. [R-1] 每月召开支委会｜已开展9/12次，落后进度" in mine      # ten months gone on 20 November
    assert "2. [R-3] 支部书记讲党课｜已开展0/2次，落后进度" in mine
    reply = await say(client, "liming", "召开了1次支委会")
    assert "已开展9/12次，落后进度 → 已开展10/12次" in reply and "已完成" not in reply
    assert "1. [R-1] 每月召开支委会｜已开展10/12次\n" in await say(client, "liming", "我的清单")
    assert "已开展10/12次 → 已完成12/12次" in await say(client, "liming", "今年已召开12次支委会")


# --- 4. a withdrawn report is withdrawn ------------------------------------------------------------

async def test_a_withdrawn_report_no_longer_counts_and_is_not_quoted(client, tmp_path, config_file):
    assert "已计入2026年11月月报" in await say(client, "wangfang", "第1项完成80%")
    assert "已撤回" in await say(client, "wangfang", "撤回")
    status = await say(client, "wangfang", "我这个月报了吗")
    assert "尚未报送" in status and "第1项完成80%" not in status
    assert "王芳" in await say(client, "liming", "谁还没报")
    out = tmp_path / "out.xlsx"
    qingdan_ok("export", str(out), "--year", "2026", config=config_file)
    assert _sheet(out, "项目清单")["P-1"]["最近更新"] in ("", None)
    reports = {(r["账号"], r["月份"]): r for r in _sheet_rows(out, "月报")}
    assert reports[("wangfang", "2026-11")]["已报"] == "否"


async def test_what_stands_after_a_withdrawal_is_the_months_report(client, tmp_path, config_file):
    assert "已计入2026年11月月报" in await say(client, "wangfang", "第1项完成80%")
    await say(client, "wangfang", "第3项完成50%")
    await say(client, "wangfang", "撤回")
    status = await say(client, "wangfang", "我这个月报了吗")
    assert "已于" in status and "第1项完成80%" in status and "第3项" not in status
    out = tmp_path / "out.xlsx"
    qingdan_ok("export", str(out), "--year", "2026", config=config_file)
    projects = _sheet(out, "项目清单")
    assert projects["P-1"]["最近更新"].endswith("第1项完成80%") and projects["P-3"]["最近更新"] in ("", None)


async def test_a_written_report_stands_when_the_update_before_it_is_withdrawn(client):
    await say(client, "wangfang", "第1项完成80%")
    await say(client, "wangfang", "月报：本月按计划推进各项工作")
    await say(client, "wangfang", "撤回")
    status = await say(client, "wangfang", "我这个月报了吗")
    assert "已于" in status and "本月按计划推进各项工作" in status
    assert "王芳" not in await say(client, "liming", "谁还没报")


def _sheet_rows(path, name: str) -> list[dict]:
    ws = openpyxl.load_workbook(path)[name]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)]

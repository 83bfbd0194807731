"""Issue 22, points 1, 5 and 6 as people meet them: real encrypted callbacks to the real app, a
stand-in WeCom in a thread of its own beside it, and ``qingdan remind --at`` for the pushes.

1. "第N项" means what the person last saw: an item that finishes keeps its number, shown as
   finished, in every reply, prompt and reminder, and in the reading of "第N项".
5. A lower total (or percentage) is a question: nothing is stored until the member confirms.
6. Partial is not done: a 【整改待销号】 goes to the secretary only for a rectification a
   statement says is done.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.tables import Item, ItemKind, ItemStatus
from models.workbook import build_workbook
from tests.support.cli import qingdan_ok
from tests.support.config import write_config
from tests.support.wecom import say


@pytest.fixture
def standin(threaded_standin):
    """The stand-in in a thread: ``qingdan remind`` runs while the test's loop waits."""
    return threaded_standin


@pytest.fixture(autouse=True)
def text_only(runtime):
    """Answers as text, as ``[wecom] cards = false`` and the WeChat plug-in have them: the read-back
    and the 【整改待销号】 here are their text forms (their cards: tests/handlers/test_answer_cards.py)."""
    runtime.config.wecom.cards = False


@pytest.fixture
def config_file(tmp_path, db_url, standin):
    return write_config(tmp_path / "config.toml", db_url, standin.base_url)


@pytest.fixture
def leftover(org):
    """王芳's unfinished project of last year: numbered after this year's projects (4), before Z-1 (5)."""
    return org.item("wangfang", "P-8", "上年度遗留：完善党建台账", kind=ItemKind.PROJECT, year=2025)


def item(engine, code: str) -> Item:
    with Session(engine) as s:
        return s.exec(select(Item).where(Item.code == code)).one()


def to(standin, account: str) -> list[str]:
    return [m.content for m in standin.state.sent if account in m.touser]


async def eventually(check, seconds: float = 5.0) -> bool:
    """Messages sent after a reply's transaction commits may land just after the reply."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


# --- 1. "第N项" means what the person last saw ---------------------------------------------------------

async def test_an_item_that_finishes_keeps_its_number_in_every_reply(leftover, client, engine):
    mine = await say(client, "wangfang", "我的清单")
    assert "4. [P-8] 上年度遗留：完善党建台账｜未开始｜2025年度" in mine and "5. [Z-1] 党费收缴不规范" in mine
    assert "第4项 [P-8] 上年度遗留：完善党建台账：未开始 → 已完成" in await say(client, "wangfang", "第4项已完成")
    undone = await say(client, "wangfang", "撤回")
    assert "第4项 [P-8] 上年度遗留：完善党建台账：恢复为未开始" in undone
    await say(client, "wangfang", "第4项已完成")
    mine = await say(client, "wangfang", "我的清单")
    assert "4. [P-8] 上年度遗留：完善党建台账｜已完成｜2025年度" in mine and "5. [Z-1] 党费收缴不规范" in mine
    assert "共5项，未完成4项" in mine
    reply = await say(client, "wangfang", "第5项完成50%")        # still Z-1, as the list showed it
    assert "第5项 [Z-1] 党费收缴不规范：未开始 → 进行中 50%" in reply
    assert item(engine, "Z-1").percent == 50 and item(engine, "P-8").status == ItemStatus.DONE
    asked = await say(client, "wangfang", "第4项完成了吗")
    assert "4. [P-8] 上年度遗留：完善党建台账｜已完成" in asked


async def test_a_number_that_points_at_a_finished_item_still_means_it(leftover, client, engine):
    await say(client, "wangfang", "第4项已完成")
    reply = await say(client, "wangfang", "第4项已完成")
    assert "[P-8]" in reply and "与当前记录相同" in reply
    assert item(engine, "Z-1").status == ItemStatus.NOT_STARTED


async def test_a_rectification_closed_off_keeps_its_number_for_its_owner(org, client, engine):
    org.item("wangfang", "Z-7", "上年度遗留：组织生活记录不全", kind=ItemKind.RECTIFICATION, year=2025)
    org.item("wangfang", "Z-9", "主题党日流于形式", kind=ItemKind.RECTIFICATION)
    assert "6. [Z-7] 上年度遗留：组织生活记录不全" in await say(client, "wangfang", "我的清单")
    await say(client, "wangfang", "Z-7已整改到位")
    assert "已销号" in await say(client, "liming", "销号 Z-7")
    mine = await say(client, "wangfang", "我的清单")
    assert "5. [Z-9] 主题党日流于形式" in mine and "6. [Z-7] 上年度遗留：组织生活记录不全｜已销号｜2025年度" in mine


async def test_the_month_end_prompt_and_the_deadline_reminder_number_as_the_list_does(leftover, client, standin,
                                                                                      config_file):
    await say(client, "wangfang", "第4项已完成")
    qingdan_ok("remind", "--at", "2026-11-27T09:00:00+08:00", config=config_file)
    [pushed] = to(standin, "wangfang")
    assert "【月报提醒】" in pushed and "【截止提醒】" in pushed
    assert "5. [Z-1] 党费收缴不规范" in pushed and "4. [Z-1]" not in pushed and "[P-8]" not in pushed


async def test_the_question_which_item_numbers_as_the_list_does(leftover, client, runtime):
    await say(client, "wangfang", "第4项已完成")
    runtime.clock.offset += timedelta(days=4)           # the item last spoken about is forgotten
    asked = await say(client, "wangfang", "已经完成80%")
    assert "5. [Z-1] 党费收缴不规范" in asked and "4. [P-8]" not in asked       # the open items, as numbered
    assert "第5项 [Z-1] 党费收缴不规范：未开始 → 进行中 80%" in await say(client, "wangfang", "第5项")


# --- 5. a lower total is a question --------------------------------------------------------------------

async def test_a_lower_total_asks_first_and_stores_only_when_confirmed(client, engine):
    reply = await say(client, "liming", "今年已召开支委会8次")
    assert "[R-1] 每月召开支委会：之前记录的是已开展9/12次，这次说8次，确认后改为已开展8/12次" in reply
    assert "回复“确认”" in reply and "已记录" not in reply
    assert item(engine, "R-1").done_count == 9
    assert "已开展9/12次" in await say(client, "liming", "我的清单")
    stored = await say(client, "liming", "确认")
    assert "已按您的确认记录" in stored and item(engine, "R-1").done_count == 8


async def test_a_lower_percentage_asks_first_and_nothing_is_stored_on_cancel(client, engine):
    await say(client, "wangfang", "P-3完成60%")
    reply = await say(client, "wangfang", "P-3完成40%")
    assert "[P-3] 建设党员活动室：之前记录的是进行中 60%，这次说40%，确认后改为进行中 40%" in reply
    assert item(engine, "P-3").percent == 60
    assert "未作任何记录" in await say(client, "wangfang", "取消")
    assert item(engine, "P-3").percent == 60


# --- 6. partial is not done -------------------------------------------------------------------------------

PARTIAL = ["党费问题整改了一部分", "Z-1基本整改到位", "Z-1已整改一部分", "党费问题基本整改完成", "Z-1整改完成一部分",
           "党费收缴问题已整改到位一部分", "Z-1正在整改", "Z-1整改在推进"]


async def test_a_partial_rectification_is_not_done_and_asks_no_secretary_to_close_it_off(client, engine, standin):
    for words in PARTIAL:
        reply = await say(client, "wangfang", words)
        assert "→ 已完成" not in reply, words
        assert item(engine, "Z-1").status != ItemStatus.DONE, words
    await asyncio.sleep(0.2)
    assert [t for t in to(standin, "liming") if "整改待销号" in t] == []
    assert "→ 已完成" in await say(client, "wangfang", "Z-1已整改到位")
    assert await eventually(lambda: any("【整改待销号】王芳报告整改事项[Z-1]" in t for t in to(standin, "liming")))


async def test_a_rectification_done_already_is_not_asked_about_again(client, standin):
    await say(client, "wangfang", "Z-1已整改到位")
    assert await eventually(lambda: len([t for t in to(standin, "liming") if "整改待销号" in t]) == 1)
    await say(client, "wangfang", "Z-1整改完成")
    await asyncio.sleep(0.2)
    assert len([t for t in to(standin, "liming") if "整改待销号" in t]) == 1


async def test_an_item_imported_later_takes_the_next_number_and_moves_none(client, engine, tmp_path, config_file):
    assert "3. [Z-2] 党员活动室未按标准建设" in await say(client, "liming", "我的清单")
    book = tmp_path / "追加.xlsx"
    build_workbook({"项目清单": [["编号", "项目", "牵头人", "年度", "截止日期"],
                                ["P-5", "建立支部工作台账", "liming", 2026, "2026-12-31"]]}).save(book)
    qingdan_ok("import", str(book), config=config_file)
    mine = await say(client, "liming", "我的清单")
    assert "3. [Z-2] 党员活动室未按标准建设" in mine and "4. [P-5] 建立支部工作台账" in mine
    assert "第3项 [Z-2] 党员活动室未按标准建设：未开始 → 进行中 30%" in await say(client, "liming", "第3项完成30%")
    assert item(engine, "P-5").status == ItemStatus.NOT_STARTED
    qingdan_ok("import", str(book), config=config_file)                   # the same book again: nothing moves
    assert "4. [P-5] 建立支部工作台账" in await say(client, "liming", "我的清单")


async def test_a_statement_of_done_moved_to_a_rectification_asks_its_secretary(client, engine, standin):
    await say(client, "wangfang", "P-1已完成")
    reply = await say(client, "wangfang", "不对，是Z-1")
    assert "已更正" in reply and item(engine, "Z-1").status == ItemStatus.DONE
    assert await eventually(lambda: any("【整改待销号】王芳报告整改事项[Z-1]" in t for t in to(standin, "liming")))


async def test_a_time_held_moved_to_a_rectification_is_not_done(client, engine, standin):
    await say(client, "liming", "召开了1次支委会")
    assert "已更正" in await say(client, "liming", "不对，是Z-2")
    assert item(engine, "Z-2").status == ItemStatus.IN_PROGRESS and item(engine, "R-1").done_count == 9
    await asyncio.sleep(0.2)
    assert [m for m in standin.state.sent if "整改待销号" in m.content] == []


async def test_a_correction_that_would_take_an_item_back_is_refused_and_changes_nothing(client, engine):
    await say(client, "wangfang", "P-3完成60%")
    await say(client, "wangfang", "P-1完成40%")
    reply = await say(client, "wangfang", "不对，是P-3")
    assert "未作更正" in reply and "进度倒退" in reply
    assert item(engine, "P-3").percent == 60 and item(engine, "P-1").percent == 40

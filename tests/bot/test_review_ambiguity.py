"""A secretary's 销号 / 退回 / 重开 names a 编号 that two rectifications across people read as one
(Z-5 and Z-05, stored before import refused such pairs, or Z-5 of last year still open and this
year's): the bot asks which and closes none until told — never the wrong one (issue 21, point 1).
Through real encrypted callbacks, on both engines."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from models.tables import Item, ItemKind, ProgressUpdate
from tests.support import wecom as wf

Z = ItemKind.RECTIFICATION


def state(engine) -> dict[tuple[str, int], str]:
    with Session(engine) as s:
        return {(i.code, i.year): i.status for i in s.exec(select(Item).where(Item.kind == Z))}


def updates(engine) -> list[tuple[str, str]]:
    with Session(engine) as s:
        return [(s.get(Item, u.item_id).code, u.action)
                for u in s.exec(select(ProgressUpdate).order_by(ProgressUpdate.id))]


async def test_an_ambiguous_close_off_asks_which_and_closes_only_the_one_chosen(client, engine, org, standin):
    org.item("wangfang", "Z-5", "党费收缴不规范", kind=Z, status="done", percent=100, deadline=date(2026, 12, 1))
    org.item("zhaolei", "Z-05", "三会一课记录不全", kind=Z, status="done", percent=100, deadline=date(2026, 12, 1))
    reply = await wf.say(client, "liming", "Z-05已销号")
    assert "Z-05：有2项整改事项读作这个编号，未销号" in reply
    assert "1. [Z-5] 党费收缴不规范（王芳，2026年）" in reply
    assert "2. [Z-05] 三会一课记录不全（赵磊，2026年）" in reply
    assert "请回复序号" in reply
    assert state(engine)[("Z-5", 2026)] == "done" and state(engine)[("Z-05", 2026)] == "done"
    assert updates(engine) == [] and standin.state.sent == []

    reply = await wf.say(client, "liming", "2")
    assert "[Z-05] 三会一课记录不全（赵磊）：已销号" in reply
    assert state(engine)[("Z-5", 2026)] == "done" and state(engine)[("Z-05", 2026)] == "closed"
    assert updates(engine) == [("Z-05", "close_off")]
    [told] = standin.state.to("zhaolei")
    assert "[Z-05] 三会一课记录不全已由李明销号" in told.content

    reply = await wf.say(client, "liming", "1")          # the question was answered: "1" is no choice now
    assert state(engine)[("Z-5", 2026)] == "done"


async def test_a_code_of_last_year_still_open_and_this_years_are_asked_about(client, engine, org, standin):
    org.item("wangfang", "Z-6", "去年的问题", kind=Z, year=2025, status="done", percent=100)
    org.item("zhaolei", "Z-6", "今年的问题", kind=Z, status="done", percent=100)
    reply = await wf.say(client, "liming", "退回 Z-6 原因：台账不全")
    assert "Z-6：有2项整改事项读作这个编号，未退回" in reply
    assert "1. [Z-6] 今年的问题（赵磊，2026年）" in reply and "2. [Z-6] 去年的问题（王芳，2025年）" in reply
    assert updates(engine) == []
    reply = await wf.say(client, "liming", "第2个")
    assert "[Z-6] 去年的问题（王芳）：已退回" in reply
    assert state(engine)[("Z-6", 2025)] == "in_progress" and state(engine)[("Z-6", 2026)] == "done"
    [told] = standin.state.to("wangfang")
    assert "原因：台账不全" in told.content


async def test_a_choice_out_of_range_keeps_the_question(client, engine, org):
    org.item("wangfang", "Z-5", "党费收缴不规范", kind=Z, status="done", percent=100)
    org.item("zhaolei", "Z-05", "三会一课记录不全", kind=Z, status="done", percent=100)
    await wf.say(client, "liming", "销号 z5")
    reply = await wf.say(client, "liming", "3")
    assert "请回复 1 到 2 之间的序号" in reply
    reply = await wf.say(client, "liming", "1")
    assert "[Z-5] 党费收缴不规范（王芳）：已销号" in reply
    assert state(engine)[("Z-5", 2026)] == "closed" and state(engine)[("Z-05", 2026)] == "done"
    with Session(engine) as s:
        assert s.exec(select(ProgressUpdate)).one().words == "销号 z5（1）"


async def test_a_new_command_makes_the_question_moot(client, engine, org):
    org.item("wangfang", "Z-5", "党费收缴不规范", kind=Z, status="done", percent=100)
    org.item("zhaolei", "Z-05", "三会一课记录不全", kind=Z, status="done", percent=100)
    org.item("wangfang", "Z-7", "活动室未达标", kind=Z, status="done", percent=100)
    await wf.say(client, "liming", "销号 Z-5")
    assert "已销号" in await wf.say(client, "liming", "销号 Z-7")
    await wf.say(client, "liming", "1")
    assert state(engine)[("Z-5", 2026)] == "done" and state(engine)[("Z-05", 2026)] == "done"


async def test_one_match_is_closed_at_once_as_before(client, engine, org):
    org.item("wangfang", "Z-5", "党费收缴不规范", kind=Z, status="done", percent=100)
    reply = await wf.say(client, "liming", "Z-05已销号")
    assert "[Z-5] 党费收缴不规范（王芳）：已销号" in reply
    assert state(engine)[("Z-5", 2026)] == "closed"

"""The read-back through real encrypted callbacks, on both engines: a five-item 月报 is shown as
understood and stored only when its sender confirms (handlers.summary, handlers.read_back)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.lookups import month_key
from models.tables import Item, Member, MonthlyReport, ProgressUpdate
from tests.support import wecom as wf
from tests.support.clock import TZ

REPORT = "月报：1.P-1已完成；2.P-2完成80%；3.P-3进行中50%；4.Z-1已整改到位；5.P-4完成60%"


@pytest.fixture(autouse=True)
def text_only(runtime):
    """The read-back as text, as ``[wecom] cards = false`` and the WeChat plug-in have it (its card:
    tests/handlers/test_answer_cards.py)."""
    runtime.config.wecom.cards = False


@pytest.fixture
def five(org):
    """王芳 with five items: P-1, P-2, P-3, Z-1 and P-4."""
    org.item("wangfang", "P-4", "组织党员志愿服务", kind="project")
    return org


async def say_once(client, account: str, text: str, msg_id: int) -> tuple[str, str]:
    """The same callback posted twice, as WeCom retries it: both replies."""
    params, body = wf.envelope(wf.text_xml(account, text, msg_id))
    replies = []
    for _ in range(2):
        resp = await client.post("/wecom/callback", params=params, data=body)
        assert resp.status == 200
        replies.append(wf.read_reply(await resp.text(), params))
    return replies[0], replies[1]


def stored(engine) -> list[ProgressUpdate]:
    with Session(engine) as s:
        return list(s.exec(select(ProgressUpdate).order_by(ProgressUpdate.id)))


def states(engine) -> dict[str, tuple[str, int]]:
    with Session(engine) as s:
        return {i.code: (i.status, i.percent) for i in s.exec(select(Item).where(Item.code.in_(
            ["P-1", "P-2", "P-3", "P-4", "Z-1"])))}


def reports(engine) -> list[MonthlyReport]:
    with Session(engine) as s:
        return list(s.exec(select(MonthlyReport)))


UNTOUCHED = {"P-1": ("not_started", 0), "P-2": ("not_started", 0), "P-3": ("not_started", 0),
             "P-4": ("not_started", 0), "Z-1": ("not_started", 0)}


async def test_a_five_item_report_is_read_back_then_confirmed_once(client, engine, five, runtime):
    reply = await wf.say(client, "wangfang", REPORT)
    assert reply.startswith("我理解为（共5条，尚未记录）：") and "5. [P-4] 组织党员志愿服务：未开始 → 进行中 60%" in reply
    assert "回复“确认”" in reply
    assert stored(engine) == [] and states(engine) == UNTOUCHED
    month = reports(engine)                     # the month counts from the first message
    assert [(r.month, r.words) for r in month] == [(month_key(runtime.clock.now(), TZ), REPORT)]

    first, retried = await say_once(client, "wangfang", "确认", msg_id=880001)
    assert first == retried and first.startswith("已按您的确认记录王芳的进展：")
    rows = stored(engine)
    with Session(engine) as s:
        wangfang = s.exec(select(Member).where(Member.account == "wangfang")).one()
    assert len(rows) == 5 and {(r.member_id, r.words) for r in rows} == {(wangfang.id, REPORT)}
    assert all(r.confirmed_at is not None for r in rows)
    assert states(engine) == {"P-1": ("done", 100), "P-2": ("in_progress", 80), "P-3": ("in_progress", 50),
                              "P-4": ("in_progress", 60), "Z-1": ("done", 100)}
    await wf.say(client, "wangfang", "确认")         # nothing waits any more: nothing more is stored
    assert len(stored(engine)) == 5 and len(reports(engine)) == 1


async def test_a_one_line_fix_changes_only_that_line(client, engine, five):
    await wf.say(client, "wangfang", REPORT)
    reply = await wf.say(client, "wangfang", "第3条是60%")
    assert "3. [P-3] 建设党员活动室：未开始 → 进行中 60%" in reply and "共5条" in reply
    assert stored(engine) == []
    await wf.say(client, "wangfang", "确认")
    assert states(engine) == {"P-1": ("done", 100), "P-2": ("in_progress", 80), "P-3": ("in_progress", 60),
                              "P-4": ("in_progress", 60), "Z-1": ("done", 100)}
    assert {r.words for r in stored(engine)} == {f"{REPORT}（第3条是60%）"}


async def test_a_lapsed_summary_stores_nothing_and_says_so(client, engine, five, runtime):
    await wf.say(client, "wangfang", REPORT)
    runtime.clock.offset += timedelta(hours=24, minutes=1)
    reply = await wf.say(client, "wangfang", "确认")
    assert "超过24小时未确认，已作废，未作任何记录" in reply
    assert stored(engine) == [] and states(engine) == UNTOUCHED
    assert len(reports(engine)) == 1            # the month still counts
    with Session(engine) as s:
        assert s.exec(select(Member).where(Member.account == "wangfang")).one().waiting is None


async def test_a_single_clear_update_applies_at_once(client, engine, five):
    reply = await wf.say(client, "wangfang", "第1项完成80%")
    assert reply.startswith("已记录王芳的进展：") and "撤回" in reply
    assert [r.confirmed_at for r in stored(engine)] == [None]

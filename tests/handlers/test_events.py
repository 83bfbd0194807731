"""handlers.events and handlers.card_taps: entering the app is welcomed, other events are not
answered, and a tap on a card no module takes is told so and changes nothing."""
from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from models.tables import ProgressUpdate
from tests.support import wecom as wf


@pytest.mark.parametrize("event", ["enter_agent", "subscribe"])
async def test_entering_the_app_is_welcomed(client, event):
    assert "欢迎使用清单助手" in await wf.deliver(client, wf.event_xml("wangfang", event, int(time.time())))


@pytest.mark.parametrize("event", ["view", "unsubscribe", "LOCATION", "something_new"])
async def test_other_events_get_no_answer(client, event):
    assert await wf.deliver(client, wf.event_xml("wangfang", event, int(time.time()))) == ""


async def test_a_stranger_entering_the_app_is_told_they_are_not_on_the_rolls(client):
    assert "不在本系统的党员名单中" in await wf.deliver(client, wf.event_xml("nobody", "enter_agent", int(time.time())))
    assert await wf.deliver(client, wf.event_xml("nobody", "view", int(time.time()))) == ""


async def test_a_tap_on_a_card_no_module_takes_changes_nothing(client, engine):
    reply = await wf.deliver(client, wf.card_event_xml("wangfang", int(time.time()), task_id="old-card", key="done:P-1"))
    assert "卡片已失效" in reply and "未做任何记录" in reply
    with Session(engine) as s:
        assert s.exec(select(ProgressUpdate)).all() == []

"""handlers.menu: a menu click asks the question its key names, answered as the typed question is."""
from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from models.tables import Item, Notice
from tests.support import wecom as wf


async def click(client, account: str, key: str) -> str:
    return await wf.deliver(client, wf.event_xml(account, "click", int(time.time()) + len(key), key=key))


@pytest.mark.parametrize("key, question", [("my_list", "我的清单"), ("report_status", "我这个月报了吗"),
                                           ("HELP", "帮助"), ("我的清单", "我的清单")])
async def test_a_menu_key_is_answered_as_its_question_typed(client, key, question):
    typed = await wf.say(client, "wangfang", question)
    assert await click(client, "wangfang", key) == typed


async def test_a_secretarys_menu_asks_over_their_units(client):
    assert await click(client, "liming", "unreported") == await wf.say(client, "liming", "谁还没报")


@pytest.mark.parametrize("key", ["第1项完成了", "通知 全体党员：明天开会", "unknown_key"])
async def test_a_key_that_is_not_a_question_is_never_acted_on(client, key, engine):
    assert "菜单项暂未设置" in await click(client, "zhaolei", key)
    with Session(engine) as s:
        assert s.exec(select(Notice)).all() == []
        assert all(i.updated_words is None for i in s.exec(select(Item)))

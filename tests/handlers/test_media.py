"""handlers.media: images, voice and the other kinds get a clear answer and change nothing."""
from __future__ import annotations

import secrets

import pytest
from sqlmodel import Session, select

from models.tables import ProgressUpdate
from tests.support import wecom as wf


async def test_an_image_is_not_kept_and_the_member_is_told_how_to_report(client, engine):
    reply = await wf.deliver(client, wf.image_xml("wangfang", secrets.randbelow(10**9)))
    assert "图片暂时不能作为佐证材料" in reply and "未做任何记录" in reply
    with Session(engine) as s:
        assert s.exec(select(ProgressUpdate)).all() == []


async def test_a_voice_message_asks_for_words(client):
    assert "无法识别语音" in await wf.deliver(client, wf.media_xml("wangfang", "voice", secrets.randbelow(10**9)))


@pytest.mark.parametrize("kind", ["video", "file", "location", "link"])
async def test_other_kinds_get_the_words_only_answer(client, kind):
    assert "暂时只能识别文字消息" in await wf.deliver(client, wf.media_xml("wangfang", kind, secrets.randbelow(10**9)))


async def test_a_stranger_sending_an_image_is_told_they_are_not_on_the_rolls(client):
    assert "不在本系统的党员名单中" in await wf.deliver(client, wf.image_xml("nobody", secrets.randbelow(10**9)))

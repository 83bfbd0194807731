"""handlers.media: voice, video, location and links get a clear answer and change nothing (images
and files: handlers.photos, tests/handlers/test_photos.py)."""
from __future__ import annotations

import secrets

import pytest
from sqlmodel import Session, select

from models.tables import Photo, ProgressUpdate
from tests.support import wecom as wf


async def test_an_image_whose_media_wecom_does_not_know_is_told_and_nothing_is_kept(client, engine):
    reply = await wf.deliver(client, wf.image_xml("wangfang", secrets.randbelow(10**9)))
    assert "请重新发送" in reply and "未做任何记录" in reply
    with Session(engine) as s:
        assert s.exec(select(ProgressUpdate)).all() == [] and s.exec(select(Photo)).all() == []


async def test_a_voice_message_asks_for_words(client):
    assert "无法识别语音" in await wf.deliver(client, wf.media_xml("wangfang", "voice", secrets.randbelow(10**9)))


async def test_a_video_is_told_to_send_a_photo_instead(client):
    reply = await wf.deliver(client, wf.media_xml("wangfang", "video", secrets.randbelow(10**9)))
    assert "视频不能作为佐证材料" in reply and "发照片" in reply


async def test_a_location_is_not_recorded(client):
    reply = await wf.deliver(client, wf.media_xml("wangfang", "location", secrets.randbelow(10**9)))
    assert "位置信息不作记录" in reply and "未做任何记录" in reply


@pytest.mark.parametrize("kind", ["link"])
async def test_other_kinds_get_the_words_only_answer(client, kind):
    assert "暂时只能识别文字消息" in await wf.deliver(client, wf.media_xml("wangfang", kind, secrets.randbelow(10**9)))


async def test_a_stranger_sending_an_image_is_told_they_are_not_on_the_rolls(client):
    assert "不在本系统的党员名单中" in await wf.deliver(client, wf.image_xml("nobody", secrets.randbelow(10**9)))

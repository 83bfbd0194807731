"""整改销号 by the secretary, by 编号 in any typed form."""
from __future__ import annotations

from sqlmodel import Session, select

from bot.nlu import Parse
from handlers.close_off import _closing_others, close_off_rectifications
from models.tables import Item, ProgressUpdate


def status(engine, code):
    with Session(engine) as s:
        return s.exec(select(Item).where(Item.code == code)).one().status


def set_status(engine, code, value, percent=100):
    with Session(engine) as s:
        item = s.exec(select(Item).where(Item.code == code)).one()
        item.status, item.percent = value, percent
        s.add(item)
        s.commit()


async def test_only_a_done_rectification_is_closed_off(chat, engine):
    reply = await chat.ask(close_off_rectifications, "liming", "Z-1已销号", "progress")
    assert "未销号，目前为“未开始”，整改完成后才能销号" in reply
    assert status(engine, "Z-1") == "not_started"
    with Session(engine) as s:
        assert s.exec(select(ProgressUpdate)).all() == []


async def test_the_secretary_closes_off_a_members_rectification(chat, engine):
    set_status(engine, "Z-1", "done")
    reply = await chat.ask(close_off_rectifications, "liming", "Z-1已销号", "progress")
    assert "[Z-1] 党费收缴不规范（王芳）：已销号" in reply
    assert status(engine, "Z-1") == "closed"
    with Session(engine) as s:
        upd = s.exec(select(ProgressUpdate)).one()
        assert upd.words == "Z-1已销号" and upd.status_after == "closed"
    reply = await chat.ask(close_off_rectifications, "liming", "Z-1、Z-7销号", "progress")
    assert "此前已销号" in reply and "没有这个整改事项" in reply


async def test_close_off_is_only_for_secretaries_of_the_unit(chat, engine):
    with Session(engine) as s:
        def msg(account, text):
            return chat.message(s, account, text, Parse("progress"))
        assert _closing_others(msg("liming", "Z-1已销号"))
        assert not _closing_others(msg("wangfang", "Z-1已销号"))      # not a secretary: progress handles it
        assert not _closing_others(msg("liming", "Z-2已销号"))        # his own item: progress handles it
        assert not _closing_others(msg("liming", "Z-1已完成"))


async def test_close_off_accepts_every_typed_form_of_the_code(chat, engine):
    set_status(engine, "Z-1", "done")
    reply = await chat.ask(close_off_rectifications, "liming", "销号 Z-01", "unknown")
    assert "[Z-1] 党费收缴不规范（王芳）：已销号" in reply
    assert status(engine, "Z-1") == "closed"

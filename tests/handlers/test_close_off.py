"""整改销号 by the secretary, by 编号 in any typed form."""
from __future__ import annotations

from sqlmodel import Session, select

from bot.nlu import Parse
from handlers.close_off import _reviewing, review_rectifications
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
    reply = await chat.ask(review_rectifications, "liming", "Z-1已销号", "progress")
    assert "未销号，目前为“未开始”，整改完成后才能销号" in reply
    assert status(engine, "Z-1") == "not_started"
    with Session(engine) as s:
        assert s.exec(select(ProgressUpdate)).all() == []


async def test_the_secretary_closes_off_a_members_rectification(chat, engine):
    set_status(engine, "Z-1", "done")
    reply = await chat.ask(review_rectifications, "liming", "Z-1已销号", "progress")
    assert "[Z-1] 党费收缴不规范（王芳）：已销号" in reply
    assert status(engine, "Z-1") == "closed"
    with Session(engine) as s:
        upd = s.exec(select(ProgressUpdate)).one()
        assert upd.words == "Z-1已销号" and upd.status_after == "closed"
    reply = await chat.ask(review_rectifications, "liming", "Z-1、Z-7销号", "progress")
    assert "此前已销号" in reply and "没有这个整改事项" in reply


async def test_close_off_is_only_for_secretaries_of_the_unit(chat, engine):
    with Session(engine) as s:
        def msg(account, text):
            return chat.message(s, account, text, Parse("progress"))
        assert _reviewing(msg("liming", "Z-1已销号"))
        assert not _reviewing(msg("wangfang", "Z-1已销号"))      # not a secretary: progress handles it
        assert not _reviewing(msg("liming", "Z-2已销号"))        # his own item: progress handles it
        assert not _reviewing(msg("liming", "Z-1已完成"))


async def test_close_off_accepts_every_typed_form_of_the_code(chat, engine):
    set_status(engine, "Z-1", "done")
    reply = await chat.ask(review_rectifications, "liming", "销号 Z-01", "unknown")
    assert "[Z-1] 党费收缴不规范（王芳）：已销号" in reply
    assert status(engine, "Z-1") == "closed"


async def test_send_back_needs_a_reason_and_tells_the_owner(chat, engine, standin):
    set_status(engine, "Z-1", "done")
    reply = await chat.ask(review_rectifications, "liming", "退回 Z-1", "unknown")
    assert "请写明退回原因" in reply and status(engine, "Z-1") == "done"
    reply = await chat.ask(review_rectifications, "liming", "退回 Z-1 原因：台账不全", "unknown")
    assert "[Z-1] 党费收缴不规范（王芳）：已退回" in reply and status(engine, "Z-1") == "in_progress"
    [told] = standin.state.to("wangfang")
    assert "已由李明退回，原因：台账不全" in told.content


async def test_only_the_secretary_who_closed_it_reopens_it(chat, engine, standin):
    set_status(engine, "Z-1", "done")
    await chat.ask(review_rectifications, "liming", "销号 Z-1", "unknown")
    reply = await chat.ask(review_rectifications, "jiwei", "重开 Z-1 原因：复查发现问题反弹", "unknown")
    assert "只有办理销号的书记可以重开" in reply and status(engine, "Z-1") == "closed"
    reply = await chat.ask(review_rectifications, "liming", "重开 Z-1 原因：复查发现问题反弹", "unknown")
    assert "已重开" in reply and status(engine, "Z-1") == "in_progress"
    with Session(engine) as s:
        assert [u.action for u in s.exec(select(ProgressUpdate).order_by(ProgressUpdate.id))] == ["close_off", "reopen"]


async def test_a_member_cannot_send_back(chat, engine):
    reply = await chat.ask(review_rectifications, "wangfang", "退回 Z-1 原因：不对", "unknown")
    assert reply.startswith("退回整改事项仅限书记使用。整改完成后请回复如“Z-1已整改到位”")

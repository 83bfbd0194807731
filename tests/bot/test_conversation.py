"""bot.conversation through real encrypted callbacks: one transaction per callback, so concurrent
replies never lose an update, and every write can be taken back."""
from __future__ import annotations

import asyncio

from sqlmodel import Session, select

from bot import answering, conversation
from bot.router import Router
from bot.texts import FAILED, LEFT_THE_ROLLS, NOT_A_MEMBER
from models.tables import InboundMessage, Item, Member, MonthlyReport, ProgressUpdate
from tests.bot.test_callback import say


def item(engine, code: str) -> Item:
    with Session(engine) as s:
        return s.exec(select(Item).where(Item.code == code)).one()


async def test_twenty_concurrent_count_replies_count_twenty(client, engine):
    before = item(engine, "R-1").done_count
    replies = await asyncio.gather(*(say(client, "liming", "召开了1次支委会", msg_id=7000 + n) for n in range(20)))
    assert all("已记录" in r for r in replies), replies[:2]
    assert item(engine, "R-1").done_count == before + 20
    with Session(engine) as s:
        rows = s.exec(select(ProgressUpdate).where(ProgressUpdate.item_id == item(engine, "R-1").id)).all()
        assert len(rows) == 20 and sorted(r.count_after for r in rows) == list(range(before + 1, before + 21))
        liming = s.exec(select(Member).where(Member.account == "liming")).one()
        assert len(s.exec(select(MonthlyReport).where(MonthlyReport.member_id == liming.id)).all()) == 1
    assert sum("月报" in r for r in replies) == 1          # exactly one of them was the month's first report


async def test_undo_reverts_the_last_reply_and_is_recorded(client, engine):
    reply = await say(client, "wangfang", "第1项完成80%")
    assert "撤回" in reply                                     # every confirmation says how to undo
    assert item(engine, "P-1").percent == 80
    reply = await say(client, "wangfang", "撤回")
    assert "已撤回上一条记录" in reply and "[P-1]" in reply
    p1 = item(engine, "P-1")
    assert (p1.status, p1.percent) == ("not_started", 0)
    with Session(engine) as s:
        rows = s.exec(select(ProgressUpdate).order_by(ProgressUpdate.id)).all()
        assert [r.action for r in rows] == ["update", "undo"]
        assert rows[0].undone_at is not None and rows[1].words == "撤回"
    assert "没有您可撤回" in await say(client, "wangfang", "撤回")


async def test_not_that_one_moves_the_last_update_to_the_item_named(client, engine):
    await say(client, "wangfang", "第1项完成80%")
    reply = await say(client, "wangfang", "不对，是第3项")
    assert "已更正" in reply
    assert item(engine, "P-1").percent == 0 and item(engine, "P-3").percent == 80
    with Session(engine) as s:
        assert [r.action for r in s.exec(select(ProgressUpdate).order_by(ProgressUpdate.id))] == \
            ["update", "undo", "correct"]


async def test_undo_is_refused_when_someone_else_changed_the_item_since(client, engine, standin):
    with Session(engine) as s:
        z1 = s.exec(select(Item).where(Item.code == "Z-1")).one()
        z1.status, z1.percent = "in_progress", 50
        s.add(z1)
        s.commit()
    await say(client, "wangfang", "Z-1已整改到位")
    assert item(engine, "Z-1").status == "done"
    assert "已销号" in await say(client, "liming", "Z-1已销号")
    reply = await say(client, "wangfang", "撤回")
    assert "未能撤回" in reply and "他人" in reply
    assert item(engine, "Z-1").status == "closed"


async def test_a_reply_naming_an_item_the_sender_does_not_have_writes_nothing_and_says_so(client, engine):
    """The item last spoken about must not catch a reference to something else."""
    await say(client, "wangfang", "第1项")                     # P-1 is now the item in mind
    for words in ("P-9已完成", "R-1召开了1次支委会", "销号 Z-2"):
        reply = await say(client, "wangfang", words)
        assert "您的清单共4项，没有" in reply and "未做任何记录" in reply, (words, reply)
    with Session(engine) as s:
        assert s.exec(select(ProgressUpdate)).all() == []
    assert item(engine, "P-1").status == "not_started"


async def test_a_position_beyond_the_list_writes_nothing_and_says_so(client, engine):
    await say(client, "wangfang", "第1项")                     # P-1 in mind
    reply = await say(client, "wangfang", "第9项完成了")
    assert "您的清单共4项，没有“第9项”" in reply and "未做任何记录" in reply
    with Session(engine) as s:
        assert s.exec(select(ProgressUpdate)).all() == []


async def test_a_stock_phrase_or_a_promise_writes_nothing_even_on_finished_items(client, engine):
    await say(client, "wangfang", "第1项已完成")
    for words in ("本月扎实推进各项工作落实", "确保全年任务圆满完成"):
        reply = await say(client, "wangfang", words)
        assert "已记录" not in reply, (words, reply)
    with Session(engine) as s:
        assert len(s.exec(select(ProgressUpdate)).all()) == 1
    assert item(engine, "P-1").status == "done"
    assert item(engine, "P-2").status == "not_started"


async def test_a_rectification_reported_done_asks_the_responsible_secretary_to_close_it_off(client, engine, standin):
    await say(client, "wangfang", "Z-1已整改到位")
    [asked] = standin.state.to("liming")
    assert asked.msgtype == "template_card"                 # 同意销号 / 退回 (tests/handlers/test_answer_cards.py)
    assert "【整改待销号】\n王芳报告整改已完成\n[Z-1]" in asked.content and "销号 Z-1" in asked.content
    assert "已销号" in await say(client, "liming", "销号 Z-1")
    told = standin.state.to("wangfang")
    assert told and "已由李明销号" in told[-1].content
    assert item(engine, "Z-1").status == "closed"


async def test_a_member_who_left_cannot_use_the_bot_and_is_not_a_non_reporter(client, engine):
    with Session(engine) as s:
        wang = s.exec(select(Member).where(Member.account == "wangfang")).one()
        wang.active = False
        s.add(wang)
        s.commit()
    assert "已不在本系统的在册党员名单中" in await say(client, "wangfang", "我的清单")
    assert "王芳" not in await say(client, "liming", "谁还没报")


# --- callbacks that arrive together are answered in one transaction (group commit) -------------

def text_in(account: str, text: str, msg_id: int) -> conversation.Inbound:
    return conversation.Inbound(key=f"msg:{account}:{msg_id}", account=account, msg_type="text", text=text,
                                msg_id=str(msg_id))


def together(runtime, *calls: conversation.Inbound) -> list[conversation.Answer]:
    """``calls`` answered as callbacks arriving together are: one batch, one transaction."""
    return answering.answer_batch(runtime, [(call, runtime.clock.now()) for call in calls])


def test_callbacks_answered_together_each_see_what_the_ones_before_wrote(runtime, engine):
    answers = together(runtime, text_in("wangfang", "第1项完成80%", 1), text_in("wangfang", "撤回", 2),
                       text_in("wangfang", "第1项完成50%", 3), text_in("wangfang", "我的清单", 4))
    replies = [a.reply for a in answers]
    assert "未开始 → 进行中 80%" in replies[0] and "已撤回上一条记录" in replies[1], replies
    assert "未开始 → 进行中 50%" in replies[2], replies[2]               # from P-1 as the undo left it
    assert "进行中 50%" in replies[3].split("\n")[1], replies[3]         # 我的清单 shows P-1 as it now is
    assert item(engine, "P-1").percent == 50
    with Session(engine) as s:
        assert [r.action for r in s.exec(select(ProgressUpdate).order_by(ProgressUpdate.id))] == \
            ["update", "undo", "update"]
        stored = {r.dedupe_key: r.reply for r in s.exec(select(InboundMessage))}
    assert stored == {f"msg:wangfang:{n}": reply for n, reply in enumerate(replies, 1)}


def test_a_secretarys_close_off_answered_together_with_the_owners_undo_refuses_it(runtime, engine):
    """The same outcome as one after the other: the owner may not undo what the secretary changed since."""
    with Session(engine) as s:
        z1 = s.exec(select(Item).where(Item.code == "Z-1")).one()
        z1.status, z1.percent = "in_progress", 50
        s.add(z1)
        s.commit()
    done, closed, undo = together(runtime, text_in("wangfang", "Z-1已整改到位", 11), text_in("liming", "Z-1已销号", 12),
                                  text_in("wangfang", "撤回", 13))
    assert "已记录" in done.reply and "已销号" in closed.reply, (done.reply, closed.reply)
    assert "未能撤回" in undo.reply and "他人" in undo.reply
    assert item(engine, "Z-1").status == "closed"
    assert done.outbox and closed.outbox            # the secretary is asked, then the owner is told


def test_a_callback_that_fails_among_others_alone_reads_the_failure_and_writes_nothing(runtime, engine):
    broken = Router("broken")

    @broken.message(when=lambda msg: msg.text == "出错")
    def fail(msg):
        raise RuntimeError("a handler failing")

    runtime.dispatcher.routers.insert(0, broken)
    answers = together(runtime, text_in("wangfang", "第1项完成80%", 21), text_in("liming", "出错", 22),
                       text_in("wangfang", "我的清单", 23))
    assert "已记录" in answers[0].reply and answers[1].reply == FAILED and "王芳的清单" in answers[2].reply
    assert item(engine, "P-1").percent == 80
    with Session(engine) as s:
        assert sorted(r.dedupe_key for r in s.exec(select(InboundMessage))) == \
            ["msg:wangfang:21", "msg:wangfang:23"]    # the failed one is not claimed: WeCom's retry is answered
    runtime.dispatcher.routers.remove(broken)
    [retry] = together(runtime, text_in("liming", "出错", 22))
    assert "李明" not in retry.reply and retry.reply != FAILED and not retry.duplicate


def test_a_callback_given_twice_in_one_batch_is_answered_once(runtime, engine):
    first, again = together(runtime, text_in("wangfang", "第1项完成80%", 31), text_in("wangfang", "第1项完成80%", 31))
    assert "已记录" in first.reply and not first.duplicate
    assert again.duplicate and again.reply == first.reply
    with Session(engine) as s:
        assert len(s.exec(select(ProgressUpdate)).all()) == 1
        assert len(s.exec(select(InboundMessage)).all()) == 1
    [later] = together(runtime, text_in("wangfang", "第1项完成80%", 31))         # a retry after the commit
    assert later.duplicate and later.reply == first.reply


def test_strangers_and_leavers_answered_together_with_members(runtime, engine):
    with Session(engine) as s:
        liming = s.exec(select(Member).where(Member.account == "liming")).one()
        liming.active = False
        s.add(liming)
        s.commit()
    stranger, leaver, member = together(runtime, text_in("nobody", "我的清单", 41), text_in("liming", "我的清单", 42),
                                        text_in("wangfang", "我的清单", 43))
    assert (stranger.reply, leaver.reply) == (NOT_A_MEMBER, LEFT_THE_ROLLS)
    assert "王芳的清单" in member.reply


async def test_callbacks_from_several_people_sent_at_once_each_get_their_own_answer(client, engine):
    """Through real encrypted callbacks, as WeCom delivers them (answered together, or the
    question read-only beside them): each person reads their own answer and only their own update
    is written."""
    replies = await asyncio.gather(say(client, "wangfang", "第1项完成80%", msg_id=9101),
                                   say(client, "liming", "我的清单", msg_id=9102),
                                   say(client, "stranger", "我的清单", msg_id=9103),
                                   say(client, "liming", "R-3完成1次", msg_id=9104))
    assert "已记录王芳的进展" in replies[0] and "[P-1]" in replies[0]
    assert replies[1].startswith("李明的清单") and "王芳" not in replies[1]
    assert replies[2] == NOT_A_MEMBER
    assert "已记录李明的进展" in replies[3] and "[R-3]" in replies[3]
    assert item(engine, "P-1").percent == 80 and item(engine, "R-3").done_count == 1
    with Session(engine) as s:
        assert len(s.exec(select(InboundMessage)).all()) == 4
        assert sorted(r.member_id for r in s.exec(select(ProgressUpdate))) == sorted(
            [s.exec(select(Member).where(Member.account == a)).one().id for a in ("wangfang", "liming")])

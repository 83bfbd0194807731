"""bot.answering through real encrypted callbacks, on both engines: callbacks are answered on
threads of their own (never the event loop's), a question read-only beside the others, one reply
per callback, the one stored."""
from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import event, update
from sqlmodel import Session, select

from bot.answering import asks_only
from bot.conversation import Inbound
from bot.router import Router
from bot.texts import FAILED, NOT_A_MEMBER
from models.tables import InboundMessage, Item, ProgressUpdate
from tests.bot.test_callback import post, say
from tests.support import wecom as wf


def rows(engine) -> dict[str, str]:
    with Session(engine) as s:
        return {r.dedupe_key: r.reply for r in s.exec(select(InboundMessage))}


def first(runtime, router: Router) -> Router:
    runtime.dispatcher.routers.insert(0, router)
    return router


@pytest.fixture
def threads_seen(runtime, engine):
    """The threads that ran a statement on the runtime's engine or looked at a message to route it."""
    seen: set[int] = set()

    def statement(*_):
        seen.add(threading.get_ident())

    event.listen(runtime.engine, "before_cursor_execute", statement)
    watcher = first(runtime, Router("watcher"))
    watcher.message(when=lambda msg: seen.add(threading.get_ident()) and False)(lambda msg: "")
    yield seen
    event.remove(runtime.engine, "before_cursor_execute", statement)
    runtime.dispatcher.routers.remove(watcher)


async def test_the_event_loop_runs_no_handler_and_no_query(client, engine, threads_seen):
    loop_thread = threading.get_ident()
    replies = await asyncio.gather(say(client, "wangfang", "我的清单", msg_id=5101),
                                   say(client, "wangfang", "第1项完成80%", msg_id=5102),
                                   say(client, "liming", "谁还没报", msg_id=5103),
                                   say(client, "nobody", "我的清单", msg_id=5104))
    status, _, _ = await post(client, wf.event_xml("wangfang", "enter_agent", 1_790_000_000))
    assert status == 200
    assert "王芳的清单" in replies[0] and "已记录" in replies[1] and "王芳" in replies[2], replies
    assert threads_seen and loop_thread not in threads_seen


async def test_a_slow_question_holds_up_neither_healthz_nor_another_persons_callback(client, runtime, engine):
    started, release = threading.Event(), threading.Event()
    slow = first(runtime, Router("slow"))

    @slow.message(when=lambda msg: msg.member.account == "jiwei" and msg.text == "有哪些逾期的")
    def slow_question(msg):
        msg.session.exec(select(Item)).all()
        started.set()
        release.wait(30)
        return "慢的回答"

    try:
        asked = asyncio.ensure_future(say(client, "jiwei", "有哪些逾期的", msg_id=5201))   # over the organ
        assert await asyncio.to_thread(started.wait, 30)
        assert (await client.get("/healthz")).status == 200
        assert "王芳的清单" in await say(client, "wangfang", "我的清单", msg_id=5202)
        assert "李明" in await say(client, "liming", "谁还没报", msg_id=5204)           # a branch's secretary
        assert "已记录" in await say(client, "wangfang", "第2项完成50%", msg_id=5203)
        assert not asked.done()
        release.set()
        assert await asked == "慢的回答"
    finally:
        release.set()
        runtime.dispatcher.routers.remove(slow)
    assert rows(engine)["msg:jiwei:5201"] == "慢的回答"


async def test_a_question_whose_answer_writes_is_answered_in_a_claimed_transaction(client, runtime, engine):
    """Read-only first, the database refuses the write, then answered again with its claim: the
    write is kept once and the reply stored is the one given."""
    writes = first(runtime, Router("writes"))

    @writes.message(when=lambda msg: msg.text == "我的清单" and msg.member.account == "wangfang")
    def noting(msg):
        msg.session.connection().execute(update(Item).where(Item.code == "P-2").values(percent=Item.percent + 10))
        return "记下了"

    try:
        assert asks_only(Inbound("k", "wangfang", "text", "我的清单"))
        replies = await asyncio.gather(say(client, "zhouqiang", "我的清单", msg_id=5300),
                                       say(client, "wangfang", "我的清单", msg_id=5301),
                                       say(client, "nobody", "我的清单", msg_id=5302),
                                       say(client, "zhouqiang", "我这个月报了吗", msg_id=5303))
    finally:
        runtime.dispatcher.routers.remove(writes)
    assert replies[0].startswith("周强的清单") and replies[1] == "记下了" and replies[2] == NOT_A_MEMBER, replies
    assert "尚未报送" in replies[3] or "已于" in replies[3], replies[3]
    with Session(engine) as s:
        assert s.exec(select(Item).where(Item.code == "P-2")).one().percent == 10       # once
    assert rows(engine)["msg:wangfang:5301"] == "记下了"


async def test_a_question_sent_twice_at_once_is_stored_once_and_both_hear_the_stored_reply(client, engine):
    params, body = wf.envelope(wf.text_xml("wangfang", "我的清单", msg_id=5401))
    answers = await asyncio.gather(*(client.post("/wecom/callback", params=params, data=body) for _ in range(3)))
    replies = [wf.read_reply(await r.text(), params) for r in answers]
    stored = rows(engine)["msg:wangfang:5401"]
    assert "王芳的清单" in stored and set(replies) <= {stored, ""} and stored in replies


async def test_several_senders_at_once_each_get_their_own_answer_and_a_failing_one_alone_fails(
        client, runtime, engine):
    broken = first(runtime, Router("broken"))

    @broken.message(when=lambda msg: msg.text in ("出错", "出错了吗"))
    def fail(msg):
        raise RuntimeError("a handler failing")

    try:
        replies = await asyncio.gather(say(client, "wangfang", "第1项完成80%", msg_id=5501),
                                       say(client, "liming", "出错", msg_id=5502),
                                       say(client, "liming", "出错了吗", msg_id=5503),
                                       say(client, "liming", "我的清单", msg_id=5504),
                                       say(client, "liming", "R-3完成1次", msg_id=5505),
                                       say(client, "wangfang", "我的清单", msg_id=5506))
    finally:
        runtime.dispatcher.routers.remove(broken)
    assert "已记录王芳的进展" in replies[0] and replies[1] == FAILED and replies[2] == FAILED
    assert replies[3].startswith("李明的清单") and "已记录李明的进展" in replies[4]
    assert replies[5].startswith("王芳的清单")
    stored = rows(engine)
    assert "msg:liming:5502" not in stored and "msg:liming:5503" not in stored     # a retry is answered
    assert {k for k in stored if k.startswith("msg:")} >= {"msg:wangfang:5501", "msg:liming:5504",
                                                          "msg:liming:5505", "msg:wangfang:5506"}
    with Session(engine) as s:
        assert len(s.exec(select(ProgressUpdate)).all()) == 2


async def test_a_progress_retry_while_the_first_is_answered_writes_once(client, engine):
    params, body = wf.envelope(wf.text_xml("wangfang", "第3项完成80%", msg_id=5601))
    answers = await asyncio.gather(*(client.post("/wecom/callback", params=params, data=body) for _ in range(3)))
    replies = [wf.read_reply(await r.text(), params) for r in answers]
    assert any("已记录" in r for r in replies)
    with Session(engine) as s:
        assert len(s.exec(select(ProgressUpdate)).all()) == 1
        assert len(s.exec(select(InboundMessage)).all()) == 1


def test_questions_are_told_from_the_rest_by_their_words():
    def says(words: str, kind: str = "text") -> bool:
        return asks_only(Inbound("k", "a", kind, words if kind == "text" else None))

    for question in ("我的清单", "有哪些逾期的", "谁还没报", "我这个月报了吗", "我单位星级", "整改清单", "帮助",
                     "第2项完成了吗"):
        assert says(question), question
    for other in ("第1项完成80%", "撤回", "收到", "通知 全体党员：明天开会", "今年已召开11次"):
        assert not says(other), other
    assert not says("", "event") and not says("", "image")

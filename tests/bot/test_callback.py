"""The WeCom callback driven as WeCom drives it: real encrypted requests to the real app."""
from __future__ import annotations

import asyncio
import logging
import secrets
import time

from sqlmodel import Session, select

from models.tables import InboundMessage, Item, ProgressUpdate
from tests.support import wecom as wf


async def post(client, xml: str, c=None):
    params, body = wf.envelope(xml, c)
    resp = await client.post("/wecom/callback", params=params, data=body)
    return resp.status, await resp.text(), params


async def say(client, account: str, text: str, msg_id: int | None = None) -> str:
    status, body, params = await post(client, wf.text_xml(account, text, msg_id))
    assert status == 200, body
    return wf.read_reply(body, params)


async def test_url_verification_answers_the_echostr(client):
    c = wf.crypto()
    echo_enc = c.encrypt_message("<xml/>", "n", "1")  # any encrypted payload will do
    import xmltodict

    enc = xmltodict.parse(echo_enc)["xml"]["Encrypt"]
    ts, nonce = str(int(time.time())), "abc"
    from wechatpy.crypto import _get_signature

    sig = _get_signature(wf.TOKEN, ts, nonce, enc)
    resp = await client.get("/wecom/callback", params={"msg_signature": sig, "timestamp": ts, "nonce": nonce, "echostr": enc})
    assert resp.status == 200
    assert await resp.text() == "<xml/>"
    resp = await client.get("/wecom/callback", params={"msg_signature": "0" * 40, "timestamp": ts, "nonce": nonce, "echostr": enc})
    assert resp.status == 403


async def test_forged_signature_is_403_and_changes_nothing(client, engine):
    params, body = wf.envelope(wf.text_xml("wangfang", "第1项已完成"))
    params["msg_signature"] = "f" * 40
    resp = await client.post("/wecom/callback", params=params, data=body)
    assert resp.status == 403
    with Session(engine) as s:
        assert s.exec(select(ProgressUpdate)).all() == []
        assert s.exec(select(InboundMessage)).all() == []


async def test_wrong_key_is_403_and_logged_without_secrets(client, caplog):
    other = wf.crypto(key="Z" * 43)
    with caplog.at_level(logging.WARNING, logger="bot.callback"):
        status, _, _ = await post(client, wf.text_xml("wangfang", "我的清单"), other)
    assert status == 403
    assert "callback refused (403)" in caplog.text and "EncodingAESKey" in caplog.text
    assert wf.AES_KEY not in caplog.text and wf.TOKEN not in caplog.text


async def test_unreadable_body_is_400(client):
    laughs = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
              '<xml><Encrypt>&b;</Encrypt></xml>')
    for body in ("not xml at all", "<xml><Foo>1</Foo></xml>", b"\xff\xfe\x00", "<xml><Encrypt> </Encrypt></xml>",
                 "<other><Encrypt>abc</Encrypt></other>", "<xml><Encrypt>abc</Encrypt>", laughs):
        resp = await client.post("/wecom/callback", params={"msg_signature": "x", "timestamp": "1", "nonce": "n"}, data=body)
        assert resp.status == 400


async def test_my_list_lists_exactly_the_senders_items(client):
    reply = await say(client, "wangfang", "我的清单")
    assert "王芳的清单" in reply
    for code in ("P-1", "P-2", "P-3", "Z-1"):
        assert f"[{code}]" in reply
    for other in ("R-1", "P-9", "Z-2"):
        assert f"[{other}]" not in reply
    assert "1. [P-1] 制定年度学习计划" in reply
    assert "（已逾期）" in reply  # P-2 was due 2026-11-10


async def test_progress_changes_the_item_and_keeps_the_words(client, engine):
    reply = await say(client, "wangfang", "第3项完成80%")
    assert "建设党员活动室" in reply and "进行中 80%" in reply
    with Session(engine) as s:
        item = s.exec(select(Item).where(Item.code == "P-3")).one()
        assert (item.status, item.percent, item.updated_words) == ("in_progress", 80, "第3项完成80%")
        upd = s.exec(select(ProgressUpdate)).one()
        assert upd.words == "第3项完成80%" and upd.msg_id


async def test_the_same_callback_twice_changes_the_data_once(client, engine):
    params, body = wf.envelope(wf.text_xml("liming", "召开了1次支委会", msg_id=777001))
    first = await client.post("/wecom/callback", params=params, data=body)
    second = await client.post("/wecom/callback", params=params, data=body)
    assert first.status == second.status == 200
    assert wf.read_reply(await second.text(), params) == wf.read_reply(await first.text(), params)
    with Session(engine) as s:
        item = s.exec(select(Item).where(Item.code == "R-1")).one()
        assert item.done_count == 10
        assert len(s.exec(select(ProgressUpdate)).all()) == 1


async def test_duplicate_events_are_answered_once(client, engine):
    at = int(time.time())
    a = await post(client, wf.event_xml("wangfang", "enter_agent", at))
    b = await post(client, wf.event_xml("wangfang", "enter_agent", at))
    assert a[0] == b[0] == 200
    with Session(engine) as s:
        assert len(s.exec(select(InboundMessage)).all()) == 1


async def test_card_events_of_two_members_at_the_same_moment_are_both_recorded(client, engine):
    at = int(time.time())
    for account in ("wangfang", "liming"):
        status, _, _ = await post(client, wf.card_event_xml(account, at, task_id="task-1"))
        assert status == 200
    status, _, _ = await post(client, wf.card_event_xml("wangfang", at, task_id="task-2"))
    assert status == 200
    with Session(engine) as s:
        assert len(s.exec(select(InboundMessage)).all()) == 3


async def test_the_same_msg_id_from_two_senders_gets_two_answers(client, engine):
    mine = await say(client, "wangfang", "我的清单", msg_id=4242)
    theirs = await say(client, "liming", "我的清单", msg_id=4242)
    assert "王芳的清单" in mine and "李明的清单" in theirs


async def test_a_missing_or_non_numeric_msg_id_is_answered_not_500(client):
    for msg_id in ("abc", ""):
        xml = wf.text_xml("wangfang", "我的清单", msg_id=0).replace("<MsgId>0</MsgId>", f"<MsgId>{msg_id}</MsgId>")
        status, body, params = await post(client, xml)
        assert status == 200 and "王芳的清单" in wf.read_reply(body, params)


async def test_a_title_containing_the_cdata_end_gets_a_readable_reply(client, engine):
    with Session(engine) as s:
        item = s.exec(select(Item).where(Item.code == "P-1")).one()
        item.title = "制定]]>年度学习计划"
        s.add(item)
        s.commit()
    reply = await say(client, "wangfang", "我的清单")
    assert "[P-1] 制定]]>年度学习计划" in reply


async def test_stranger_gets_a_polite_refusal(client, engine):
    reply = await say(client, "nobody", "第1项已完成")
    assert "不在本系统的党员名单中" in reply
    with Session(engine) as s:
        assert s.exec(select(ProgressUpdate)).all() == []


async def test_an_image_gets_a_polite_answer(client):
    status, body, params = await post(client, wf.image_xml("wangfang", secrets.randbelow(10**9)))
    assert status == 200
    assert "收到图片" in wf.read_reply(body, params)     # an unknown MediaId: told to send it again


async def test_non_admin_broadcast_is_refused_and_nothing_is_sent(client, standin):
    reply = await say(client, "wangfang", "通知 全体党员：明天下午3点开会")
    assert "仅限管理员和各级书记" in reply
    assert standin.state.sent == []


async def test_admin_broadcast_reaches_the_unit_after_confirm(client, standin):
    reply = await say(client, "zhaolei", "通知 第二党支部：周五交党费")
    assert reply.startswith("将发送给第二党支部共2人") and standin.state.sent == []
    assert "共2人" in await say(client, "zhaolei", "确认")
    assert len(standin.state.sent) == 1
    assert sorted(standin.state.sent[0].touser) == ["sunli", "zhouqiang"]
    assert "周五交党费" in standin.state.sent[0].content


async def test_a_retry_of_a_notice_that_failed_to_go_out_hears_the_failure_not_the_plan(client, engine, standin):
    """The reply stored for WeCom's retries is the one the sends turned out to give."""
    await say(client, "zhaolei", "通知 第二党支部：周五交党费")
    standin.state.fail_accounts = {"sunli"}
    reply = await say(client, "zhaolei", "确认", msg_id=8801)
    assert reply.startswith("通知发送失败") and standin.state.sent == []
    with Session(engine) as s:
        stored = s.exec(select(InboundMessage).where(InboundMessage.dedupe_key == "msg:zhaolei:8801")).one()
    assert stored.reply == reply


async def test_a_notice_to_one_branch_reaches_only_that_branch_whatever_the_command_words(client, standin):
    """The twin grammar bug: "群发通知 第一党支部：…" was read as a notice to everyone."""
    for words in ("群发通知 第二党支部：周五开会", "发公告 第二党支部：周五开会", "请发一条通知 第二党支部：周五开会"):
        standin.state.sent.clear()
        assert "第二党支部共2人" in await say(client, "zhaolei", words)
        reply = await say(client, "zhaolei", "确认")
        assert "第二党支部，共2人" in reply
        [sent] = standin.state.sent
        assert sorted(sent.touser) == ["sunli", "zhouqiang"] and "周五开会" in sent.content


async def test_a_notice_without_a_body_asks_for_it_and_sends_nothing(client, standin):
    reply = await say(client, "zhaolei", "通知 全体书记")
    assert "请写明通知内容" in reply and standin.state.sent == []


async def test_an_answer_that_misses_the_reply_window_goes_out_by_message_send(client, runtime, standin):
    runtime.config.server.reply_timeout = 0     # nothing is ever ready in time: the late path
    status, body, _ = await post(client, wf.text_xml("wangfang", "我的清单"))
    assert status == 200 and body == ""         # answered at once, empty, as WeCom allows
    for _ in range(100):
        if standin.state.sent:
            break
        await asyncio.sleep(0.05)
    [sent] = standin.state.sent
    assert sent.touser == ["wangfang"] and "王芳的清单" in sent.content


async def test_a_retry_while_the_first_attempt_still_runs_delivers_the_answer_exactly_once(client, runtime, engine,
                                                                                            standin):
    """The database is held up past reply_timeout: WeCom gets empty answers to the callback and its
    retry, and the member gets the answer once, by message/send."""
    runtime.config.server.reply_timeout = 0.3
    xml = wf.text_xml("wangfang", "我的清单", msg_id=990011)
    with engine.connect() as blocker:
        if engine.dialect.name == "sqlite":
            blocker.exec_driver_sql("INSERT INTO auditevent (at, actor, action, words, detail) "
                                    "VALUES ('2026-01-01 00:00:00', 't', 't', '', '')")   # holds the write lock
        else:
            blocker.exec_driver_sql("LOCK TABLE inboundmessage IN ACCESS EXCLUSIVE MODE")
        first = await post(client, xml)
        retry = await post(client, xml)
        assert first[:2] == (200, "") and retry[:2] == (200, "")
        blocker.rollback()
    for _ in range(100):
        if standin.state.sent:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    assert [m.touser for m in standin.state.sent] == [["wangfang"]]
    assert "王芳的清单" in standin.state.sent[0].content
    with Session(engine) as s:
        assert len(s.exec(select(InboundMessage)).all()) == 1


async def test_every_resend_of_an_answered_callback_gets_its_answer(client, engine):
    """Issue 22, point 14: WeCom resends only what it got no answer to; the third and fourth
    resend of one MsgId get the reply the first got, and nothing is recorded twice."""
    params, body = wf.envelope(wf.text_xml("liming", "召开了1次支委会", msg_id=990012))
    replies = []
    for _ in range(4):
        resp = await client.post("/wecom/callback", params=params, data=body)
        assert resp.status == 200
        replies.append(wf.read_reply(await resp.text(), params))
    assert "已记录李明的进展" in replies[0] and replies == [replies[0]] * 4
    with Session(engine) as s:
        assert s.exec(select(Item).where(Item.code == "R-1")).one().done_count == 10
        assert len(s.exec(select(ProgressUpdate)).all()) == 1


async def test_a_resend_after_the_answer_went_by_message_send_is_not_answered_again(client, runtime, standin):
    """An answer that missed the reply window went by message/send: a later resend gets an empty
    answer, so the person does not read it twice."""
    runtime.config.server.reply_timeout = 0
    xml = wf.text_xml("wangfang", "我的清单", msg_id=990013)
    assert (await post(client, xml))[1] == ""
    for _ in range(100):
        if standin.state.sent:
            break
        await asyncio.sleep(0.05)
    runtime.config.server.reply_timeout = 3
    assert (await post(client, xml))[1] == ""
    assert len(standin.state.sent) == 1


async def test_database_work_runs_on_the_configured_threads(runtime, aiohttp_client):
    """[server] db_threads: the app's loop hands blocking work to that many "qingdan-db" threads."""
    import threading

    from bot.app import build_app

    runtime.config.server.db_threads = 1
    await aiohttp_client(build_app(runtime))
    loop = asyncio.get_running_loop()
    names = {await loop.run_in_executor(None, lambda: threading.current_thread().name) for _ in range(5)}
    assert names == {"qingdan-db_0"}


async def test_a_total_asked_about_is_stored_whole_once_the_item_is_named(client, engine):
    """"今年已召开11次" → the bot asks which item → "第1项": the total 11 is kept (it was dropped once)."""
    asked = await say(client, "liming", "今年已召开11次")
    assert "哪一项" in asked and "未做任何" not in asked
    first = asked.split("1. ")[1].split("]")[0].lstrip("[")
    reply = await say(client, "liming", "第1项")
    assert "未更改" not in reply and "11" in reply
    with Session(engine) as s:
        item = s.exec(select(Item).where(Item.code == first)).one()
        assert item.done_count == 11
        assert s.exec(select(ProgressUpdate)).one().words == "今年已召开11次（第1项）"

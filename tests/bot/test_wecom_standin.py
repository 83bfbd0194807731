"""bot.wecom_standin: the stand-in answers as WeCom does, so what the tests prove against it holds
against WeCom — tokens, the 1,000-account limit, invalid accounts, refusals, expired tokens,
template cards and their updates, media and links — and seals callbacks that our server and
wechatpy open."""
from __future__ import annotations

import time

import aiohttp
import pytest
import xmltodict
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.replies import TextReply

from bot.callback import read_envelope
from bot.wecom_rules import Refusal
from bot.wecom_standin import StandIn, card_event_xml, open_reply, seal_callback, text_message_xml
from tests.support import wecom as wf


async def _send(session: aiohttp.ClientSession, base: str, token: str, touser: str) -> dict:
    body = {"touser": touser, "msgtype": "text", "agentid": 1, "text": {"content": "你好"}}
    async with session.post(f"{base}message/send", params={"access_token": token}, json=body) as r:
        return await r.json()


async def test_it_answers_as_wecom_does():
    async with StandIn(corp_id="wwc", secret="s3") as standin, aiohttp.ClientSession() as http:
        base = standin.base_url
        async with http.get(f"{base}gettoken", params={"corpid": "wwc", "corpsecret": "wrong"}) as r:
            assert (await r.json())["errcode"] == 40001
        async with http.get(f"{base}gettoken", params={"corpid": "wwc", "corpsecret": "s3"}) as r:
            token = (await r.json())["access_token"]
        assert (await _send(http, base, "not-a-token", "a"))["errcode"] == 40014
        assert (await _send(http, base, token, "|".join(f"u{k}" for k in range(1001))))["errcode"] == 40031

        standin.state.known_users = {"a"}
        answer = await _send(http, base, token, "a|ghost")
        assert answer["errcode"] == 0 and answer["invaliduser"] == "ghost"
        assert [(m.touser, m.content) for m in standin.state.sent] == [(["a"], "你好")]

        standin.state.fail_accounts = {"a"}
        assert (await _send(http, base, token, "a"))["errcode"] == 60020
        standin.state.fail_accounts = set()
        standin.state.expire_next = 1
        assert (await _send(http, base, token, "a"))["errcode"] == 42001
        assert (await _send(http, base, token, "a"))["errcode"] == 40014       # that token is gone
        assert standin.state.token_fetches == 1


def test_a_sealed_callback_opens_with_the_same_keys_and_says_what_was_sent():
    crypto = wf.crypto()
    text = "第2项完成]]>80%"                               # "]]>" must survive its CDATA
    query, body = seal_callback(crypto, wf.CORP_ID, wf.AGENT_ID,
                                text_message_xml(wf.CORP_ID, wf.AGENT_ID, "wangfang", text, 42))
    envelope = read_envelope(body.encode("utf-8"))
    msg = parse_message(crypto.decrypt_message(envelope, query["msg_signature"], query["timestamp"], query["nonce"]))
    assert (msg.source, msg.content, str(msg.id)) == ("wangfang", text, "42")
    reply = crypto.encrypt_message(TextReply(content="已记录", message=msg).render(), "nonce1", "1700000000")
    assert open_reply(crypto, reply) == "已记录" and open_reply(crypto, "") == ""


# --- template cards, images, links ------------------------------------------------------------------

class Api:
    """Raw calls to the stand-in, as WeCom's API takes them."""

    def __init__(self, http: aiohttp.ClientSession, standin: StandIn):
        self.http, self.standin = http, standin

    async def token(self) -> str:
        state = self.standin.state
        async with self.http.get(f"{self.standin.base_url}gettoken",
                                 params={"corpid": state.corp_id, "corpsecret": state.secret}) as r:
            return (await r.json())["access_token"]

    async def post(self, path: str, body: dict) -> dict:
        async with self.http.post(f"{self.standin.base_url}{path}", params={"access_token": await self.token()},
                                  json=body) as r:
            return await r.json()

    async def send(self, touser: str, msgtype: str, part: dict) -> dict:
        return await self.post("message/send", {"touser": touser, "agentid": 1, "msgtype": msgtype, msgtype: part})

    async def upload(self, kind: str, filename: str, data: bytes) -> dict:
        form = aiohttp.FormData()
        form.add_field("media", data, filename=filename)
        async with self.http.post(f"{self.standin.base_url}media/upload",
                                  params={"access_token": await self.token(), "type": kind}, data=form) as r:
            return await r.json()


def card(task_id: str = "push-1", buttons: int = 2, **change) -> dict:
    c = {"card_type": "button_interaction", "task_id": task_id, "main_title": {"title": "【截止提醒】"},
         "button_list": [{"text": f"按钮{k}", "style": 1, "key": f"key-{k}"} for k in range(buttons)]}
    return {**c, **change}


async def test_a_button_card_is_recorded_with_its_response_code_and_malformed_ones_are_refused():
    async with StandIn(corp_id="wwc", secret="s3") as standin, aiohttp.ClientSession() as http:
        api = Api(http, standin)
        answer = await api.send("a", "template_card", card("push-1"))
        assert answer["errcode"] == 0 and answer["response_code"]
        [sent] = standin.state.sent
        assert (sent.msgtype, sent.response_code, sent.content) == ("template_card", answer["response_code"],
                                                                   "【截止提醒】\n[按钮0] [按钮1]")
        assert (await api.send("a", "template_card", card("push-1")))["errcode"] == 42014      # a task_id once
        refused = [card("push 2"), card("任务2"), card("x" * 129), card("push-3", buttons=7), card("push-4", buttons=0),
                   card("push-5", button_list=[{"text": "好", "style": 5, "key": "k"}]),
                   card("push-6", button_list=[{"text": "好", "style": 1, "key": "k" * 1025}]),
                   card("push-7", button_list=[{"text": "好", "style": 1}]),
                   card("", main_title={"title": "无任务"}), card("push-8", card_type="fancy"),
                   card("push-9", main_title={"title": "长" * 37}),                      # over WeCom's limits
                   card("push-10", sub_title_text="长" * 161),
                   card("push-11", button_list=[{"text": "一二三四五六七八九十一", "style": 1, "key": "k"}])]
        for bad in refused:
            assert (await api.send("a", "template_card", bad))["errcode"] == 40058, bad
        assert (await api.send("a", "template_card", card("x" * 128)))["errcode"] == 0       # 128 bytes is fine
        assert (await api.send("a", "template_card", card("a-b_c@D9", buttons=6)))["errcode"] == 0
        notice = {"card_type": "text_notice", "main_title": {"title": "通知"}}
        assert (await api.send("a", "template_card", notice))["errcode"] == 40058           # no card_action
        notice["card_action"] = {"type": 1, "url": "https://example.org"}
        answer = await api.send("a", "template_card", notice)
        assert answer["errcode"] == 0 and "response_code" not in answer                     # not interactive
        assert [m.raw["template_card"].get("task_id") for m in standin.state.sent] == ["push-1", "x" * 128, "a-b_c@D9", None]


async def test_a_response_code_updates_a_card_once_and_within_72_hours():
    async with StandIn(corp_id="wwc", secret="s3") as standin, aiohttp.ClientSession() as http:
        api = Api(http, standin)
        sent_code = (await api.send("a", "template_card", card("push-1")))["response_code"]
        tap = standin.state.tap("a", "push-1", "key-1")                  # the code a tap's event carries
        grey = {"userids": ["a"], "agentid": 1, "response_code": tap, "button": {"replace_name": "已记录"}}
        assert (await api.post("message/update_template_card", grey))["errcode"] == 0
        assert (await api.post("message/update_template_card", grey))["errcode"] == 40058     # used
        [update] = standin.state.updates
        assert (update.userids, update.response_code, update.task_id, update.replace_name) == (["a"], tap, "push-1", "已记录")

        whole = {"userids": ["a"], "agentid": 1, "response_code": sent_code, "template_card": card("push-2")}
        assert (await api.post("message/update_template_card", whole))["errcode"] == 40058    # another card's task_id
        whole["template_card"] = card("push-1", main_title={"title": "已记录：已完成"})
        assert (await api.post("message/update_template_card", whole))["errcode"] == 0
        assert standin.state.updates[-1].card["main_title"] == {"title": "已记录：已完成"}

        late = standin.state.tap("a", "push-1", "key-0")
        standin.state.clock = lambda: time.time() + 72 * 3600 + 1
        assert (await api.post("message/update_template_card", {**grey, "response_code": late}))["errcode"] == 40058
        assert (await api.post("message/update_template_card", {**grey, "response_code": "never-issued"}))["errcode"] == 40058
        assert len(standin.state.updates) == 2
        with pytest.raises(Refusal):
            standin.state.tap("b", "push-1", "key-0")                     # not sent to b
        with pytest.raises(Refusal):
            standin.state.tap("a", "push-1", "key-9")                     # no such button


async def test_an_image_is_sent_by_a_media_id_that_lives_three_days():
    async with StandIn(corp_id="wwc", secret="s3") as standin, aiohttp.ClientSession() as http:
        api = Api(http, standin)
        assert (await api.upload("image", "a.png", b"PNG"))["errcode"] == 40009              # too small
        assert (await api.upload("sticker", "a.png", b"PNGDATA"))["errcode"] == 40004
        uploaded = await api.upload("image", "a.png", b"PNGDATA")
        assert uploaded["errcode"] == 0 and uploaded["type"] == "image"
        assert [(m.filename, m.data) for m in standin.state.uploads] == [("a.png", b"PNGDATA")]
        assert (await api.send("a", "image", {"media_id": uploaded["media_id"]}))["errcode"] == 0
        assert (await api.send("a", "image", {"media_id": "never-uploaded"}))["errcode"] == 40007
        standin.state.clock = lambda: time.time() + 3 * 86400
        assert (await api.send("a", "image", {"media_id": uploaded["media_id"]}))["errcode"] == 40007   # expired
        assert [m.content for m in standin.state.sent] == ["[图片]"]


async def test_textcards_and_news_need_a_title_and_a_link():
    async with StandIn(corp_id="wwc", secret="s3") as standin, aiohttp.ClientSession() as http:
        api = Api(http, standin)
        link = {"title": "月度报告", "description": "十一月", "url": "https://example.org/r"}
        assert (await api.send("a", "textcard", link))["errcode"] == 0
        assert (await api.send("a", "news", {"articles": [link]}))["errcode"] == 0
        assert (await api.send("a", "textcard", {**link, "url": ""}))["errcode"] == 40058
        assert (await api.send("a", "textcard", {**link, "title": "长" * 50}))["errcode"] == 40058   # 150 bytes
        assert (await api.send("a", "news", {"articles": [link] * 9}))["errcode"] == 40058
        assert (await api.send("a", "voice_note", {"x": 1}))["errcode"] == 40008
        assert [m.content for m in standin.state.sent] == ["月度报告\n十一月", "月度报告\n十一月"]


async def test_a_tap_is_sealed_as_the_template_card_event_wecom_would_post():
    async with StandIn(corp_id=wf.CORP_ID, secret="s3") as standin, aiohttp.ClientSession() as http:
        await Api(http, standin).send("wangfang", "template_card", card("push-9"))
    code = standin.state.tap("wangfang", "push-9", "key-1")
    crypto = wf.crypto()
    query, body = seal_callback(crypto, wf.CORP_ID, wf.AGENT_ID,
                                card_event_xml(wf.CORP_ID, wf.AGENT_ID, "wangfang", "push-9", "key-1", code))
    envelope = read_envelope(body.encode("utf-8"))
    plain = crypto.decrypt_message(envelope, query["msg_signature"], query["timestamp"], query["nonce"])
    event = xmltodict.parse(plain)["xml"]
    assert (event["MsgType"], event["Event"], event["FromUserName"]) == ("event", "template_card_event", "wangfang")
    assert (event["TaskId"], event["EventKey"], event["CardType"], event["ResponseCode"]) == (
        "push-9", "key-1", "button_interaction", code)

"""bot.wecom_standin: the stand-in answers as WeCom does, so what the tests prove against it holds
against WeCom — tokens, the 1,000-account limit, invalid accounts, refusals, expired tokens — and
seals callbacks that our server and wechatpy open."""
from __future__ import annotations

import aiohttp
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.replies import TextReply

from bot.callback import read_envelope
from bot.wecom_standin import StandIn, open_reply, seal_callback, text_message_xml
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

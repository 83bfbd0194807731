"""Test helpers that act as WeCom does: encrypted callbacks made with wechatpy's crypto."""
from __future__ import annotations

import secrets
import time

from wechatpy.enterprise.crypto import WeChatCrypto

from bot.wecom_standin import open_reply, seal_callback, text_message_xml

CORP_ID = "wwqingdantest"
TOKEN = "qingdan-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"   # 43 characters
AGENT_ID = 1000002


def crypto(token: str = TOKEN, key: str = AES_KEY, corp_id: str = CORP_ID) -> WeChatCrypto:
    return WeChatCrypto(token, key, corp_id)


def text_xml(account: str, text: str, msg_id: int | None = None, at: int | None = None) -> str:
    msg_id = msg_id if msg_id is not None else secrets.randbelow(10**15)
    return text_message_xml(CORP_ID, AGENT_ID, account, text, msg_id, at)


def image_xml(account: str, msg_id: int) -> str:
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{account}]]></FromUserName><CreateTime>{int(time.time())}</CreateTime>"
            f"<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://127.0.0.1/x.png]]></PicUrl>"
            f"<MediaId><![CDATA[m1]]></MediaId><MsgId>{msg_id}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>")


def event_xml(account: str, event: str, at: int) -> str:
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{account}]]></FromUserName><CreateTime>{at}</CreateTime>"
            f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
            f"<EventKey><![CDATA[]]></EventKey><AgentID>{AGENT_ID}</AgentID></xml>")


def envelope(xml: str, c: WeChatCrypto | None = None) -> tuple[dict, str]:
    """(query parameters, body) of a callback as WeCom posts it."""
    return seal_callback(c or crypto(), CORP_ID, AGENT_ID, xml)


def read_reply(body: str, params: dict | None = None) -> str:
    """The text of an encrypted passive reply ("" for an empty answer)."""
    return open_reply(crypto(), body)


def card_event_xml(account: str, at: int, task_id: str, key: str = "confirm") -> str:
    """A template-card button click (no MsgId), as WeCom posts it."""
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{account}]]></FromUserName><CreateTime>{at}</CreateTime>"
            f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
            f"<EventKey><![CDATA[{key}]]></EventKey><TaskId><![CDATA[{task_id}]]></TaskId>"
            f"<CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[rc-{account}]]></ResponseCode>"
            f"<AgentID>{AGENT_ID}</AgentID></xml>")


async def say(client, account: str, text: str, path: str = "/wecom/callback") -> str:
    """``text`` from ``account`` as WeCom posts it to the app under ``client`` (an aiohttp test
    client); the decrypted passive reply. The callback must answer 200."""
    params, body = envelope(text_xml(account, text))
    resp = await client.post(path, params=params, data=body)
    assert resp.status == 200
    return read_reply(await resp.text(), params)

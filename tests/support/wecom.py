"""Test helpers that act as WeCom does: encrypted callbacks made with wechatpy's crypto."""
from __future__ import annotations

import secrets
import time

from wechatpy.enterprise.crypto import WeChatCrypto

from bot.wecom_standin import card_event_xml as standin_card_event_xml
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


def _xml(account: str, msg_type: str, fields: str, at: int | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{account}]]></FromUserName><CreateTime>{at or int(time.time())}</CreateTime>"
            f"<MsgType><![CDATA[{msg_type}]]></MsgType>{fields}<AgentID>{AGENT_ID}</AgentID></xml>")


def image_xml(account: str, msg_id: int, media_id: str = "m1") -> str:
    return _xml(account, "image", f"<PicUrl><![CDATA[http://127.0.0.1/x.png]]></PicUrl>"
                                  f"<MediaId><![CDATA[{media_id}]]></MediaId><MsgId>{msg_id}</MsgId>")


def file_xml(account: str, msg_id: int, media_id: str, filename: str = "现场照片.jpg") -> str:
    return _xml(account, "file", f"<MediaId><![CDATA[{media_id}]]></MediaId><FileName><![CDATA[{filename}]]></FileName>"
                                 f"<MsgId>{msg_id}</MsgId>")


def media_xml(account: str, kind: str, msg_id: int) -> str:
    """A voice, video, file or location message, with the fields WeCom gives each."""
    fields = {
        "voice": "<MediaId><![CDATA[v1]]></MediaId><Format><![CDATA[amr]]></Format>",
        "video": "<MediaId><![CDATA[v2]]></MediaId><ThumbMediaId><![CDATA[t2]]></ThumbMediaId>",
        "file": "<MediaId><![CDATA[f1]]></MediaId><FileName><![CDATA[台账.xlsx]]></FileName>",
        "location": "<Location_X>39.9</Location_X><Location_Y>116.3</Location_Y><Scale>15</Scale>"
                    "<Label><![CDATA[北京]]></Label>",
        "link": "<Title><![CDATA[学习材料]]></Title><Description><![CDATA[x]]></Description>"
                "<Url><![CDATA[http://127.0.0.1/a]]></Url><PicUrl><![CDATA[]]></PicUrl>",
    }[kind]
    return _xml(account, kind, f"{fields}<MsgId>{msg_id}</MsgId>")


def event_xml(account: str, event: str, at: int, key: str = "") -> str:
    return _xml(account, "event", f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{key}]]></EventKey>", at)


def envelope(xml: str, c: WeChatCrypto | None = None) -> tuple[dict, str]:
    """(query parameters, body) of a callback as WeCom posts it."""
    return seal_callback(c or crypto(), CORP_ID, AGENT_ID, xml)


def read_reply(body: str, params: dict | None = None) -> str:
    """The text of an encrypted passive reply ("" for an empty answer)."""
    return open_reply(crypto(), body)


def card_event_xml(account: str, at: int, task_id: str, key: str = "confirm", response_code: str | None = None,
                   card_type: str = "button_interaction", selected: dict[str, list[str]] | None = None) -> str:
    """A template-card button click or a vote submitted (no MsgId), as WeCom posts it."""
    return standin_card_event_xml(CORP_ID, AGENT_ID, account, task_id, key, response_code or f"rc-{account}",
                                  card_type, at, selected)


async def deliver(client, xml: str, path: str = "/wecom/callback") -> str:
    """``xml`` (any message or event) sealed and posted as WeCom posts it to the app under
    ``client`` (an aiohttp test client); the decrypted passive reply. The callback must answer 200."""
    params, body = envelope(xml)
    resp = await client.post(path, params=params, data=body)
    assert resp.status == 200
    return read_reply(await resp.text(), params)


async def say(client, account: str, text: str, path: str = "/wecom/callback") -> str:
    """``text`` from ``account`` as WeCom posts it; the decrypted passive reply."""
    return await deliver(client, text_xml(account, text), path)

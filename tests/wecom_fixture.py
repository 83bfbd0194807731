"""Test helpers that act as WeCom does: encrypted callbacks made with wechatpy's crypto."""
from __future__ import annotations

import secrets
import time

from wechatpy.enterprise.crypto import WeChatCrypto

CORP_ID = "wwqingdantest"
TOKEN = "qingdan-test-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"   # 43 characters
AGENT_ID = 1000002


def crypto(token: str = TOKEN, key: str = AES_KEY, corp_id: str = CORP_ID) -> WeChatCrypto:
    return WeChatCrypto(token, key, corp_id)


def text_xml(account: str, text: str, msg_id: int | None = None, at: int | None = None) -> str:
    msg_id = msg_id if msg_id is not None else secrets.randbelow(10**15)
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>"
            f"<FromUserName><![CDATA[{account}]]></FromUserName>"
            f"<CreateTime>{at or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId><AgentID>{AGENT_ID}</AgentID></xml>")


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
    import xmltodict

    c = c or crypto()
    nonce, ts = secrets.token_hex(6), str(int(time.time()))
    enc = xmltodict.parse(c.encrypt_message(xml, nonce, ts))["xml"]
    body = f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{enc['Encrypt']}]]></Encrypt><AgentID><![CDATA[{AGENT_ID}]]></AgentID></xml>"
    return {"msg_signature": enc["MsgSignature"], "timestamp": ts, "nonce": nonce}, body


def read_reply(body: str, params: dict) -> str:
    """The text of an encrypted passive reply ("" for an empty answer)."""
    import xmltodict

    if not body:
        return ""
    env = xmltodict.parse(body)["xml"]
    xml = crypto().decrypt_message(env, env["MsgSignature"], env["TimeStamp"], env["Nonce"])
    return xmltodict.parse(xml)["xml"]["Content"]

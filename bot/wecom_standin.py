"""A local stand-in for the WeCom API: answers ``gettoken``, ``message/send`` (text, image,
textcard, news, template cards), ``media/upload``, ``media/get``, ``message/update_template_card`` and a console
login's pages and ``auth/getuserinfo`` (``bot.wecom_standin_login``) the way
WeCom does, refuses what WeCom refuses, and records what would have been sent. Used by
``qingdan demo`` and by the tests.

What it refuses as WeCom does is ``bot.wecom_rules``.
``StandInState.clock`` is the stand-in's time: tests move it to age media and response codes.

Point ``[wecom] api_base_url`` at ``StandIn.base_url`` (``http://127.0.0.1:PORT/cgi-bin/``).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import xmltodict
from aiohttp import web
from wechatpy.enterprise.crypto import WeChatCrypto

from bot.wecom_rules import (
    INTERACTIVE,
    INVALID_PARAMETER,
    MEDIA_LIFETIME,
    Refusal,
    check_message,
    check_update,
)
from bot.wecom_standin_login import add_login_routes, issue_login_code

FAIL_ERRMSG = {60020: "not allow to access from your ip",
               81013: "user & party & tag all invalid"}
MEDIA_KINDS = {"image": 10 * 2**20, "voice": 2 * 2**20, "video": 10 * 2**20, "file": 20 * 2**20}


@dataclass
class SentMessage:
    touser: list[str]
    msgtype: str
    content: str                        # the text, or what a card, image or link says
    raw: dict
    response_code: str | None = None    # an interactive card's, as message/send answered it


@dataclass
class Media:
    media_id: str
    kind: str
    filename: str
    data: bytes
    created_at: float


@dataclass
class ResponseCode:
    task_id: str
    accounts: list[str]
    issued_at: float
    used: bool = False


@dataclass
class CardUpdate:
    """One accepted ``message/update_template_card`` call."""

    userids: list[str]
    response_code: str
    task_id: str
    replace_name: str | None
    card: dict | None


@dataclass
class StandInState:
    corp_id: str
    secret: str
    tokens: set[str] = field(default_factory=set)
    sent: list[SentMessage] = field(default_factory=list)
    token_fetches: int = 0
    token_requests: int = 0               # gettoken calls, answered or not
    token_delay: float = 0.0              # seconds gettoken waits before it answers (a slow WeCom)
    expire_next: int = 0                  # answer this many sends with 42001 (expired token)
    known_users: set[str] | None = None   # when set, others come back as invaliduser
    # A send naming any of these accounts is refused as a whole with ``fail_errcode`` — as WeCom
    # answers 60020 (not from a trusted IP) or 81013 (user, department and tag all invalid).
    fail_accounts: set[str] = field(default_factory=set)
    fail_errcode: int = 60020
    lose_answers: int = 0                 # accept this many sends but answer 502, as if the answer was lost
    send_delay: float = 0.0               # seconds message/send takes before it answers (a slow WeCom)
    listeners: list[Callable[[SentMessage], None]] = field(default_factory=list)
    clock: Callable[[], float] = time.time
    media: dict[str, Media] = field(default_factory=dict)                 # media_id → upload
    uploads: list[Media] = field(default_factory=list)                    # every upload, in order
    cards: dict[str, SentMessage] = field(default_factory=dict)           # task_id → the card sent
    response_codes: dict[str, ResponseCode] = field(default_factory=dict)
    updates: list[CardUpdate] = field(default_factory=list)
    media_gets: int = 0                   # media/get calls answered with a valid token
    media_delay: float = 0.0              # seconds media/get takes before it answers (a slow download)
    login_codes: dict = field(default_factory=dict)        # a console login's code → LoginCode
    # The demo's people, (account, how they read): the login pages list them to choose from
    # ("以谁的身份登录", bot.wecom_standin_login) instead of asking for a userid. Only the demo sets it.
    people: list[tuple[str, str]] = field(default_factory=list)

    def add_media(self, data: bytes, kind: str = "image", filename: str = "photo.jpg") -> str:
        """A MediaId for ``data``, as WeCom gives one for what a member sends (``media/get`` serves it
        for three days)."""
        media = Media(secrets.token_hex(16), kind, filename, data, self.clock())
        self.media[media.media_id] = media
        return media.media_id

    def to(self, account: str) -> list[SentMessage]:
        return [m for m in self.sent if account in m.touser]

    def issue_code(self, task_id: str, accounts: list[str]) -> str:
        code = secrets.token_hex(16)
        self.response_codes[code] = ResponseCode(task_id, list(accounts), self.clock())
        return code

    def login_code(self, userid: str) -> str:
        """A console login's code for ``userid``, as the OAuth or SSO page issues it."""
        return issue_login_code(self, userid)

    def tap(self, account: str, task_id: str, key: str) -> str:
        """A tap on a button of the card ``task_id`` sent to ``account``: the ResponseCode the
        ``template_card_event`` carries (raises ``Refusal`` for a card, person or key WeCom would
        never report)."""
        card = self.cards.get(task_id)
        if card is None or account not in card.touser:
            raise Refusal(INVALID_PARAMETER, f"no card {task_id} was sent to {account}")
        if key not in {b.get("key") for b in card.raw["template_card"].get("button_list", [])}:
            raise Refusal(INVALID_PARAMETER, f"the card {task_id} has no button {key}")
        return self.issue_code(task_id, [account])


def _content(body: dict) -> str:
    kind = body.get("msgtype", "")
    part = body.get(kind) or {}
    if kind == "textcard":
        return f"{part.get('title', '')}\n{part.get('description', '')}"
    if kind == "news":
        return "\n".join(f"{a.get('title', '')}\n{a.get('description', '')}" for a in part.get("articles", []))
    if kind == "template_card":
        title = part.get("main_title") or {}
        lines = [f"{x.get('keyname', '')}：{x.get('value', '')}" for x in part.get("horizontal_content_list", [])]
        buttons = " ".join(f"[{b.get('text', '')}]" for b in part.get("button_list", []))
        return "\n".join(filter(None, [title.get("title"), title.get("desc"), part.get("sub_title_text"), *lines,
                                        buttons]))
    if kind == "image":
        return "[图片]"
    return str(part.get("content", ""))


def make_app(state: StandInState) -> web.Application:
    def token_refusal(request: web.Request) -> web.Response | None:
        token = request.query.get("access_token", "")
        if state.expire_next > 0:
            state.expire_next -= 1
            state.tokens.discard(token)
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        if token not in state.tokens:
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        return None

    def refused(r: Refusal) -> web.Response:
        return web.json_response({"errcode": r.errcode, "errmsg": r.errmsg})

    async def json_body(request: web.Request) -> dict:
        try:
            return json.loads(await request.read())
        except ValueError:
            raise Refusal(47001, "data format error") from None

    async def gettoken(request: web.Request) -> web.Response:
        state.token_requests += 1
        if state.token_delay:
            await asyncio.sleep(state.token_delay)
        q = request.query
        if q.get("corpid") != state.corp_id or q.get("corpsecret") != state.secret:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        token = secrets.token_hex(16)
        state.tokens.add(token)
        state.token_fetches += 1
        return web.json_response({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200})

    async def message_send(request: web.Request) -> web.Response:
        if (refusal := token_refusal(request)) is not None:
            return refusal
        try:
            body = await json_body(request)
            touser = [u for u in str(body.get("touser", "")).split("|") if u]
            if len(touser) > 1000:
                raise Refusal(40031, "invalid userid list: over 1000")
            if state.fail_accounts.intersection(touser):
                raise Refusal(state.fail_errcode, FAIL_ERRMSG.get(state.fail_errcode, "refused by the stand-in"))
            check_message(state, body)
        except Refusal as r:
            return refused(r)
        if state.send_delay:
            await asyncio.sleep(state.send_delay)
        invalid = [u for u in touser if state.known_users is not None and u not in state.known_users]
        answer = record(body, [u for u in touser if u not in invalid])
        if state.lose_answers > 0:
            state.lose_answers -= 1
            return web.Response(status=502, text="bad gateway")
        return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": "|".join(invalid),
                                  "msgid": secrets.token_hex(8), **answer})

    def record(body: dict, valid: list[str]) -> dict:
        """Keep an accepted message; the response_code of an interactive card."""
        msg = SentMessage(touser=valid, msgtype=body.get("msgtype", ""), content=_content(body), raw=body)
        card = body.get("template_card") if msg.msgtype == "template_card" else None
        if card and card.get("task_id"):
            state.cards[card["task_id"]] = msg
            if card.get("card_type") in INTERACTIVE:
                msg.response_code = state.issue_code(card["task_id"], valid)
        if valid:
            state.sent.append(msg)
            for listener in list(state.listeners):
                listener(msg)
        return {"response_code": msg.response_code} if msg.response_code else {}

    async def media_upload(request: web.Request) -> web.Response:
        if (refusal := token_refusal(request)) is not None:
            return refusal
        kind = request.query.get("type", "")
        if kind not in MEDIA_KINDS:
            return refused(Refusal(40004, "invalid media type"))
        part = (await request.post()).get("media")
        if not isinstance(part, web.FileField):
            return refused(Refusal(41005, "media data missing"))
        data = part.file.read()
        if not 5 < len(data) <= MEDIA_KINDS[kind]:
            return refused(Refusal(40009 if kind == "image" else 40006, "invalid file size"))
        media = Media(secrets.token_hex(16), kind, part.filename or "", data, state.clock())
        state.media[media.media_id] = media
        state.uploads.append(media)
        return web.json_response({"errcode": 0, "errmsg": "ok", "type": kind, "media_id": media.media_id,
                                  "created_at": str(int(media.created_at))})

    async def media_get(request: web.Request) -> web.Response:
        """The bytes of a MediaId (uploaded, or added by ``add_media``) under three days old, else
        40007 as JSON, as WeCom answers."""
        if (refusal := token_refusal(request)) is not None:
            return refusal
        state.media_gets += 1
        if state.media_delay:
            await asyncio.sleep(state.media_delay)
        media = state.media.get(request.query.get("media_id", ""))
        if media is None or state.clock() - media.created_at >= MEDIA_LIFETIME:
            return refused(Refusal(40007, "invalid media_id"))
        kind = "image/jpeg" if media.kind == "image" else "application/octet-stream"
        return web.Response(body=media.data, content_type=kind, headers={
            "Content-Disposition": f'attachment; filename="{media.filename}"'})

    async def update_template_card(request: web.Request) -> web.Response:
        if (refusal := token_refusal(request)) is not None:
            return refusal
        try:
            body = await json_body(request)
            code = check_update(state, body)
        except Refusal as r:
            return refused(r)
        code.used = True
        state.updates.append(CardUpdate(list(body.get("userids") or []), body["response_code"], code.task_id,
                                        (body.get("button") or {}).get("replace_name"), body.get("template_card")))
        return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": []})

    async def recorded(request: web.Request) -> web.Response:
        """Not a WeCom endpoint: what was sent so far, for tests that run the stand-in in its own process."""
        return web.json_response([{"touser": m.touser, "msgtype": m.msgtype, "content": m.content}
                                  for m in state.sent])

    async def stats(request: web.Request) -> web.Response:
        """Not a WeCom endpoint: counts, for benchmarks that run the stand-in in its own process."""
        return web.json_response({"messages": len(state.sent), "token_fetches": state.token_fetches})

    app = web.Application(client_max_size=32 * 2**20)
    app.router.add_get("/cgi-bin/gettoken", gettoken)
    app.router.add_post("/cgi-bin/message/send", message_send)
    app.router.add_post("/cgi-bin/media/upload", media_upload)
    app.router.add_get("/cgi-bin/media/get", media_get)
    app.router.add_post("/cgi-bin/message/update_template_card", update_template_card)
    app.router.add_get("/_standin/sent", recorded)
    app.router.add_get("/_standin/stats", stats)
    add_login_routes(app, state, token_refusal)
    return app


# --- the other direction: WeCom posting a member's message to our callback ----------------------

def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_message_xml(corp_id: str, agent_id: int, account: str, text: str, msg_id: int,
                     sent_at: int | None = None) -> str:
    """The plain XML of a member's text message, as WeCom builds it."""
    return (f"<xml><ToUserName>{cdata(corp_id)}</ToUserName><FromUserName>{cdata(account)}</FromUserName>"
            f"<CreateTime>{sent_at or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content>{cdata(text)}</Content><MsgId>{msg_id}</MsgId><AgentID>{agent_id}</AgentID></xml>")


def card_event_xml(corp_id: str, agent_id: int, account: str, task_id: str, key: str, response_code: str,
                   card_type: str = "button_interaction", sent_at: int | None = None,
                   selected: dict[str, list[str]] | None = None) -> str:
    """The plain XML of a tap on a template card's button, or a vote / choice submitted
    (``template_card_event``, with ``SelectedItems``: question key → option ids), as WeCom builds
    it; ``response_code`` from ``StandInState.tap``."""
    chosen = "".join(
        f"<SelectedItem><QuestionKey>{cdata(question)}</QuestionKey><OptionIds>"
        + "".join(f"<OptionId>{cdata(option)}</OptionId>" for option in options) + "</OptionIds></SelectedItem>"
        for question, options in (selected or {}).items())
    return (f"<xml><ToUserName>{cdata(corp_id)}</ToUserName><FromUserName>{cdata(account)}</FromUserName>"
            f"<CreateTime>{sent_at or int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[template_card_event]]></Event><EventKey>{cdata(key)}</EventKey>"
            f"<TaskId>{cdata(task_id)}</TaskId><CardType>{cdata(card_type)}</CardType>"
            f"<ResponseCode>{cdata(response_code)}</ResponseCode>"
            + (f"<SelectedItems>{chosen}</SelectedItems>" if selected else "") + f"<AgentID>{agent_id}</AgentID></xml>")


def seal_callback(crypto: WeChatCrypto, corp_id: str, agent_id: int, xml: str) -> tuple[dict, str]:
    """(query parameters, body) of the encrypted callback WeCom would post for ``xml``."""
    nonce, timestamp = secrets.token_hex(8), str(int(time.time()))
    sealed = xmltodict.parse(crypto.encrypt_message(xml, nonce, timestamp))["xml"]
    body = (f"<xml><ToUserName>{cdata(corp_id)}</ToUserName><Encrypt>{cdata(sealed['Encrypt'])}</Encrypt>"
            f"<AgentID>{cdata(str(agent_id))}</AgentID></xml>")
    return {"msg_signature": sealed["MsgSignature"], "timestamp": timestamp, "nonce": nonce}, body


def open_reply(crypto: WeChatCrypto, body: str) -> str:
    """The text of an encrypted passive reply ("" for an empty answer)."""
    if not body.strip():
        return ""
    env = xmltodict.parse(body)["xml"]
    plain = crypto.decrypt_message(env, env["MsgSignature"], env["TimeStamp"], env["Nonce"])
    return xmltodict.parse(plain)["xml"].get("Content") or ""


class StandIn:
    """Runs the stand-in on 127.0.0.1 in the current event loop (``async with``)."""

    def __init__(self, corp_id: str = "wwstandin", secret: str = "standin-secret", port: int = 0):
        self.state = StandInState(corp_id=corp_id, secret=secret)
        self._port = port
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/"

    @property
    def oauth_url(self) -> str:
        """``[wecom] oauth_url`` pointed at the stand-in."""
        return f"http://127.0.0.1:{self.port}/connect/oauth2/authorize"

    @property
    def sso_url(self) -> str:
        """``[wecom] sso_url`` pointed at the stand-in."""
        return f"http://127.0.0.1:{self.port}/wwlogin/sso/login"

    async def start(self) -> StandIn:
        self._runner = web.AppRunner(make_app(self.state), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # the port the OS chose
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> StandIn:
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()


class ThreadedStandIn(StandIn):
    """The stand-in on its own thread and loop, for synchronous callers (CLI tests, the demo)."""

    def __enter__(self) -> ThreadedStandIn:
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self.start())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="wecom-standin", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def main(argv: list[str] | None = None) -> None:
    """``python -m bot.wecom_standin --port 9000``: the stand-in as its own process."""

    ap = argparse.ArgumentParser(description="本地企业微信接口替身 / local stand-in for the WeCom API")
    ap.add_argument("--port", type=int, default=9000)
    ap.add_argument("--corp-id", default="wwstandin")
    ap.add_argument("--secret", default="standin-secret")
    ap.add_argument("--send-delay", type=float, default=0.0, help="message/send 应答前等待的秒数 / seconds each send takes")
    a = ap.parse_args(argv)
    state = StandInState(corp_id=a.corp_id, secret=a.secret, send_delay=a.send_delay)
    web.run_app(make_app(state), host="127.0.0.1", port=a.port, print=None, access_log=None)


if __name__ == "__main__":
    main()

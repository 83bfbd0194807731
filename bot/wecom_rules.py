"""What WeCom refuses, for the stand-in (``bot.wecom_standin``): malformed template cards,
textcards and news, unknown or expired media_ids, used or expired response codes.

A ``button_interaction`` card needs a ``task_id`` of letters, digits and ``_-@`` of at most 128
bytes, never used before in the app (42014), and 1–6 buttons, each with a key of at most 1024 bytes
and a style 1–4; an image's media_id must come from ``media/upload`` and be under three days old
(40007); an update's response_code works once and for 72 hours. Refusals WeCom documents no errcode
for are answered 40058 (invalid parameter) with the reason.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.messages import card_fits

if TYPE_CHECKING:
    from bot.wecom_standin import ResponseCode, StandInState

INVALID_MEDIA, INVALID_PARAMETER, TASK_ID_USED = 40007, 40058, 42014
MEDIA_LIFETIME = 3 * 86400           # a media_id lives three days
RESPONSE_CODE_LIFETIME = 72 * 3600   # a response_code works once, for 72 hours
INTERACTIVE = {"button_interaction", "vote_interaction", "multiple_interaction"}
CARD_TYPES = INTERACTIVE | {"text_notice", "news_notice"}
TASK_ID_RE = re.compile(r"[A-Za-z0-9_\-@]+")


class Refusal(Exception):
    """WeCom's answer to a malformed call: its errcode and errmsg."""

    def __init__(self, errcode: int, errmsg: str):
        super().__init__(errmsg)
        self.errcode, self.errmsg = errcode, errmsg


def _size(text: str) -> int:
    return len(str(text).encode("utf-8"))


def _check_buttons(card: dict) -> None:
    buttons = card.get("button_list") or []
    if not 1 <= len(buttons) <= 6:
        raise Refusal(INVALID_PARAMETER, "invalid button_list: 1 to 6 buttons")
    for b in buttons:
        if not b.get("text") or not b.get("key") or _size(b["key"]) > 1024:
            raise Refusal(INVALID_PARAMETER, "invalid button: text and a key of at most 1024 bytes")
        if b.get("style", 1) not in (1, 2, 3, 4):
            raise Refusal(INVALID_PARAMETER, "invalid button style: 1 to 4")


def check_card(state: StandInState, card: dict, replacing: str | None = None) -> None:
    """A card for ``message/send``, or (``replacing`` its task_id) the new card of an update."""
    kind = card.get("card_type")
    if kind not in CARD_TYPES:
        raise Refusal(INVALID_PARAMETER, f"invalid card_type {kind!r}")
    task_id = card.get("task_id")
    if kind in INTERACTIVE and not task_id:
        raise Refusal(INVALID_PARAMETER, "missing task_id")
    if task_id is not None:
        if not TASK_ID_RE.fullmatch(str(task_id)) or _size(task_id) > 128:
            raise Refusal(INVALID_PARAMETER, "invalid task_id: letters, digits and _-@, at most 128 bytes")
        if replacing is not None and task_id != replacing:
            raise Refusal(INVALID_PARAMETER, "task_id differs from the card's")
        if replacing is None and task_id in state.cards:
            raise Refusal(TASK_ID_USED, "task_id exist")
    if not (card.get("main_title") or {}).get("title") and not card.get("sub_title_text"):
        raise Refusal(INVALID_PARAMETER, "missing main_title.title")
    if kind == "button_interaction":
        _check_buttons(card)
    if not card_fits(card):
        raise Refusal(INVALID_PARAMETER, "card text over its limits (title 36, desc 44, sub_title 160 …)")
    if kind in ("text_notice", "news_notice") and not (card.get("card_action") or {}).get("type"):
        raise Refusal(INVALID_PARAMETER, "missing card_action")
    if "card_action" in card:
        _check_action(card["card_action"])


def _check_action(action: object) -> None:
    """A card's ``card_action``: type 0 (none), 1 (a URL: http(s), at most 2048 bytes) or 2 (a
    mini program: its appid)."""
    kind = action.get("type", 0) if isinstance(action, dict) else None
    if kind not in (0, 1, 2):
        raise Refusal(INVALID_PARAMETER, "invalid card_action.type: 0, 1 or 2")
    url = str(action.get("url", ""))
    if kind == 1 and (not url.startswith(("http://", "https://")) or _size(url) > 2048):
        raise Refusal(INVALID_PARAMETER, "invalid card_action.url: http(s), at most 2048 bytes")
    if kind == 2 and not action.get("appid"):
        raise Refusal(INVALID_PARAMETER, "missing card_action.appid")


def _check_link(part: dict, title_bytes: int, desc_bytes: int) -> None:
    if not part.get("title") or _size(part["title"]) > title_bytes:
        raise Refusal(INVALID_PARAMETER, f"invalid title: 1 to {title_bytes} bytes")
    if _size(part.get("description", "")) > desc_bytes:
        raise Refusal(INVALID_PARAMETER, f"invalid description: at most {desc_bytes} bytes")
    if not part.get("url") or _size(part["url"]) > 2048:
        raise Refusal(INVALID_PARAMETER, "invalid url: 1 to 2048 bytes")


def check_message(state: StandInState, body: dict) -> None:
    kind = body.get("msgtype")
    part = body.get(kind) if isinstance(body.get(kind), dict) else None
    if part is None:
        raise Refusal(40008, "invalid message type")
    if kind == "image":
        media = state.media.get(str(part.get("media_id")))
        if media is None or media.kind != "image" or state.clock() - media.created_at >= MEDIA_LIFETIME:
            raise Refusal(INVALID_MEDIA, "invalid media_id")
    elif kind == "template_card":
        check_card(state, part)
    elif kind == "textcard":
        _check_link(part, 128, 512)
    elif kind == "news":
        articles = part.get("articles") or []
        if not 1 <= len(articles) <= 8:
            raise Refusal(INVALID_PARAMETER, "invalid articles: 1 to 8")
        for article in articles:
            _check_link(article, 128, 512)
    elif kind != "text":
        raise Refusal(40008, "invalid message type")


def check_update(state: StandInState, body: dict) -> ResponseCode:
    code = state.response_codes.get(str(body.get("response_code", "")))
    if code is None:
        raise Refusal(INVALID_PARAMETER, "invalid response_code")
    if code.used:
        raise Refusal(INVALID_PARAMETER, "response_code has been used")
    if state.clock() - code.issued_at >= RESPONSE_CODE_LIFETIME:
        raise Refusal(INVALID_PARAMETER, "response_code expired")
    button, card = body.get("button"), body.get("template_card")
    if (button is None) == (card is None) or (button is not None and not button.get("replace_name")):
        raise Refusal(INVALID_PARAMETER, "give button.replace_name or template_card")
    if card is not None:
        check_card(state, card, replacing=code.task_id)
    return code

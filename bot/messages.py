"""What the bot sends: one typed value per kind of WeCom message.

``Text`` is the default. ``TemplateCard`` (a card's JSON, made by ``button_card`` or
``notice_card``), ``Image`` (its bytes, or a file it is read from) and ``TextCard`` / ``News`` (a
title, a description and a link) each carry ``text``, their **text form**: what the push log and
the outbox show, and what a reader sees where cards are not shown (the WeChat plug-in), so it says
how to answer by typing.

Every value knows ``to_wecom()`` — its part of the ``message/send`` body (an image needs the
media_id its upload gave: ``to_wecom(media_id)``) — and ``to_json()``; ``from_json`` makes it again
from what the push log stored, so a retry sends a card as a card and an image by uploading it
again (a media_id lives three days: it is never stored). wechatpy 1.8.18 knows no template cards:
their JSON is built here.
"""
from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BUTTONS = 6
# WeCom's limits on a template card's texts, in characters (its documentation: main_title.title 36,
# main_title.desc 44, sub_title_text 160, a horizontal_content_list line's keyname 5 and value 30,
# a button's text 10, at most 6 lines). A card that would exceed them goes as its text form.
CARD_LIMITS = {"title": 36, "desc": 44, "sub_title": 160, "keyname": 5, "value": 30, "button": 10, "lines": 6}


@dataclass(frozen=True)
class Text:
    text: str

    kind = "text"

    def to_wecom(self) -> dict:
        return {"msgtype": "text", "text": {"content": self.text}}     # the sender fits it to 2048 bytes

    def to_json(self) -> dict:
        return {"kind": self.kind, "text": self.text}


@dataclass(frozen=True)
class TemplateCard:
    """A template card (``card``: the ``template_card`` object WeCom takes) and its text form.

    ``about``: what the bot must know when the card is tapped (``cards``: the item and its state
    when sent); kept in the push log with the card, never sent."""

    card: Mapping[str, Any] = field(hash=False)
    text: str
    about: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    kind = "template_card"

    @property
    def task_id(self) -> str | None:
        return self.card.get("task_id")

    def to_wecom(self) -> dict:
        return {"msgtype": "template_card", "template_card": dict(self.card)}

    def to_json(self) -> dict:
        return {"kind": self.kind, "card": dict(self.card), "text": self.text,
                **({"about": dict(self.about)} if self.about else {})}


@dataclass(frozen=True)
class Image:
    """An image, sent by the media_id an upload of it gave. Its bytes are ``data``, or read from
    ``path`` when sent: what the push log stores then is the path, not the bytes (give a path for an
    image pushed to many: each recipient's row keeps its own copy)."""

    filename: str
    text: str
    data: bytes = field(default=b"", repr=False)
    path: str = ""

    kind = "image"

    def content(self) -> bytes:
        return Path(self.path).read_bytes() if self.path else self.data

    def to_wecom(self, media_id: str) -> dict:
        return {"msgtype": "image", "image": {"media_id": media_id}}

    def to_json(self) -> dict:
        source = {"path": self.path} if self.path else {"data": base64.b64encode(self.data).decode("ascii")}
        return {"kind": self.kind, "filename": self.filename, "text": self.text, **source}


@dataclass(frozen=True)
class TextCard:
    """WeCom's ``textcard``: a title, a description and a link ("详情" unless ``button`` says)."""

    title: str
    description: str
    url: str
    text: str
    button: str = ""

    kind = "textcard"

    def to_wecom(self) -> dict:
        part = {"title": self.title, "description": self.description, "url": self.url}
        return {"msgtype": "textcard", "textcard": {**part, **({"btntxt": self.button} if self.button else {})}}

    def to_json(self) -> dict:
        return {"kind": self.kind, "title": self.title, "description": self.description, "url": self.url,
                "text": self.text, "button": self.button}


@dataclass(frozen=True)
class News:
    """WeCom's ``news`` with one article: a title, a description and a link."""

    title: str
    description: str
    url: str
    text: str
    picurl: str = ""

    kind = "news"

    def to_wecom(self) -> dict:
        article = {"title": self.title, "description": self.description, "url": self.url}
        return {"msgtype": "news", "news": {"articles": [{**article, **({"picurl": self.picurl} if self.picurl else {})}]}}

    def to_json(self) -> dict:
        return {"kind": self.kind, "title": self.title, "description": self.description, "url": self.url,
                "text": self.text, "picurl": self.picurl}


@dataclass(frozen=True)
class CardUpdate:
    """Not a message: the change ``message/update_template_card`` makes to the card a tap's
    ``response_code`` belongs to — its buttons greyed and showing ``replace_name``. ``text`` is what
    the person is sent instead when WeCom refuses the update (the code used or past 72 hours)."""

    response_code: str
    replace_name: str
    text: str

    kind = "card_update"


OutMessage = Text | TemplateCard | Image | TextCard | News


def as_message(message: OutMessage | str) -> OutMessage:
    """A message value; a plain string is a ``Text``."""
    return Text(message) if isinstance(message, str) else message


def to_stored(message: OutMessage) -> str | None:
    """The JSON the push log keeps beside the text form; None for a text (its text is all of it)."""
    return None if isinstance(message, Text) else json.dumps(message.to_json(), ensure_ascii=False)


def from_stored(stored: str | None, text: str) -> OutMessage:
    """The message ``to_stored`` kept (a ``Text`` of ``text`` when nothing was)."""
    return from_json(json.loads(stored)) if stored else Text(text)


def from_json(data: Mapping[str, Any]) -> OutMessage:
    """The message ``to_json`` described."""
    kind, text = data.get("kind"), data.get("text", "")
    if kind == "text":
        return Text(text)
    if kind == "template_card":
        return TemplateCard(dict(data["card"]), text, dict(data.get("about") or {}))
    if kind == "image":
        raw = base64.b64decode(data["data"]) if "data" in data else b""
        return Image(data["filename"], text, raw, data.get("path", ""))
    if kind == "textcard":
        return TextCard(data["title"], data["description"], data["url"], text, data.get("button", ""))
    if kind == "news":
        return News(data["title"], data["description"], data["url"], text, data.get("picurl", ""))
    raise ValueError(f"unknown message kind {kind!r}")


# --- card builders --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Button:
    text: str
    key: str
    style: int = 1          # 1–4: WeCom's button colours


def button_card(task_id: str, title: str, buttons: Sequence[Button], text: str, *, desc: str = "",
                sub_title: str = "", fields: Sequence[tuple[str, str]] = ()) -> TemplateCard:
    """A ``button_interaction`` card: a title, optional lines (``fields``: label, value) and up to
    six buttons; a tap comes back as a ``template_card_event`` with the button's key and ``task_id``
    (unique in the app: letters, digits and ``_-@``, at most 128 bytes)."""
    card: dict[str, Any] = {"card_type": "button_interaction", "task_id": task_id,
                            "main_title": _title(title, desc),
                            "button_list": [{"text": b.text, "style": b.style, "key": b.key} for b in buttons]}
    return TemplateCard(_with_body(card, sub_title, fields), text)


def notice_card(title: str, url: str, text: str, *, desc: str = "", sub_title: str = "",
                fields: Sequence[tuple[str, str]] = (), task_id: str = "") -> TemplateCard:
    """A ``text_notice`` card: a title, optional lines, and ``url`` opened when it is tapped."""
    card: dict[str, Any] = {"card_type": "text_notice", "main_title": _title(title, desc),
                            "card_action": {"type": 1, "url": url}}
    if task_id:
        card["task_id"] = task_id
    return TemplateCard(_with_body(card, sub_title, fields), text)


def card_fits(card: Mapping[str, Any]) -> bool:
    """Whether every text of ``card`` is within ``CARD_LIMITS``."""
    limit = CARD_LIMITS
    title = card.get("main_title") or {}
    lines = card.get("horizontal_content_list") or []
    return (len(title.get("title", "")) <= limit["title"] and len(title.get("desc", "")) <= limit["desc"]
            and len(card.get("sub_title_text", "")) <= limit["sub_title"] and len(lines) <= limit["lines"]
            and all(len(x["keyname"]) <= limit["keyname"] and len(x["value"]) <= limit["value"] for x in lines)
            and all(len(b["text"]) <= limit["button"] for b in card.get("button_list") or []))


def _title(title: str, desc: str) -> dict:
    return {"title": title, **({"desc": desc} if desc else {})}


def _with_body(card: dict, sub_title: str, fields: Sequence[tuple[str, str]]) -> dict:
    if sub_title:
        card["sub_title_text"] = sub_title
    if fields:
        card["horizontal_content_list"] = [{"keyname": k, "value": v} for k, v in fields]
    return card

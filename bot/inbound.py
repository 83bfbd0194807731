"""One decrypted callback as the bot answers it: ``Inbound``, read from the callback's XML fields.

wechatpy 1.8.18 parses the common fields of messages and events but none of a template card's
(TaskId, CardType, ResponseCode, SelectedItems): every field is read here from the XML itself
(``read_inbound`` takes the XML as a dict, as ``xmltodict`` gives it and wechatpy keeps it).
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MESSAGE_KINDS = ("text", "image", "voice", "video", "file", "location", "link")


@dataclass(frozen=True)
class Selection:
    """What was chosen on a vote or multiple-choice card: a question and its options."""

    question: str
    options: tuple[str, ...]


@dataclass
class Inbound:
    """One callback, as far as answering it goes."""

    key: str                    # the dedupe key (see dedupe_key)
    account: str
    msg_type: str               # text / image / voice / video / file / location / link / event
    text: str | None = None
    msg_id: str | None = None
    event: str | None = None            # an event's name, lower case: enter_agent, click, template_card_event …
    event_key: str | None = None        # EventKey: a menu key, a card button's key
    task_id: str | None = None          # TaskId: the template card tapped
    card_type: str | None = None        # CardType: button_interaction, vote_interaction …
    response_code: str | None = None    # ResponseCode: updates the tapped card, once, within 72 h
    selected: tuple[Selection, ...] = ()  # SelectedItems of a vote / multiple-choice card
    media_id: str | None = None         # MediaId of an image, voice, video or file
    pic_url: str | None = None          # PicUrl of an image
    filename: str | None = None         # FileName (or Title) of a file
    received: Any = None                # an image's or file's media fetched and prepared (bot.evidence.Received)

    @property
    def kind(self) -> str:
        """How routing knows it: the message type, or "event:<name>" for an event."""
        return f"event:{self.event or ''}" if self.msg_type == "event" else self.msg_type


def _text(raw: Mapping, name: str) -> str | None:
    value = raw.get(name)
    if isinstance(value, Mapping):          # an element with attributes or children: not a field
        return None
    value = str(value).strip() if value is not None else ""
    return value or None


def _content(raw: Mapping) -> str:
    """A text message's words as typed (not stripped: the handlers read them whole)."""
    value = raw.get("Content")
    return value if isinstance(value, str) else ""


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _selections(raw: Mapping) -> tuple[Selection, ...]:
    """SelectedItems: <SelectedItems><SelectedItem><QuestionKey/><OptionIds><OptionId/>…"""
    holder = raw.get("SelectedItems")
    items = _as_list(holder.get("SelectedItem")) if isinstance(holder, Mapping) else []
    out = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        ids = item.get("OptionIds")
        options = _as_list(ids.get("OptionId")) if isinstance(ids, Mapping) else []
        out.append(Selection(_text(item, "QuestionKey") or "", tuple(str(o).strip() for o in options if o)))
    return tuple(out)


def dedupe_key(raw: Mapping) -> str:
    """The key a callback is recorded under, so that WeCom's retries are answered once.

    MsgIds are unique per sender only: a message is (sender, MsgId). Events carry no MsgId: an
    event is sender + CreateTime + Event + EventKey + TaskId (+ ResponseCode for card events); a
    message that came without a MsgId is keyed the same way plus a digest of what it says, so two
    such messages in one second are two. A missing or non-numeric MsgId never raises."""
    sender = _text(raw, "FromUserName") or ""
    msg_id = _text(raw, "MsgId") or ""
    if msg_id and raw.get("MsgType") != "event":
        return f"msg:{sender}:{msg_id}"
    parts = [_text(raw, k) or "" for k in ("CreateTime", "MsgType", "Event", "EventKey", "TaskId", "ResponseCode")]
    if raw.get("MsgType") != "event":      # a message without a MsgId: two in one second differ by what they say
        said = "\x1f".join(_text(raw, k) or "" for k in ("Content", "MediaId", "PicUrl", "Label", "Url"))
        parts.append(hashlib.sha256(said.encode("utf-8")).hexdigest()[:16])
    return "event:" + ":".join([sender, *parts])


def read_inbound(raw: Mapping) -> Inbound:
    """The callback's fields, from its XML as a dict (``<xml>``'s children)."""
    msg_type = (_text(raw, "MsgType") or "").lower()
    is_event = msg_type == "event"
    return Inbound(
        key=dedupe_key(raw), account=_text(raw, "FromUserName") or "", msg_type=msg_type,
        text=_content(raw) if msg_type == "text" else None,
        msg_id=None if is_event else _text(raw, "MsgId"),
        event=(_text(raw, "Event") or "").lower() if is_event else None,
        event_key=_text(raw, "EventKey"), task_id=_text(raw, "TaskId"), card_type=_text(raw, "CardType"),
        response_code=_text(raw, "ResponseCode"), selected=_selections(raw),
        media_id=_text(raw, "MediaId"), pic_url=_text(raw, "PicUrl"),
        filename=(_text(raw, "FileName") or _text(raw, "Title")) if msg_type == "file" else None)

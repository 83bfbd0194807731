"""A report read back (我理解为……, ``handlers.summary``) as a ``button_interaction`` card: the
numbered lines, 确认保存 / 有误，我来改.

The card is the read-back's answer itself (sent by ``message/send`` after the commit, in place of
the text reply: a passive reply cannot be a card), when the summary is one message and fits the
card's limits; its text form is the summary as text, ending with how to confirm or fix by typing
(what the WeChat plug-in shows, and what ``[wecom] cards = false`` sends). What the card knows
(``about``): the read-back it shows — when it began waiting (``State.since``) — so a newer
read-back, a 确认 / 取消 typed meanwhile, or a lapse makes it out of date.
"""
from __future__ import annotations

from datetime import datetime

from bot.cards.keys import KEYS
from bot.messages import TemplateCard, button_card, card_fits

OCCASION_KIND = "readback"
TITLE = "【请核对】我理解为（共{n}条，尚未记录）"
HOW_TO_FIX = "有误可直接回复修改，如“第2条是60%”“第2条删掉”。"


def read_back_card(tid: str, lines: list[str], titles: list[str], since: datetime, until: str, text: str,
                   note: str = "") -> TemplateCard | None:
    """The card of the read-back waiting since ``since`` (``lines``: its numbered lines as the
    text shows them, ``titles``: the items' titles in them; ``until``: when it lapses, as it reads).
    The lines as the text has them, or without the items' titles (by 编号) when that is what fits;
    None when even that exceeds WeCom's limits."""
    for shown in (lines, [line.replace(f" {title}", "", 1) if title else line
                          for line, title in zip(lines, titles, strict=True)]):
        card = button_card(tid, TITLE.format(n=len(lines)), [KEYS["confirm"].button, KEYS["amend"].button], text,
                           desc=note, sub_title="\n".join(shown + [HOW_TO_FIX]), fields=[("确认期限", until)])
        if card_fits(card.card):
            return TemplateCard(card.card, text, {"occasion": OCCASION_KIND, "since": since.isoformat()})
    return None


def shows(about: dict, since: datetime | None) -> bool:
    """Whether the card (``about``) shows the read-back waiting since ``since``."""
    return since is not None and bool(about.get("since")) and datetime.fromisoformat(about["since"]) == since

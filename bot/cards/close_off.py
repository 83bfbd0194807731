"""The close-off request to the secretary (【整改待销号】) as a ``button_interaction`` card:
同意销号 / 退回.

Sent when an owner reports a rectification done (``handlers.progress``), to the secretary
responsible (never the owner), in place of the text request; its text form is that request, saying
how to answer by typing ("销号 Z-1" / "退回 Z-1 原因：……"). What the card knows (``about``): the
item, its owner, its state and its last update when sent (``bot.cards.deadline.state_of``): a tap on an
item changed since — closed off or sent back by typing, updated again, handed over — changes
nothing.
"""
from __future__ import annotations

from bot.cards.deadline import state_of
from bot.cards.keys import KEYS
from bot.messages import TemplateCard, button_card, card_fits
from bot.texts import opening
from models.tables import Item

OCCASION_KIND = "closeoff"
TYPING = "也可回复“销号 {code}”，或“退回 {code} 原因：……”"


def close_off_card(tid: str, item: Item, owner: str, words: str, last_update: int, text: str,
                   photos: int = 0, photos_url: str = "", url: str = "") -> TemplateCard | None:
    """The card asking to close off ``item``, reported done by ``owner`` in ``words`` (backed by
    ``photos`` evidence photos, shown in the console at ``photos_url``: the line links there); None
    when it exceeds WeCom's limits (then the request goes as text). With ``url`` (the console's 整改
    page) a tap on the card outside its buttons and lines opens it (``card_action``)."""
    card = button_card(tid, "【整改待销号】", [KEYS["close_off"].button, KEYS["send_back"].button], text,
                       desc=f"{owner}报告整改已完成",
                       sub_title=f"[{item.code}] {item.title}\n“{opening(words, 40)}”\n{TYPING.format(code=item.code)}",
                       fields=[("责任人", owner), ("佐证材料", f"{photos}张照片" if photos else "暂无照片")])
    if not card_fits(card.card):
        return None
    if photos_url:      # a line that opens a page when tapped (WeCom: type 1 and its url)
        card.card["horizontal_content_list"][-1].update(type=1, url=photos_url)
    if url:
        card.card["card_action"] = {"type": 1, "url": url}
    return TemplateCard(card.card, text, {"occasion": OCCASION_KIND, **state_of(item, last_update)})

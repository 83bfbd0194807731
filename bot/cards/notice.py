"""A notice (通知, ``handlers.broadcast``) as a ``button_interaction`` card with one button, 收到.

One card goes to all the notice's recipients (task_id ``qd@notice@<notice id>@0``, kept once as a
``SentCard`` with no addressee: the notice's receipts say who it went to). A tap is the receipt,
as the typed "收到" is — but for this notice, not the latest one — and "通知收到情况" counts it the
same. A notice longer than the card holds goes as text, in parts, as before; the card's text form
is the notice as text, ending "收到请回复“收到”。".
"""
from __future__ import annotations

from bot.cards.keys import KEYS
from bot.messages import TemplateCard, button_card, card_fits

OCCASION_KIND = "notice"


def notice_card(tid: str, notice_id: int, body: str, sender: str, text: str) -> TemplateCard | None:
    """The card of the notice ``notice_id`` (``body``, from ``sender``); None when it exceeds
    WeCom's limits (then the notice goes as text)."""
    card = button_card(tid, "【通知】", [KEYS["received"].button], text, desc=f"——{sender}", sub_title=body)
    if not card_fits(card.card):
        return None
    return TemplateCard(card.card, text, {"occasion": OCCASION_KIND, "notice_id": notice_id})

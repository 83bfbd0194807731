"""Taps on a notice's card (``bot.cards.notice``): 收到 is the receipt of that notice, as the typed
"收到" is of the latest (``models.notices.acknowledge_notice``); "通知收到情况" counts it the same.

The card went to all the notice's recipients: a tap by anyone else, or a second receipt (tapped or
typed before), changes nothing and says why. The card is updated after the commit, or the person
told by text (``bot.cards.taps``).
"""
from __future__ import annotations

from bot.cards.notice import OCCASION_KIND
from bot.cards.taps import acknowledge, on_cards, take, tapped_card, tell
from bot.router import Message, Router
from bot.texts import NOTICE_ACKNOWLEDGED, opening
from models.notices import acknowledge_notice
from models.tables import Notice

router = Router("notice_card")

NOT_YOURS = "这条通知不是发给您的，您的点击未做任何记录。"
BEFORE = "您此前已确认收到通知“{head}”，本次点击未重复记录。"


@router.card_tap(when=on_cards(OCCASION_KIND))
def tap_notice_card(msg: Message) -> str:
    """收到: the receipt of the card's notice; else why the tap changes nothing."""
    tapped = tapped_card(msg.session, msg.member, msg.inbound.task_id, msg.inbound.event_key)
    if isinstance(tapped, str):
        return tell(msg, tapped)
    notice = msg.session.get(Notice, tapped.about.get("notice_id"))
    done = acknowledge_notice(msg.session, notice.id, msg.member.id, msg.at) if notice is not None else None
    if done is None:
        return tell(msg, NOT_YOURS)
    head = opening(notice.text, 30)
    if not done:
        return tell(msg, BEFORE.format(head=head))
    if not take(msg.session, tapped, msg.member, msg.at, msg.inbound.response_code):
        raise RuntimeError(f"card {tapped.card.task_id} tapped twice past its receipt")   # the receipt row decides first
    acknowledge(msg, "已收到", NOTICE_ACKNOWLEDGED.format(head=head))
    return ""

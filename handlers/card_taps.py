"""Taps on template cards (``template_card_event``): the card's TaskId, the button's key and the
ResponseCode arrive in ``msg.inbound`` (``bot.inbound``).

A card the bot sent knows its own handler (registered before this module in ``handlers.ROUTERS``);
a tap that none of them takes — a card from before an upgrade, or one no longer answered — is
told so and shown how to answer by typing, and changes nothing.
"""
import logging

from bot.router import Message, Router
from bot.texts import CARD_NOT_ANSWERED

log = logging.getLogger(__name__)

router = Router("card_taps")


@router.card_tap()
def card_not_answered(msg: Message) -> str:
    tap = msg.inbound
    log.info("card tap not taken: task %s, key %s, card type %s", tap.task_id, tap.event_key, tap.card_type)
    return CARD_NOT_ANSWERED

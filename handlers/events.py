"""Events that are not taps: entering the app, following it, opening a menu link.

A menu click is ``handlers.menu``'s, a card tap ``handlers.card_taps``'.
"""
from bot.router import Message, Router
from bot.texts import WELCOME

router = Router("events")


@router.event("enter_agent", "subscribe")
def welcome(msg: Message) -> str:
    return WELCOME


@router.event()
def no_answer(msg: Message) -> str:
    """A menu link opened (view), unsubscribe, a location report …: nothing to say."""
    return ""

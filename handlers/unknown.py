"""Anything not understood: a hint of what can be said, and nothing changes."""
from bot.router import Message, Router
from bot.texts import NOT_UNDERSTOOD

router = Router("unknown")


@router.message()
def not_understood(msg: Message) -> str:
    """Catch-all, registered last."""
    return NOT_UNDERSTOOD

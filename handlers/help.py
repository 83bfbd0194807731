"""帮助: what can be said to the bot."""
from bot.router import Message, Router
from bot.texts import HELP

router = Router("help")


@router.message(intent="help")
def show_help(msg: Message) -> str:
    """The usage text."""
    return HELP

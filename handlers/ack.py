"""收到 / 好的 / 已阅 / 谢谢: an acknowledgement records nothing about any item."""
from bot.router import Message, Router
from bot.texts import ACKNOWLEDGED

router = Router("ack")


@router.message(intent="ack")
def acknowledge(msg: Message) -> str:
    """A short answer, and nothing written."""
    return ACKNOWLEDGED

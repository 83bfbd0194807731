"""Anything not understood: a hint of what can be said, and nothing changes."""
from bot.router import Message, Router

router = Router("unknown")

HINT = ("抱歉，没有看懂您的意思，未做任何记录。\n"
        "您可以回复“我的清单”查看事项，或直接报进度，如“第2项完成80%”；回复“帮助”查看全部用法。")


@router.message()
async def not_understood(msg: Message) -> str:
    """Catch-all, registered last."""
    return HINT

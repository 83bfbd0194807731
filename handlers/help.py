"""帮助: what the asker can say — a member what members can do; a secretary also the reviews, nudges
and queries over the units below; an administrator also notices and receipts."""
from bot.router import Message, Router
from bot.texts import HELP_ADMIN, HELP_MEMBER, HELP_SECRETARY

router = Router("help")


@router.message(intent="help")
def show_help(msg: Message) -> str:
    """The usage text for the asker's role."""
    parts = [HELP_MEMBER]
    if msg.member.is_secretary:
        parts.append(HELP_SECRETARY)
    if msg.member.is_admin:
        parts.append(HELP_ADMIN)
    return "\n".join(parts)

"""收到 / 好的 / 已阅 / 谢谢: acknowledges the member's latest notice not yet acknowledged
(``models.notices.acknowledge``); with none waiting, a short answer and nothing written.

A "确认" that finds no draft of the sender's own to send (``handlers.broadcast``) is an
acknowledgement too: a notice may well ask its readers to reply 确认.
"""
from bot.nlu.notices import is_confirmation
from bot.router import Message, Router
from bot.texts import ACKNOWLEDGED, NOTICE_ACK_MORE, NOTICE_ACKNOWLEDGED, NOTICE_NO_DRAFT, opening
from models.notices import acknowledge, may_send

router = Router("ack")


def _acknowledges(msg: Message) -> bool:
    return msg.intent == "ack" or is_confirmation(msg.text)


@router.message(when=_acknowledges)
def acknowledge_notice(msg: Message) -> str:
    """"已确认收到通知“…”", or the plain answer when no notice waits."""
    notice, more = acknowledge(msg.session, msg.member.id, msg.at)
    if notice is None:
        if is_confirmation(msg.text) and may_send(msg.member):
            return NOTICE_NO_DRAFT
        return ACKNOWLEDGED
    reply = NOTICE_ACKNOWLEDGED.format(head=opening(notice.text, 30))
    return reply + ("\n" + NOTICE_ACK_MORE.format(n=more) if more else "")

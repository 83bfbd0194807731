"""通知收到情况 / 通知回执 / 谁没收到通知: for the sender's latest notice, per unit, how many
acknowledged ("收到") and who has not; the sender's other recent notices one line each.
"所有通知收到情况" lists the recent notices one line each."""
from bot.fitting import fit_lines
from bot.nlu.notices import read_receipts_question
from bot.router import Message, Router
from bot.texts import RECEIPTS_NONE, RECEIPTS_SENDERS_ONLY, UNITS_MORE, moment, opening
from models.notices import RECENT, may_send, receipts, sent_notices, tallies
from models.organisation import Tree
from models.tables import Notice

router = Router("notice_receipts")


def _asks(msg: Message) -> bool:
    return read_receipts_question(msg.text) is not None


def _brief(msg: Message, notice: Notice, counts: dict[int, tuple[int, int]]) -> str:
    total, acked = counts.get(notice.id, (0, 0))
    return f"· {moment(notice.sent_at, msg.runtime.tz)}“{opening(notice.text, 16)}”已确认{acked}/{total}人"


@router.message(when=_asks)
def show_receipts(msg: Message) -> str:
    """The latest notice unit by unit ("第一党支部 3/5 已确认，未确认：…"), then the others briefly."""
    notices = sent_notices(msg.session, msg.member.id, RECENT)
    if not notices:
        return RECEIPTS_NONE if may_send(msg.member) else RECEIPTS_SENDERS_ONLY
    counts = tallies(msg.session, [n.id for n in notices])
    if read_receipts_question(msg.text).recent:
        return fit_lines(f"您最近{len(notices)}条通知的确认情况：", [_brief(msg, n, counts) for n in notices],
                         "…及其余{n}条")
    latest = receipts(msg.session, Tree.load(msg.session), notices[0])
    title = (f"通知“{opening(latest.notice.text, 20)}”（{moment(latest.notice.sent_at, msg.runtime.tz)}发送）"
             f"已确认{latest.acknowledged}/{latest.total}人")
    lines = [f"{u.name} {u.acknowledged}/{u.total} 已确认" + (f"，未确认：{'、'.join(u.missing)}" if u.missing else "")
             for u in latest.units]
    footer = ""
    if len(notices) > 1:
        footer = "\n".join(["此前的通知："] + [_brief(msg, n, counts) for n in notices[1:]])
    return fit_lines(title, lines, UNITS_MORE, footer=footer)

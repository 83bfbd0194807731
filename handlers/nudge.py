"""催报: "提醒没报的", "提醒第二支部没报的", "提醒吴敏报送" — a secretary reminds this month's
non-reporters in their units (or the unit or person named, within them), each at most once a day.

The grammar is ``bot.nlu.nudges``, the rules ``models.nudges``: the day's push-log rows are
claimed in this transaction, the reminder goes out after the commit (``msg.outbox``) and the rows
are then marked as the send turned out.
"""
from bot.fitting import fit_text
from bot.nlu.nudges import read_nudge
from bot.router import Message, Outgoing, Router
from bot.texts import NUDGE_SECRETARIES_ONLY, NUDGE_SEND_FAILED, NUDGE_TEXT, month_zh
from bot.wecom import SendResult
from models.lookups import month_key
from models.nudges import Plan, claim, occasion, plan, settle
from models.organisation import Tree

router = Router("nudge")

NAMES_SHOWN = 30


def _asks(msg: Message) -> bool:
    return read_nudge(msg.text) is not None


def _names(members) -> str:
    names = [m.name for m in members]
    return "、".join(names[:NAMES_SHOWN]) + (f"等{len(names)}人" if len(names) > NAMES_SHOWN else "")


@router.message(when=_asks)
def nudge(msg: Message) -> str:
    """Remind the non-reporters; tell the secretary how many were reminded and who was skipped."""
    session, member = msg.session, msg.member
    if not member.is_secretary:
        return NUDGE_SECRETARIES_ONLY
    month = month_key(msg.at, msg.runtime.tz)
    tree = Tree.load(session)
    return remind(msg, tree, plan(session, tree, member, read_nudge(msg.text).target, month), month)


def remind(msg: Message, tree: Tree, found: Plan | str, month: str) -> str:
    """Claim the day's nudge of each non-reporter ``found`` and send it after the commit (also the
    console's 催报 button): the reply says how many were reminded and who was skipped."""
    member = msg.member
    if isinstance(found, str):
        return found
    if found.reason:
        return found.reason
    if not found.due:
        return f"{found.label}{month_zh(month)}应报{found.expected}人，已全部报送，无需提醒。"
    sender = f"{tree.name(member.unit_id)}书记{member.name}"
    content = NUDGE_TEXT.format(sender=sender, month=month_zh(month))
    key = occasion(msg.at, msg.runtime.tz)
    claimed, skipped = claim(msg.session, key, found.due, content, msg.at)
    skipped_line = f"今日已提醒过、未重复提醒{len(skipped)}人：{_names(skipped)}（每人每天最多提醒一次）。" if skipped else ""
    if not claimed:
        return fit_text(f"{found.label}{month_zh(month)}未报送的{len(skipped)}人今日均已提醒过，未重复提醒："
                        f"{_names(skipped)}。每人每天最多提醒一次，明天可再提醒。")
    reply = fit_text("\n".join(filter(None, [
        f"已提醒{found.label}{month_zh(month)}未报送的{len(claimed)}人：{_names(claimed)}。", skipped_line])))
    engine, accounts = msg.runtime.engine, {m.id: m.account for m in claimed}

    def report(result: SendResult) -> str:
        settle(engine, key, accounts, result)     # one short update, after the send
        if not result.ok:
            return NUDGE_SEND_FAILED.format(error=result.error)
        if result.invalid:
            return reply + f"\n以下账号不在应用可见范围内，未收到：{'、'.join(result.invalid[:20])}"
        return reply

    msg.outbox.append(Outgoing(list(accounts.values()), content, report))
    return reply

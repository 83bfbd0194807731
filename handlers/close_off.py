"""整改销号: a secretary reviews the rectifications of the people they answer for, by 编号.

    "销号 Z-2" / "Z-2已销号"       close off a rectification reported done
    "退回 Z-2 原因：台账不全"       send it back to 进行中; the owner is told the reason
    "重开 Z-2 原因：…"             reopen one closed off (only by the secretary who closed it)

The grammar is ``bot.nlu.codes.read_review``; the rules are ``models.progress`` (close_off,
send_back, reopen). The owner is told each outcome, after the transaction commits. A member's own
"Z-2已销号" is progress (recorded as done, awaiting this step).
"""
from __future__ import annotations

from bot.nlu.codes import read_review
from bot.router import Message, Outgoing, Router
from bot.texts import only_for
from models.lookups import item_with_code, unit_item_by_code
from models.organisation import Tree
from models.progress import ReviewRefused, close_off, reopen, send_back
from models.tables import Item, ItemKind, Member

router = Router("close_off")

VERBS = {"close": ("销号", close_off), "return": ("退回", send_back), "reopen": ("重开", reopen)}


def _reviewing(msg: Message) -> bool:
    """退回 / 重开 always; 销号 from a secretary naming an item that is not their own."""
    review = read_review(msg.text)
    if review is None:
        return False
    if review.verb != "close":
        return True
    return msg.member.is_secretary and any(item_with_code(msg.items, c) is None for c in review.codes)


def _find(msg: Message, tree: Tree, code: str) -> Item | None:
    for uid in tree.units_of(msg.member) or [msg.member.unit_id]:
        item = unit_item_by_code(msg.session, uid, code, msg.at.year, ItemKind.RECTIFICATION)
        if item is not None:
            return item
    return None


@router.message(when=_reviewing)
def review_rectifications(msg: Message) -> str:
    """Apply the review to each named rectification; tell each owner."""
    review = read_review(msg.text)
    verb, rule = VERBS[review.verb]
    if not msg.member.is_secretary:
        return only_for(f"{verb}整改事项", "书记", "整改完成后请回复如“Z-1已整改到位”，由书记核实销号。")
    tree = Tree.load(msg.session)
    lines = []
    for code in review.codes:
        item = _find(msg, tree, code)
        if item is None:
            lines.append(f"· {code.upper()}：您负责的单位{msg.at.year}年度没有这个整改事项")
            continue
        owner = msg.session.get(Member, item.owner_id)
        extra = {} if review.verb == "close" else {"reason": review.reason}
        try:
            rule(msg.session, item=item, secretary=msg.member, at=msg.at, words=msg.text, msg_id=msg.msg_id, **extra)
        except ReviewRefused as refused:
            lines.append(f"· [{item.code}] {item.title}（{owner.name}）：未{verb}，{refused}")
            continue
        lines.append(f"· [{item.code}] {item.title}（{owner.name}）：已{verb}")
        why = f"，原因：{review.reason}" if review.reason else ""
        msg.outbox.append(Outgoing([owner.account], f"【整改{verb}】您负责的整改事项[{item.code}] {item.title}"
                                                    f"已由{msg.member.name}{verb}{why}。"))
    return f"整改{verb}结果：\n" + "\n".join(lines)

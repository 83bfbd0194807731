"""整改清单: rectifications and how far they are — a secretary sees the unit's, others their own."""
from bot.router import Message, Router
from bot.texts import MORE_ITEMS, day, progress_zh
from bot.wecom import fit_lines
from models.lookups import unit_items
from models.tables import ItemKind, ItemStatus, Member

router = Router("rectifications")


@router.message(intent="rectifications")
def show_rectifications(msg: Message) -> str:
    """Open rectifications first, then those done awaiting 销号; closed ones are counted."""
    today = msg.at.date()
    if msg.member.is_secretary:
        scope, pool = "本单位", unit_items(msg.session, msg.member.unit_id, today.year)
    else:
        scope, pool = "您的", msg.items
    rects = [i for i in pool if i.kind == ItemKind.RECTIFICATION]
    if not rects:
        return f"{scope}{today.year}年度暂无整改事项。"
    closed = [i for i in rects if i.status == ItemStatus.CLOSED]
    awaiting = [i for i in rects if i.status == ItemStatus.DONE]
    open_ = [i for i in rects if i.is_open]
    lines = []
    for i in open_ + awaiting:
        owner = msg.session.get(Member, i.owner_id)
        due = f"｜时限{day(i.deadline)}" + ("（已逾期）" if i.is_open and i.deadline < today else "") if i.deadline else ""
        tail = "，待书记销号" if i.status == ItemStatus.DONE else ""
        lines.append(f"· [{i.code}] {i.title}｜{owner.name}｜{progress_zh(i)}{tail}{due}")
    head = (f"{scope}整改事项共{len(rects)}项：未完成{len(open_)}项，待销号{len(awaiting)}项，已销号{len(closed)}项")
    if not lines:
        return head + "。全部整改已销号。"
    return fit_lines(head, lines, MORE_ITEMS)

"""逾期事项: open items past their deadline — a secretary sees the unit's, others their own."""
from bot.router import Message, Router
from bot.texts import MORE_ITEMS, day, progress_zh
from bot.wecom import fit_lines
from models.lookups import overdue_items, unit_items
from models.tables import Member

router = Router("overdue")


@router.message(intent="overdue")
def show_overdue(msg: Message) -> str:
    """Overdue items, longest overdue first."""
    today = msg.at.date()
    if msg.member.is_secretary:
        scope, items = "本单位", overdue_items(unit_items(msg.session, msg.member.unit_id, today.year), today)
    else:
        scope, items = "您的", overdue_items(msg.items, today)
    if not items:
        return f"{scope}事项目前没有逾期，请继续保持。"
    items.sort(key=lambda i: i.deadline)
    lines = []
    for i in items:
        owner = msg.session.get(Member, i.owner_id)
        late = (today - i.deadline).days
        lines.append(f"· [{i.code}] {i.title}｜{owner.name}｜截止{day(i.deadline)}，已逾期{late}天｜{progress_zh(i)}")
    return fit_lines(f"{scope}逾期事项（{len(items)}项）：", lines, MORE_ITEMS)

"""逾期事项: open items past their deadline — over the asker's units grouped by unit (a secretary,
an administrator), a unit or person named, or the asker's own."""
from sqlmodel import select

from bot.paging import items_only, paged
from bot.router import Message, Router
from bot.scope import asked
from bot.texts import day, progress_zh
from models.lookups import live, overdue_items, owner_names, unit_item_views
from models.tables import Item

router = Router("overdue")


def _line(msg: Message, item: Item, owners: dict[int, str]) -> str:
    today = msg.at.date()
    owner = owners.get(item.owner_id, "")
    return (f"· [{item.code}] {item.title}｜{owner}｜截止{day(item.deadline)}，已逾期{(today - item.deadline).days}天"
            f"｜{progress_zh(item, today)}")


@router.message(intent="overdue")
def show_overdue(msg: Message) -> str:
    """Overdue items, by unit, longest overdue first."""
    a = asked(msg)
    if isinstance(a, str):
        return a
    today = msg.at.date()
    if not a.units:
        ids = [p.id for p in a.people]
        pool = msg.session.exec(select(Item).where(Item.owner_id.in_(ids), live(today.year))).all()
        items = sorted(overdue_items(list(pool), today), key=lambda i: i.deadline)
        label = "您的" if a.own else a.label + "的"
        if not items:
            return f"{label}事项目前没有逾期，请继续保持。"
        owners = owner_names(msg.session, items)
        return paged(msg, f"{label}逾期事项（{len(items)}项）：", [_line(msg, i, owners) for i in items])
    of_unit = unit_item_views(msg.session, a.units, today.year, Item.deadline < today)
    groups = []
    for uid in a.units:
        items = sorted(overdue_items(of_unit.get(uid, []), today), key=lambda i: i.deadline)
        if items:
            groups.append((uid, items))
    total = sum(len(items) for _, items in groups)
    if not total:
        return f"{a.label}目前没有逾期事项，请继续保持。"
    owners = owner_names(msg.session, (i for _, items in groups for i in items))

    def lines():                # made only as far as the message holds them
        for uid, items in groups:
            yield f"{a.tree.name(uid)}（{len(items)}项）"
            yield from (_line(msg, i, owners) for i in items)

    return paged(msg, f"{a.label}逾期事项共{total}项：", lines(), count=total, weight=items_only)

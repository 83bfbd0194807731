"""整改清单: rectifications and how far they are — over the asker's units grouped by unit, a unit
or person named, or the asker's own. Open first, then done awaiting 销号; closed ones counted."""
from sqlmodel import select

from bot.paging import items_only, paged
from bot.router import Message, Router
from bot.scope import asked
from bot.texts import day, progress_zh
from models.lookups import item_sort_key, live, owner_names, unit_item_views
from models.tables import Item, ItemKind, ItemStatus

router = Router("rectifications")


def _shown(rects: list[Item]) -> list[Item]:
    """The rectifications still owed, in the order shown: open ones, then done ones awaiting 销号."""
    return [r for r in rects if r.is_open] + [r for r in rects if r.status == ItemStatus.DONE]


def _line(msg: Message, item: Item, owners: dict[int, str]) -> str:
    today = msg.at.date()
    late = "（已逾期）" if item.is_open and item.deadline and item.deadline < today else ""
    due = f"｜时限{day(item.deadline)}{late}" if item.deadline else ""
    tail = "，待书记销号" if item.status == ItemStatus.DONE else ""
    return f"· [{item.code}] {item.title}｜{owners.get(item.owner_id, '')}｜{progress_zh(item, today)}{tail}{due}"


def _counts(rects: list[Item]) -> str:
    open_ = sum(1 for i in rects if i.is_open)
    awaiting = sum(1 for i in rects if i.status == ItemStatus.DONE)
    closed = sum(1 for i in rects if i.status == ItemStatus.CLOSED)
    return f"共{len(rects)}项：未完成{open_}项，待销号{awaiting}项，已销号{closed}项"


@router.message(intent="rectifications")
def show_rectifications(msg: Message) -> str:
    """Counts first, then the rectifications still owed, by unit."""
    a = asked(msg)
    if isinstance(a, str):
        return a
    year = msg.at.year
    if not a.units:
        ids = [p.id for p in a.people]
        rects = sorted(msg.session.exec(select(Item).where(Item.owner_id.in_(ids), live(year),
                                                           Item.kind == ItemKind.RECTIFICATION)).all(),
                       key=item_sort_key)
        label = "您的" if a.own else a.label + "的"
        if not rects:
            return f"{label}{year}年度暂无整改事项。"
        owners = owner_names(msg.session, rects)
        lines = [_line(msg, i, owners) for i in _shown(rects)]
        head = f"{label}整改事项{_counts(rects)}"
        return paged(msg, head, lines) if lines else head + "。全部整改已销号。"
    of_unit = unit_item_views(msg.session, a.units, year, Item.kind == ItemKind.RECTIFICATION)
    by_unit = [(uid, of_unit[uid]) for uid in a.units if of_unit.get(uid)]
    all_rects = [i for _, rects in by_unit for i in rects]
    if not all_rects:
        return f"{a.label}{year}年度暂无整改事项。"
    owners = owner_names(msg.session, all_rects)
    shown = [(uid, rects, _shown(rects)) for uid, rects in by_unit]
    named = len(a.units) > 1                    # one unit: the head already says it

    def lines():                # made only as far as the message holds them
        for uid, rects, owed in shown:
            if named:
                yield f"{a.tree.name(uid)}：{_counts(rects)}"
            yield from (_line(msg, i, owners) for i in owed)

    count = sum(len(owed) for _, _, owed in shown)
    return paged(msg, f"{a.label}整改事项{_counts(all_rects)}", lines(), count=count, weight=items_only)

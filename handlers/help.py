"""帮助: what the asker can say, built for them — a member what members can do, with the numbers,
编号 and lists of their own items (one item: no "第2项"); a secretary also the reviews, nudges and
queries over their units, with a unit and a person of theirs (销号 only when someone there has a
rectification to close off); an administrator also the notices to everyone and receipts."""
from sqlmodel import select

from bot import texts as t
from bot.router import Message, Router
from bot.statuses import KIND_ZH
from models.organisation import Tree
from models.tables import Item, ItemKind, Member

router = Router("help")


@router.message(intent="help")
def show_help(msg: Message) -> str:
    """The usage text for the asker's role and items."""
    parts = [_queries(msg), _reporting(msg), t.HELP_NOTICES]
    if msg.member.is_secretary:
        parts.append(_secretary(msg))
    if msg.member.is_admin:
        parts.append(t.HELP_ADMIN)
    return "\n".join(parts)


def _queries(msg: Message) -> str:
    items = msg.items
    kinds = list(dict.fromkeys(i.kind for i in items))
    lines = [t.HELP_HEAD]
    if len(items) > 1:
        lines.append(t.HELP_ASK_ITEM.format(n=2))
    if len(kinds) > 1:
        lines.append(t.HELP_ASK_LIST.format(lists=" / ".join(KIND_ZH[k] for k in kinds)))
    lines.append(t.HELP_ASK_COMMON)
    if ItemKind.RECTIFICATION in kinds and not msg.member.is_secretary:
        lines.append(t.HELP_ASK_RECTIFICATIONS)
    lines.append(t.HELP_ASK_STARS)
    return "\n".join(lines)


def _reporting(msg: Message) -> str:
    items = msg.items
    if not items:
        return t.HELP_REPORT_NONE
    if len(items) == 1:
        return "\n".join([t.HELP_REPORT_HEAD, t.HELP_REPORT_ONE, t.HELP_UNDO, t.HELP_PHOTOS])
    numbered = list(enumerate(items, 1))
    plain = next((n for n, i in numbered if not i.target_count and i.is_open), 1)
    lines = [t.HELP_REPORT_HEAD, t.HELP_REPORT_ITEM.format(n=plain)]
    if len(items) >= 3:
        lines.append(t.HELP_REPORT_SEVERAL)
    rectification = next((i for i in items if i.kind == ItemKind.RECTIFICATION and i.is_open), None)
    if rectification is not None:
        lines.append(t.HELP_REPORT_RECTIFICATION.format(code=rectification.code))
    counted = next(((n, i) for n, i in numbered if i.target_count), None)
    if counted is not None:
        n, item = counted
        lines.append(t.HELP_REPORT_COUNT.format(n=n, total=item.done_count + 1))
    other = next(n for n, _ in numbered if n != plain)
    lines += [t.HELP_UNDO_OTHER.format(n=other), t.HELP_READ_BACK, t.HELP_PHOTOS]
    return "\n".join(lines)


def _secretary(msg: Message) -> str:
    """The secretary's part, with a unit below theirs and a person of theirs when there are."""
    session, member = msg.session, msg.member
    tree = Tree.load(session)
    units = tree.subtree(member.unit_id)
    below = tree.name(units[1]) if len(units) > 1 else ""
    person = session.exec(select(Member.name).where(Member.unit_id.in_(units), Member.active,
                                                    Member.id != member.id).order_by(Member.id)).first()
    code = session.exec(select(Item.code).where(Item.unit_id.in_(units), Item.kind == ItemKind.RECTIFICATION,
                                                Item.owner_id != member.id).order_by(Item.id)).first()
    last_month = (msg.at.astimezone(msg.runtime.tz).month - 2) % 12 + 1
    scope = tree.name(member.unit_id) + ("及下级单位" if len(units) > 1 else "")
    lines = [
        t.HELP_SECRETARY_HEAD.format(scope=scope),
        t.HELP_SECRETARY_UNREPORTED.format(unit_ask=f" / {below}谁还没报" if below else "",
                                           month=last_month,
                                           person_ask=f" / {person}报了吗" if person else ""),
    ]
    if person:
        lines.append(t.HELP_SECRETARY_LISTS.format(person=person, unit=below or tree.name(member.unit_id)))
    lines.append(t.HELP_SECRETARY_QUERIES)
    if code:
        lines.append(t.HELP_SECRETARY_REVIEW.format(code=code))
    lines.append(t.HELP_SECRETARY_MEETINGS.format(recorder=f" / 指定 {person} 记录三会一课" if person else ""))
    lines.append(t.HELP_SECRETARY_NUDGE.format(unit_nudge=f" / 提醒{below}没报的" if below else "",
                                               person_nudge=f" / 提醒{person}报送" if person else ""))
    lines.append(t.HELP_SECRETARY_NOTICE.format(scope=scope))
    lines.append(t.HELP_SECRETARY_LADDER.format(person=person or "姓名", month=last_month))
    return "\n".join(lines)

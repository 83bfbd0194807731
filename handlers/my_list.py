"""我的清单: the sender's items of the year, numbered, with status, progress and deadline; a question
about particular items ("第2项完成了吗？", "换届选举截止哪天") gets just those items' lines.

The same question may name a list, a person or a unit (``bot.scope``):

* "项目清单", "责任清单", "项目清单进展" — the sender's own items of that list (for everyone,
  secretaries included; "整改清单" is ``handlers.rectifications``);
* "李娜的清单", "李娜的进度怎么样" — that person's items, for whom the sender answers (a secretary:
  their unit and those below; an administrator: everyone); two of that name there are asked about;
* "第一支部的清单完成情况" — the unit's (and those below its) items, counted per person.
"""
import re
from collections import Counter

from sqlmodel import select

from bot.fitting import fit_lines
from bot.nlu.intents import list_kind, owner_word
from bot.paging import paged
from bot.router import Message, Router
from bot.scope import Asked, asked
from bot.statuses import KIND_ZH, STATUS_ZH
from bot.texts import MORE_ITEMS, NOBODY_NAMED, how_to_reply, numbered
from models.lookups import my_items, overdue_items, unit_item_views
from models.photos import counts
from models.tables import Item, Member

router = Router("my_list")

_OWN_RE = re.compile(r"我|本人")        # "我的项目清单": nobody else is named


@router.message(intent="my_list")
def show_my_list(msg: Message) -> str:
    """Numbered as the monthly prompt numbers them, so "第2项" means the same everywhere."""
    if msg.parsed is not None and msg.parsed.asked_items:
        asked_ = [i for i in msg.items if i.code in set(msg.parsed.asked_items)]
        lines = numbered(msg.items, only=asked_, today=msg.at.date(), photos=counts(msg.session, [i.id for i in asked_]))
        return fit_lines("您问到的事项：", lines, MORE_ITEMS, footer="如需更新进展，请回复如“第2项完成80%”。")
    kind = list_kind(msg.text)
    if _OWN_RE.search(msg.text):
        return _own_list(msg, kind)
    a = asked(msg)
    if isinstance(a, str):
        return a
    if a.people and not a.own:
        return _someones_list(msg, a, kind)
    if a.units and not a.own:
        return _units_list(msg, a, kind)
    named = owner_word(msg.text)
    if named is not None:           # "张三的清单": nobody of that name on the rolls
        return NOBODY_NAMED.format(name=named)
    return _own_list(msg, kind)


def _own_list(msg: Message, kind: str | None) -> str:
    year, list_name = msg.at.year, KIND_ZH.get(kind, "清单")
    if not msg.items:
        return f"{msg.member.name}，您{year}年度暂无清单事项。如有疑问请联系机关党委。"
    shown = [i for i in msg.items if kind is None or i.kind == kind]
    if not shown:
        return f"{msg.member.name}，您{year}年度{list_name}中暂无事项。回复“我的清单”查看全部{len(msg.items)}项。"
    open_count = sum(1 for i in shown if i.is_open)
    head = f"{msg.member.name}的{list_name}（{year}年度，共{len(shown)}项，未完成{open_count}项）"
    photos = counts(msg.session, [i.id for i in shown])     # 📎2: evidence photos (models.photos)
    return paged(msg, head, numbered(msg.items, only=shown, today=msg.at.date(), photos=photos),
                 footer=how_to_reply(msg.items, among=shown))


def _someones_list(msg: Message, a: Asked, kind: str | None) -> str:
    if len(a.people) > 1:
        where = "、".join(f"{a.tree.name(p.unit_id)}的{p.name}" for p in a.people)
        return (f"有{len(a.people)}位同名的同志：{where}。请写明单位再问，"
                f"如“{a.tree.name(a.people[0].unit_id)}{a.people[0].name}的清单”。")
    person, list_name = a.people[0], KIND_ZH.get(kind, "清单")
    items = my_items(msg.session, person.id, msg.at.year)
    shown = [i for i in items if kind is None or i.kind == kind]
    if not shown:
        return f"{person.name}{msg.at.year}年度{list_name}中暂无事项。"
    open_count = sum(1 for i in shown if i.is_open)
    head = (f"{person.name}（{a.tree.name(person.unit_id)}）的{list_name}"
            f"（{msg.at.year}年度，共{len(shown)}项，未完成{open_count}项）")
    return paged(msg, head, numbered(items, only=shown, today=msg.at.date()))


def _units_list(msg: Message, a: Asked, kind: str | None) -> str:
    conditions = () if kind is None else (Item.kind == kind,)
    by_unit = unit_item_views(msg.session, a.units, msg.at.year, *conditions)
    items = [i for uid in a.units for i in by_unit.get(uid, [])]
    list_name = KIND_ZH.get(kind, "清单")
    if not items:
        return f"{a.label}{msg.at.year}年度{list_name}中暂无事项。"
    today = msg.at.date()
    head = f"{a.label}{list_name}完成情况（{msg.at.year}年度）：{_counts(items, today)}"
    names = _owner_names(msg, items)
    lines = []
    for uid in a.units:
        owners: dict[int, list] = {}
        for i in by_unit.get(uid, []):
            owners.setdefault(i.owner_id, []).append(i)
        lines += [f"· {a.tree.name(uid)} {names.get(oid, '')}：{_counts(its, today)}" for oid, its in owners.items()]
    return paged(msg, head, lines, noun="人")


def _counts(items, today) -> str:
    """"共5项，未开始1项，进行中2项，已完成2项（逾期1项）", the states in one order."""
    by_status = Counter(i.status for i in items)
    parts = [f"{zh}{by_status[s]}项" for s, zh in STATUS_ZH.items() if by_status[s]]
    late = len(overdue_items(items, today))
    return f"共{len(items)}项，" + "，".join(parts) + (f"（逾期{late}项）" if late else "")


def _owner_names(msg: Message, items) -> dict[int, str]:
    ids = sorted({i.owner_id for i in items})
    return dict(msg.session.connection().execute(select(Member.id, Member.name).where(Member.id.in_(ids))).all())

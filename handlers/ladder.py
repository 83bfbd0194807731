"""问责 in chat (``bot.nlu.ladder``, ``models.ladder_acts``): "红叉" / "问责记录" show the year's marks
within the sender's scope; "约谈 孙一 已完成：…" records the sender's talks done; "撤销 孙一 11月红叉：…"
clears a mark with its reason (asking which when the month has several, writing nothing when nothing
or nobody resolves); "撤回" right after either takes it back ("撤回撤销" / "撤回约谈" at any time)."""
from __future__ import annotations

from sqlmodel import select

from bot.fitting import fit_lines
from bot.nlu.ladder import read_clearing, read_list, read_talk, read_undo
from bot.router import Message, Router
from models.ladder_acts import (
    clear,
    clearable,
    last_progress_at,
    latest_act,
    marks_of,
    may_clear,
    people_named,
    take_back,
    talk_done,
    talks_open,
)
from models.organisation import Tree
from models.tables import Item, Mark, Member, Talk

router = Router("ladder")

TALK_HOW = "请回复如“约谈 孙一 已完成：谈了按时报送的要求”。"
CLEAR_HOW = "请回复如“撤销 孙一 11月红叉：原因”。"


def _undoes(msg: Message) -> bool:
    kind = read_undo(msg.text)
    if kind is None:
        return False
    act = latest_act(msg.session, msg.member)
    if act is None:
        return kind == "explicit"
    last = last_progress_at(msg.session, msg.member)
    return kind == "explicit" or last is None or act[0] > last


def _describe(session, tree: Tree, marks: list[Mark]) -> list[str]:
    people = {m.id: m for m in session.exec(select(Member).where(Member.id.in_({k.member_id for k in marks})))}
    ids = {k.item_id for k in marks if k.item_id}
    items = {i.id: i for i in session.exec(select(Item).where(Item.id.in_(ids)))} if ids else {}
    talks = {t.mark_id: t for t in session.exec(select(Talk).where(Talk.mark_id.in_([k.id for k in marks])))}
    holders = {m.id: m.name for m in session.exec(select(Member).where(Member.id.in_({t.holder_id for t in talks.values()})))}
    lines = []
    for k in marks:
        item = items.get(k.item_id)
        lapse = "月报未报送" if item is None else f"[{item.code}] {item.title}逾期"
        line = f"· {people[k.member_id].name}（{tree.name(k.unit_id)}）{k.month}月{lapse}：{k.step}"
        talk = talks.get(k.id)
        if talk is not None:
            line += f"，已约谈：{talk.note}" if talk.done_at else f"，待{holders.get(talk.holder_id, '')}约谈"
        if k.cleared_at is not None:
            line += f"（已撤销：{k.clear_reason}）"
        lines.append(line)
    return lines


@router.message(when=lambda msg: read_list(msg.text))
def show(msg: Message) -> str:
    """The year's marks: one's own, and a secretary's units (everything for an administrator)."""
    tree, year = Tree.load(msg.session), msg.at.year
    units = tree.units_of(msg.member)
    marks = marks_of(msg.session, None, units, year) if units else []
    marks += [m for m in marks_of(msg.session, [msg.member.id], None, year) if m.id not in {k.id for k in marks}]
    if not marks:
        return f"{year}年暂无红叉记录。"
    standing = sum(1 for m in marks if m.cleared_at is None)
    head = f"{year}年问责记录：红叉{standing}个" + (f"，另已撤销{len(marks) - standing}个" if len(marks) > standing else "") + "："
    return fit_lines(head, _describe(msg.session, tree, sorted(marks, key=lambda m: (m.month, m.id))), "…及其余{n}条")


def _one_person(msg: Message, tree: Tree, name: str) -> Member | str:
    found = people_named(msg.session, tree, msg.member, name)
    if not found:
        return f"您负责的范围内没有找到“{name}”，未作记录。"
    if len(found) > 1:
        units = "、".join(tree.name(m.unit_id) for m in found)
        return f"您负责的范围内有{len(found)}位{name}（{units}），无法确定是哪一位，未作记录。请联系管理员处理。"
    return found[0]


@router.message(when=lambda msg: read_talk(msg.text) is not None)
def talk(msg: Message) -> str:
    """The sender's open talks with the person, recorded done with the note."""
    name, note = read_talk(msg.text)
    tree = Tree.load(msg.session)
    person = _one_person(msg, tree, name) if msg.member.is_secretary or msg.member.is_admin else None
    if person is None:
        return "只有负责约谈的书记可以记录约谈，未作记录。"
    if isinstance(person, str):
        return person
    talks = talks_open(msg.session, msg.member, person)
    if not talks:
        return f"您没有待完成的对{person.name}的约谈，未作记录。回复“问责记录”查看。"
    talk_done(msg.session, msg.member, talks, note, msg.text, msg.at)
    return f"已记录：对{person.name}的约谈已完成（{len(talks)}项），谈话情况：{note}。如有误，回复“撤回”。"


@router.message(when=lambda msg: read_clearing(msg.text) is not None)
def clear_mark(msg: Message) -> str:
    """One standing mark of the month cleared with the reason; several: ask which; none: say so."""
    c = read_clearing(msg.text)
    tree = Tree.load(msg.session)
    person = _one_person(msg, tree, c.name) if msg.member.is_secretary or msg.member.is_admin else None
    if person is None:
        return "只有上级书记可以撤销红叉，未作更改。"
    if isinstance(person, str):
        return person
    if not may_clear(tree, msg.member, person):
        return f"{person.name}的红叉须由其上级书记撤销，未作更改。"
    marks = clearable(msg.session, person, msg.at.year, c.month, c.reason, c.code)
    if not marks:
        return f"{person.name}{c.month}月没有未撤销的红叉，未作更改。回复“问责记录”查看。"
    if len(marks) > 1:
        lines = _describe(msg.session, tree, marks)
        return ("\n".join([f"{person.name}{c.month}月有{len(marks)}个红叉，请写明是哪一个，未作更改：", *lines,
                           f"如“撤销 {person.name} {c.month}月未报红叉：原因”或“撤销 {person.name} {c.month}月 编号 红叉：原因”。"]))
    clear(msg.session, msg.member, marks[0], c.why, msg.text, msg.at)
    (line,) = _describe(msg.session, tree, marks)
    return f"已撤销红叉：{line[2:]}\n原因已记录；红叉仍保留在记录中，显示为已撤销。如有误，回复“撤回”。"


@router.message(when=_undoes)
def undo(msg: Message) -> str:
    act = latest_act(msg.session, msg.member)
    if act is None:
        return "没有可撤回的撤销红叉或约谈记录。"
    _, rows = act
    take_back(msg.session, msg.member, rows, msg.text, msg.at)
    if isinstance(rows[0], Mark):
        return f"已撤回：{len(rows)}个红叉的撤销已取消，红叉恢复有效。"
    return f"已撤回：{len(rows)}项约谈记录已取消，约谈恢复为待完成。"

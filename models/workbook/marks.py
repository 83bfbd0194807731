"""The export's two 问责 sheets (``models.ladder``): 红叉, one row per mark of the year, and 红叉汇总,
the count per person and per unit. Read back, both are skipped, as the 月报 sheet is."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from models.ladder import marks_of_year
from models.tables import Item, Mark, Member, Talk, Unit

MARKS, MARK_TOTALS = "红叉", "红叉汇总"
MARK_HEADERS = ("企业微信账号", "姓名", "所在组织", "月份", "原因", "事项编号", "环节", "记于", "状态", "撤销人", "撤销原因", "约谈")
TOTAL_HEADERS = ("对象", "名称", "所在组织", "红叉", "已撤销", "最高环节")


def _stamp(at: datetime | None, tz: ZoneInfo) -> str:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else ""


def _talk(talk: Talk | None, holder: dict[int, str]) -> str:
    if talk is None:
        return ""
    who = holder.get(talk.holder_id, "")
    return f"{who}已约谈：{talk.note}" if talk.done_at else f"待{who}约谈"


def mark_rows(session: Session, year: int, tz: ZoneInfo) -> list[list]:
    marks = list(session.exec(select(Mark).where(Mark.year == year).order_by(Mark.month, Mark.id)))
    rows = [list(MARK_HEADERS)]
    if not marks:
        return rows
    people = {m.id: m for m in session.exec(select(Member))}
    units = {u.id: u.name for u in session.exec(select(Unit))}
    codes = {i.id: i.code for i in session.exec(select(Item).where(Item.id.in_({k.item_id for k in marks if k.item_id})))}
    talks = {t.mark_id: t for t in session.exec(select(Talk).where(Talk.mark_id.in_([k.id for k in marks])))}
    names = {uid: m.name for uid, m in people.items()}
    for k in marks:
        person = people[k.member_id]
        rows.append([person.account, person.name, units.get(k.unit_id, ""), f"{year}-{k.month:02d}", k.reason.value,
                     codes.get(k.item_id, ""), k.step, _stamp(k.step_at, tz), "已撤销" if k.cleared_at else "有效",
                     names.get(k.cleared_by, ""), k.clear_reason or "", _talk(talks.get(k.id), names)])
    return rows


def total_rows(session: Session, year: int) -> list[list]:
    """Per person, then per unit: standing marks, cleared ones, the highest step standing."""
    by_person, by_unit = marks_of_year(session, year)
    rows = [list(TOTAL_HEADERS)]
    units = {u.id: u.name for u in session.exec(select(Unit).order_by(Unit.id))}
    people = {m.id: m for m in session.exec(select(Member).where(Member.id.in_(list(by_person))))} if by_person else {}
    for mid in sorted(by_person):
        t = by_person[mid]
        rows.append(["个人", people[mid].name, units.get(people[mid].unit_id, ""), t.standing, t.cleared, t.highest or ""])
    for uid in sorted(by_unit):
        t = by_unit[uid]
        rows.append(["组织", units.get(uid, ""), "", t.standing, t.cleared, t.highest or ""])
    return rows

"""The accountability ladder's daily run (``accountability:2026-12-01``) and the study-day reminder
(``study_day:2026-11-23``): builders for ``schedules.digests.PUSHES``.

The ladder's run first brings the marks up to date (``models.ladder``: 未报 of the month just
ended, once its 未报督促 has opened; 逾期 of every open item past its deadline), then tells each
person of the marks reached that day — the marks changed today are the day's news, so a rerun or a
second process builds the same pushes and the push log sends each once:

* 提示 and 催办 are today's pushes: the person has the month-end reminders and the deadline
  reminders (the day after a missed deadline), their secretary the 未报督促; the ladder adds the
  mark, and tells the secretary of an overdue item that reached 催办 (none told them before);
* the person, once a mark of theirs reaches 通报 or 约谈: the lapse and who has been told;
* the next level up (通报): each person and unit whose mark reached 通报;
* the secretary above, at 约谈: the talks to hold, and how to record one done.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from bot.config import ScheduleConfig
from bot.fitting import fit_lines
from models.ladder import above, climb_overdue, climb_unreported, open_talks, rank
from models.organisation import Tree
from models.tables import Item, Mark, MarkReason, Member
from schedules.timetable import ESCALATION_DAYS, Occasion, add_months, month_key_of, working_day_in_month

PERSON_HEAD = "【问责提示】{name}，以下情况已记红叉（全年保留，事项完成后也不消除）："
PERSON_FOOTER = "请尽快报送、推进；如有特殊情况，请向上级书记说明。回复“红叉”查看本年记录。"
URGE_HEAD = "【问责催办】{name}，以下事项逾期，已记红叉："
URGE_FOOTER = "请督促整改。"
NOTIFY_HEAD = "【问责通报】{name}，以下人员已记红叉并通报："
TALK_HEAD = "【约谈】{name}，以下人员已达约谈，请约谈："
TALK_FOOTER = "谈话后回复“约谈 姓名 已完成：谈话情况”记录，如“约谈 孙一 已完成：谈了按时报送的要求”。"
SECTIONS = (("person", PERSON_HEAD, PERSON_FOOTER), ("urge", URGE_HEAD, URGE_FOOTER),
            ("notify", NOTIFY_HEAD, ""), ("talk", TALK_HEAD, TALK_FOOTER))
MORE = "…及其余{n}条，回复“问责记录”查看"


def unreported_month(today: date, cfg: ScheduleConfig) -> str | None:
    """The month whose 未报 marks are due on ``today``: the month just ended, while its 未报督促 is
    open (from ``[schedule] escalation_day``, moved to a working day, for ``ESCALATION_DAYS``)."""
    opens = working_day_in_month(date(today.year, today.month, cfg.escalation_day), cfg)
    if not opens <= today < opens + timedelta(days=ESCALATION_DAYS):
        return None
    return month_key_of(*add_months(today.year, today.month, -1))


def lapse_zh(mark: Mark, items: dict[int, Item], today: date) -> str:
    """"11月月报未报送" or "[P-1] 建设党员活动室逾期30天"."""
    if mark.reason == MarkReason.UNREPORTED:
        return f"{mark.month}月月报未报送"
    item = items.get(mark.item_id)
    if item is None:
        return "事项逾期"
    late = f"逾期{(today - item.deadline).days}天" if item.deadline and item.is_open else "逾期"
    return f"[{item.code}] {item.title}{late}"


def _step_zh(step: str, boss: Member | None, higher: Member | None) -> str:
    """How the person reads the step reached: "提示", "已告知赵书记（催办）", "已通报李书记", "李书记将约谈"."""
    if step == "催办" and boss is not None:
        return f"已告知{boss.name}（催办）"
    if step == "通报" and higher is not None:
        return f"已通报{higher.name}"
    if step == "约谈" and higher is not None:
        return f"{higher.name}将约谈"
    return step


def _day_marks(session: Session, today: date, cfg: ScheduleConfig) -> list[Mark]:
    start = datetime.combine(today, time(0, 0), tzinfo=cfg.tz)
    return list(session.exec(select(Mark).where(Mark.step_at >= start, Mark.step_at < start + timedelta(days=1),
                                                Mark.cleared_at.is_(None)).order_by(Mark.id)))


def _lines(session: Session, tree: Tree, marks: list[Mark], today: date) -> tuple[dict, dict[int, Member]]:
    """Recipient id → section → lines, and the recipients."""
    people = {m.id: m for m in session.exec(select(Member).where(Member.id.in_({k.member_id for k in marks})))}
    item_ids = {k.item_id for k in marks if k.item_id}
    items = {i.id: i for i in session.exec(select(Item).where(Item.id.in_(item_ids)))} if item_ids else {}
    out: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    who: dict[int, Member] = {}
    for mark in marks:
        person, lapse = people[mark.member_id], lapse_zh(mark, items, today)
        named = f"· {person.name}（{tree.name(mark.unit_id)}）{lapse}"
        boss, higher = tree.responsible_for(person), above(tree, person)
        if person.active and rank(mark.step) >= rank("通报"):
            out[person.id]["person"].append(f"· {lapse}：{_step_zh(mark.step, boss, higher)}")
            who[person.id] = person
        if boss and mark.reason == MarkReason.OVERDUE and rank(mark.step) >= rank("催办"):
            out[boss.id]["urge"].append(named)
            who[boss.id] = boss
        if higher and rank(mark.step) >= rank("通报"):
            out[higher.id]["talk" if mark.step == "约谈" else "notify"].append(named)
            who[higher.id] = higher
    return out, who


def bring_up_to_date(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig) -> Tree:
    """The marks and talks as of the occasion's day (idempotent). ``schedules.runner`` runs it before
    any digest of the moment is built, so the 季督 going out with it lists today's 通报 too."""
    today = date.fromisoformat(occ.period)
    month = unreported_month(today, cfg)
    if month is not None:
        climb_unreported(session, month, cfg.accountability.thresholds("unreported"), at)
    climb_overdue(session, today, cfg.accountability.thresholds("overdue"), at)
    tree = Tree.load(session)
    open_talks(session, tree, datetime.combine(today, time(0, 0), tzinfo=cfg.tz))
    return tree


def ladder_texts(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig,
                 skip: set[int]) -> list[tuple[Member, str]]:
    """Bring the marks up to date for the occasion's day, then one message per person concerned."""
    today = date.fromisoformat(occ.period)
    tree = bring_up_to_date(session, occ, at, cfg)
    lines, who = _lines(session, tree, _day_marks(session, today, cfg), today)
    out = []
    for member_id, sections in lines.items():
        if member_id in skip:
            continue
        name = who[member_id].name
        parts = [fit_lines(head.format(name=name), sections[key], MORE, footer=footer)
                 for key, head, footer in SECTIONS if sections.get(key)]
        out.append((who[member_id], "\n\n".join(parts)))
    return out


# --- 通报 in the quarterly digest (schedules.supervision) -------------------------------------------

def notified_by_unit(session: Session, tree: Tree, year: int, months: list[int], today: date) -> dict[int, list[str]]:
    """Unit id → a line per mark of the quarter's months that reached 通报 or 约谈 and stands."""
    marks = session.exec(select(Mark).where(Mark.year == year, Mark.month.in_(months), Mark.step.in_(("通报", "约谈")),
                                            Mark.cleared_at.is_(None)).order_by(Mark.month, Mark.id)).all()
    if not marks:
        return {}
    people = {m.id: m for m in session.exec(select(Member).where(Member.id.in_({k.member_id for k in marks})))}
    ids = {k.item_id for k in marks if k.item_id}
    items = {i.id: i for i in session.exec(select(Item).where(Item.id.in_(ids)))} if ids else {}
    out: dict[int, list[str]] = defaultdict(list)
    for k in marks:
        out[k.unit_id].append(f"· {people[k.member_id].name}（{tree.name(k.unit_id)}）{lapse_zh(k, items, today)}：{k.step}")
    return dict(out)


def notified_section(by_unit: dict[int, list[str]], units: list[int]) -> str:
    """The digest's 问责通报 part for ``units``: "" when none of them has a mark at 通报 or above."""
    lines = [line for uid in units for line in by_unit.get(uid, [])]
    return fit_lines("问责通报（本季度红叉达通报、约谈）：", lines, MORE, limit=700) if lines else ""


# --- the study day ------------------------------------------------------------------------------------

STUDY_TEXT = "【学习日提醒】{name}，今天（{day}）是{unit}的固定学习日，请按安排参加集中学习。"


def study_units(tree: Tree, names: tuple[str, ...]) -> set[int]:
    """The units that keep a study day: those named and every unit below them (all when none named)."""
    if not names:
        return set(tree.units)
    by_name = {u.name: uid for uid, u in tree.units.items()}
    return {uid for name in names if name in by_name for uid in tree.subtree(by_name[name])}


def study_texts(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig,
                skip: set[int]) -> list[tuple[Member, str]]:
    """Every member on the rolls of the units that keep the study day."""
    tree = Tree.load(session)
    units = study_units(tree, tuple(cfg.study_day.units))
    day = date.fromisoformat(occ.period)
    members = session.exec(select(Member).where(Member.active, Member.unit_id.in_(units)).order_by(Member.id))
    return [(m, STUDY_TEXT.format(name=m.name, day=f"{day.month}月{day.day}日", unit=tree.name(m.unit_id)))
            for m in members if m.id not in skip]

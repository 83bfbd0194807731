"""Who gets which digest: database queries turned into one personal message per recipient, and
``PUSHES``, the one table of the kinds of push with their labels and builders.

Every builder takes the open session, the occasion, the moment of the run and the ids of members
already logged for the occasion (``skip``), and returns a ``Push`` per remaining recipient. The
database is the source of truth: run twice, a builder answers the same recipients, and the push
log (see ``schedules.delivery``) lets each go out once.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from bot.config import ScheduleConfig
from bot.texts import (
    HOW_TO_REPLY,
    MORE_ITEMS,
    NAMES_MORE,
    ONE_ITEM_REPLY,
    UNIT_MORE,
    day,
    month_zh,
    numbered,
    progress_zh,
)
from bot.wecom import MAX_TEXT_BYTES, fit_lines
from models.lookups import (
    expected_reporters,
    item_sort_key,
    live,
    overdue_items,
    secretaries,
    unit_items,
    unit_secretary,
    unreported,
)
from models.tables import Item, ItemKind, ItemStatus, Member, MonthlyReport, Unit
from schedules.timetable import Occasion, PushKind, deadline_offsets


@dataclass
class Push:
    """One message to one person for one occasion."""

    member_id: int
    account: str
    content: str
    context_item_id: int | None = None   # set when the digest is about exactly one item


# --- shared pieces ----------------------------------------------------------------------------

def items_by_owner(session: Session, year: int, owner_ids: set[int]) -> dict[int, list[Item]]:
    """Each owner's items of the year in "我的清单" order (as ``models.lookups.my_items``), in one query."""
    rows = session.exec(select(Item).where(live(year))).all()
    grouped: dict[int, list[Item]] = defaultdict(list)
    for item in rows:
        if item.owner_id in owner_ids:
            grouped[item.owner_id].append(item)
    return {owner: sorted(items, key=item_sort_key) for owner, items in grouped.items()}


def _local_day(at: datetime, cfg: ScheduleConfig) -> date:
    return at.astimezone(cfg.tz).date()


def _open_items_digest(member: Member, items: list[Item], head: str, today: date) -> Push:
    """The person's open items numbered as "我的清单" numbers them, and how to answer."""
    open_items = [i for i in items if i.is_open]
    lines = numbered(items, only=open_items, today=today)
    one = open_items[0].id if len(open_items) == 1 else None
    footer = HOW_TO_REPLY + ("\n" + ONE_ITEM_REPLY if one else "")
    content = fit_lines(head, lines, MORE_ITEMS, footer=footer, limit=MAX_TEXT_BYTES)
    return Push(member.id, member.account, content, one)


# --- monthly report prompt and last-day reminder ----------------------------------------------

def _prompts(session: Session, people: list[Member], year: int, at: datetime, cfg: ScheduleConfig,
             head: Callable[[Member, int], str]) -> list[Push]:
    """One open-items digest per person; ``head(member, open_count)`` is its first line."""
    lists = items_by_owner(session, year, {m.id for m in people})
    today = _local_day(at, cfg)
    out = []
    for m in people:
        items = lists.get(m.id, [])
        out.append(_open_items_digest(m, items, head(m, sum(1 for i in items if i.is_open)), today))
    return out


def monthly_prompt(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """月报: every person owning an open item of the year gets their open items and how to answer."""
    month, year = occ.period, int(occ.period[:4])
    people = [m for m in expected_reporters(session, None, year) if m.id not in skip]
    return _prompts(session, people, year, at, cfg,
                    lambda m, n: f"【月报提醒】{m.name}，请报送{month_zh(month)}清单进展。您有{n}项未完成：")


def last_day(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """Last day of the month: only those who have not reported this month."""
    month, year = occ.period, int(occ.period[:4])
    people = [m for m in unreported(session, None, month) if m.id not in skip]
    return _prompts(session, people, year, at, cfg,
                    lambda m, n: (f"【月报催报】{m.name}，今天是本月最后一天，您尚未报送{month_zh(month)}月报。"
                                  f"您有{n}项未完成："))


# --- escalation of non-reporters ------------------------------------------------------------------

def escalation(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """Each secretary gets the unit's non-reporters of the month just ended; a secretary who did not
    report is named to the secretary one level up. A unit without a secretary goes to the nearest
    one above. Secretaries with nobody to name get no message."""
    month = occ.period
    units = {u.id: u for u in session.exec(select(Unit)).all()}
    secretary = {uid: unit_secretary(session, uid) for uid in units}

    def nearest(unit_id: int | None) -> tuple[Member, Unit] | None:
        seen = set()
        while unit_id is not None and unit_id not in seen:
            seen.add(unit_id)
            if secretary.get(unit_id) is not None:
                return secretary[unit_id], units[unit_id]
            unit_id = units[unit_id].parent_id if unit_id in units else None
        return None

    names: dict[int, list[str]] = defaultdict(list)
    recipients: dict[int, Member] = {}
    for m in unreported(session, None, month):
        unit = units.get(m.unit_id)
        if unit is None:
            continue
        own = secretary.get(unit.id)
        is_own_secretary = own is not None and own.id == m.id
        target = nearest(unit.parent_id if is_own_secretary else unit.id)
        if target is None:
            continue
        boss, boss_unit = target
        if is_own_secretary:
            line = f"· {m.name}（{unit.name}{m.title}）"
        elif boss_unit.id == unit.id:
            line = f"· {m.name}"
        else:
            line = f"· {m.name}（{unit.name}）"
        names[boss.id].append(line)
        recipients[boss.id] = boss

    out = []
    for boss_id, lines in names.items():
        if boss_id in skip:
            continue
        boss = recipients[boss_id]
        head = f"【月报督促】{boss.name}，{month_zh(month)}以下{len(lines)}人未报送月报："
        content = fit_lines(head, lines, NAMES_MORE, footer="请督促其按月报送清单进展。")
        out.append(Push(boss.id, boss.account, content))
    return out


# --- deadline reminders -------------------------------------------------------------------------

def _deadline_note(item: Item, today: date) -> str:
    left = (item.deadline - today).days
    return f"还有{left}天" if left > 0 else f"已逾期{-left}天"


def deadline(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """Open items due in 7, 3 or 1 days or overdue by one day: one digest per owner for the day."""
    today = date.fromisoformat(occ.period)
    deadlines = [today + timedelta(days=d) for d in deadline_offsets(cfg)]
    rows = session.exec(select(Item).where(Item.deadline.in_(deadlines))).all()
    due_items: dict[int, list[Item]] = defaultdict(list)
    for item in rows:
        if item.is_open and item.owner_id not in skip:
            due_items[item.owner_id].append(item)
    if not due_items:
        return []
    members = {m.id: m for m in session.exec(select(Member).where(Member.id.in_(list(due_items)))).all()}
    lists = items_by_owner(session, today.year, set(due_items))
    out = []
    for owner_id, items in due_items.items():
        m = members[owner_id]
        number = {i.id: n for n, i in enumerate(lists.get(owner_id, []), 1)}
        items.sort(key=lambda i: (i.deadline, item_sort_key(i)))
        lines = []
        for i in items:
            mark = f"{number[i.id]}." if i.id in number else "·"
            lines.append(f"{mark} [{i.code}] {i.title}｜{progress_zh(i)}｜截止{day(i.deadline)}，{_deadline_note(i, today)}")
        one = items[0].id if len(items) == 1 else None
        head = f"【截止提醒】{m.name}，您有{len(items)}项事项临近截止或已逾期："
        footer = ONE_ITEM_REPLY if one else HOW_TO_REPLY
        out.append(Push(m.id, m.account, fit_lines(head, lines, MORE_ITEMS, footer=footer), one))
    return out


# --- quarterly digest ---------------------------------------------------------------------------

def quarter_months(period: str) -> list[str]:
    """"2026-Q3" → ["2026-07", "2026-08", "2026-09"]."""
    year, q = int(period[:4]), int(period[-1])
    return [f"{year:04d}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)]


def report_rate(session: Session, unit_id: int, year: int, months: list[str]) -> tuple[int, int]:
    """(reported, expected) person-months of the unit. Expected in a month: today's expected
    reporters plus anyone of the unit who reported that month (the past cannot be rebuilt exactly)."""
    expected_now = {m.id for m in expected_reporters(session, unit_id, year)}
    rows = session.exec(
        select(MonthlyReport.member_id, MonthlyReport.month)
        .join(Member, Member.id == MonthlyReport.member_id)
        .where(Member.unit_id == unit_id, MonthlyReport.month.in_(months))
    ).all()
    reported_by_month: dict[str, set[int]] = defaultdict(set)
    for member_id, month in rows:
        reported_by_month[month].add(member_id)
    reported = sum(len(reported_by_month[m]) for m in months)
    expected = sum(len(expected_now | reported_by_month[m]) for m in months)
    return reported, expected


def quarterly(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """季督 per unit to its secretary: overdue items, rectifications not yet closed off, report rate."""
    year, q = int(occ.period[:4]), int(occ.period[-1])
    today = _local_day(at, cfg)
    owners = {m.id: m for m in session.exec(select(Member)).all()}
    out = []
    for unit in session.exec(select(Unit).order_by(Unit.id)).all():
        boss = unit_secretary(session, unit.id)
        if boss is None or boss.id in skip:
            continue
        items = unit_items(session, unit.id, year)
        reported, expected = report_rate(session, unit.id, year, quarter_months(occ.period))
        if not items and not expected:
            continue
        overdue = sorted(overdue_items(items, today), key=lambda i: i.deadline)
        overdue_ids = {i.id for i in overdue}
        rectifications = [i for i in items if i.kind == ItemKind.RECTIFICATION
                          and i.status != ItemStatus.CLOSED]
        rate = f"{round(100 * reported / expected)}%" if expected else "—"
        head = (f"【季度督查】{boss.name}，{unit.name}{year}年第{q}季度清单情况：\n"
                f"月报报送率{rate}（应报{expected}人次，已报{reported}人次）")
        lines = [f"逾期事项{len(overdue)}项" + ("：" if overdue else "。")]
        for i in overdue:
            who = owners[i.owner_id].name if i.owner_id in owners else ""
            lines.append(f"· [{i.code}] {i.title}｜{who}｜截止{day(i.deadline)}，已逾期{(today - i.deadline).days}天")
        lines.append(f"未销号整改{len(rectifications)}项" + ("：" if rectifications else "。"))
        for i in rectifications:
            who = owners[i.owner_id].name if i.owner_id in owners else ""
            state = "已完成，待核实销号" if i.status == ItemStatus.DONE else progress_zh(i)
            late = "（已逾期）" if i.id in overdue_ids else ""
            limit = f"｜时限{day(i.deadline)}{late}" if i.deadline else ""
            lines.append(f"· [{i.code}] {i.title}｜{who}｜{state}{limit}")
        out.append(Push(boss.id, boss.account, fit_lines(head, lines, UNIT_MORE)))
    return out


# --- year-end duty report -------------------------------------------------------------------------

def duty_report(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """述职: every secretary is asked to prepare the year's duty report, with their list's tally."""
    year = int(occ.period)
    today = _local_day(at, cfg)
    people = [m for m in secretaries(session) if m.id not in skip]
    lists = items_by_owner(session, year, {m.id for m in people})
    out = []
    for m in people:
        items = lists.get(m.id, [])
        done = sum(1 for i in items if not i.is_open)
        late = len(overdue_items(items, today))
        tally = ""
        if items:
            tally = (f"您{year}年度清单共{len(items)}项，已完成{done}项，未完成{len(items) - done}项"
                     + (f"（其中逾期{late}项）" if late else "") + "。\n")
        content = (f"【年度述职】{m.name}，{year}年度抓党建工作述职评议即将开始，请对照责任清单准备述职报告。\n"
                   f"{tally}回复“我的清单”查看明细。")
        out.append(Push(m.id, m.account, content))
    return out


Builder = Callable[[Session, Occasion, datetime, ScheduleConfig, set[int]], list[Push]]


@dataclass(frozen=True)
class PushSpec:
    """One kind of push: how it reads, and who gets what (its builder)."""

    kind: PushKind
    label: str
    build: Builder


PUSHES: dict[PushKind, PushSpec] = {spec.kind: spec for spec in (
    PushSpec(PushKind.MONTHLY_PROMPT, "月报提醒", monthly_prompt),
    PushSpec(PushKind.LAST_DAY, "月末催报", last_day),
    PushSpec(PushKind.ESCALATION, "未报督促", escalation),
    PushSpec(PushKind.DEADLINE, "截止提醒", deadline),
    PushSpec(PushKind.QUARTERLY, "季度督查", quarterly),
    PushSpec(PushKind.DUTY_REPORT, "年度述职", duty_report),
)}


def label(occ: Occasion) -> str:
    """How an occasion reads in Chinese, e.g. "月报提醒 2026-11"."""
    return f"{PUSHES[occ.kind].label} {occ.period}"


def build(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """The pushes of ``occ`` at ``at`` for everyone not in ``skip``."""
    return PUSHES[occ.kind].build(session, occ, at, cfg, skip)

"""Who gets which digest: database queries turned into one personal message per recipient, and
``PUSHES``, the one table of the kinds of push with their labels and builders.

Every builder takes the open session, the occasion, the moment of the run and the ids of members
already logged for the occasion (``skip``), and returns a ``Push`` per remaining recipient. The
database is the source of truth: run twice, a builder answers the same recipients, and the push
log (see ``schedules.delivery``) lets each go out once. What secretaries get about the units they
answer for (季督, 未报督促) is written by ``schedules.supervision``.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from bot.cards.deadline import deadline_card, last_updates
from bot.config import ScheduleConfig, WebConfig
from bot.fitting import MAX_TEXT_BYTES, byte_size, fit_lines, fit_text
from bot.messages import OutMessage, TemplateCard, Text, as_message
from bot.texts import (
    MORE_ITEMS,
    NO_NEWS_REPLY,
    ONE_ITEM_REPLY,
    day,
    how_to_reply,
    month_zh,
    numbered,
    page_line,
    progress_zh,
)
from models.ladder import Tally as MarkTally
from models.ladder import marks_of_year
from models.lookups import (
    ItemView,
    expected_reporters,
    grouped_by,
    item_sort_key,
    item_views,
    list_order,
    listed,
    overdue_items,
    secretaries,
    unreported,
)
from models.tables import Item, Member
from schedules.ladder import ladder_texts, study_texts
from schedules.meetings import meeting_reminders, with_quarter_section
from schedules.read_back import read_back_reminders
from schedules.supervision import escalation_lists, quarterly_digests
from schedules.timetable import Occasion, PushKind, deadline_offsets, last_day_of_month


@dataclass
class Push:
    """One message to one person for one occasion: a ``bot.messages`` value (a string is a text)."""

    member_id: int
    account: str
    message: OutMessage | str
    context_item_id: int | None = None   # set when the digest is about exactly one item

    def __post_init__(self) -> None:
        self.message = as_message(self.message)

    @property
    def content(self) -> str:
        """The text, or a rich message's text form (what the push log and the outbox show)."""
        return self.message.text

    def as_text(self) -> Push:
        """A card's push as a text, its text form (any other push as it is)."""
        return self if not isinstance(self.message, TemplateCard) else Push(self.member_id, self.account, Text(self.content),
                                                                 self.context_item_id)


# --- shared pieces ----------------------------------------------------------------------------

def items_by_owner(session: Session, year: int, owner_ids: set[int]) -> dict[int, list[ItemView]]:
    """Each owner's numbered list of the year (``models.lookups.listed``, as ``my_items``), in one
    query (over the owners named when they are few, else over the year's items), read-only."""
    few = [Item.owner_id.in_(list(owner_ids))] if len(owner_ids) <= 500 else []
    rows = grouped_by((i for i in item_views(session, listed(year), *few) if i.owner_id in owner_ids), "owner_id")
    return {owner: list_order(items, year) for owner, items in rows.items()}


def _local_day(at: datetime, cfg: ScheduleConfig) -> date:
    return at.astimezone(cfg.tz).date()


def _open_items_digest(member: Member, items: list[Item], head: str, today: date, link: str = "") -> Push:
    """The person's open items numbered as "我的清单" numbers them, and how to answer (no news is
    an answer too: "本月无新进展"); last, the link to the console's page when there is one."""
    open_items = [i for i in items if i.is_open]
    lines = numbered(items, only=open_items, today=today)
    one = open_items[0].id if len(open_items) == 1 else None
    alone = ONE_ITEM_REPLY if one and len(items) > 1 else ""     # the prompt's item is the one in mind
    footer = "\n".join(filter(None, [how_to_reply(items), alone, NO_NEWS_REPLY])) + page_line(link)
    content = fit_lines(head, lines, MORE_ITEMS, footer=footer, limit=MAX_TEXT_BYTES)
    return Push(member.id, member.account, content, one)


# --- monthly report prompt and last-day reminder ----------------------------------------------

def _prompts(session: Session, people: list[Member], year: int, at: datetime, cfg: ScheduleConfig,
             head: Callable[[Member, int], str], link: str = "") -> list[Push]:
    """One open-items digest per person; ``head(member, open_count)`` is its first line."""
    lists = items_by_owner(session, year, {m.id for m in people})
    today = _local_day(at, cfg)
    out = []
    for m in people:
        items = lists.get(m.id, [])
        out.append(_open_items_digest(m, items, head(m, sum(1 for i in items if i.is_open)), today, link))
    return out


def monthly_prompt(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int],
                   link: str = "") -> list[Push]:
    """月报: every person owning an open item of the year gets their open items and how to answer."""
    month, year = occ.period, int(occ.period[:4])
    people = [m for m in expected_reporters(session, None, year) if m.id not in skip]
    return _prompts(session, people, year, at, cfg,
                    lambda m, n: f"【月报提醒】{m.name}，请报送{month_zh(month)}清单进展。您有{n}项未完成：", link)


def last_day(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int],
             link: str = "") -> list[Push]:
    """The month's last working day: only those who have not reported this month."""
    month, year = occ.period, int(occ.period[:4])
    people = [m for m in unreported(session, None, month) if m.id not in skip]
    left = (last_day_of_month(year, int(month[5:])) - _local_day(at, cfg)).days
    when = "今天是本月最后一天" if left <= 0 else f"本月只剩{left + 1}天"     # the last working day may come earlier
    return _prompts(session, people, year, at, cfg,
                    lambda m, n: (f"【月报催报】{m.name}，{when}，您尚未报送{month_zh(month)}月报。"
                                  f"您有{n}项未完成："), link)


# --- escalation of non-reporters and the quarterly digest (schedules.supervision) -------------

def escalation(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """未报督促: each secretary gets the non-reporters they answer for, the month just ended
    (``schedules.supervision.escalation_lists``)."""
    return [Push(boss.id, boss.account, text) for boss, text in escalation_lists(session, occ.period)
            if boss.id not in skip]


def quarterly(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int],
              link: str = "") -> list[Push]:
    """季督: each secretary gets their unit and the units below, one line each
    (``schedules.supervision.quarterly_digests``), and the branches' 三会一课 (``schedules.meetings``)."""
    digests = quarterly_digests(session, occ.period, _local_day(at, cfg))
    return [Push(boss.id, boss.account, _linked(text, link))
            for boss, text in with_quarter_section(session, digests, occ.period, cfg) if boss.id not in skip]


def _linked(text: str, link: str) -> str:
    """``text`` ending with the line linking to the console (``link``), kept within 2048 bytes."""
    line = page_line(link)
    return fit_text(text, MAX_TEXT_BYTES - byte_size(line)) + line if line else text


# --- deadline reminders -------------------------------------------------------------------------

def _deadline_note(item: Item, today: date) -> str:
    left = (item.deadline - today).days
    if left == 0:
        return "今天截止"
    return f"还有{left}天" if left > 0 else f"已逾期{-left}天"


def deadline(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """Open items due in 7, 3 or 1 days, today, or overdue by one day (``deadline_offsets``): one
    digest per owner for the day. Owners who left get nothing."""
    today = date.fromisoformat(occ.period)
    deadlines = [today + timedelta(days=d) for d in deadline_offsets(cfg)]
    rows = session.exec(select(Item).where(Item.deadline.in_(deadlines))).all()
    due_items: dict[int, list[Item]] = defaultdict(list)
    for item in rows:
        if item.is_open and item.owner_id not in skip:
            due_items[item.owner_id].append(item)
    if not due_items:
        return []
    members = {m.id: m for m in session.exec(select(Member).where(Member.id.in_(list(due_items)), Member.active))}
    lists = items_by_owner(session, today.year, set(members))
    last = last_updates(session, [its[0].id for its in due_items.values() if len(its) == 1])   # for the cards
    out = []
    for owner_id, items in due_items.items():
        m = members.get(owner_id)
        if m is None:
            continue
        number = {i.id: n for n, i in enumerate(lists.get(owner_id, []), 1)}
        items.sort(key=lambda i: (i.deadline, item_sort_key(i)))
        lines = []
        for i in items:
            mark = f"{number[i.id]}." if i.id in number else "·"
            lines.append(f"{mark} [{i.code}] {i.title}｜{progress_zh(i, today)}｜截止{day(i.deadline)}，{_deadline_note(i, today)}")
        one = items[0].id if len(items) == 1 else None
        head = f"【截止提醒】{m.name}，您有{len(items)}项事项临近截止或已逾期："
        footer = ONE_ITEM_REPLY if one else how_to_reply(lists.get(owner_id, []), among=items)
        text = fit_lines(head, lines, MORE_ITEMS, footer=footer)
        out.append(Push(m.id, m.account, _one_item_card(occ, m, items, number, text, today, last) or text, one))
    return out


def _one_item_card(occ: Occasion, m: Member, items: list[Item], number: dict[int, int], text: str, today: date,
                   last: dict[int, int]) -> OutMessage | None:
    """A reminder about exactly one item goes as a card (``bot.cards.deadline``) when it fits one."""
    if len(items) != 1:
        return None
    item = items[0]
    line = f"{number[item.id]}. [{item.code}] {item.title}" if item.id in number else f"[{item.code}] {item.title}"
    return deadline_card(occ.key, m.id, item, line, _deadline_note(item, today), text,
                         last.get(item.id, 0), today)


# --- year-end duty report -------------------------------------------------------------------------

def _marks_line(own: MarkTally | None, unit: MarkTally | None) -> str:
    """"本年度问责：本人红叉1个（最高：通报）；本单位红叉3个（最高：约谈）。" — nothing when neither has any."""
    if own is None and unit is None:
        return ""
    return f"本年度问责：本人{(own or MarkTally()).zh}；本单位{(unit or MarkTally()).zh}。\n"


def duty_report(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """述职: every active secretary is asked to prepare the year's duty report, with their list's tally."""
    year = int(occ.period)
    today = _local_day(at, cfg)
    people = [m for m in secretaries(session) if m.active and m.id not in skip]
    lists = items_by_owner(session, year, {m.id for m in people})
    own_marks, unit_marks = marks_of_year(session, year)
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
                   f"{tally}{_marks_line(own_marks.get(m.id), unit_marks.get(m.unit_id))}回复“我的清单”查看明细。")
        out.append(Push(m.id, m.account, content))
    return out


# --- the reminder of a report read back and not yet confirmed (schedules.read_back) -----------------

def read_back(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """待确认提醒: each member whose read-back's one reminder is due now and belongs to this day."""
    return [Push(m.id, m.account, text) for m, text in read_back_reminders(session, occ, at, cfg, skip)]


def meetings(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """三会一课提醒: a branch behind its frequency, before the period ends (``schedules.meetings``)."""
    return [Push(m.id, m.account, text) for m, text in meeting_reminders(session, occ, cfg, skip)]
# --- the accountability ladder and the study day (schedules.ladder) ----------------------------------


def accountability(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """问责: the day's new marks (红叉), to the person, their secretary and the level above."""
    return [Push(m.id, m.account, text) for m, text in ladder_texts(session, occ, at, cfg, skip)]


def study_day(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int]) -> list[Push]:
    """学习日: every member of the units that keep the study day."""
    return [Push(m.id, m.account, text) for m, text in study_texts(session, occ, at, cfg, skip)]


Builder = Callable[[Session, Occasion, datetime, ScheduleConfig, set[int]], list[Push]]


@dataclass(frozen=True)
class PushSpec:
    """One kind of push: how it reads, and who gets what (its builder)."""

    kind: PushKind
    label: str
    build: Builder
    page: str | None = None         # the console page its messages link to (its builder takes ``link``)


PUSHES: dict[PushKind, PushSpec] = {spec.kind: spec for spec in (
    PushSpec(PushKind.MONTHLY_PROMPT, "月报提醒", monthly_prompt, page=""),
    PushSpec(PushKind.LAST_DAY, "月末催报", last_day, page=""),
    PushSpec(PushKind.ESCALATION, "未报督促", escalation),
    PushSpec(PushKind.DEADLINE, "截止提醒", deadline),
    PushSpec(PushKind.QUARTERLY, "季度督查", quarterly, page="board"),
    PushSpec(PushKind.DUTY_REPORT, "年度述职", duty_report),
    PushSpec(PushKind.READ_BACK, "待确认提醒", read_back),
    PushSpec(PushKind.MEETINGS, "三会一课提醒", meetings),
    PushSpec(PushKind.ACCOUNTABILITY, "问责提示", accountability),
    PushSpec(PushKind.STUDY_DAY, "学习日提醒", study_day),
)}


def label(occ: Occasion) -> str:
    """How an occasion reads in Chinese, e.g. "月报提醒 2026-11"."""
    return f"{PUSHES[occ.kind].label} {occ.period}"


def build(session: Session, occ: Occasion, at: datetime, cfg: ScheduleConfig, skip: set[int],
          web: WebConfig | None = None) -> list[Push]:
    """The pushes of ``occ`` at ``at`` for everyone not in ``skip``; those of a kind with a console
    page link to it when ``web`` has a ``base_url``."""
    spec = PUSHES[occ.kind]
    link = web.page_url(spec.page) if web is not None and spec.page is not None else ""
    return spec.build(session, occ, at, cfg, skip, link=link) if link else spec.build(session, occ, at, cfg, skip)

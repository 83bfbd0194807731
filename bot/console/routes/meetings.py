"""The 三会一课 calendar (``/console/meetings?unit=&year=``): a 党支部's year as twelve months, each
with the meetings held (kind, date, attendance, topic, who reported, 📎N linking to its photos at
``/console/meetings/{id}/photos``; withdrawn ones not shown), and
per kind its periods against its frequency (``[meetings]``): held, missed (red), or not yet ended —
by ``models.meetings.owed`` and ``Period.missed_by``, the very rule of the star rating's veto.

Which branch: ``?unit=``, a 党支部 among the units the viewer may ask about (``Tree.units_of``); a
member sees their own branch only. By default the viewer's own unit, or the first branch under it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from aiohttp import web
from sqlmodel import Session, select

from bot.console import CONSOLE
from bot.console.board import Refused
from bot.console.routes.pages import _dates, page
from models.meetings import Period, branches, held_days, owed
from models.organisation import Tree
from models.photos import meeting_counts
from models.tables import Meeting, Member

STATUS_ZH = {"held": "已开", "missed": "未开", "running": "未到期"}


@dataclass
class Held:
    kind: str
    day: str
    attendance: str
    topic: str
    reporter: str
    id: int = 0
    photos: int = 0                 # 📎N: its photos and files (models.photos.meeting_counts)


@dataclass
class KindLine:
    kind: str
    frequency: str
    periods: list[tuple[Period, str]]          # each period and its status (STATUS_ZH's keys)
    held: int = 0                              # periods with a meeting
    due: int = 0                               # periods ended, or with a meeting already
    missed: int = 0


@dataclass
class Calendar:
    unit_id: int
    name: str
    year: int
    months: dict[int, list[Held]] = field(default_factory=dict)
    kinds: list[KindLine] = field(default_factory=list)
    choices: list[tuple[int, str]] = field(default_factory=list)


FREQUENCY_ZH = {"monthly": "每月", "quarterly": "每季度", "half-yearly": "每半年", "yearly": "每年", "none": "不作要求"}


def _number(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Refused(404, "没有找到这个页面。")
    return int(raw)


def _unit(session: Session, tree: Tree, viewer: Member, asked: int | None) -> tuple[int, list[int]]:
    allowed = tree.units_of(viewer) or [viewer.unit_id]
    mine = branches(session, allowed)
    if asked is None:
        if not mine:
            raise Refused(404, "您所在单位不是党支部，下级也没有党支部，没有三会一课记录可看。")
        return (viewer.unit_id if viewer.unit_id in mine else mine[0]), mine
    if asked not in tree.units:
        raise Refused(404, "没有这个单位。")
    if asked not in allowed:
        raise Refused(403, f"无权查看该单位的三会一课。您可以查看{tree.name(viewer.unit_id)}"
                           f"{'及其下级党支部' if len(allowed) > 1 else ''}的记录。")
    if asked not in mine:
        raise Refused(404, "该单位不是党支部，没有三会一课要求。")
    return asked, mine


def _held(session: Session, unit_id: int, year: int) -> dict[int, list[Held]]:
    q = (select(Meeting, Member.name).join(Member, Member.id == Meeting.reported_by)
         .where(Meeting.unit_id == unit_id, Meeting.withdrawn_at.is_(None),
                Meeting.held_on >= date(year, 1, 1), Meeting.held_on <= date(year, 12, 31))
         .order_by(Meeting.held_on, Meeting.id))
    months: dict[int, list[Held]] = defaultdict(list)
    rows = list(session.exec(q))
    photos = meeting_counts(session, [m.id for m, _ in rows])
    for m, name in rows:
        seats = [f"应到{m.due}人" if m.due is not None else "", f"实到{m.present}人" if m.present is not None else ""]
        months[m.held_on.month].append(Held(str(m.kind), f"{m.held_on.month}月{m.held_on.day}日",
                                            "，".join(s for s in seats if s), m.topic or "", name,
                                            m.id, photos.get(m.id, 0)))
    return months


def _kinds(session: Session, unit_id: int, year: int, today: date, frequencies: dict[str, str]) -> list[KindLine]:
    held = held_days(session, [unit_id], date(year, 1, 1), date(year, 12, 31))[unit_id]
    lines = {kind: KindLine(kind, FREQUENCY_ZH.get(freq, freq), []) for kind, freq in frequencies.items()}
    for p in owed(frequencies, year, held):
        status = "held" if p.held else "missed" if p.missed_by(today) else "running"
        line = lines[p.kind]
        line.periods.append((p, status))
        line.held += status == "held"
        line.missed += status == "missed"
        line.due += status != "running"
    return list(lines.values())


def calendar(session: Session, viewer: Member, query, today: date, frequencies: dict[str, str]) -> Calendar:
    tree = Tree.load(session)
    unit_id, mine = _unit(session, tree, viewer, _number(query.get("unit")))
    year = _number(query.get("year")) or today.year
    if not 2000 <= year <= today.year + 1:
        raise Refused(404, "没有这一年度的记录。")
    return Calendar(unit_id, tree.name(unit_id), year, _held(session, unit_id, year),
                    _kinds(session, unit_id, year, today, frequencies), [(u, tree.name(u)) for u in mine])


async def meetings_page(request: web.Request) -> web.Response:
    frequencies = request.app[CONSOLE].runtime.config.meetings.frequencies()

    def build(session: Session, viewer: Member, now: datetime) -> tuple[str, dict]:
        cal = calendar(session, viewer, request.query, now.date(), frequencies)
        return "meetings.html", {"title": f"{cal.name} {cal.year}年三会一课", "cal": cal,
                                 "MEETING_STATUS": STATUS_ZH, **_dates(now)}

    return await page(request, build)


def add_routes(sub: web.Application) -> None:
    sub.router.add_get("/meetings", meetings_page)

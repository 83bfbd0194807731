"""三会一课 in the pushes: the reminder of a branch behind its frequency (三会一课提醒), and the lines
of the 季督 digest that show each branch's meetings against its frequency.

* **Reminder** (``PushKind.MEETINGS``, once a month, from ``[schedule] meeting_reminder_day``): a
  branch that has not yet held a meeting owed in a period that ends this month (支委会 this month,
  支部党员大会 this quarter when the quarter ends this month …) is told so — its secretaries and
  the member it named to record meetings, one message each, once (the push log); a branch with
  neither is told to the secretary covering it from above, all their branches in one message.
* **季督**: under the secretary's digest, the branches of their units that held fewer meetings in
  the quarter than owed, each with "已召开/应召开" per kind, and how many others are on track.

The frequencies are ``[meetings]``; the records and periods are ``models.meetings``'.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlmodel import Session, select

from bot.config import ScheduleConfig
from bot.fitting import MAX_TEXT_BYTES, byte_size, fit_lines
from models.meetings import branches, ending_in, held_days, recorders, tally
from models.organisation import Tree
from models.tables import SECRETARY_TITLES, Member
from schedules.timetable import Occasion, last_day_of_month

EXAMPLE = "召开后请在聊天中报送，如“今天召开支委会，应到7人实到6人，研究发展党员工作”。"


def _behind(session: Session, year: int, month: int, cfg: ScheduleConfig) -> dict[int, list[str]]:
    """branch → "支委会（11月）" for each period ending this month that has no meeting yet."""
    owed = ending_in(cfg.meetings.frequencies(), date(year, month, 1), last_day_of_month(year, month))
    if not owed:
        return {}
    ids = branches(session)
    held = held_days(session, ids, min(o[2] for o in owed), max(o[3] for o in owed))
    out: dict[int, list[str]] = {}
    for unit_id in ids:
        gaps = [f"{kind}（{label}）" for kind, label, start, end in owed
                if not any(start <= d <= end for d in held[unit_id][kind])]
        if gaps:
            out[unit_id] = gaps
    return out


def _recipients(session: Session, tree: Tree, unit_ids: list[int]) -> dict[int, list[int]]:
    """member id → the branches they are reminded of: each branch's active secretaries and the member
    it named; a branch with neither goes to the secretary covering it from above."""
    found: dict[int, list[int]] = defaultdict(list)
    for m in session.exec(select(Member).where(Member.unit_id.in_(unit_ids), Member.title.in_(SECRETARY_TITLES),
                                               Member.active).order_by(Member.id)):
        found[m.id].append(m.unit_id)
    for unit_id, m in recorders(session, unit_ids).items():
        if unit_id not in found[m.id]:
            found[m.id].append(unit_id)
    covered = {uid for uids in found.values() for uid in uids}
    for unit_id in unit_ids:
        boss = tree.covering_secretary(unit_id) if unit_id not in covered else None
        if boss is not None:
            found[boss.id].append(unit_id)
    return found


def meeting_reminders(session: Session, occ: Occasion, cfg: ScheduleConfig, skip: set[int]) -> list[tuple[Member, str]]:
    """三会一课提醒 of ``occ`` (a month): (recipient, text), one per person, for the branches behind."""
    year, month = int(occ.period[:4]), int(occ.period[5:])
    behind = _behind(session, year, month, cfg)
    if not behind:
        return []
    tree = Tree.load(session)
    found = {mid: uids for mid, uids in _recipients(session, tree, list(behind)).items() if mid not in skip}
    people = {m.id: m for m in session.exec(select(Member).where(Member.id.in_(list(found))))} if found else {}
    out = []
    for member_id, unit_ids in found.items():
        m = people[member_id]
        if len(unit_ids) == 1:
            head = f"【三会一课提醒】{m.name}，{tree.name(unit_ids[0])}以下会议本期尚未召开（本期{month}月底结束）："
            lines = [f"· {gap}" for gap in behind[unit_ids[0]]]
        else:
            head = f"【三会一课提醒】{m.name}，以下支部本期尚有会议未召开（本期{month}月底结束）："
            lines = [f"· {tree.name(uid)}：{'、'.join(behind[uid])}" for uid in unit_ids]
        out.append((m, fit_lines(head, lines, "…及其余{n}项", footer=EXAMPLE)))
    return out


def quarter_section(session: Session, tree: Tree, unit_id: int, period: str, cfg: ScheduleConfig, room: int) -> str:
    """The 季督 lines of the branches in ``unit_id``'s subtree (at most ``room`` bytes; "" when there
    are no branches or no room): those that held fewer meetings than owed, and a count of the rest."""
    year, q = int(period[:4]), int(period[-1])
    owed = ending_in(cfg.meetings.frequencies(), date(year, 3 * q - 2, 1), last_day_of_month(year, 3 * q))
    counts = tally(session, tree.subtree(unit_id), owed)
    if not counts or room <= 0:
        return ""
    behind = [uid for uid in tree.subtree(unit_id) if uid in counts
              and any(done < due for done, due in counts[uid].values())]
    head = f"三会一课（第{q}季度，已召开/应召开）："
    if not behind:
        done = "均按要求召开" if len(counts) == 1 else f"{len(counts)}个支部均按要求召开"
        return fit_lines(head, [done], "", limit=room) if byte_size(head) < room else ""

    def line(uid: int) -> str:
        parts = "、".join(f"{kind}{done}/{due}" for kind, (done, due) in counts[uid].items())
        return f"· {tree.name(uid)}：{parts}"

    rest = len(counts) - len(behind)
    footer = f"其余{rest}个支部均按要求召开" if rest else ""
    text = fit_lines(head, [line(uid) for uid in behind], "…及其余{n}个支部未按要求召开", footer=footer, limit=room)
    return text if byte_size(text) <= room else ""


def with_quarter_section(session: Session, digests: list[tuple[Member, str]], period: str,
                         cfg: ScheduleConfig) -> list[tuple[Member, str]]:
    """Each 季督 text with its 三会一课 lines after it, within one message."""
    if not digests or not cfg.meetings.in_quarterly:
        return digests
    tree = Tree.load(session)
    out = []
    for boss, text in digests:
        section = quarter_section(session, tree, boss.unit_id, period, cfg, MAX_TEXT_BYTES - byte_size(text) - 1)
        out.append((boss, f"{text}\n{section}" if section else text))
    return out

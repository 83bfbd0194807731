"""Members who left: their unfinished items, listed to whoever must name someone in their place.

An import that marks a member 离开 (the 党员 sheet's 状态 column) takes them off the rolls: no
pushes, no notices, not a non-reporter. Their unfinished items stay theirs, and would be forgotten,
until someone else is named as owner. So ``qingdan import`` prints them and tells, in one message
each, the secretary who answers for the leaver (``Tree.responsible_for``: the nearest secretary
above, never the leaver) — or, where no secretary is above, the administrators.

The message goes through the push log like any push (occasion ``reassign:<account>:<local day>``,
``schedules.delivery``): an import repeated the same day does not tell anyone twice, two leavers
under one secretary arrive as one message, and a failed send shows in ``qingdan outbox`` and is
resent by ``qingdan outbox --retry``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.fitting import fit_lines
from bot.texts import LEAVER_ITEMS_FOOTER, LEAVER_ITEMS_HEAD, LEAVER_ITEMS_MORE, item_line
from models.db import session_scope
from models.lookups import item_sort_key, live
from models.organisation import Tree
from models.tables import FINISHED, Item, Member
from schedules.delivery import Tally, deliver_parcels, parcels_of
from schedules.digests import Push


@dataclass
class Reassignment:
    """A leaver's unfinished items and who is told about them."""

    leaver: Member
    unit: str
    items: list[Item]
    told: list[Member]          # the secretary responsible, or the administrators


def find(session: Session, accounts: list[str], at: datetime, tz: ZoneInfo) -> list[Reassignment]:
    """The leavers among ``accounts`` who still own unfinished items, with whom to tell.

    Args:
        session: an open session (read only).
        accounts: the accounts an import marked 离开 (``ImportSummary.left``).
        at: now; its year decides which items are live (``models.lookups.live``).
        tz: the configured zone.
    Returns:
        One ``Reassignment`` per leaver with unfinished items, in the order of ``accounts``.
    """
    if not accounts:
        return []
    year = at.astimezone(tz).year
    tree = Tree.load(session)
    admins = list(session.exec(select(Member).where(Member.is_admin, Member.active).order_by(Member.id)))
    leavers = {m.account: m for m in session.exec(select(Member).where(Member.account.in_(accounts)))}
    out = []
    for account in accounts:
        leaver = leavers.get(account)
        if leaver is None or leaver.active:
            continue
        items = sorted(session.exec(select(Item).where(Item.owner_id == leaver.id, live(year),
                                                       Item.status.not_in(FINISHED))).all(), key=item_sort_key)
        if not items:
            continue
        boss = tree.responsible_for(leaver)
        told = [boss] if boss is not None else [a for a in admins if a.id != leaver.id]
        out.append(Reassignment(leaver, tree.name(leaver.unit_id), items, told))
    return out


def message(r: Reassignment, to: Member, today) -> str:
    """The message to ``to`` about one leaver, within one WeCom text."""
    head = LEAVER_ITEMS_HEAD.format(to=to.name, name=r.leaver.name, unit=r.unit, n=len(r.items))
    lines = [item_line(n, item, today) for n, item in enumerate(r.items, 1)]
    return fit_lines(head, lines, LEAVER_ITEMS_MORE, LEAVER_ITEMS_FOOTER)


def occasion(r: Reassignment, at: datetime, tz: ZoneInfo) -> str:
    """"reassign:zheng:2026-11-22": one message per leaver, recipient and day."""
    return f"reassign:{r.leaver.account}:{at.astimezone(tz):%Y-%m-%d}"


def report_lines(found: list[Reassignment]) -> list[str]:
    """What ``qingdan import`` prints: each leaver, whom they are listed to, their items."""
    if not found:
        return []
    out = [f"离开人员名下仍有未完成事项，需重新指定责任人（共{len(found)}人）："]
    for r in found:
        told = "、".join(m.name for m in r.told) or "（无书记、无管理员可告知）"
        out.append(f"  {r.leaver.name}（{r.unit}）{len(r.items)}项，已列给{told}：")
        out.extend(f"    [{i.code}] {i.title}" for i in r.items)
    return out


async def tell(engine: Engine, sender, found: list[Reassignment], at: datetime, tz: ZoneInfo) -> Tally:
    """Send each secretary (or administrator) the leavers' items, each once; the totals."""
    today = at.astimezone(tz).date()
    by_occasion = [(occasion(r, at, tz), [Push(to.id, to.account, message(r, to, today)) for to in r.told])
                   for r in found]
    tallies = await deliver_parcels(engine, sender, parcels_of(by_occasion), at)
    total = Tally()
    for t in tallies.values():
        total += t
    return total


def find_in(engine: Engine, accounts: list[str], at: datetime, tz: ZoneInfo) -> list[Reassignment]:
    """``find`` in a session of its own (the objects stay readable after it closes)."""
    with session_scope(engine) as s:
        found = find(s, accounts, at, tz)
        s.expunge_all()
    return found

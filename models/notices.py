"""Notices with care: who may send to whom, the draft a preview leaves, 确认, the receipts.

* **Who sends to whom.** An administrator sends to the whole organisation, any unit, or all the
  secretaries; a secretary to their own unit and the units below it (and to the secretaries there).
  A notice to a unit includes the units below unless it says "仅本单位" (``include_below``).
  Recipients are active members (``Member.active``), never the sender.
* **Draft → sent | cancelled.** The preview leaves a ``Notice`` with status ``draft``. The sender's
  "确认" within ``DRAFT_TTL`` sends it (``confirm``: the status changes in a conditional update, so
  two 确认 racing send it once) and writes one ``NoticeReceipt`` per recipient; anything else the
  sender says cancels it (``cancel_drafts``); a 确认 too late finds it expired.
* **Receipts.** "收到" acknowledges the member's latest notice not yet acknowledged
  (``acknowledge``), a tap on a notice's card that notice (``acknowledge_notice``); ``receipts`` counts, per unit, who has and who has not.

Recipients are worked out again at 确认 from the stored scope (``audience_of``), so a preview and
its sending agree unless the rolls changed in between. Unit names are read as people say them
(``bot.nlu.scopes``: 第一支部 / 一支部 for 第一党支部).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, insert, update
from sqlmodel import Session, select

from bot.nlu.notices import AudienceKind
from bot.nlu.notices import Notice as NoticeWords
from bot.nlu.scopes import closest_units, unit_index
from models.organisation import Tree
from models.tables import SECRETARY_TITLES, Member, Notice, NoticeReceipt, NoticeScope, NoticeStatus

DRAFT_TTL = timedelta(minutes=10)
RECENT = 5          # notices summed up briefly by "通知收到情况"


@dataclass
class Audience:
    """Whom a notice goes to: its stored scope, how it reads, and the recipients."""

    scope: NoticeScope
    unit_id: int | None               # None: the whole organisation
    include_below: bool
    label: str                        # "全体党员", "第一党支部及下级单位", "机关党委及下级单位的书记"
    members: list[Member] = field(default_factory=list)
    units: list[tuple[str, int]] = field(default_factory=list)   # (unit name, recipients), down the tree
    narrowed: str = ""                # what was asked for when it reaches further ("全体党员"): the preview says so


# --- units by name ----------------------------------------------------------------------------------

def find_unit(tree: Tree, name: str) -> int | None:
    """The unit ``name`` means: its full name, a short form (一支部, 第一支部), or the one unit
    whose name contains it."""
    names = {u.name: uid for uid, u in tree.units.items()}
    if name in names:
        return names[name]
    full = unit_index(names).get(name)
    if full:
        return names[full]
    containing = [uid for n, uid in names.items() if name and name in n]
    return containing[0] if len(containing) == 1 else None


def no_such_unit(tree: Tree, name: str, noun: str = "组织") -> str:
    """"没有找到组织“…”", with the closest names (``noun`` "" for "没有找到“…”")."""
    near = closest_units(name, [u.name for u in tree.units.values()])
    return f"没有找到{noun}“{name}”。" + (f"相近的有：{'、'.join(near)}。" if near else "请写单位全称或简称，如“第一支部”。")


def outside_units(who: str, not_done: str, instead: str) -> str:
    """A refusal for a unit or person outside the asker's units, one style for all: who, why,
    what was not done, what the asker can do instead."""
    return f"{who}不在您负责的单位范围内，{not_done}。{instead}"


def scope_label(tree: Tree, member: Member) -> str:
    """The units a member acts on, as they read: "全机关", "第一党支部及下级单位", "第一党支部"."""
    if member.is_admin:
        return "全机关"
    below = len(tree.subtree(member.unit_id)) > 1
    return tree.name(member.unit_id) + ("及下级单位" if below else "")


# --- audience -----------------------------------------------------------------------------------

def _label(tree: Tree, scope: NoticeScope, unit_id: int | None, include_below: bool) -> str:
    if unit_id is None:
        return "全体书记" if scope == NoticeScope.SECRETARIES else "全体党员"
    unit = tree.name(unit_id) + ("及下级单位" if include_below and len(tree.subtree(unit_id)) > 1 else "")
    return f"{unit}的书记" if scope == NoticeScope.SECRETARIES else unit


def _recipients(session: Session, tree: Tree, scope: NoticeScope, unit_id: int | None, include_below: bool,
                sender_id: int) -> list[Member]:
    q = select(Member).where(Member.active, Member.id != sender_id)
    if unit_id is not None:
        q = q.where(Member.unit_id.in_(tree.subtree(unit_id) if include_below else [unit_id]))
    if scope == NoticeScope.SECRETARIES:
        q = q.where(Member.title.in_(SECRETARY_TITLES))
    return list(session.exec(q.order_by(Member.id)))


def _audience(session: Session, tree: Tree, scope: NoticeScope, unit_id: int | None, include_below: bool,
              sender_id: int) -> Audience:
    members = _recipients(session, tree, scope, unit_id, include_below, sender_id)
    per_unit = Counter(m.unit_id for m in members)
    order = tree.in_order()
    units = [(tree.name(uid), per_unit[uid]) for uid in order if per_unit[uid]]
    units += [("其他", n) for uid, n in per_unit.items() if uid not in tree.units]
    return Audience(scope, unit_id, include_below, _label(tree, scope, unit_id, include_below), members, units)


def audience_of(session: Session, tree: Tree, notice: Notice) -> Audience:
    """The recipients of a stored notice, worked out now from its scope."""
    return _audience(session, tree, NoticeScope(notice.scope), notice.unit_id, notice.include_below,
                     notice.sender_id)


def may_send(member: Member) -> bool:
    """Administrators and secretaries send notices."""
    return member.is_admin or member.is_secretary


def _narrowed(audience: Audience, asked: str) -> Audience:
    audience.narrowed = asked
    return audience


def plan(session: Session, tree: Tree, sender: Member, words: NoticeWords) -> Audience | str:
    """The audience the notice's words name, within what the sender may reach; or why not.

    A secretary's "全体党员" is their own unit and those below; their "全体书记" the secretaries
    there — narrowed, and the audience says so (``Audience.narrowed``) for the preview to tell."""
    whole = sender.is_admin
    below = not words.only_unit
    kind = words.audience
    if kind is AudienceKind.EVERYONE:
        if whole:
            return _audience(session, tree, NoticeScope.EVERYONE, None, True, sender.id)
        return _narrowed(_audience(session, tree, NoticeScope.UNIT, sender.unit_id, below, sender.id), "全体党员")
    if kind is AudienceKind.SECRETARIES:
        if whole:
            return _audience(session, tree, NoticeScope.SECRETARIES, None, True, sender.id)
        return _narrowed(_audience(session, tree, NoticeScope.SECRETARIES, sender.unit_id, True, sender.id), "全体书记")
    if kind is AudienceKind.OWN_UNIT:
        return _audience(session, tree, NoticeScope.UNIT, sender.unit_id, below, sender.id)
    unit_id = find_unit(tree, words.target)
    if unit_id is None:
        return no_such_unit(tree, words.target) + "本条未发送。"
    if not whole and unit_id not in tree.subtree(sender.unit_id):
        return outside_units(tree.name(unit_id), "本条未发送", f"您可向{scope_label(tree, sender)}发通知。")
    return _audience(session, tree, NoticeScope.UNIT, unit_id, below, sender.id)


# --- draft, 确认, cancel ------------------------------------------------------------------------------

def draft(session: Session, sender: Member, audience: Audience, body: str, words: str, at: datetime) -> Notice:
    """The notice previewed to its sender, waiting for 确认."""
    row = Notice(sender_id=sender.id, scope=audience.scope, unit_id=audience.unit_id,
                 include_below=audience.include_below, text=body, words=words, created_at=at,
                 recipients=len(audience.members), status=NoticeStatus.DRAFT)
    session.add(row)
    session.flush()
    return row


def pending_draft(session: Session, sender_id: int) -> Notice | None:
    """The sender's latest notice still waiting for 确认."""
    return session.exec(select(Notice).where(Notice.sender_id == sender_id, Notice.status == NoticeStatus.DRAFT)
                        .order_by(Notice.id.desc())).first()


def expired(notice: Notice, at: datetime) -> bool:
    """Whether 确认 at ``at`` comes too late for the draft."""
    return at - notice.created_at > DRAFT_TTL


def _move(session: Session, notice: Notice, to: NoticeStatus, **values) -> bool:
    """Draft → ``to`` in one conditional update; False when it is no longer a draft."""
    res = session.connection().execute(
        update(Notice).where(Notice.id == notice.id, Notice.status == NoticeStatus.DRAFT)
        .values(status=to, **values))
    session.expire(notice)
    return res.rowcount == 1


def cancel_drafts(session: Session, sender_id: int) -> list[Notice]:
    """Cancel every draft of the sender; the ones cancelled, latest first."""
    drafts = session.exec(select(Notice).where(Notice.sender_id == sender_id, Notice.status == NoticeStatus.DRAFT)
                          .order_by(Notice.id.desc())).all()
    return [n for n in drafts if _move(session, n, NoticeStatus.CANCELLED)]


def confirm(session: Session, notice: Notice, audience: Audience, at: datetime) -> Audience | None:
    """Send the draft to ``audience`` (``audience_of`` it): mark it sent, one receipt per
    recipient; None when it was no longer a draft (sent by a 确认 racing this one, or cancelled)."""
    if not _move(session, notice, NoticeStatus.SENT, sent_at=at, recipients=len(audience.members)):
        return None
    if audience.members:
        session.connection().execute(insert(NoticeReceipt.__table__),
                                     [{"notice_id": notice.id, "member_id": m.id} for m in audience.members])
    return audience


# --- 收到 and 通知收到情况 ----------------------------------------------------------------------------

def _unacknowledged(member_id: int):
    return (select(NoticeReceipt, Notice).join(Notice, Notice.id == NoticeReceipt.notice_id)
            .where(NoticeReceipt.member_id == member_id, NoticeReceipt.acknowledged_at.is_(None),
                   Notice.status == NoticeStatus.SENT))


def acknowledge(session: Session, member_id: int, at: datetime) -> tuple[Notice | None, int]:
    """Acknowledge the member's latest notice not yet acknowledged: (that notice or None, how many
    are still unacknowledged after it)."""
    rows = session.exec(_unacknowledged(member_id).order_by(Notice.sent_at.desc(), Notice.id.desc())).all()
    for receipt, notice in rows:
        res = session.connection().execute(
            update(NoticeReceipt).where(NoticeReceipt.id == receipt.id, NoticeReceipt.acknowledged_at.is_(None))
            .values(acknowledged_at=at))
        if res.rowcount == 1:
            session.expire(receipt)
            return notice, len(rows) - 1
    return None, 0


def acknowledge_notice(session: Session, notice_id: int, member_id: int, at: datetime) -> bool | None:
    """Acknowledge one notice (a tap on its card): True when now acknowledged, False when it was
    before, None when the member is not among its recipients."""
    res = session.connection().execute(
        update(NoticeReceipt).where(NoticeReceipt.notice_id == notice_id, NoticeReceipt.member_id == member_id,
                                    NoticeReceipt.acknowledged_at.is_(None)).values(acknowledged_at=at))
    if res.rowcount == 1:
        return True
    held = session.exec(select(NoticeReceipt.id).where(NoticeReceipt.notice_id == notice_id,
                                                       NoticeReceipt.member_id == member_id)).first()
    return False if held is not None else None


@dataclass
class UnitReceipts:
    """One unit's share of a notice: recipients, how many acknowledged, who has not."""

    name: str
    total: int
    acknowledged: int
    missing: list[str]


@dataclass
class Receipts:
    notice: Notice
    total: int
    acknowledged: int
    units: list[UnitReceipts]


def sent_notices(session: Session, sender_id: int, limit: int = RECENT) -> list[Notice]:
    """The sender's notices sent, latest first."""
    return list(session.exec(select(Notice).where(Notice.sender_id == sender_id, Notice.status == NoticeStatus.SENT)
                             .order_by(Notice.sent_at.desc(), Notice.id.desc()).limit(limit)))


def tallies(session: Session, notice_ids: list[int]) -> dict[int, tuple[int, int]]:
    """notice id → (recipients, acknowledged), in one query."""
    rows = session.exec(select(NoticeReceipt.notice_id, func.count(NoticeReceipt.id),
                               func.count(NoticeReceipt.acknowledged_at))
                        .where(NoticeReceipt.notice_id.in_(notice_ids)).group_by(NoticeReceipt.notice_id))
    return {nid: (total, acked) for nid, total, acked in rows}


def receipts(session: Session, tree: Tree, notice: Notice) -> Receipts:
    """Per unit (down the tree, by each recipient's unit now): how many acknowledged, who has not."""
    rows = session.exec(select(NoticeReceipt, Member).join(Member, Member.id == NoticeReceipt.member_id)
                        .where(NoticeReceipt.notice_id == notice.id).order_by(Member.id)).all()
    by_unit: dict[int, list[tuple[NoticeReceipt, Member]]] = {}
    for receipt, member in rows:
        by_unit.setdefault(member.unit_id, []).append((receipt, member))
    order = [uid for uid in tree.in_order() if uid in by_unit] + [uid for uid in by_unit if uid not in tree.units]
    units = [UnitReceipts(tree.name(uid) or "其他", len(by_unit[uid]),
                          sum(1 for r, _ in by_unit[uid] if r.acknowledged_at is not None),
                          [m.name for r, m in by_unit[uid] if r.acknowledged_at is None]) for uid in order]
    return Receipts(notice, len(rows), sum(u.acknowledged for u in units), units)

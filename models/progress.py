"""The rules that change an item's state or a member's report — one place for every path (chat,
workbook, demo, schedules). Each change keeps who, when and the words typed (``ProgressUpdate``)
and can be undone by the person who made it (``models.corrections``).

The rules of one update (``record_progress``):

* **consistent state** — status, percent and count never contradict: an unquantified item is done
  exactly when it is at 100%; a figure below 100 means in progress (it wins over a bare 已完成),
  0 with nothing else means not started. A quantified duty (目标次数) is done exactly when its
  count reaches the target ("13/12次（已超额）" beyond it); its percent follows the count, and a
  bare 已完成 below the target is not taken (the bot says how to report the count). An unquantified
  item reported held ("开了1次") is done — but a rectification only in progress: only words saying
  it is done (整改到位, or 100%) make a rectification done and ask its secretary to close it off.
* **counts and totals** — a count (``count``) is how many more times, positive; a running total
  (``total``, "今年已召开8次") sets the count. Both given: the total is what is kept.
* **going back** from done (or in-progress-at-100) needs a reply that names the item; it is then
  applied and shown as such. The item the bot merely had in mind is never reopened. An update
  that takes an item back (from finished, or to a lower count or percentage) is read back to the
  member before it is stored (``preview``'s ``backwards``; ``handlers.summary``).
* **closed off** (已销号) rectifications are never changed through progress. Only a secretary
  answering for the owner reviews a rectification, never their own: ``close_off`` closes a done
  one, ``send_back`` (退回) returns a done one to 进行中 and ``reopen`` (重开) a closed one — both
  with a reason, reopening only by the secretary who closed it off.
* **atomic** — the item row is re-read under a row lock (``SELECT … FOR UPDATE`` on PostgreSQL;
  SQLite serialises writing transactions) before it changes, so concurrent replies never lose an
  update. (Not on SQLite in a transaction that began by writing, as a callback's does: what it
  read is the latest committed state already; ``lock``.) The item's row and the update are
  written at once, each by one statement (``models.rows``), not by the session's flush.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.nlu.model import Update
from models.db import insert_one_ignoring, reads_are_current
from models.lookups import month_key
from models.organisation import Tree
from models.rows import insert_values, set_columns
from models.tables import (
    Item,
    ItemKind,
    ItemStatus,
    Member,
    MonthlyReport,
    ProgressUpdate,
    UpdateAction,
)


def mark_reported(session: Session, member: Member, at: datetime, words: str, tz: ZoneInfo) -> bool:
    """Record that ``member`` reported for the month of ``at``; True when this is the month's first
    report (the one kept), False when the month was reported before. The first report stands: one
    INSERT … ON CONFLICT DO NOTHING on (member, month), so a concurrent report of the same person
    waits for the other transaction and then finds the month reported."""
    conn = session.connection()
    made = conn.execute(insert_one_ignoring(conn.dialect.name, MonthlyReport.__table__, ("member_id", "month"),
                                            ("member_id", "month", "reported_at", "words")), {
        "member_id": member.id, "month": month_key(at, tz), "reported_at": at, "words": words}).scalar()
    return made is not None


@dataclass
class Change:
    """What one update did (or why it did nothing) to one item, for the reply the person reads."""

    item: Item
    update_id: int | None               # the ProgressUpdate written; None: nothing was written
    note: str = ""                      # e.g. why a 销号 became 已完成, why nothing changed

    @property
    def applied(self) -> bool:
        return self.update_id is not None


@dataclass
class _State:
    status: ItemStatus
    percent: int
    count: int


def lock(session: Session, item: Item) -> Item:
    """Re-read ``item`` under a row lock, so what follows works on its latest committed state —
    unless it is that already: on SQLite, in a transaction that began by writing (a callback's,
    ``models.db.wrote_first``), every row read came from the latest committed state and no other
    writer can change it before the transaction ends."""
    if item.id is not None and item in session and not reads_are_current(session):
        session.flush()         # a refresh would otherwise drop this session's own pending changes
        session.refresh(item, with_for_update=True)
    return item


def _new_state(item: Item, status: ItemStatus | None, percent: int | None, count: int | None,
               total: int | None) -> tuple[_State, str]:
    """The item's state after an update (before the going-back and closed-off checks), and a note."""
    note = ""
    new = _State(ItemStatus(item.status), item.percent, item.done_count)
    if item.target_count:
        if total is not None:
            new.count = total
        elif count:
            new.count = item.done_count + count
        counted = total is not None or bool(count)
        if counted:
            new.percent = min(100, round(100 * new.count / item.target_count))
        elif percent is not None:
            new.percent = percent       # a percentage reported in words shows beside the count
        if new.count >= item.target_count:
            new.status, new.percent = ItemStatus.DONE, 100
        elif status == ItemStatus.DONE or (percent == 100 and not counted):
            note = (f"该项为定量任务，完成次数达到{item.target_count}次即记为已完成；"
                    f"如已完成，请回复如“今年已开展{item.target_count}次”")
            new.percent = min(new.percent, 99) if not counted else new.percent
            new.status = ItemStatus.IN_PROGRESS if new.count or counted else ItemStatus(item.status)
        elif status is not None:
            new.status = ItemStatus.IN_PROGRESS if status == ItemStatus.NOT_STARTED and new.count else status
        elif counted or percent is not None:
            new.status = ItemStatus.IN_PROGRESS
        elif new.status == ItemStatus.DONE:
            new.status = ItemStatus.IN_PROGRESS     # below the target after a lower total
        return new, note
    if percent is not None:
        new.percent = percent
        if status in (None, ItemStatus.DONE, ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS):
            status = (ItemStatus.DONE if percent >= 100 else ItemStatus.NOT_STARTED if percent == 0 and status is None
                      else ItemStatus.IN_PROGRESS)
    elif count and status is None:      # an unquantified item "held" is done; a rectification is not
        status = ItemStatus.IN_PROGRESS if item.kind == ItemKind.RECTIFICATION else ItemStatus.DONE
    if status is not None:
        new.status = status
        if status == ItemStatus.DONE:
            new.percent = 100
        elif status == ItemStatus.NOT_STARTED:
            new.percent = 0
        elif new.percent >= 100:
            new.percent = 0 if percent is None else min(percent, 99)
    return new, note


@dataclass
class Preview:
    """What one update would do to an item, worked out without writing: the item's state after it
    (None: it would change nothing, ``note`` says why), whether it takes the item back, and a note."""

    status: ItemStatus | None
    percent: int = 0
    count: int = 0
    note: str = ""
    backwards: bool = False

    @property
    def changes(self) -> bool:
        return self.status is not None


def _inputs(update: Update) -> tuple[ItemStatus | None, int | None, int | None, int | None]:
    status = ItemStatus(update.status) if update.status else None
    percent = max(0, min(100, int(update.percent))) if update.percent is not None else None
    count = int(update.count) if update.count is not None and int(update.count) > 0 else None
    total = int(update.total) if update.total is not None and int(update.total) >= 0 else None
    return status, percent, count, total


def preview(item: Item, update: Update, named: bool = True) -> Preview:
    """The rules of ``record_progress`` applied to ``item`` as it is now, nothing written.

    ``backwards``: the update takes the item back — from finished to not finished (the rule
    below that needs a named item), or to a lower count or a lower percentage. A reply doing
    that is read back before it is stored (``handlers.summary``)."""
    status, percent, count, total = _inputs(update)
    if item.status == ItemStatus.CLOSED:
        return Preview(None, note="该整改事项已销号，不能再更改；如需重开，请联系书记")
    note = ""
    if status == ItemStatus.CLOSED:
        if item.kind != ItemKind.RECTIFICATION:
            status, note = ItemStatus.DONE, "销号只适用于整改事项，已记为完成"
        else:
            status, note = ItemStatus.DONE, "已记为整改完成，销号需由上级书记核实后办理"
    new, rule_note = _new_state(item, status, percent, count, total)
    note = note or rule_note
    was_finished = item.status == ItemStatus.DONE or item.percent >= 100 and not item.target_count
    going_back = was_finished and (new.status != ItemStatus.DONE or new.percent < 100 or new.count < item.done_count)
    if going_back and not named:
        return Preview(None, note="该项已完成；如需改回，请写明是哪一项，如“第2项还在进行中”")
    if going_back:
        note = note or f"已由“已完成”改回“{new.status.zh}”"
    if (new.status, new.percent, new.count) == (item.status, item.percent, item.done_count) and not count:
        return Preview(None, note=note or "与当前记录相同，未作更改")
    backwards = going_back or new.count < item.done_count or new.percent < item.percent
    return Preview(new.status, new.percent, new.count, note, backwards)


def record_progress(
    session: Session,
    *,
    item: Item,
    member: Member,
    at: datetime,
    words: str,
    update: Update,
    msg_id: str | None = None,
    named: bool = True,
    action: UpdateAction = UpdateAction.UPDATE,
    confirmed_at: datetime | None = None,
) -> Change:
    """Apply one understood update (reply understanding's ``Update``: status, percent, count,
    total) to ``item`` by the rules above; keep who, when and the words.

    ``named`` says whether the reply named this item (position, 编号, title); an update applied to
    the item the bot had in mind has ``named=False`` and may not take a finished item back.
    ``confirmed_at``: the member confirmed it after it was read back to them (kept on the row).
    """
    lock(session, item)
    after = preview(item, update, named)
    if not after.changes:
        return Change(item, None, after.note)
    before = _State(ItemStatus(item.status), item.percent, item.done_count)
    set_columns(session, item, status=after.status, percent=after.percent, done_count=after.count,
                updated_at=at, updated_words=words)
    update_id = insert_values(
        session, ProgressUpdate, item_id=item.id, member_id=member.id, at=at, words=words, msg_id=msg_id,
        action=action, status_before=before.status, status_after=after.status, percent_before=before.percent,
        percent_after=after.percent, count_before=before.count, count_after=after.count,
        count_added=max(0, after.count - before.count), confirmed_at=confirmed_at)
    return Change(item=item, update_id=update_id, note=after.note)


class ReviewRefused(Exception):
    """Why a secretary's 销号 / 退回 / 重开 cannot be done, in Chinese."""


def _check_reviewer(session: Session, item: Item, secretary: Member) -> None:
    """Only a secretary answering for the owner's unit reviews a rectification, never their own."""
    if item.kind != ItemKind.RECTIFICATION:
        raise ReviewRefused("只有整改事项需要销号")
    if not secretary.is_secretary:
        raise ReviewRefused("销号、退回、重开需由书记办理")
    if item.owner_id == secretary.id:
        raise ReviewRefused("不能为本人负责的整改事项销号，需由上级书记核实销号")
    if item.unit_id not in Tree.load(session).units_of(secretary):
        raise ReviewRefused("该整改事项不在您负责的单位范围内")


def _review(session: Session, item: Item, secretary: Member, at: datetime, words: str, msg_id: str | None,
            action: UpdateAction, status: ItemStatus, percent: int) -> Change:
    update_id = insert_values(
        session, ProgressUpdate, item_id=item.id, member_id=secretary.id, at=at, words=words, msg_id=msg_id,
        action=action, status_before=item.status, status_after=status, percent_before=item.percent,
        percent_after=percent, count_before=item.done_count, count_after=item.done_count)
    set_columns(session, item, status=status, percent=percent, updated_at=at, updated_words=words)
    return Change(item=item, update_id=update_id)


def close_off(session: Session, *, item: Item, secretary: Member, at: datetime, words: str,
              msg_id: str | None = None) -> Change:
    """整改销号: a secretary answering for the owner verifies a done rectification and closes it off.

    Raises ReviewRefused (with the reason in Chinese) when it may not be closed off."""
    lock(session, item)
    _check_reviewer(session, item, secretary)
    if item.status == ItemStatus.CLOSED:
        raise ReviewRefused("此前已销号")
    if item.status != ItemStatus.DONE:
        raise ReviewRefused(f"目前为“{ItemStatus(item.status).zh}”，整改完成后才能销号")
    return _review(session, item, secretary, at, words, msg_id, UpdateAction.CLOSE_OFF, ItemStatus.CLOSED, 100)


def send_back(session: Session, *, item: Item, secretary: Member, at: datetime, words: str, reason: str,
              msg_id: str | None = None) -> Change:
    """退回: a rectification reported done goes back to 进行中, at the figure it had before, with a reason."""
    lock(session, item)
    _check_reviewer(session, item, secretary)
    if not reason:
        raise ReviewRefused("请写明退回原因，如“退回 Z-2 原因：台账不全”")
    if item.status != ItemStatus.DONE:
        raise ReviewRefused(f"目前为“{ItemStatus(item.status).zh}”，只有报告已完成、待销号的整改事项可以退回")
    done = session.exec(select(ProgressUpdate).where(
        ProgressUpdate.item_id == item.id, ProgressUpdate.status_after == ItemStatus.DONE)
        .order_by(ProgressUpdate.id.desc())).first()
    percent = done.percent_before if done is not None and done.percent_before < 100 else 0
    return _review(session, item, secretary, at, words, msg_id, UpdateAction.RETURN, ItemStatus.IN_PROGRESS, percent)


def reopen(session: Session, *, item: Item, secretary: Member, at: datetime, words: str, reason: str,
           msg_id: str | None = None) -> Change:
    """重开: only the secretary who closed a rectification off reopens it, with a reason."""
    lock(session, item)
    _check_reviewer(session, item, secretary)
    if not reason:
        raise ReviewRefused("请写明重开原因，如“重开 Z-2 原因：复查发现问题反弹”")
    if item.status != ItemStatus.CLOSED:
        raise ReviewRefused(f"目前为“{ItemStatus(item.status).zh}”，只有已销号的整改事项可以重开")
    closing = session.exec(select(ProgressUpdate).where(
        ProgressUpdate.item_id == item.id, ProgressUpdate.action == UpdateAction.CLOSE_OFF)
        .order_by(ProgressUpdate.id.desc())).first()
    if closing is not None and closing.member_id != secretary.id:
        raise ReviewRefused("只有办理销号的书记可以重开")
    return _review(session, item, secretary, at, words, msg_id, UpdateAction.REOPEN, ItemStatus.IN_PROGRESS, 0)


def add_reason(session: Session, *, item: Item, member: Member, words: str, reason: str) -> bool:
    """What is in the way, kept with the member's standing update of ``item`` made with ``words``
    ("[按钮] 遇到困难" → "[按钮] 遇到困难：缺少场地"), and with the item's 最近更新 if that is the
    one. False when no such update stands (undone meanwhile)."""
    row = session.exec(select(ProgressUpdate).where(
        ProgressUpdate.item_id == item.id, ProgressUpdate.member_id == member.id, ProgressUpdate.words == words,
        ProgressUpdate.undone_at.is_(None), ProgressUpdate.action == UpdateAction.UPDATE)
        .order_by(ProgressUpdate.id.desc())).first()
    if row is None:
        return False
    kept = f"{words}：{reason}"
    set_columns(session, row, words=kept)
    if item.updated_words == words:
        set_columns(session, item, updated_words=kept)
    return True

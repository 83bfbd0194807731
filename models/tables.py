"""The tables. Every state change keeps who, when and the words typed.

Times are stored as timezone-aware UTC datetimes (``AwareDateTime``); code converts to the
configured zone for anything a user reads.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Index, UniqueConstraint, text, true
from sqlmodel import Column, Field, SQLModel

from bot.statuses import STATUS_ZH
from models.columns import AwareDateTime, EnumText, utcnow  # noqa: F401 - also imported from here
from models.columns import at_field as _at
from models.columns import enum_field as _enum
from models.stars import total_of


class UnitKind(StrEnum):
    PARTY_GROUP = "党组"
    ORGAN_COMMITTEE = "机关党委"
    GENERAL_BRANCH = "党总支"
    BRANCH = "党支部"


class ItemKind(StrEnum):
    RESPONSIBILITY = "responsibility"
    PROJECT = "project"
    RECTIFICATION = "rectification"


class ItemStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    CLOSED = "closed"

    @property
    def zh(self) -> str:
        """How the status reads: 未开始 / 进行中 / 已完成 / 受阻 / 已销号."""
        return STATUS_ZH[self]

    @property
    def finished(self) -> bool:
        """Done or closed off: nothing more is owed."""
        return self in (ItemStatus.DONE, ItemStatus.CLOSED)


FINISHED = (ItemStatus.DONE, ItemStatus.CLOSED)


class Title(StrEnum):
    """职务: three levels of secretary (三级书记) and the others."""

    PARTY_GROUP_SECRETARY = "党组书记"
    COMMITTEE_SECRETARY = "机关党委书记"
    BRANCH_SECRETARY = "支部书记"
    PARTY_GROUP_MEMBER = "党组成员"
    MEMBER = "党员"

    @property
    def is_secretary(self) -> bool:
        return self in SECRETARY_TITLES


SECRETARY_TITLES = (Title.PARTY_GROUP_SECRETARY, Title.COMMITTEE_SECRETARY, Title.BRANCH_SECRETARY)
TITLES = tuple(t.value for t in Title)


class PushStatus(StrEnum):
    """A push log row: pending → sent | failed | invalid; pending left by a dead process → unknown."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"          # WeCom answered with an error: retried by later runs
    INVALID = "invalid"        # WeCom named the account invalid: not retried
    UNKNOWN = "unknown"        # claimed by a process that died mid-send: maybe sent, never resent


class UpdateAction(StrEnum):
    """What a ProgressUpdate row records."""

    UPDATE = "update"          # a reply's progress
    UNDO = "undo"              # "撤回": an earlier update reverted
    CORRECT = "correct"        # "不对，是第3项": the last update moved to another item
    CLOSE_OFF = "close_off"    # 整改销号 by a secretary
    RETURN = "return"          # 退回: a secretary sends a reported-done rectification back, with a reason
    REOPEN = "reopen"          # 重开: the secretary who closed it off reopens it, with a reason


class NoticeScope(StrEnum):
    EVERYONE = "all"
    SECRETARIES = "secretaries"
    UNIT = "unit"


class Unit(SQLModel, table=True):
    """A party organisation: 党组 → 机关党委 → 党总支 → 党支部."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    parent_id: int | None = Field(default=None, foreign_key="unit.id")
    kind: UnitKind = _enum(UnitKind)


def account_key(account: str) -> str:
    """An account as compared: WeCom's userid ignores case ("HDY" and "hdy" are one person), so
    accounts are compared lower-cased everywhere — by this, and in SQL by ``lower(account)``
    (the unique index ``ux_member_account_lower``). Stored and sent to WeCom as written."""
    return account.lower()


class Member(SQLModel, table=True):
    """A person known to the bot by WeCom account (企业微信账号), one per account whatever its case."""

    # The secretaries (``Tree.load``, digests) are a few hundred of thousands of members: found by
    # index; so are the people a question names (``bot.scope``: the names among its substrings).
    # One member per account compared as ``account_key`` does; the senders are found by it.
    __table_args__ = (Index("ix_member_title", "title"), Index("ix_member_name", "name"),
                      Index("ux_member_account_lower", text("lower(account)"), unique=True))

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(unique=True, index=True)
    name: str
    unit_id: int = Field(foreign_key="unit.id", index=True)
    title: Title = _enum(Title, Title.MEMBER)
    is_admin: bool = False
    # 状态 in the workbook: 在册 (True) / 离开 (False). One who left gets no pushes or notices, is
    # not counted as a non-reporter and cannot use the bot; their items wait for reassignment.
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=true()))
    # Conversation memory (owned by models.conversation): the item the bot last spoke to this
    # person about, and what the bot waits for from the person (which item an update is for:
    # "已完成" → "哪一项？" → "第2项"; a notice's 确认).
    context_item_id: int | None = None          # Item.id (no FK: item → member already points back)
    context_at: datetime | None = _at(nullable=True)
    waiting: str | None = None                  # JSON of models.conversation.State
    waiting_at: datetime | None = _at(nullable=True)

    @property
    def is_secretary(self) -> bool:
        return Title(self.title).is_secretary


class Item(SQLModel, table=True):
    """One entry of the three lists (责任清单 / 项目清单 / 整改清单)."""

    __table_args__ = (UniqueConstraint("kind", "code", "year", name="uq_item_kind_code_year"),
                      Index("ix_item_owner_year", "owner_id", "year"),
                      Index("ix_item_unit_year", "unit_id", "year"))

    id: int | None = Field(default=None, primary_key=True)
    kind: ItemKind = _enum(ItemKind, index=True)
    code: str                                     # 编号, unique within its sheet and year
    title: str
    owner_id: int = Field(foreign_key="member.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    year: int = Field(index=True)
    deadline: date | None = None
    target_count: int | None = None            # yearly target of a quantified duty
    done_count: int = 0
    status: ItemStatus = _enum(ItemStatus, ItemStatus.NOT_STARTED)
    percent: int = 0
    measures: str | None = None                # 整改措施
    source: str | None = None                  # 来源 (巡察 / 检查考核 / 日常)
    updated_at: datetime | None = _at(nullable=True)
    updated_words: str | None = None           # the words of the latest update
    # when an import added it (None: before migration 0010); a later addition is numbered after
    # the items of its owner's list of the year (models.lookups.list_order)
    added_at: datetime | None = _at(nullable=True)

    @property
    def is_open(self) -> bool:
        return not ItemStatus(self.status).finished


class ProgressUpdate(SQLModel, table=True):
    """Every change to an item: who, when, the words typed, and what changed."""

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    at: datetime = _at()
    words: str
    msg_id: str | None = None
    status_before: ItemStatus = _enum(ItemStatus)
    status_after: ItemStatus = _enum(ItemStatus)
    percent_before: int
    percent_after: int
    count_added: int = 0
    count_before: int | None = None
    count_after: int | None = None
    action: UpdateAction = Field(default=UpdateAction.UPDATE, sa_column=Column(
        EnumText(UpdateAction), nullable=False, server_default=UpdateAction.UPDATE.value))
    undone_at: datetime | None = _at(nullable=True)   # set when reverted by 撤回 / a correction
    # set when the member confirmed it after it was read back to them (回复“确认”); None: applied at once
    confirmed_at: datetime | None = _at(nullable=True)


class MonthlyReport(SQLModel, table=True):
    """A person has reported for a month once any update or written report of theirs arrives."""

    __table_args__ = (UniqueConstraint("member_id", "month", name="uq_report_member_month"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    month: str = Field(index=True)                # "2026-11", in the configured zone
    reported_at: datetime = _at()
    words: str


class NoticeStatus(StrEnum):
    DRAFT = "draft"            # previewed, waiting for the sender's 确认
    SENT = "sent"
    CANCELLED = "cancelled"    # anything but 确认, or too late


class Notice(SQLModel, table=True):
    """A notice an administrator (or a secretary, to the units below) sends; its receipts are
    ``NoticeReceipt`` rows."""

    id: int | None = Field(default=None, primary_key=True)
    sender_id: int = Field(foreign_key="member.id")
    scope: NoticeScope = _enum(NoticeScope)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    include_below: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=true()))
    text: str
    words: str                                    # the whole message as typed
    created_at: datetime = _at()
    recipients: int = 0
    status: NoticeStatus = Field(default=NoticeStatus.SENT, sa_column=Column(
        EnumText(NoticeStatus), nullable=False, server_default=NoticeStatus.SENT.value))
    sent_at: datetime | None = _at(nullable=True)


class NoticeReceipt(SQLModel, table=True):
    """One recipient of a notice, and when they acknowledged it ("收到")."""

    __table_args__ = (UniqueConstraint("notice_id", "member_id", name="uq_receipt_notice_member"),)

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    acknowledged_at: datetime | None = _at(nullable=True)


class StarScore(SQLModel, table=True):
    """A unit's yearly star assessment (星级考评): seven dimensions and the five veto conditions."""

    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_star_unit_year"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    year: int
    organisation: float = 0       # 组织建设
    team: float = 0               # 队伍建设
    system: float = 0             # 制度建设
    venue: float = 0              # 阵地建设
    activities: float = 0         # 活动开展
    performance: float = 0        # 工作实绩
    satisfaction_score: float = 0 # 群众满意度测评
    satisfaction_rate: float = 100  # 群众满意率, per cent
    # 三会一课落实 as the workbook says it; None (the column left empty): from the meeting records
    # of the year (models.meetings.missed)
    three_meetings_ok: bool | None = True
    venue_ok: bool = True           # 阵地达标
    disciplined: int = 0            # 受警告以上处分人数

    @property
    def total(self) -> float:
        """The seven dimensions added up (``models.stars.DIMENSIONS``)."""
        return total_of(self)


class PushLog(SQLModel, table=True):
    """One row per (occasion, recipient): a push goes out once however often a job runs."""

    __table_args__ = (UniqueConstraint("occasion", "member_id", name="uq_push_occasion_member"),)

    id: int | None = Field(default=None, primary_key=True)
    occasion: str = Field(index=True)             # e.g. "monthly_prompt:2026-11"
    member_id: int = Field(foreign_key="member.id", index=True)
    created_at: datetime = _at()
    sent_at: datetime | None = _at(nullable=True)
    status: PushStatus = _enum(PushStatus, PushStatus.PENDING)
    attempted_at: datetime | None = _at(nullable=True)   # the send began (None: never attempted)
    content: str = ""                             # the text sent, or a rich message's text form
    message: str | None = None                    # a rich message as JSON (bot.messages); None: a text
    error: str | None = None


class InboundMessage(SQLModel, table=True):
    """Every callback once: by MsgId, or sender+time+event key for events. Keeps the reply given."""

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(unique=True, index=True)
    account: str
    received_at: datetime = _at()
    msg_type: str
    text: str | None = None
    reply: str | None = None
    delivery: str | None = None                # "active": went by message/send; "passive": to a retry


class AuditEvent(SQLModel, table=True):
    """State changes that are not item updates: imports, broadcasts, refusals of admin actions."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _at()
    actor: str                                    # WeCom account, or "cli:<user>"
    action: str
    words: str = ""
    detail: str = ""


# The tables of cards and of 年考's evidence live in their own modules; every table imports from here too.
from models.assessment_tables import Mark, MarkReason, Meeting, MeetingKind, MeetingRecorder, Photo, Talk  # noqa: E402, F401
from models.card_tables import CardTap, SentCard  # noqa: E402, F401

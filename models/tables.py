"""The tables. Every state change keeps who, when and the words typed.

Times are stored as timezone-aware UTC datetimes (``AwareDateTime``); code converts to the
configured zone for anything a user reads.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum, StrEnum

from sqlalchemy import Boolean, DateTime, Index, LargeBinary, String, TypeDecorator, UniqueConstraint, text, true
from sqlmodel import Column, Field, SQLModel

from bot.statuses import STATUS_ZH
from models.stars import total_of


class AwareDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to an AwareDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class EnumText(TypeDecorator):
    """An enum stored as its plain string value (VARCHAR, as the first migration made it):
    real enum members in Python, the same strings in the database, so no data migration."""

    impl = String
    cache_ok = True

    def __init__(self, enum_cls: type[Enum]):
        super().__init__()
        self.enum_cls = enum_cls

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum_cls(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_cls(value)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _at(nullable: bool = False, **kw):
    return Field(sa_column=Column(AwareDateTime(), nullable=nullable, **kw))


def _enum(enum_cls: type[Enum], default: Enum | None = None, *, index: bool = False):
    return Field(default=default, sa_column=Column(EnumText(enum_cls), nullable=False, index=index))


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


class CardTap(SQLModel, table=True):
    """A tap on a template card that was taken (``bot.cards``): one per card and addressee (a notice's
    one card goes to many), so a second tap on the same card finds it and changes nothing."""

    __table_args__ = (UniqueConstraint("task_id", "member_id", name="uq_cardtap_task_member"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: str = Field(index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    at: datetime = _at()
    key: str                                      # the button's key (``bot.cards.keys.KEYS``)
    response_code: str | None = None              # what updated the card (once, within 72 hours)


class Photo(SQLModel, table=True):
    """A photo sent in the chat as evidence (佐证材料) for an item (``models.photos``): who sent it,
    when, which item and which update it backs; a downscaled JPEG and a thumbnail kept in the
    database, so every instance and one backup hold them. A photo is on an item (``item_id``) or on
    a 三会一课 record (``meeting_id``); both are NULL only while the bot asks which item it is for (at
    most ``Waiting.PHOTO_ITEM``'s time limit). A file that is no picture is kept as it came
    (``filename``, ``content_type``), with no thumbnail."""

    id: int | None = Field(default=None, primary_key=True)
    item_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)  # a 三会一课 record's
    update_id: int | None = Field(default=None, foreign_key="progressupdate.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    received_at: datetime = _at()
    media_id: str
    kind: str = "image"                           # the message it came in: image or file
    filename: str | None = None                   # a file's name as sent (FileName / Title), if any
    content_type: str = "image/jpeg"              # of ``image``: a kept file's own type
    width: int
    height: int
    sha256: str = Field(index=True)               # of the bytes received: a photo sent again is kept once
    image: bytes = Field(sa_column=Column(LargeBinary, nullable=False))   # a file's bytes as they came
    thumbnail: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))  # None: a file


class SentCard(SQLModel, table=True):
    """A template card sent as an answer, not a push (a read-back, a close-off request, a notice):
    its JSON with what the bot must know when it is tapped (``bot.messages.TemplateCard.about``).
    ``member_id``: its addressee; None for a card to many (a notice: its receipts say who)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: str = Field(unique=True, index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    at: datetime = _at()
    message: str                                  # the card as JSON (bot.messages.to_stored)


class MeetingKind(StrEnum):
    """三会一课 (the same words as ``bot.nlu.meetings.KINDS``)."""

    GENERAL = "支部党员大会"
    COMMITTEE = "支委会"
    GROUP = "党小组会"
    LECTURE = "党课"


class Meeting(SQLModel, table=True):
    """One 三会一课 meeting a unit held, as its secretary (or the member it named) reported it in chat
    (``models.meetings``); a meeting that was also a quantified duty of the reporter names the
    update it counted for there (one statement, one record)."""

    __table_args__ = (Index("ix_meeting_unit_held", "unit_id", "held_on"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    kind: MeetingKind = _enum(MeetingKind)
    held_on: date
    due: int | None = None                       # 应到
    present: int | None = None                   # 实到
    topic: str | None = None
    words: str                                   # the statement as typed
    reported_by: int = Field(foreign_key="member.id", index=True)
    reported_at: datetime = _at()
    msg_id: str | None = None
    confirmed_at: datetime | None = _at(nullable=True)          # confirmed after a read-back
    update_id: int | None = Field(default=None, foreign_key="progressupdate.id")  # the duty's +1
    withdrawn_at: datetime | None = _at(nullable=True)          # 撤回 by its reporter


class MeetingRecorder(SQLModel, table=True):
    """Who records a unit's 三会一课 besides its secretaries: one member a secretary named
    ("指定 李娜 记录三会一课")."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", unique=True)
    member_id: int = Field(foreign_key="member.id")
    named_by: int = Field(foreign_key="member.id")
    named_at: datetime = _at()


class MarkReason(StrEnum):
    """Why a mark (红叉) was left: the month's report missing, or an item past its deadline."""

    UNREPORTED = "未报"
    OVERDUE = "逾期"


class Mark(SQLModel, table=True):
    """红叉: a lapse that reached a step of the accountability ladder (``models.ladder``), on the
    person and their unit for one month. One row per lapse and month: ``step`` is the highest
    reached (``reached_at`` the first, ``step_at`` the latest). Cleared, it stays, marked so."""

    __table_args__ = (UniqueConstraint("member_id", "year", "month", "reason", "subject", name="uq_mark_lapse"),
                      Index("ix_mark_year_unit", "year", "unit_id"))

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    year: int
    month: int                                    # 1–12: the month not reported, or when the step was reached
    reason: MarkReason = _enum(MarkReason)
    subject: str = ""                             # "" for 未报; the item's id for 逾期 (unique with the rest)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    step: str                                     # 提示 / 催办 / 通报 / 约谈 (bot.config.STEPS)
    reached_at: datetime = _at()
    step_at: datetime = _at()
    cleared_at: datetime | None = _at(nullable=True)
    cleared_by: int | None = Field(default=None, foreign_key="member.id")
    clear_reason: str | None = None


class Talk(SQLModel, table=True):
    """约谈: a mark that reached 约谈 asks the secretary above (``holder``) to hold a talk with the
    person; the holder records it done with a note."""

    id: int | None = Field(default=None, primary_key=True)
    mark_id: int = Field(foreign_key="mark.id", unique=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    holder_id: int = Field(foreign_key="member.id", index=True)
    created_at: datetime = _at()
    done_at: datetime | None = _at(nullable=True)
    note: str | None = None

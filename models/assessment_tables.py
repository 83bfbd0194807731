"""The tables of what 年考 asks for: evidence photos and files (``Photo``), 三会一课 records
(``Meeting``, ``MeetingRecorder``) and the accountability ladder's marks and talks (``Mark``, ``Talk``)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, LargeBinary, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.columns import at_field as _at
from models.columns import enum_field as _enum


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

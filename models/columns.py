"""Column types and field helpers every table module shares: aware UTC times, enums as plain strings."""
from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

from sqlalchemy import DateTime, String, TypeDecorator
from sqlmodel import Column, Field


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


def at_field(nullable: bool = False, **kw):
    """A timezone-aware time column (``AwareDateTime``)."""
    return Field(sa_column=Column(AwareDateTime(), nullable=nullable, **kw))


def enum_field(enum_cls: type[Enum], default: Enum | None = None, *, index: bool = False):
    """An enum column stored as its plain string value (``EnumText``)."""
    return Field(default=default, sa_column=Column(EnumText(enum_cls), nullable=False, index=index))

"""Declarative base, naming convention and shared column types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes; store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return aware UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


CLOCK_OPTION = "lawcrm_clock"
"""Execution option carrying the app's clock (set on the engine by `bot.services.Services`)."""


def utcnow() -> datetime:
    """Now, timezone-aware UTC: the app's default clock."""
    return datetime.now(UTC)


def now_of(bind: Any) -> datetime:
    """Now by the app's clock carried by a Session, Connection or Engine (else the machine's)."""
    if hasattr(bind, "connection") and not hasattr(bind, "get_execution_options"):
        bind = bind.connection()  # a Session: the connection of its current transaction
    clock = bind.get_execution_options().get(CLOCK_OPTION)
    return clock() if clock is not None else utcnow()


def clock_now(context: Any) -> datetime:
    """Column default: now by the clock of the engine that runs the statement (the app's clock)."""
    clock = context.execution_options.get(CLOCK_OPTION) if context is not None else None
    return clock() if clock is not None else utcnow()

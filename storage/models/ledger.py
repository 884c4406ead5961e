"""The notification ledger: every notice, once, by unique key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now
from storage.types import EncryptedJSON


class Notification(Base):
    """A notice to deliver to a channel or user; `key` makes it happen once."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slack_channel: Mapped[str | None] = mapped_column(String(40))
    slack_ts: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(String(100))
    # An attempt whose outcome is unknown (its worker died, or Slack timed out) began at or
    # after this: before posting again, look in Slack for a message tagged with the key.
    unsure_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)

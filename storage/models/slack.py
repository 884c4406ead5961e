"""Receipts of Slack deliveries, so a retried delivery is handled once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now


class SlackReceipt(Base):
    """One handled Slack delivery (event_id, or trigger_id for interactions)."""

    __tablename__ = "slack_receipts"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now, index=True)

"""Upkeep: pending notes, daily-run markers, alert records, cadence snoozes, note indexes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now
from storage.models.notes import ContactNote
from storage.types import EncryptedText


class PendingNote(Base):
    """A note whose client is not chosen yet (ambiguous or unknown name); text kept encrypted."""

    __tablename__ = "pending_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)


class UpkeepRun(Base):
    """Marks that a daily planner run committed for a firm-local day (so it runs once)."""

    __tablename__ = "upkeep_runs"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)


class UpkeepAlert(Base):
    """One churn alert or lost proposal for a client, per quiet period (`basis` date)."""

    __tablename__ = "upkeep_alerts"
    __table_args__ = (UniqueConstraint("kind", "client_id", "basis"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    basis: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    handled_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)


class CadenceSnooze(Base):
    """A staff member snoozed the 'below cadence' reminder of a client until a day."""

    __tablename__ = "cadence_snoozes"
    __table_args__ = (UniqueConstraint("staff_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    until: Mapped[date] = mapped_column(Date)


# Covering indexes for the daily aggregate over contact notes (issue 4 scale target).
Index("ix_contact_notes_client_channel_at", ContactNote.client_id, ContactNote.channel,
      ContactNote.occurred_at)
Index("ix_contact_notes_at_client_author", ContactNote.occurred_at, ContactNote.client_id,
      ContactNote.author_id)

"""Client progress reports: one row per (client, period or event), sent to the lead lawyer once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now


class ProgressReport(Base):
    """A drafted progress report; `key` names its client and period or event, so it is made once."""

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    sent_to_client_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_to_client_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    contact_note_id: Mapped[int | None] = mapped_column(ForeignKey("contact_notes.id", ondelete="SET NULL"))

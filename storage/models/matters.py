"""Matters, their teams and the matter-number counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now
from storage.types import EncryptedText


class Matter(Base):
    """A matter with its unified matter number."""

    __tablename__ = "matters"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(50), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    practice_area: Mapped[str] = mapped_column(String(30))
    title: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(20), default="open")
    lead_lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    fee_arrangement: Mapped[str | None] = mapped_column(String(20))  # FeeArrangement
    agreed_amount: Mapped[str | None] = mapped_column(EncryptedText)  # a decimal string, the firm's currency
    complexity: Mapped[int | None] = mapped_column(Integer)  # the partner's 1-5 rating
    fees_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    fees_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MatterTeamMember(Base):
    """One staff member on a matter team."""

    __tablename__ = "matter_team"
    __table_args__ = (UniqueConstraint("matter_id", "staff_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))


class MatterCounter(Base):
    """Next sequence number per matter-number prefix (gapless, row-locked)."""

    __tablename__ = "matter_counters"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)

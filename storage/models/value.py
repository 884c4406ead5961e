"""Fees on matters (invoiced and collected) and the quarterly re-tiering reviews."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now
from storage.types import EncryptedText


class FeeEntry(Base):
    """One invoice or one payment received on a matter; the amount is encrypted (a decimal string)."""

    __tablename__ = "fee_entries"
    __table_args__ = (Index("ix_fee_entries_kind_on_client", "kind", "on_date", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # FeeKind: invoiced / collected
    amount: Mapped[str] = mapped_column(EncryptedText)
    currency: Mapped[str] = mapped_column(String(3))
    on_date: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(EncryptedText)  # invoice or receipt number
    source: Mapped[str] = mapped_column(String(20), default="slack")  # slack / import
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)


class TierReview(Base):
    """One quarter's re-tiering proposal, posted once to the review channel."""

    __tablename__ = "tier_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), unique=True)  # 2026-Q4
    scheme: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    channel: Mapped[str | None] = mapped_column(String(40))
    ts: Mapped[str | None] = mapped_column(String(40))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TierReviewItem(Base):
    """A client whose tier would change: score, components, old -> new, and the partners' decision."""

    __tablename__ = "tier_review_items"
    __table_args__ = (UniqueConstraint("review_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("tier_reviews.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    old_tier: Mapped[str] = mapped_column(String(20))
    new_tier: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    components: Mapped[dict[str, Any]] = mapped_column(JSON)
    label: Mapped[str | None] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(20), default="pending")  # pending / approved / kept
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

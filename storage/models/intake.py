"""Intake requests (from first contact to a partner's decision) and half-filled drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now
from storage.types import EncryptedJSON, EncryptedText


class IntakeRequest(Base):
    """One prospective client and matter, its conflict results and the partner's decision."""

    __tablename__ = "intake_requests"
    __table_args__ = (Index("ix_intake_requests_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_key: Mapped[str] = mapped_column(String(100), unique=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="checking")
    client_kind: Mapped[str] = mapped_column(String(20))
    practice_area: Mapped[str] = mapped_column(String(30))
    form: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    id_number_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(EncryptedJSON)
    note: Mapped[str | None] = mapped_column(EncryptedText)
    review_channel: Mapped[str | None] = mapped_column(String(40))
    review_ts: Mapped[str | None] = mapped_column(String(40))
    lead_lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    link_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    decision: Mapped[str | None] = mapped_column(String(20))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # decided by its own requester, the firm's only active partner (flagged in the review post)
    self_decided: Mapped[bool] = mapped_column(Boolean, default=False)
    decision_reason: Mapped[str | None] = mapped_column(EncryptedText)
    waiver_ref: Mapped[str | None] = mapped_column(EncryptedText)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    linked_client: Mapped[bool] = mapped_column(Boolean, default=False)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IntakeDraft(Base):
    """The values of an intake modal closed half way (one per staff member)."""

    __tablename__ = "intake_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)

"""Complaints (their steps and clocks), satisfaction surveys and service-review items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now
from storage.types import EncryptedText


class Complaint(Base):
    """A client's complaint, from receipt to closure."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_status_received", "status", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # the Slack view it was submitted from: a form submitted twice records one complaint
    submission_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"), index=True)
    against_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    complainant_name: Mapped[str] = mapped_column(EncryptedText)
    complainant_contact: Mapped[str] = mapped_column(EncryptedText)
    description: Mapped[str] = mapped_column(EncryptedText)
    request: Mapped[str] = mapped_column(EncryptedText)
    received_via: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="received")
    routing: Mapped[str] = mapped_column(String(20), default="channel")
    channel: Mapped[str | None] = mapped_column(String(40))
    thread_ts: Mapped[str | None] = mapped_column(String(40))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    founded: Mapped[bool | None] = mapped_column(Boolean)
    finding_reason: Mapped[str | None] = mapped_column(EncryptedText)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    solution: Mapped[str | None] = mapped_column(EncryptedText)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extended_until: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(EncryptedText)
    extension_client_told: Mapped[bool] = mapped_column(Boolean, default=False)
    evaluation: Mapped[str | None] = mapped_column(EncryptedText)
    root_cause: Mapped[str | None] = mapped_column(String(20))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)


class ComplaintEvent(Base):
    """One step taken on a complaint: who, when, what (a note is encrypted)."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(EncryptedText)


class Survey(Base):
    """The satisfaction survey scheduled when a matter closes (one per matter)."""

    __tablename__ = "surveys"
    __table_args__ = (Index("ix_surveys_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), unique=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    lawyer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    practice_area: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    score_ability: Mapped[int | None] = mapped_column(Integer)
    score_communication: Mapped[int | None] = mapped_column(Integer)
    score_attitude: Mapped[int | None] = mapped_column(Integer)
    score_result: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(EncryptedText)


class ServiceReview(Base):
    """A partner's review item opened by a low survey score."""

    __tablename__ = "service_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), unique=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    low_dimensions: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

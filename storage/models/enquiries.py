"""Enquiries (the prospect pipeline) and win-back plans of lost clients."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now
from storage.types import EncryptedText


class Enquiry(Base):
    """A first contact from a potential client: who, how to reach them, the need, the source."""

    __tablename__ = "enquiries"
    __table_args__ = (Index("ix_enquiries_stage_received", "stage", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_key: Mapped[str] = mapped_column(String(80), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    who: Mapped[str] = mapped_column(EncryptedText)
    contact: Mapped[str] = mapped_column(EncryptedText)
    need: Mapped[str] = mapped_column(EncryptedText)
    source: Mapped[str] = mapped_column(String(30))
    referrer: Mapped[str | None] = mapped_column(EncryptedText)
    stage: Mapped[str] = mapped_column(String(20), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_minutes: Mapped[int | None] = mapped_column(Integer)
    stage_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str | None] = mapped_column(String(40))
    ts: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)


class WinbackPlan(Base):
    """The plan to win back a lost client: owner, actions, outcome (who won it back, when)."""

    __tablename__ = "winback_plans"
    __table_args__ = (UniqueConstraint("client_id", "opened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    reason: Mapped[str] = mapped_column(String(30))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    won_back_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)


class WinbackStep(Base):
    """One action of a win-back plan with its due date."""

    __tablename__ = "winback_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("winback_plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

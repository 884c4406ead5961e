"""Clients, their contacts, team and important dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now
from storage.types import EncryptedText


class Client(Base):
    """A client of the firm (individual, enterprise or government body)."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    id_number: Mapped[str | None] = mapped_column(EncryptedText)
    id_number_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    tier: Mapped[str] = mapped_column(String(20), default="potential")
    status: Mapped[str] = mapped_column(String(20), default="prospect")
    source_channel: Mapped[str | None] = mapped_column(String(50))
    referrer: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    email: Mapped[str | None] = mapped_column(EncryptedText)
    address: Mapped[str | None] = mapped_column(EncryptedText)
    legal_representative: Mapped[str | None] = mapped_column(EncryptedText)
    industry: Mapped[str | None] = mapped_column(String(100))
    preferred_channel: Mapped[str | None] = mapped_column(String(20))
    preferences: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    tags: Mapped[list[str] | None] = mapped_column(JSON)
    sensitive_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    churn_snoozed_until: Mapped[date | None] = mapped_column(Date)
    lost_reason: Mapped[str | None] = mapped_column(String(30))
    lost_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gender: Mapped[str | None] = mapped_column(String(10))
    company_size: Mapped[str | None] = mapped_column(String(20))
    decision_maker: Mapped[str | None] = mapped_column(EncryptedText)
    referrer_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    referrer_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    tier_reason: Mapped[str | None] = mapped_column(EncryptedText)
    tier_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    details_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    details_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    strategic_marked: Mapped[bool] = mapped_column(Boolean, default=False)  # a partner's call, with tier_reason
    strategic_marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    strategic_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    high_net_worth: Mapped[bool] = mapped_column(Boolean, default=False)
    value_score: Mapped[float | None] = mapped_column(Float)
    value_label: Mapped[str | None] = mapped_column(String(20))  # golden / big
    value_scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str | None] = mapped_column(String(10))  # 'en' / 'zh-CN'; None: the firm default
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now, onupdate=clock_now)


class ClientContact(Base):
    """A person to talk to at a client."""

    __tablename__ = "client_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(EncryptedText)
    title: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    email: Mapped[str | None] = mapped_column(EncryptedText)
    wechat: Mapped[str | None] = mapped_column(EncryptedText)
    is_primary: Mapped[bool] = mapped_column(default=False)


class ClientTeamMember(Base):
    """One staff member on a client's team, with a role."""

    __tablename__ = "client_team"
    __table_args__ = (UniqueConstraint("client_id", "staff_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))


class ImportantDate(Base):
    """A birthday, founding anniversary, hearing or other deadline."""

    __tablename__ = "important_dates"
    __table_args__ = (Index("ix_important_dates_on", "on_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    on_date: Mapped[date] = mapped_column(Date)
    at_time: Mapped[str | None] = mapped_column(String(5))
    label: Mapped[str | None] = mapped_column(EncryptedText)
    authority: Mapped[str | None] = mapped_column(EncryptedText)
    yearly: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)

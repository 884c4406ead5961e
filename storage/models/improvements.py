"""The service-improvement list, and the matter events already turned into contact moments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now
from storage.types import EncryptedText


class ServiceImprovement(Base):
    """One item of the service-improvement list; `cause` + `source_id` make automatic ones unique."""

    __tablename__ = "service_improvements"
    __table_args__ = (UniqueConstraint("cause", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cause: Mapped[str] = mapped_column(String(20), index=True)
    source_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(String(40))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str | None] = mapped_column(EncryptedText)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_client_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    told_client_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class MatterMoment(Base):
    """A matter event (filing, hearing, judgment) put once in the lead's digest as a contact moment."""

    __tablename__ = "matter_moments"
    __table_args__ = (UniqueConstraint("kind", "source", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int] = mapped_column(Integer)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    event_on: Mapped[date] = mapped_column(Date)
    noticed_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)

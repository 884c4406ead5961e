"""Records and archive: filing records of closed matters, destruction lists and loans."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now
from storage.types import EncryptedText


class ArchiveFiling(Base):
    """The filing of one closed matter: the task, the record, its review, retention and hold."""

    __tablename__ = "archive_filings"
    __table_args__ = (Index("ix_archive_filings_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    # open -> submitted -> accepted, or returned (to open again) ; cancelled when the matter reopens
    status: Mapped[str] = mapped_column(String(20), default="open")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    archive_number: Mapped[str | None] = mapped_column(String(60), unique=True)
    catalogue: Mapped[str | None] = mapped_column(EncryptedText)
    volumes: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(200))
    judgment_date: Mapped[date | None] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    return_reason: Mapped[str | None] = mapped_column(EncryptedText)
    returns: Mapped[int] = mapped_column(Integer, default=0)
    hold_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    hold_reason: Mapped[str | None] = mapped_column(EncryptedText)
    hold_lift_reason: Mapped[str | None] = mapped_column(EncryptedText)
    held_days: Mapped[int] = mapped_column(Integer, default=0)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ArchiveDestruction(Base):
    """A destruction list: proposed by a records officer, approved by a partner, carried out
    with two people present."""

    __tablename__ = "archive_destructions"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    carried_out_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    carried_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    witness_one_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    witness_two_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class ArchiveDestructionItem(Base):
    """One filed matter on a destruction list."""

    __tablename__ = "archive_destruction_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    destruction_id: Mapped[int] = mapped_column(ForeignKey("archive_destructions.id", ondelete="CASCADE"),
                                                index=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("archive_filings.id"), index=True)


class ArchiveLoan(Base):
    """A request to borrow (or copy) a filed matter, its approvals, and its return check."""

    __tablename__ = "archive_loans"
    __table_args__ = (Index("ix_archive_loans_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("archive_filings.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    outsider: Mapped[str | None] = mapped_column(EncryptedText)
    copy: Mapped[bool] = mapped_column(Boolean, default=False)
    days: Mapped[int] = mapped_column(Integer)
    # waiting -> approved -> returned ; refused
    status: Mapped[str] = mapped_column(String(20), default="waiting")
    needs: Mapped[str | None] = mapped_column(String(20))  # consent / director / copy
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    condition: Mapped[str | None] = mapped_column(String(20))
    condition_note: Mapped[str | None] = mapped_column(EncryptedText)

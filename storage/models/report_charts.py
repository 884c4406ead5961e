"""Chart images uploaded to Slack for the partners' dashboard: one file per picture, reused while it is current."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now
from storage.types import EncryptedJSON


class ReportChartFile(Base):
    """The Slack file showing one chart of one quarter in one language, for one content digest."""

    __tablename__ = "report_chart_files"
    __table_args__ = (UniqueConstraint("quarter", "chart", "locale", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7))
    chart: Mapped[str] = mapped_column(String(20))
    locale: Mapped[str] = mapped_column(String(10))
    digest: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[str] = mapped_column(String(40))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock_now)


class ReportSnapshot(Base):
    """The stored report of one quarter for the partners' Home dashboard, and the lease of whoever refreshes it.

    `report` and `tables` are the whole `QuarterReport` (fees, bonuses: confidential, so encrypted),
    the tables apart; None while the first computation of the quarter is under way. `claim`/`lease_until` name the
    process computing a refresh and until when its claim holds (a crashed one's claim expires).
    """

    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), unique=True)
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    tables: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)  # apart: large; the Home reads none
    claim: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

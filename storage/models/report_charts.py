"""Chart images uploaded to Slack for the partners' dashboard: one file per picture, reused while it is current."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, clock_now


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

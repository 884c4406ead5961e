"""Reading the quarterly report: partners only, every read audited; the Slack files of its charts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.errors import PermissionDenied
from bot.flows.quarters import Quarter
from bot.flows.report.figures import Chart, QuarterReport
from bot.flows.report.quarter import quarter_report
from bot.flows.report.snapshot import claim_refresh, offer_report, store_claimed, stored_report
from bot.i18n import normalize_locale
from bot.settings import Settings
from storage import audit
from storage.db import is_postgres
from storage.models import ReportChartFile

READ_FIELDS = ("kpis", "charts", "referrals", "bonuses", "collected_fees")


def may_read_report(actor: Actor) -> bool:
    """Whether the actor may read the quarterly report (partners)."""
    return policy.can_see_quarter_report(actor)


def current_quarter(*, now: datetime, settings: Settings) -> Quarter:
    """The quarter the firm's local date falls in."""
    return Quarter.of(now.astimezone(settings.tz).date())


def read_report(session: Session, *, actor: Actor, quarter: Quarter, settings: Settings, now: datetime,
                where: str = "command") -> QuarterReport:
    """The quarter's report for a partner (others are refused); the read is audited."""
    report = compute_report(session, actor=actor, quarter=quarter, settings=settings, now=now)
    record_report_read(session, by=actor.audit_name, quarter=quarter, where=where)
    return report


def compute_report(session: Session, *, actor: Actor, quarter: Quarter, settings: Settings,
                   now: datetime) -> QuarterReport:
    """The quarter's report for a partner, not yet audited (the caller records the read)."""
    if not may_read_report(actor):
        raise PermissionDenied("report.partners_only")
    return quarter_report(session, quarter=quarter, settings=settings, now=now)


def dashboard_report(session: Session, *, actor: Actor, quarter: Quarter, settings: Settings,
                     now: datetime) -> QuarterReport | None:
    """The stored report for the Home (even stale; unaudited); computed and stored only if none (None: in progress)."""
    if not may_read_report(actor):
        raise PermissionDenied("report.partners_only")
    stored = stored_report(session, quarter=quarter, tables=False)
    if stored.report is not None:
        return stored.report
    token = claim_refresh(session, quarter=quarter, now=now, refresh=None)
    if token is None:  # another process holds the claim; on PostgreSQL its report may have landed meanwhile
        return stored_report(session, quarter=quarter, tables=False).report
    report = quarter_report(session, quarter=quarter, settings=settings, now=now)
    store_claimed(session, report=report, token=token)
    return report


def keep_if_current(session: Session, *, report: QuarterReport, settings: Settings, now: datetime) -> bool:
    """Store a report of the current quarter computed anyway (`/lawcrm report`) for the dashboard."""
    if report.quarter != current_quarter(now=now, settings=settings):
        return False
    return offer_report(session, report=report)


def record_report_read(session: Session, *, by: str, quarter: Quarter, where: str) -> None:
    """Audit that someone read the quarter's report (fees, bonuses) and where: command, app_home, cli."""
    audit.record(session, actor=by, action="read", entity="quarter_report", entity_id=quarter.label,
                 fields=(where, *READ_FIELDS))


def known_chart_file(session: Session, *, quarter: Quarter, chart: Chart, locale: str, digest: str) -> str | None:
    """The Slack file already showing this picture, if one was uploaded."""
    return session.execute(select(ReportChartFile.file_id).where(
        ReportChartFile.quarter == quarter.label, ReportChartFile.chart == chart.value,
        ReportChartFile.locale == normalize_locale(locale), ReportChartFile.digest == digest)).scalar()


def remember_chart_file(session: Session, *, quarter: Quarter, chart: Chart, locale: str, digest: str,
                        file_id: str, now: datetime) -> str:
    """Record the uploaded file for this picture; the file id on record (another process's when it won)."""
    insert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(insert(ReportChartFile).values(
        quarter=quarter.label, chart=chart.value, locale=normalize_locale(locale), digest=digest,
        file_id=file_id, uploaded_at=now,
    ).on_conflict_do_nothing(index_elements=["quarter", "chart", "locale", "digest"]))
    return known_chart_file(session, quarter=quarter, chart=chart, locale=locale, digest=digest) or file_id

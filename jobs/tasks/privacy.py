"""Records officers' periodic work: the monthly access review, the weekly backup, request clocks.

Everything is planned from the database: a month's review is sent once (ledger key
`privacy-access:{YYYY-MM}:{channel}`); after downtime every month since the last one sent is
caught up. The backup runs when this ISO week has none (ledger key `privacy-backup:{week}`, or a
backup file of this week in BACKUP_DIR); a failure is retried hourly and reported once a week
(`privacy-backup-failed:{week}`). Open data-subject requests are announced once when three days
from their answer-by date (`privacy-request:{id}:due`) and once when overdue (`…:overdue`).
Notices go by DM to active admins (records officers), else to ADMIN_CHANNEL.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.privacy import access_report_message
from bot.flows.actor import SYSTEM_JOBS
from bot.flows.privacy.access_report import build_access_report, next_month, previous_month
from bot.flows.privacy.backup import SUFFIX, BackupError, cipher_of, create_backup, taken_at
from bot.i18n import t
from bot.ids import PrivacyBlock
from bot.blocks.common import section
from bot.settings import Settings
from jobs.registry import JobContext, PeriodicJob
from storage import audit, ledger
from storage.db import process_lock
from storage.models import Notification, PrivacyRequest, Staff
from storage.models.enums import PrivacyRequestStatus, Role

log = logging.getLogger(__name__)
HOUR = 3600
ACCESS_PREFIX = "privacy-access:"
CATCH_UP_MONTHS = 12
DUE_SOON = timedelta(days=3)


def admin_targets(session: Session, settings: Settings) -> list[tuple[str, str]]:
    """(channel, locale) of each active records officer's DM, else the admin channel."""
    rows = session.execute(select(Staff.slack_user_id, Staff.locale)
                           .where(Staff.role == Role.ADMIN.value, Staff.active.is_(True))
                           .order_by(Staff.id)).all()
    if rows:
        return [(uid, locale or settings.default_locale) for uid, locale in rows]
    if settings.admin_channel:
        return [(settings.admin_channel, settings.default_locale)]
    return []


def months_due(session: Session, *, last: str) -> list[str]:
    """The months whose review was never sent, from the one after the newest sent up to `last`."""
    sent = session.execute(select(Notification.key)
                           .where(Notification.key.startswith(ACCESS_PREFIX, autoescape=True))).scalars()
    months = {key[len(ACCESS_PREFIX):].split(":", 1)[0] for key in sent}
    newest = max(months, default=None)
    if newest is None:
        return [last]
    wanted: list[str] = []
    month = next_month(newest)
    while month <= last:
        wanted.append(month)
        month = next_month(month)
    return wanted[-CATCH_UP_MONTHS:]


def plan_access_reports(ctx: JobContext) -> int:
    """Enqueue the access review of every complete month not yet sent; return how many notices."""
    settings, now = ctx.services.settings, ctx.now()
    last = previous_month(ctx.calendar.local_date(now))
    created = 0
    with ctx.services.session() as session:
        months = months_due(session, last=last)
        targets = admin_targets(session, settings)
        if not targets:
            if months:
                log.warning("access review not sent: no active admin and no ADMIN_CHANNEL")
            return 0
        for month in months:
            report = build_access_report(session, month=month, tz=settings.tz)
            for channel, locale in targets:
                created += ledger.enqueue(session, key=f"{ACCESS_PREFIX}{month}:{channel}", kind="access_review",
                                          channel=channel, payload=access_report_message(report, locale=locale),
                                          due_at=now)
            audit.record(session, actor=SYSTEM_JOBS, action="access_review", entity="audit_events",
                         entity_id=month)
    return created


def week_of(moment: datetime, ctx: JobContext) -> str:
    """The firm-local ISO week, e.g. "2026-W48"."""
    year, week, _ = ctx.calendar.local_date(moment).isocalendar()
    return f"{year}-W{week:02d}"


def run_weekly_backup(ctx: JobContext) -> str:
    """Back up to BACKUP_DIR unless this week has a backup; post the outcome. Returns what happened."""
    settings, now = ctx.services.settings, ctx.now()
    if settings.backup_dir is None:
        log.info("weekly backup skipped: BACKUP_DIR is not set")
        return "skipped"
    week = week_of(now, ctx)
    key = f"privacy-backup:{week}"
    with ctx.services.session() as session:
        if ledger.exists(session, key) or _backup_this_week(ctx, week):
            return "done"
    with process_lock(ctx.services.engine, "lawcrm:weekly-backup") as mine:
        if not mine:
            return "busy"
        try:
            result = create_backup(engine=ctx.services.engine,
                                   fernet=cipher_of(settings=settings, keyring=ctx.services.keyring),
                                   out_dir=settings.backup_dir, now=now)
        except (BackupError, OSError) as exc:
            log.error("weekly backup failed", extra={"reason": str(exc)[:200]})
            _post(ctx, key=f"privacy-backup-failed:{week}", kind="backup_failed",
                  text=t("privacy.backup.failed", settings.default_locale, reason=str(exc)))
            return "failed"
    manifest = result.manifest
    with ctx.services.session() as session:
        audit.record(session, actor=SYSTEM_JOBS, action="backup", entity="database",
                     entity_id=result.path.name)
    _post(ctx, key=key, kind="backup_ok",
          text=t("privacy.backup.ok", settings.default_locale, file=result.path.name, size=result.file_bytes,
                 tables=len(manifest["tables"]), seq=manifest["audit_head"]["seq"],
                 seconds=f"{result.seconds:.1f}"))
    return "written"


def _backup_this_week(ctx: JobContext, week: str) -> bool:
    """Whether BACKUP_DIR already holds a backup taken this ISO week (by hand, or before a crash)."""
    directory = ctx.services.settings.backup_dir
    assert directory is not None
    if not directory.is_dir():
        return False
    for path in directory.glob(f"lawcrm-*{SUFFIX}"):
        taken = taken_at(path)
        if taken is not None and week_of(taken, ctx) == week:
            return True
    return False


def _post(ctx: JobContext, *, key: str, kind: str, text: str) -> None:
    """One notice to the admin channel (else the alerts channel), through the ledger."""
    settings = ctx.services.settings
    channel = settings.audit_witness_channel
    if not channel:
        log.warning("backup outcome not posted: no ADMIN_CHANNEL or ALERTS_CHANNEL")
        return
    with ctx.services.session() as session:
        ledger.enqueue(session, key=key, kind=kind, channel=channel,
                       payload={"text": text, "blocks": [section(text, block_id=PrivacyBlock.BACKUP)]},
                       due_at=ctx.now())


def plan_request_clocks(ctx: JobContext) -> int:
    """Tell records officers of open data-subject requests near or past their answer-by date."""
    settings, now = ctx.services.settings, ctx.now()
    today = ctx.calendar.local_date(now)
    created = 0
    with ctx.services.session() as session:
        rows = session.execute(select(PrivacyRequest.id, PrivacyRequest.client_id, PrivacyRequest.kind,
                                      PrivacyRequest.due_on)
                               .where(PrivacyRequest.status == PrivacyRequestStatus.OPEN.value,
                                      PrivacyRequest.due_on <= today + DUE_SOON)
                               .order_by(PrivacyRequest.id)).all()
        if not rows:
            return 0
        targets = admin_targets(session, settings)
        for rid, client_id, kind, due_on in rows:
            stage = "overdue" if due_on < today else "due"
            for channel, locale in targets:
                text = t("privacy.request.due", locale, id=rid, kind=kind, client=client_id, due=due_on.isoformat())
                created += ledger.enqueue(session, key=f"privacy-request:{rid}:{stage}:{channel}",
                                          kind=f"privacy_request_{stage}", channel=channel,
                                          payload={"text": text}, due_at=now)
    return created


def jobs(settings: Settings) -> list[PeriodicJob]:
    """Each planner hourly (and at start): all three are idempotent and catch up after downtime."""
    return [PeriodicJob("privacy-access-review", plan_access_reports, HOUR),
            PeriodicJob("privacy-request-clocks", plan_request_clocks, HOUR),
            PeriodicJob("privacy-weekly-backup", run_weekly_backup, HOUR)]

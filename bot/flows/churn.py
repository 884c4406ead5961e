"""Churn alerts and lost proposals: record them once, snooze, mark lost, confirm lost."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.flows import improvements, policy
from bot.flows.actor import Actor
from bot.flows.cadence import Quiet
from bot.flows.clients import teams_of
from bot.flows.errors import Conflict, InvalidInput, NotFound
from bot.flows.workdays import WorkCalendar
from storage import audit
from storage.db import is_postgres
from storage.models import CadenceSnooze, Client, ContactNote, UpkeepAlert
from storage.models.enums import ClientStatus, Role, Tier

CHURN, LOST = "churn", "lost"
LOST_REASONS = ("service", "price", "need_moved", "other")
SNOOZE_DAYS = 14
CHUNK = 2000
OPEN = "open"


def record_alerts(session: Session, *, kind: str, quiet: Sequence[Quiet], now: datetime,
                  limit: int | None = None) -> list[tuple[int, Quiet]]:
    """Record alerts not raised before for (kind, client, basis), in order, at most `limit`.

    Returns (alert id, Quiet) for the alerts this call created, by id. Callers hold the day's
    run marker, so no other writer races here; ON CONFLICT DO NOTHING stays as a safety net
    and RETURNING names exactly the rows this call inserted.
    """
    wanted = list(dict.fromkeys(quiet))
    client_ids = sorted({q.client_id for q in wanted})
    existing: set[tuple[int, date]] = set()
    for i in range(0, len(client_ids), CHUNK):
        existing.update((cid, basis) for cid, basis in session.execute(
            select(UpkeepAlert.client_id, UpkeepAlert.basis)
            .where(UpkeepAlert.kind == kind, UpkeepAlert.client_id.in_(client_ids[i:i + CHUNK]))))
    fresh = [q for q in wanted if (q.client_id, q.basis) not in existing]
    fresh = fresh[:limit] if limit is not None else fresh
    if not fresh:
        return []
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = (insert(UpkeepAlert.__table__)
            .on_conflict_do_nothing(index_elements=["kind", "client_id", "basis"])
            .returning(UpkeepAlert.__table__.c.id, UpkeepAlert.__table__.c.client_id,
                       UpkeepAlert.__table__.c.basis))
    by_key = {(q.client_id, q.basis): q for q in fresh}
    created: list[tuple[int, Quiet]] = []
    for i in range(0, len(fresh), CHUNK):
        rows = session.execute(stmt, [
            {"kind": kind, "client_id": q.client_id, "basis": q.basis, "status": OPEN,
             "created_at": now} for q in fresh[i:i + CHUNK]])
        created.extend((aid, by_key[(cid, basis)]) for aid, cid, basis in rows)
    return sorted(created, key=lambda pair: pair[0])


def _open_alert(session: Session, *, actor: Actor, alert_id: int, kind: str,
                lock: bool = True) -> UpkeepAlert:
    """The open alert (locked unless `lock` is False) if the actor may see its client."""
    alert = session.get(UpkeepAlert, alert_id, with_for_update=lock)
    if alert is None or alert.kind != kind or not policy.can_view_client(session, actor, alert.client_id):
        raise NotFound("upkeep.client_not_found")
    if alert.status != OPEN:
        raise Conflict("upkeep.alert_handled")
    return alert


def snooze_churn(session: Session, *, actor: Actor, alert_id: int, today: date,
                 days: int = SNOOZE_DAYS) -> UpkeepAlert:
    """No churn alert for this client for `days` days."""
    alert = _open_alert(session, actor=actor, alert_id=alert_id, kind=CHURN)
    session.execute(update(Client).where(Client.id == alert.client_id)
                    .values(churn_snoozed_until=today + timedelta(days=days)))
    alert.status, alert.handled_by = "snoozed", actor.slack_user_id
    audit.record(session, actor=actor.audit_name, action="snooze_churn", entity="client",
                 entity_id=alert.client_id, fields=["churn_snoozed_until"])
    return alert


def _set_lost(session: Session, *, actor: Actor, client_id: int, reason: str, now: datetime) -> None:
    """Tier and status lost, with the reason; other open alerts of the client are closed."""
    session.execute(update(Client).where(Client.id == client_id).values(
        tier=Tier.LOST.value, status=ClientStatus.LOST.value, lost_reason=reason, lost_at=now))
    session.execute(update(UpkeepAlert).where(UpkeepAlert.client_id == client_id,
                                              UpkeepAlert.status == OPEN).values(status="closed"))
    audit.record(session, actor=actor.audit_name, action="mark_lost", entity="client",
                 entity_id=client_id, fields=["tier", "status", "lost_reason", "lost_at"])
    improvements.from_lost(session, client_id=client_id, reason=reason, today=now.date(), now=now)


def mark_lost(session: Session, *, actor: Actor, alert_id: int, reason: str | None,
              now: datetime) -> UpkeepAlert:
    """Mark the client of a churn alert lost; the reason is required."""
    if reason not in LOST_REASONS:
        raise InvalidInput("upkeep.reason_required", field="reason")
    alert = _open_alert(session, actor=actor, alert_id=alert_id, kind=CHURN)
    _set_lost(session, actor=actor, client_id=alert.client_id, reason=reason, now=now)
    alert.status, alert.handled_by = "lost", actor.slack_user_id
    return alert


def decide_lost(session: Session, *, actor: Actor, alert_id: int, confirm: bool,
                now: datetime) -> UpkeepAlert:
    """A partner confirms (tier lost) or declines a lost proposal."""
    policy.require_role(actor, Role.PARTNER)
    alert = _open_alert(session, actor=actor, alert_id=alert_id, kind=LOST)
    if confirm:
        _set_lost(session, actor=actor, client_id=alert.client_id, reason="no_engagement", now=now)
        alert.status = "confirmed"
    else:
        alert.status = "kept"
        audit.record(session, actor=actor.audit_name, action="keep_client", entity="client",
                     entity_id=alert.client_id, fields=["tier"])
    alert.handled_by = actor.slack_user_id
    return alert


def snooze_cadence(session: Session, *, actor: Actor, client_id: int, until: date) -> None:
    """Hide a client's 'below cadence' reminder from the actor's digest until a day."""
    if not policy.can_view_client(session, actor, client_id):
        raise NotFound("upkeep.client_not_found")
    # one statement (an upsert), so a double click or two copies of the digest never race
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = insert(CadenceSnooze.__table__).values(staff_id=actor.staff_id, client_id=client_id,
                                                   until=until)
    session.execute(stmt.on_conflict_do_update(index_elements=["staff_id", "client_id"],
                                               set_={"until": stmt.excluded.until}))


@dataclass(frozen=True)
class AlertView:
    """What an alert message shows about one client, from the database."""

    alert_id: int
    kind: str
    client_id: int
    client_name: str
    tier: str
    status: str
    handled_by: str | None
    lost_reason: str | None
    basis: date
    last_contact: date | None
    team: tuple[tuple[str, str], ...]


def load_alerts(session: Session, *, alert_ids: Sequence[int], cal: WorkCalendar) -> list[AlertView]:
    """Alert views for these ids (bulk queries, in id order)."""
    views: list[AlertView] = []
    ids = sorted(set(alert_ids))
    for i in range(0, len(ids), 2000):
        chunk = ids[i:i + 2000]
        rows = session.execute(
            select(UpkeepAlert, Client.name, Client.tier, Client.lost_reason)
            .join(Client, Client.id == UpkeepAlert.client_id).where(UpkeepAlert.id.in_(chunk))
            .order_by(UpkeepAlert.id)).all()
        client_ids = sorted({a.client_id for a, *_ in rows})
        last = dict(session.execute(
            select(ContactNote.client_id, func.max(ContactNote.occurred_at))
            .where(ContactNote.client_id.in_(client_ids)).group_by(ContactNote.client_id)).all())
        teams = teams_of(session, client_ids=client_ids)
        for alert, name, tier, reason in rows:
            at = last.get(alert.client_id)
            team = teams.get(alert.client_id, [])
            views.append(AlertView(alert_id=alert.id, kind=alert.kind, client_id=alert.client_id,
                                   client_name=name, tier=tier, status=alert.status,
                                   handled_by=alert.handled_by, lost_reason=reason,
                                   basis=alert.basis, last_contact=cal.local_date(at) if at else None,
                                   team=tuple(team)))
    return views


def mark_contacted(session: Session, *, actor: Actor, client_id: int, contact_day: date) -> int:
    """A contact on `contact_day` resolves the client's open churn alerts it ends.

    Only alerts whose basis (the quiet period's start) is before that day: a back-dated
    contact that does not move the last contact past the basis leaves the alert open, so the
    client is not silently dropped (the next run would find the same quiet period again).
    """
    result = session.execute(
        update(UpkeepAlert).where(UpkeepAlert.client_id == client_id, UpkeepAlert.kind == CHURN,
                                  UpkeepAlert.status == OPEN, UpkeepAlert.basis < contact_day)
        .values(status="contacted", handled_by=actor.slack_user_id))
    return result.rowcount or 0


def open_churn_client_name(session: Session, *, actor: Actor, alert_id: int) -> str:
    """The client name of an open churn alert the actor may act on (for the lost form)."""
    alert = _open_alert(session, actor=actor, alert_id=alert_id, kind=CHURN, lock=False)
    return session.execute(select(Client.name).where(Client.id == alert.client_id)).scalar_one()

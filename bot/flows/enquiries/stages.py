"""The prospect pipeline: the assigned lawyer moves an enquiry through its stages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.flows.enquiries.records import ASSIGNED, load
from bot.flows.errors import Conflict, InvalidInput, PermissionDenied
from bot.flows.identifiers import normalize_email, normalize_phone
from bot.flows.workdays import WorkCalendar
from storage import audit
from storage.models import Enquiry, Staff
from storage.models.enums import Role

CONSULTATION, PROPOSAL, ENGAGED, CLOSED = "consultation", "proposal", "engaged", "closed"
STAGES = (CONSULTATION, PROPOSAL, ENGAGED, CLOSED)
ORDER = {ASSIGNED: 0, CONSULTATION: 1, PROPOSAL: 2, ENGAGED: 3, CLOSED: 4}
OPEN_STAGES = (ASSIGNED, CONSULTATION, PROPOSAL)
CLOSE_REASONS = ("not_fit", "conflict", "no_reply", "price")
WEEK_DAYS = 7


def _require_handler(actor: Actor, enquiry: Enquiry) -> None:
    """Only the assigned lawyer (or a partner) moves an enquiry."""
    if enquiry.assignee_id != actor.staff_id and actor.role != Role.PARTNER:
        raise PermissionDenied("enquiry.error.not_assignee")


def may_move(session: Session, *, actor: Actor, enquiry_id: int) -> Enquiry:
    """The enquiry when the actor may move it now (assigned, not closed)."""
    enquiry = load(session, enquiry_id)
    if enquiry.assignee_id is None:
        raise Conflict("enquiry.error.unassigned")
    _require_handler(actor, enquiry)
    if enquiry.stage == CLOSED:
        raise Conflict("enquiry.error.closed")
    return enquiry


def move(session: Session, *, actor: Actor, enquiry_id: int, stage: str | None, reason: str | None,
         now: datetime) -> Enquiry:
    """Move to a later stage; closing needs a reason; an engaged enquiry can only be closed.

    (An engagement whose conflict check then fails is closed with the reason `conflict`.)
    """
    enquiry = may_move(session, actor=actor, enquiry_id=enquiry_id)
    if stage not in STAGES:
        raise InvalidInput("enquiry.error.stage", field="stage")
    if stage == CLOSED and reason not in CLOSE_REASONS:
        raise InvalidInput("enquiry.error.reason", field="reason")
    if ORDER[stage] <= ORDER[enquiry.stage] or (enquiry.stage == ENGAGED and stage != CLOSED):
        raise InvalidInput("enquiry.error.backwards", field="stage")
    changed = session.execute(
        update(Enquiry).where(Enquiry.id == enquiry_id, Enquiry.stage == enquiry.stage)
        .values(stage=stage, stage_at=now, closed_reason=reason if stage == CLOSED else None)
        .returning(Enquiry.id)).first()
    if changed is None:
        raise Conflict("enquiry.error.moved")
    audit.record(session, actor=actor.audit_name, action=f"enquiry_{stage}", entity="enquiry",
                 entity_id=enquiry_id, fields=["stage"] + (["closed_reason"] if stage == CLOSED else []))
    session.refresh(enquiry)
    return enquiry


def record_contact(session: Session, *, actor: Actor, enquiry_id: int, now: datetime) -> None:
    """The weekly contact with a prospect was made (hides it from the digest for a week)."""
    enquiry = may_move(session, actor=actor, enquiry_id=enquiry_id)
    enquiry.contacted_at = now
    audit.record(session, actor=actor.audit_name, action="contact_prospect", entity="enquiry",
                 entity_id=enquiry_id, fields=["contacted_at"])


def intake_values(session: Session, *, actor: Actor, enquiry_id: int) -> dict[str, Any]:
    """The `/intake` form's values prefilled from an enquiry (read audited)."""
    enquiry = may_move(session, actor=actor, enquiry_id=enquiry_id)
    audit.record(session, actor=actor.audit_name, action="read", entity="enquiry", entity_id=enquiry_id,
                 fields=["who", "contact", "need", "referrer"])
    values: dict[str, Any] = {"name": enquiry.who, "source": enquiry.source, "need": enquiry.need,
                              "referrer": enquiry.referrer}
    for part in enquiry.contact.replace("；", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if "@" in part and normalize_email(part) and "email" not in values:
            values["email"] = part
        elif normalize_phone(part) and "phone" not in values:
            values["phone"] = part
        elif "contact" not in values:
            values["contact"] = part
    return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class Prospect:
    """One open enquiry of a lawyer (App Home, digest)."""

    enquiry_id: int
    who: str
    stage: str
    since: date


def _last_touch(enquiry: Any) -> datetime:
    """The latest of assignment, stage change and recorded contact."""
    return max(t for t in (enquiry.assigned_at, enquiry.stage_at, enquiry.contacted_at) if t is not None)


def my_prospects(session: Session, *, actor: Actor, cal: WorkCalendar, limit: int = 20) -> list[Prospect]:
    """The actor's open enquiries, oldest first (the names are decrypted: the read is audited)."""
    rows = list(session.execute(
        select(Enquiry).where(Enquiry.assignee_id == actor.staff_id, Enquiry.stage.in_(OPEN_STAGES))
        .order_by(Enquiry.received_at, Enquiry.id).limit(limit)).scalars())
    if rows:
        audit.record(session, actor=actor.audit_name, action="read", entity="enquiry",
                     entity_id=f"prospects:{actor.staff_id}", fields=["who"])
    return [Prospect(enquiry_id=r.id, who=r.who, stage=r.stage, since=cal.local_date(r.received_at))
            for r in rows]


def weekly_due(session: Session, *, today: date, cal: WorkCalendar, every_days: int = WEEK_DAYS
               ) -> dict[int, list[Prospect]]:
    """Per assigned lawyer, the open prospects not touched for `every_days` days (for the digest)."""
    cutoff = cal.at_local(today - timedelta(days=every_days - 1), time(0, 0))
    touched = func.coalesce(Enquiry.contacted_at, Enquiry.stage_at, Enquiry.assigned_at)
    rows = session.execute(
        select(Enquiry.id, Enquiry.assignee_id, Enquiry.stage, Enquiry.received_at, Enquiry.assigned_at,
               Enquiry.stage_at, Enquiry.contacted_at)
        .join(Staff, Staff.id == Enquiry.assignee_id)
        .where(Enquiry.stage.in_(OPEN_STAGES), Staff.active.is_(True), touched < cutoff)
        .order_by(Enquiry.received_at, Enquiry.id)).all()
    due = [r for r in rows if _last_touch(r) < cutoff]
    if not due:
        return {}
    names = dict(session.execute(select(Enquiry.id, Enquiry.who)
                                 .where(Enquiry.id.in_([r.id for r in due]))).all())
    out: dict[int, list[Prospect]] = defaultdict(list)
    for r in due:
        out[r.assignee_id].append(Prospect(enquiry_id=r.id, who=names[r.id], stage=r.stage,
                                           since=cal.local_date(_last_touch(r))))
    return dict(out)

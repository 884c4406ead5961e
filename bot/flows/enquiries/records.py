"""Recording an enquiry and who responds to it (take / assign), with the response time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.flows.enquiries.clock import WorkingHours
from bot.flows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.flows.intake_form import SOURCES
from bot.flows.text_rules import text_problem
from storage import audit, ledger
from storage.db import is_postgres
from storage.models import Enquiry, Notification, Staff
from storage.models.enums import NotificationStatus, Role

NEW, ASSIGNED = "new", "assigned"
RESPONDERS = (Role.PARTNER.value, Role.LAWYER.value)
MAX_WHO, MAX_CONTACT, MAX_NEED, MAX_REFERRER = 300, 300, 3000, 200
CONTACT_FIELDS = ["who", "contact", "need", "referrer"]


@dataclass(frozen=True)
class EnquiryDraft:
    """What the enquiry modal collected, as typed."""

    who: str
    contact: str
    need: str
    source: str | None
    referrer: str | None = None


@dataclass(frozen=True)
class EnquiryView:
    """A displayable copy of an enquiry (no contact details)."""

    id: int
    who: str
    need: str
    source: str
    referrer: str | None
    stage: str
    received_at: datetime
    recorded_by: str
    assignee: str | None
    response_minutes: int | None
    closed_reason: str | None


def validate(draft: EnquiryDraft) -> dict[str, str]:
    """Problems keyed by field name (message keys shown inline), empty when the draft is good."""
    errors: dict[str, str] = {}
    fields = {"who": (draft.who, MAX_WHO), "contact": (draft.contact, MAX_CONTACT),
              "need": (draft.need, MAX_NEED), "referrer": (draft.referrer or "", MAX_REFERRER)}
    for name, (value, limit) in fields.items():
        problem = text_problem(value, name=name in ("who", "referrer"))
        if problem:
            errors[name] = problem
        elif len(value.strip()) > limit:
            errors[name] = "enquiry.error.too_long"
        elif name != "referrer" and not value.strip():
            errors[name] = "enquiry.error.required"
    if draft.source not in SOURCES:
        errors["source"] = "enquiry.error.source"
    elif draft.source == "referral" and not (draft.referrer or "").strip() and "referrer" not in errors:
        errors["referrer"] = "enquiry.error.referrer"
    return errors


def record_enquiry(session: Session, *, actor: Actor, draft: EnquiryDraft, now: datetime,
                   submission_key: str, channel: str,
                   render: Callable[[EnquiryView], tuple[str, list[dict[str, Any]]]]) -> tuple[int, str | None]:
    """Record the enquiry and enqueue its card; (id, ledger key) — key None for a resubmission."""
    errors = validate(draft)
    if errors:
        field, key = next(iter(errors.items()))
        raise InvalidInput(key, field=field)
    known = session.execute(select(Enquiry.id).where(Enquiry.submission_key == submission_key)).scalar()
    if known is not None:
        return known, None
    enquiry = Enquiry(submission_key=submission_key, recorded_by_id=actor.staff_id, received_at=now,
                      who=" ".join(draft.who.split()), contact=draft.contact.strip(), need=draft.need.strip(),
                      source=draft.source or "other",
                      referrer=(draft.referrer or "").strip() or None if draft.source == "referral" else None,
                      stage=NEW, stage_at=now)
    session.add(enquiry)
    session.flush()
    audit.record(session, actor=actor.audit_name, action="record_enquiry", entity="enquiry",
                 entity_id=enquiry.id, fields=CONTACT_FIELDS)
    key = f"enquiry:{enquiry.id}:post"
    text, blocks = render(snapshot(session, enquiry))
    ledger.enqueue(session, key=key, kind="enquiry_post", channel=channel,
                   payload={"text": text, "blocks": blocks}, due_at=now)
    return enquiry.id, key


def snapshot(session: Session, enquiry: Enquiry) -> EnquiryView:
    """A displayable copy of an enquiry."""
    ids = {enquiry.recorded_by_id} | ({enquiry.assignee_id} if enquiry.assignee_id else set())
    users = dict(session.execute(select(Staff.id, Staff.slack_user_id).where(Staff.id.in_(ids))).all())
    return EnquiryView(id=enquiry.id, who=enquiry.who, need=enquiry.need, source=enquiry.source,
                       referrer=enquiry.referrer, stage=enquiry.stage, received_at=enquiry.received_at,
                       recorded_by=users[enquiry.recorded_by_id],
                       assignee=users.get(enquiry.assignee_id) if enquiry.assignee_id else None,
                       response_minutes=enquiry.response_minutes, closed_reason=enquiry.closed_reason)


def load(session: Session, enquiry_id: int, *, lock: bool = False) -> Enquiry:
    """The enquiry, or NotFound."""
    enquiry = session.get(Enquiry, enquiry_id, with_for_update=lock and is_postgres(session))
    if enquiry is None:
        raise NotFound("enquiry.not_found")
    return enquiry


def responder(session: Session, *, slack_user_id: str | None) -> Staff:
    """An active lawyer or partner by Slack id, or InvalidInput on the lawyer field."""
    staff = session.execute(select(Staff).where(Staff.slack_user_id == (slack_user_id or ""))).scalar()
    if staff is None or not staff.active or staff.role not in RESPONDERS:
        raise InvalidInput("enquiry.error.lawyer", field="lawyer")
    return staff


def respond(session: Session, *, actor: Actor, enquiry_id: int, assignee_user_id: str | None,
            now: datetime, hours: WorkingHours) -> EnquiryView:
    """Take (assignee = actor) or assign an unanswered enquiry; the response time is recorded.

    One conditional UPDATE decides, so two people clicking at once cannot both win.
    """
    if assignee_user_id is None and actor.role.value not in RESPONDERS:
        raise PermissionDenied("enquiry.error.take_role")
    assignee = responder(session, slack_user_id=assignee_user_id or actor.slack_user_id)
    enquiry = load(session, enquiry_id)
    minutes = hours.minutes_between(enquiry.received_at, now)
    won = session.execute(
        update(Enquiry).where(Enquiry.id == enquiry_id, Enquiry.stage == NEW)
        .values(stage=ASSIGNED, assignee_id=assignee.id, assigned_by_id=actor.staff_id, assigned_at=now,
                stage_at=now, response_minutes=minutes)
        .returning(Enquiry.id)).first()
    if won is None:
        raise Conflict("enquiry.error.already_assigned")
    ledger.cancel(session, key_prefix=f"enquiry:{enquiry_id}:clock:")
    audit.record(session, actor=actor.audit_name, action="assign_enquiry", entity="enquiry",
                 entity_id=enquiry_id, fields=["assignee_id", "response_minutes"])
    session.refresh(enquiry)
    return snapshot(session, enquiry)


def contact_of(session: Session, *, actor: Actor, enquiry_id: int) -> tuple[str, str]:
    """(who, contact) for the assignee or a partner; the read is audited."""
    enquiry = load(session, enquiry_id)
    if enquiry.assignee_id != actor.staff_id and actor.role != Role.PARTNER:
        raise PermissionDenied("enquiry.error.not_assignee")
    audit.record(session, actor=actor.audit_name, action="read", entity="enquiry", entity_id=enquiry_id,
                 fields=["who", "contact"])
    return enquiry.who, enquiry.contact


def adopt_post(session: Session, *, enquiry_id: int) -> tuple[str, str] | None:
    """The enquiry card's (channel, ts), taken from the ledger once the card was sent."""
    known = session.execute(select(Enquiry.channel, Enquiry.ts).where(Enquiry.id == enquiry_id)).first()
    if known is None:
        return None
    if known.channel and known.ts:
        return known.channel, known.ts
    sent = session.execute(select(Notification.status, Notification.slack_channel, Notification.slack_ts)
                           .where(Notification.key == f"enquiry:{enquiry_id}:post")).first()
    if sent is None or sent.status != NotificationStatus.SENT.value or not sent.slack_ts:
        return None
    session.execute(update(Enquiry).where(Enquiry.id == enquiry_id, Enquiry.ts.is_(None))
                    .values(channel=sent.slack_channel, ts=sent.slack_ts))
    return sent.slack_channel, sent.slack_ts


def managing_partners(session: Session, *, configured_user_id: str | None) -> list[Staff]:
    """Who hears of an escalation: the managing partner(s), the configured one first."""
    mps = list(session.execute(select(Staff).where(Staff.is_managing_partner.is_(True), Staff.active.is_(True))
                               .order_by(Staff.id)).scalars())
    if configured_user_id:
        configured = session.execute(select(Staff).where(Staff.slack_user_id == configured_user_id,
                                                         Staff.active.is_(True))).scalar()
        if configured is not None:
            mps = [configured] + [s for s in mps if s.id != configured.id]
    return mps

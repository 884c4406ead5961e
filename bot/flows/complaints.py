"""Complaints: record one, route it to partners, take the six steps, list the open ones.

Steps of the firm's complaint procedure, each recorded as a `ComplaintEvent` with who and when:
received → acknowledged → assessed (founded / unfounded, with reasons; this is the partner's
review, after which the accused may see it) → assigned (owner) → proposed (solution proposed
and communicated; the first proposal is the answer to the client) → accepted, or rejected
(negotiate, then propose again) → closed (evaluation and root cause). An extension of the
answer deadline (reason, new date, client told) may be recorded until the client is answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.flows import improvements, policy
from bot.flows.actor import Actor
from bot.flows.complaint_clocks import ComplaintClocks, clocks_for, next_deadline
from bot.flows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.flows.workdays import WorkCalendar, calendar_of
from bot.settings import Settings
from storage import ledger
from storage import audit
from storage.models import Client, Complaint, ComplaintEvent, Matter, Notification, Staff
from storage.models.enums import NotificationStatus, Role
from storage.once import insert_once

VIA = ("phone", "email", "letter", "in_person")
ROOT_CAUSES = ("communication", "timeliness", "fees", "quality", "conduct", "other")
SENSITIVE = ["complainant_name", "complainant_contact", "description", "request"]
FUTURE_SKEW = timedelta(minutes=5)

# step -> (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "acknowledge": (frozenset({"received"}), "acknowledged"),
    "assess": (frozenset({"acknowledged"}), "assessed"),
    "assign": (frozenset({"assessed"}), "assigned"),
    "propose": (frozenset({"assigned", "rejected"}), "proposed"),
    "client_accepts": (frozenset({"proposed"}), "accepted"),
    "client_rejects": (frozenset({"proposed"}), "rejected"),
    "close": (frozenset({"accepted"}), "closed"),
    "extend": (frozenset({"received", "acknowledged", "assessed", "assigned"}), None),
}
STATUSES = ("received", "acknowledged", "assessed", "assigned", "proposed", "rejected", "accepted", "closed")
# status -> the steps that may be taken from it, in the order of TRANSITIONS (the card's buttons)
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    status: tuple(step for step, (start, _) in TRANSITIONS.items() if status in start) for status in STATUSES
}


@dataclass(frozen=True)
class ComplaintDraft:
    """What the `/complaint` modal collected (already parsed, not yet validated)."""

    client_id: int | None
    complainant_name: str
    complainant_contact: str
    against_user_id: str | None
    matter_number: str | None
    description: str
    request: str
    received_via: str | None
    received_at: datetime | None


@dataclass(frozen=True)
class Snapshot:
    """A complaint with the names needed to show it, safe to pass around after the session."""

    id: int
    status: str
    routing: str
    channel: str | None
    thread_ts: str | None
    client_name: str
    matter_number: str | None
    against_user_id: str
    against_staff_id: int
    recorded_by_user_id: str
    owner_user_id: str | None
    owner_id: int | None
    complainant_name: str
    complainant_contact: str
    description: str
    request: str
    received_via: str
    received_at: datetime
    founded: bool | None
    finding_reason: str | None
    solution: str | None
    extended_until: date | None
    extension_reason: str | None
    answered_at: datetime | None
    acknowledged_at: datetime | None
    root_cause: str | None
    evaluation: str | None
    clocks: ComplaintClocks

    @property
    def next_steps(self) -> tuple[str, ...]:
        """The steps that may be taken now."""
        return NEXT_STEPS[self.status]

    @property
    def deadline(self) -> tuple[str, datetime] | None:
        """The next running deadline."""
        return next_deadline(clocks=self.clocks, acknowledged=self.acknowledged_at is not None,
                             answered=self.answered_at is not None, closed=self.status == "closed")


class ClockFields(Protocol):
    """What the clocks are computed from (a Complaint, or a row of its clock columns)."""

    received_at: datetime
    extended_until: date | None


def clocks_of(complaint: ClockFields, *, settings: Settings, calendar: WorkCalendar) -> ComplaintClocks:
    """The clocks of one complaint under these settings."""
    return clocks_for(received_at=complaint.received_at, extended_until=complaint.extended_until,
                      calendar=calendar, reminder_hours=settings.complaint_reminder_hours,
                      escalation_hours=settings.complaint_escalation_hours,
                      working_days=settings.complaint_answer_working_days)


# --- recording -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Accused:
    """The staff member a complaint is about, as routing needs them."""

    id: int
    role: str
    is_managing_partner: bool
    slack_user_id: str


@dataclass(frozen=True)
class CheckedDraft:
    """A draft's problems (field -> message key) and what validating it looked up."""

    errors: dict[str, str]
    accused: Accused | None = None
    matter_id: int | None = None


def validate_draft(session: Session, *, actor: Actor, draft: ComplaintDraft, now: datetime) -> CheckedDraft:
    """Every problem of a draft (none when it is valid), with the accused and matter it names."""
    errors: dict[str, str] = {}
    for name in ("complainant_name", "complainant_contact", "description", "request"):
        if not (getattr(draft, name) or "").strip():
            errors[name] = "complaint.error.required"
    if draft.client_id is None:
        errors["client_id"] = "complaint.error.required"
    elif not policy.can_name_client_in_complaint(session, actor, draft.client_id):
        errors["client_id"] = "complaint.error.client_unknown"
    accused = None
    if not draft.against_user_id:
        errors["against_user_id"] = "complaint.error.required"
    elif (staff := _staff_by_slack_id(session, draft.against_user_id)) is None:
        errors["against_user_id"] = "complaint.error.against_unknown"
    else:
        accused = Accused(id=staff.id, role=staff.role, is_managing_partner=staff.is_managing_partner,
                          slack_user_id=staff.slack_user_id)
    matter_id = None
    if draft.matter_number and draft.matter_number.strip() and "client_id" not in errors:
        matter_id = session.execute(select(Matter.id).where(Matter.number == draft.matter_number.strip(),
                                                            Matter.client_id == draft.client_id)).scalar()
        if matter_id is None:
            errors["matter_number"] = "complaint.error.matter_unknown"
    if draft.received_via not in VIA:
        errors["received_via"] = "complaint.error.required"
    if draft.received_at is None:
        errors["received_at"] = "complaint.error.required"
    elif draft.received_at > now + FUTURE_SKEW:
        errors["received_at"] = "complaint.error.received_future"
    return CheckedDraft(errors=errors, accused=accused, matter_id=matter_id)


def _staff_by_slack_id(session: Session, slack_user_id: str) -> Staff | None:
    """The active staff member with this Slack id."""
    return session.execute(select(Staff).where(Staff.slack_user_id == slack_user_id,
                                               Staff.active.is_(True))).scalar_one_or_none()


def record_complaint(session: Session, *, actor: Actor, draft: ComplaintDraft, now: datetime,
                     submission_key: str,
                     review_channel_members: frozenset[str] | None = frozenset(),
                     checked: CheckedDraft | None = None) -> tuple[int, bool]:
    """Store a complaint with its routing once per submission key; (id, created). Posts nothing.

    `submission_key` is the Slack view the form was submitted from: the same form submitted
    again (a double click, a retry with a new trigger id) finds the first complaint, as intake
    requests do. `checked` is the draft's validation when the caller already ran it (the modal
    does, before answering Slack); otherwise the draft is validated here.
    """
    if not policy.can_record_complaint(actor):
        raise PermissionDenied()
    checked = checked or validate_draft(session, actor=actor, draft=draft, now=now)
    if checked.errors:
        field, key = next(iter(checked.errors.items()))
        raise InvalidInput(key, field=field)
    accused = checked.accused
    assert accused and draft.received_at and draft.received_via and draft.client_id
    direct = policy.complaint_goes_direct(
        accused_role=accused.role, accused_is_managing_partner=accused.is_managing_partner,
        accused_slack_id=accused.slack_user_id, review_channel_members=review_channel_members)
    matter_id = checked.matter_id
    complaint = Complaint(
        submission_key=submission_key, client_id=draft.client_id, matter_id=matter_id,
        against_staff_id=accused.id, recorded_by_id=actor.staff_id, complainant_name=draft.complainant_name.strip(),
        complainant_contact=draft.complainant_contact.strip(), description=draft.description.strip(),
        request=draft.request.strip(), received_via=draft.received_via, received_at=draft.received_at,
        status="received", routing="direct" if direct else "channel", created_at=now,
    )
    complaint_id, created = insert_once(session, complaint, key=Complaint.submission_key)
    if not created:
        return complaint_id, False
    session.add(ComplaintEvent(complaint_id=complaint.id, step="recorded", actor_id=actor.staff_id, at=now))
    audit.record(session, actor=actor.audit_name, action="create", entity="complaint",
                 entity_id=complaint.id,
                 fields=SENSITIVE + ["client_id", "matter_id", "against_staff_id", "received_via",
                                     "received_at", "routing"])
    return complaint.id, True


def direct_reviewers(session: Session, *, against_staff_id: int, settings: Settings) -> list[Staff]:
    """Who gets a directly routed complaint (and its escalations): see `policy`."""
    partners = list(session.execute(
        select(Staff).where(Staff.role == Role.PARTNER.value, Staff.active.is_(True)).order_by(Staff.id)
    ).scalars())
    mps = [s for s in partners if s.is_managing_partner]
    if settings.managing_partner_user_id:
        configured = _staff_by_slack_id(session, settings.managing_partner_user_id)
        if configured is not None:
            mps = [configured] + [s for s in mps if s.id != configured.id]
    ids = policy.complaint_direct_reviewers(accused_staff_id=against_staff_id,
                                            managing_partner_ids=[s.id for s in mps],
                                            partner_ids=[s.id for s in partners])
    by_id = {s.id: s for s in partners + mps}
    return [by_id[i] for i in ids]


def snapshot(session: Session, complaint: Complaint, *, settings: Settings,
             calendar: WorkCalendar) -> Snapshot:
    """A detached, displayable copy of a complaint."""
    client_name = session.execute(select(Client.name).where(Client.id == complaint.client_id)).scalar_one()
    matter_number = None
    if complaint.matter_id:
        matter_number = session.execute(select(Matter.number).where(Matter.id == complaint.matter_id)).scalar_one()
    ids = {complaint.against_staff_id, complaint.recorded_by_id} | ({complaint.owner_id} if complaint.owner_id else set())
    users = dict(session.execute(select(Staff.id, Staff.slack_user_id).where(Staff.id.in_(ids))).all())
    return Snapshot(
        id=complaint.id, status=complaint.status, routing=complaint.routing, channel=complaint.channel,
        thread_ts=complaint.thread_ts, client_name=client_name, matter_number=matter_number,
        against_user_id=users[complaint.against_staff_id], against_staff_id=complaint.against_staff_id,
        recorded_by_user_id=users[complaint.recorded_by_id],
        owner_user_id=users.get(complaint.owner_id) if complaint.owner_id else None,
        owner_id=complaint.owner_id, complainant_name=complaint.complainant_name,
        complainant_contact=complaint.complainant_contact, description=complaint.description,
        request=complaint.request, received_via=complaint.received_via, received_at=complaint.received_at,
        founded=complaint.founded, finding_reason=complaint.finding_reason, solution=complaint.solution,
        extended_until=complaint.extended_until, extension_reason=complaint.extension_reason,
        answered_at=complaint.answered_at, acknowledged_at=complaint.acknowledged_at,
        root_cause=complaint.root_cause, evaluation=complaint.evaluation,
        clocks=clocks_of(complaint, settings=settings, calendar=calendar),
    )


# --- steps ---------------------------------------------------------------------------------------

def _load(session: Session, complaint_id: int, *, lock: bool = False) -> Complaint:
    """The complaint (row-locked on PostgreSQL when `lock`, and then re-read), or NotFound.

    Under the lock the row is refreshed even when the session already holds it: a check made
    on a copy loaded before the lock was granted would see a status another process changed.
    """
    stmt = select(Complaint).where(Complaint.id == complaint_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    complaint = session.execute(stmt).scalar_one_or_none()
    if complaint is None:
        raise NotFound()
    return complaint


class StepFields(Protocol):
    """What deciding whether a step is allowed reads (a Complaint, or a row of these columns)."""

    id: int
    status: str
    against_staff_id: int
    owner_id: int | None


def check_step(complaint: StepFields, *, actor: Actor, step: str) -> None:
    """Raise unless `actor` may take `step` on the complaint now."""
    if not policy.can_act_on_complaint(actor, step=step, against_staff_id=complaint.against_staff_id,
                                       owner_id=complaint.owner_id):
        raise PermissionDenied("complaint.error.not_allowed", id=complaint.id)
    if complaint.status == "closed":
        raise Conflict("complaint.error.closed", id=complaint.id)
    allowed, _ = TRANSITIONS[step]
    if complaint.status not in allowed:
        raise Conflict(f"complaint.error.at.{complaint.status}", id=complaint.id)


def may_take_step(session: Session, *, actor: Actor, complaint_id: int, step: str) -> None:
    """Check (without locking) that the step is allowed now; for modal pre-validation.

    Reads only the columns the check needs: nothing encrypted is decrypted.
    """
    row = session.execute(select(Complaint.id, Complaint.status, Complaint.against_staff_id, Complaint.owner_id)
                          .where(Complaint.id == complaint_id)).first()
    if row is None:
        raise NotFound()
    check_step(row, actor=actor, step=step)


def _step(session: Session, *, actor: Actor, complaint_id: int, step: str, now: datetime,
          fields: dict[str, object], note: str | None = None) -> Complaint:
    """Lock, check, apply `fields`, move the status, add the event and the audit entry."""
    complaint = _load(session, complaint_id, lock=True)
    check_step(complaint, actor=actor, step=step)
    for name, value in fields.items():
        setattr(complaint, name, value)
    _, to = TRANSITIONS[step]
    if to:
        complaint.status = to
    for clock in _stale_clocks(step, first_answer="answered_at" in fields):
        ledger.cancel(session, key_prefix=f"complaint:{complaint.id}:{clock}")
    session.add(ComplaintEvent(complaint_id=complaint.id, step=step, actor_id=actor.staff_id, at=now,
                               note=note))
    audit.record(session, actor=actor.audit_name, action=f"complaint.{step}", entity="complaint",
                 entity_id=complaint.id, fields=sorted(set(fields) | {"status"} | ({"note"} if note else set())))
    session.flush()
    return complaint


def _stale_clocks(step: str, *, first_answer: bool) -> tuple[str, ...]:
    """The clock notices (key part after `complaint:{id}:`) a step makes pointless if still unsent."""
    if step == "acknowledge":
        return ("remind", "escalate-ack")
    if step == "extend" or (step == "propose" and first_answer):
        return ("escalate-answer",)
    if step == "close":
        return ("remind", "escalate-ack", "escalate-answer")
    return ()


def acknowledge(session: Session, *, actor: Actor, complaint_id: int, now: datetime) -> None:
    """The client was contacted and told the complaint is being handled."""
    _step(session, actor=actor, complaint_id=complaint_id, step="acknowledge", now=now,
          fields={"acknowledged_at": now})


def assess(session: Session, *, actor: Actor, complaint_id: int, now: datetime, founded: bool | None,
           reason: str) -> None:
    """A partner decides whether the complaint is founded (this is the partner's review)."""
    if founded is None:
        raise InvalidInput("complaint.error.required", field="founded")
    if not reason.strip():
        raise InvalidInput("complaint.error.required", field="reason")
    _step(session, actor=actor, complaint_id=complaint_id, step="assess", now=now,
          fields={"founded": founded, "finding_reason": reason.strip(), "reviewed_at": now},
          note=reason.strip())


def assign_owner(session: Session, *, actor: Actor, complaint_id: int, now: datetime,
                 owner_user_id: str | None) -> None:
    """Make a staff member (never the accused) responsible for the solution."""
    owner = _staff_by_slack_id(session, owner_user_id) if owner_user_id else None
    if owner is None or owner.role == Role.ADMIN.value:
        raise InvalidInput("complaint.error.owner_unknown", field="owner")
    complaint = _load(session, complaint_id, lock=True)
    if owner.id == complaint.against_staff_id:
        raise InvalidInput("complaint.error.owner_is_accused", field="owner")
    _step(session, actor=actor, complaint_id=complaint_id, step="assign", now=now,
          fields={"owner_id": owner.id})


def propose_solution(session: Session, *, actor: Actor, complaint_id: int, now: datetime,
                     solution: str, communicated: bool) -> None:
    """A solution was proposed and communicated to the client (the first one answers the client)."""
    if not solution.strip():
        raise InvalidInput("complaint.error.required", field="solution")
    if not communicated:
        raise InvalidInput("complaint.error.must_communicate", field="communicated")
    complaint = _load(session, complaint_id, lock=True)  # whether this answers the client is decided under the lock
    fields: dict[str, object] = {"solution": solution.strip()}
    if complaint.answered_at is None:
        fields["answered_at"] = now
    _step(session, actor=actor, complaint_id=complaint_id, step="propose", now=now, fields=fields,
          note=solution.strip())


def client_accepts(session: Session, *, actor: Actor, complaint_id: int, now: datetime) -> None:
    """The client accepted the solution."""
    _step(session, actor=actor, complaint_id=complaint_id, step="client_accepts", now=now, fields={})


def client_rejects(session: Session, *, actor: Actor, complaint_id: int, now: datetime, note: str) -> None:
    """The client rejected the solution: negotiate, then propose again."""
    if not note.strip():
        raise InvalidInput("complaint.error.required", field="note")
    _step(session, actor=actor, complaint_id=complaint_id, step="client_rejects", now=now, fields={},
          note=note.strip())


def close_complaint(session: Session, *, actor: Actor, complaint_id: int, now: datetime,
                    evaluation: str, root_cause: str | None) -> None:
    """Close with an evaluation and a root-cause category."""
    if not evaluation.strip():
        raise InvalidInput("complaint.error.required", field="evaluation")
    if root_cause not in ROOT_CAUSES:
        raise InvalidInput("complaint.error.required", field="root_cause")
    _step(session, actor=actor, complaint_id=complaint_id, step="close", now=now,
          fields={"evaluation": evaluation.strip(), "root_cause": root_cause, "closed_at": now},
          note=evaluation.strip())
    improvements.from_complaint(session, complaint_id=complaint_id, today=now.date(), now=now)


def extend(session: Session, *, actor: Actor, complaint_id: int, now: datetime, until: date | None,
           reason: str, client_told: bool, calendar: WorkCalendar) -> None:
    """Move the answer deadline to the end of `until`, with a reason the client was told."""
    if until is None:
        raise InvalidInput("complaint.error.required", field="until")
    if until <= calendar.local_date(now):
        raise InvalidInput("complaint.error.extension_past", field="until")
    if not reason.strip():
        raise InvalidInput("complaint.error.required", field="reason")
    if not client_told:
        raise InvalidInput("complaint.error.client_not_told", field="client_told")
    _step(session, actor=actor, complaint_id=complaint_id, step="extend", now=now,
          fields={"extended_until": until, "extension_reason": reason.strip(),
                  "extension_client_told": True},
          note=reason.strip())


# the steps a partner may take back while they are the last one: step -> (the status it led to,
# the status it came from, the fields it set, cleared again)
UNDOABLE: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "client_accepts": ("accepted", "proposed", ()),
    "client_rejects": ("rejected", "proposed", ()),
    "close": ("closed", "accepted", ("evaluation", "root_cause", "closed_at")),
}
UNDO_STEP = "reopen"


def reopen_last_step(session: Session, *, actor: Actor, complaint_id: int, now: datetime) -> str:
    """A partner takes back the last step (client accepts / rejects, close): the complaint is back
    where it was before it, recorded as a `reopen` event and audited. Returns the step undone."""
    complaint = _load(session, complaint_id, lock=True)
    if not policy.can_act_on_complaint(actor, step=UNDO_STEP, against_staff_id=complaint.against_staff_id,
                                       owner_id=complaint.owner_id):
        raise PermissionDenied("complaint.error.not_allowed", id=complaint.id)
    last = session.execute(select(ComplaintEvent.step).where(ComplaintEvent.complaint_id == complaint.id)
                           .order_by(ComplaintEvent.id.desc()).limit(1)).scalar_one_or_none()
    if last not in UNDOABLE or complaint.status != UNDOABLE[last][0]:
        raise Conflict("complaint.error.nothing_to_reopen", id=complaint.id)
    _, back, cleared = UNDOABLE[last]
    for name in cleared:
        setattr(complaint, name, None)
    complaint.status = back
    session.add(ComplaintEvent(complaint_id=complaint.id, step=UNDO_STEP, actor_id=actor.staff_id, at=now,
                               note=last))
    audit.record(session, actor=actor.audit_name, action=f"complaint.{UNDO_STEP}", entity="complaint",
                 entity_id=complaint.id, fields=sorted({"status", *cleared}))
    session.flush()
    return last


def adopt_thread(session: Session, *, complaint_id: int) -> tuple[str, str] | None:
    """The complaint's (channel, thread ts), taken from its first reviewer card once that was sent."""
    known = session.execute(select(Complaint.channel, Complaint.thread_ts)
                            .where(Complaint.id == complaint_id)).first()
    if known is None:
        return None
    if known.channel and known.thread_ts:
        return known.channel, known.thread_ts
    first = session.execute(
        select(Notification.status, Notification.slack_channel, Notification.slack_ts)
        .where(Notification.key.startswith(f"complaint:{complaint_id}:post:"),
               Notification.key.not_like(f"complaint:{complaint_id}:post:owner:%"))
        .order_by(Notification.id).limit(1)
    ).first()
    if first is None or first.status != NotificationStatus.SENT.value or not first.slack_ts:
        return None
    session.execute(update(Complaint).where(Complaint.id == complaint_id, Complaint.thread_ts.is_(None))
                    .values(channel=first.slack_channel, thread_ts=first.slack_ts))
    return first.slack_channel, first.slack_ts


# --- lists ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Listed:
    """One open complaint in `/complaint list`."""

    id: int
    client_name: str
    status: str
    received_at: datetime
    deadline: tuple[str, datetime] | None


def open_complaints(session: Session, *, actor: Actor, settings: Settings) -> list[Listed]:
    """Open complaints the actor may see (`policy.complaint_visibility`), oldest first."""
    calendar = calendar_of(settings)
    rows = session.execute(  # the clock columns only: nothing encrypted is decrypted
        select(Complaint.id, Client.name.label("client_name"), Complaint.status, Complaint.received_at,
               Complaint.extended_until, Complaint.acknowledged_at, Complaint.answered_at)
        .join(Client, Client.id == Complaint.client_id)
        .where(Complaint.status != "closed", policy.complaint_visibility(actor))
        .order_by(Complaint.received_at, Complaint.id)
    ).all()
    out = []
    for row in rows:
        clocks = clocks_of(row, settings=settings, calendar=calendar)
        out.append(Listed(id=row.id, client_name=row.client_name, status=row.status, received_at=row.received_at,
                          deadline=next_deadline(clocks=clocks, acknowledged=row.acknowledged_at is not None,
                                                 answered=row.answered_at is not None, closed=False)))
    return out

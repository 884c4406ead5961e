"""Intake: from a validated form to a conflict-checked request and a partner's decision."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.conflicts import DEFAULT_MAX_HITS, QueryResult, record_party, search_conflicts
from bot.flows.errors import InvalidInput, NotFound, PermissionDenied
from bot.flows.client_edit import known_referrer, revive
from bot.flows.intake_form import IntakeForm
from bot.flows.matters import next_matter_number
from storage import ledger
from storage import audit
from storage.models import (Client, ClientContact, ClientTeamMember, IntakeRequest, Matter,
                            MatterTeamMember, Notification, Party, Staff, StaffAssistant)
from storage.models.enums import NotificationStatus, Role, TeamRole
from storage.once import insert_once
from storage.types import keyring_of

DECISIONS = ("approved", "approved_waiver", "declined")
CLIENT_ROLES = ("client", "former_client")
CLIENT_FIELDS = ("kind", "name", "id_number", "status", "tier", "source_channel", "referrer", "phone",
                 "email", "sensitive_consent_at")
REFERRER_LINKS = ("referrer_client_id", "referrer_staff_id")


@dataclass(frozen=True)
class RequestView:
    """Everything needed to show a request (plain values, safe across threads)."""

    id: int
    status: str
    form: IntakeForm
    results: list[dict[str, Any]]
    note: str | None
    requester_slack_id: str
    requester_locale: str | None
    review_channel: str | None
    review_ts: str | None
    lead_slack_id: str | None
    default_lead_slack_id: str | None = None
    decision: str | None = None
    decided_by_slack_id: str | None = None
    decided_by_name: str | None = None
    self_decided: bool = False
    decision_reason: str | None = None
    waiver_ref: str | None = None
    matter_number: str | None = None
    linked_existing_client: bool = False
    client_options: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class DecisionOutcome:
    """Whether this actor's decision won, and the request as it now stands."""

    won: bool
    request: RequestView


Render = Callable[[RequestView], tuple[str, list[dict[str, Any]]]]


def results_json(results: Sequence[QueryResult], groups: Sequence[str]) -> list[dict[str, Any]]:
    """Conflict results as plain JSON (stored encrypted, rendered by the blocks)."""
    return [
        {"query": r.query, "group": groups[i] if i < len(groups) else "name", "more": r.more,
         "hits": [{"party_id": h.party_id, "name": h.name, "role": h.role, "matter": h.matter,
                   "score": h.score, "reasons": list(h.reasons), "source": h.source,
                   "partners_only": h.source == "interest"} for h in r.hits]}
        for i, r in enumerate(results)
    ]


def check_names(session: Session, *, actor: Actor, names: Sequence[str],
                cache: dict[str, Any] | None, show_all: bool = False,
                wait: float | None = None) -> list[dict[str, Any]]:
    """`/conflict`: search names for conflicts (partners, lawyers and assistants only)."""
    if not policy.can_check_conflicts(actor):
        raise PermissionDenied()
    results = search_conflicts(session, names=list(names), cache=cache, locale=None,
                               max_hits=None if show_all else DEFAULT_MAX_HITS,
                               interests=policy.can_see_staff_interests(actor), wait=wait)
    audit.record(session, actor=actor.audit_name, action="conflict_search", entity="conflict",
                 fields=["names"])
    return results_json(results, ["name"] * len(names))


def open_request(session: Session, *, actor: Actor, form: IntakeForm, submission_key: str,
                 now: datetime) -> tuple[int, bool]:
    """Create the request for a submitted form once per submission key; (id, created)."""
    if not policy.can_file_intake(actor):
        raise PermissionDenied()
    bidx = keyring_of(session.get_bind().dialect).blind_index(form.id_number) if form.id_number else None
    req = IntakeRequest(submission_key=submission_key, requester_id=actor.staff_id, status="checking",
                        client_kind=form.kind, practice_area=form.area, form=form.to_json(),
                        id_number_bidx=bidx, created_at=now)
    request_id, created = insert_once(session, req, key=IntakeRequest.submission_key)
    if not created:
        return request_id, False
    audit.record(session, actor=actor.audit_name, action="create", entity="intake_request",
                 entity_id=req.id, fields=sorted(k for k, v in form.to_json().items() if v))
    return req.id, True


def _by_key(session: Session, key: str) -> int | None:
    """The id of the request made from this submission, if any."""
    return session.execute(
        select(IntakeRequest.id).where(IntakeRequest.submission_key == key)
    ).scalar_one_or_none()


def run_check(session: Session, *, actor: Actor, request_id: int,
              cache: dict[str, Any] | None) -> RequestView:
    """Search the client, its ID number and every party; store the results on the request."""
    req = _own_request(session, actor, request_id)
    if req.status not in ("checking", "checked"):
        return _view(session, req)
    form = IntakeForm.from_json(req.form)
    names, groups = [form.name], ["client"]
    seen = {form.name.casefold()}
    for group, more in (("adverse", form.opposing), ("related", form.related)):
        for name in more:
            if name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
                groups.append(group)
    ids = [form.id_number] if form.id_number else []
    # Hits on staff interests are stored for the partners' review and hidden from the requester.
    results = results_json(search_conflicts(session, names=names, id_numbers=ids, cache=cache,
                                            locale=None, interests=True), groups)
    # Conditional: a close that cancelled the request while the search ran must win.
    res = session.execute(
        update(IntakeRequest)
        .where(IntakeRequest.id == request_id, IntakeRequest.status.in_(("checking", "checked")))
        .values(results=results, status="checked")
    )
    if res.rowcount != 1:
        return load_view(session, request_id)  # cancelled meanwhile: read what now stands
    audit.record(session, actor=actor.audit_name, action="check", entity="intake_request",
                 entity_id=req.id, fields=["results", "status"])
    return _view(session, req)  # the UPDATE synchronised the loaded row


def _own_request(session: Session, actor: Actor, request_id: int) -> IntakeRequest:
    """The actor's own request (NotFound for anyone else's)."""
    req = session.get(IntakeRequest, request_id)
    if req is None or req.requester_id != actor.staff_id:
        raise NotFound()
    return req


def cancel_request(session: Session, *, actor: Actor, submission_key: str) -> bool:
    """Cancel a checked request the requester closed without submitting it."""
    res = session.execute(
        update(IntakeRequest)
        .where(IntakeRequest.submission_key == submission_key,
               IntakeRequest.requester_id == actor.staff_id,
               IntakeRequest.status.in_(("checking", "checked")))
        .values(status="cancelled")
    )
    if res.rowcount != 1:
        return False
    rid = _by_key(session, submission_key)
    audit.record(session, actor=actor.audit_name, action="cancel", entity="intake_request",
                 entity_id=rid, fields=["status"])
    return True


def review_key(request_id: int) -> str:
    """The ledger key of a request's post to the partners' review channel."""
    return f"intake:{request_id}:review"


def submit_for_approval(session: Session, *, actor: Actor, request_id: int, note: str | None,
                        channel: str, render: Render, now: datetime) -> str | None:
    """Queue a checked request's review post, once; its ledger key (None if already sent).

    The status changes with a conditional UPDATE and the post is recorded in the ledger in the
    same transaction: a double submission posts once, and a post Slack refuses for now (429, a
    hiccup) is sent later by the `deliver` job — the request is never lost or left half-sent.
    """
    req = _own_request(session, actor, request_id)
    res = session.execute(
        update(IntakeRequest)
        .where(IntakeRequest.id == request_id, IntakeRequest.status == "checked")
        .values(status="pending", note=note or None, submitted_at=now, review_channel=channel)
    )
    if res.rowcount != 1:
        return None
    text, blocks = render(_view(session, req))  # the UPDATE synchronised the loaded row
    key = review_key(request_id)
    ledger.enqueue(session, key=key, kind="intake_review", channel=channel, due_at=now,
                   payload={"text": text, "blocks": blocks})
    audit.record(session, actor=actor.audit_name, action="submit", entity="intake_request",
                 entity_id=request_id, fields=["status", "note", "review_channel"])
    return key


def adopt_review_post(session: Session, *, request_id: int) -> bool:
    """Copy where the review post landed (from its sent ledger row) onto the request, once."""
    sent = session.execute(
        select(Notification.slack_channel, Notification.slack_ts)
        .where(Notification.key == review_key(request_id),
               Notification.status == NotificationStatus.SENT.value)
    ).first()
    if sent is None or not sent.slack_ts:
        return False
    res = session.execute(
        update(IntakeRequest)
        .where(IntakeRequest.id == request_id, IntakeRequest.review_ts.is_(None))
        .values(review_channel=sent.slack_channel, review_ts=sent.slack_ts)
        .execution_options(synchronize_session="fetch")
    )
    return res.rowcount == 1


def check_decider(session: Session, *, actor: Actor, request_id: int) -> bool:
    """Raise unless the actor may decide this request; True when it is their own.

    Only partners decide, and never their own request while another active partner could
    (`policy.can_decide_own_intake`); a firm's only partner decides theirs, self-approved.
    """
    if not policy.can_decide_intake(actor):
        raise PermissionDenied("intake.error.partners_only")
    requester_id = session.execute(select(IntakeRequest.requester_id)
                                   .where(IntakeRequest.id == request_id)).scalar_one_or_none()
    if requester_id is None:
        raise NotFound()
    if requester_id != actor.staff_id:
        return False
    others = session.execute(
        select(func.count()).select_from(Staff)
        .where(Staff.role == Role.PARTNER.value, Staff.active.is_(True), Staff.id != actor.staff_id)
    ).scalar_one()
    if not policy.can_decide_own_intake(other_active_partners=others):
        raise PermissionDenied("intake.error.own_request")
    return True


def set_choice(session: Session, *, actor: Actor, request_id: int, lead_slack_id: str | None = None,
               link_client_id: int | None = None) -> None:
    """A partner (not the requester: `check_decider`) picks the lead lawyer or client to link."""
    check_decider(session, actor=actor, request_id=request_id)
    req = session.get(IntakeRequest, request_id)
    if req is None:
        raise NotFound()
    if req.status != "pending":
        raise InvalidInput("intake.error.already_decided_short")
    changed = []
    if lead_slack_id is not None:
        lead = session.execute(select(Staff).where(Staff.slack_user_id == lead_slack_id,
                                                   Staff.active.is_(True))).scalar_one_or_none()
        if lead is None or lead.role not in (Role.PARTNER, Role.LAWYER):
            raise InvalidInput("intake.error.lead_not_lawyer")
        req.lead_lawyer_id = lead.id
        changed.append("lead_lawyer_id")
    if link_client_id is not None:
        options = dict(_client_options(session, req.results or []))
        if link_client_id and link_client_id not in options:
            raise InvalidInput("intake.error.not_a_candidate")
        req.link_client_id = link_client_id or None
        changed.append("link_client_id")
    audit.record(session, actor=actor.audit_name, action="choose", entity="intake_request",
                 entity_id=request_id, fields=changed)


def decide(session: Session, *, actor: Actor, request_id: int, decision: str,
           reason: str | None = None, waiver_ref: str | None = None, pattern: str, tz: ZoneInfo,
           now: datetime) -> DecisionOutcome:
    """Approve, approve with a waiver, or decline a pending request; exactly one decision wins.

    The requester's own decision is refused, or (the firm's only partner) recorded as self-decided.
    """
    own = check_decider(session, actor=actor, request_id=request_id)
    if decision not in DECISIONS:
        raise InvalidInput()
    reason = (reason or "").strip() or None
    waiver_ref = (waiver_ref or "").strip() or None
    if decision != "approved" and not reason:
        raise InvalidInput("intake.error.reason_required")
    if decision == "approved_waiver" and not waiver_ref:
        raise InvalidInput("intake.error.waiver_ref_required")
    status = "declined" if decision == "declined" else "approved"
    res = session.execute(
        update(IntakeRequest)
        .where(IntakeRequest.id == request_id, IntakeRequest.status == "pending")
        .values(status=status, decision=decision, decided_by_id=actor.staff_id, decided_at=now,
                decision_reason=reason, waiver_ref=waiver_ref, self_decided=own)
    )
    if res.rowcount != 1:
        return DecisionOutcome(won=False, request=load_view(session, request_id))
    adopt_review_post(session, request_id=request_id)  # sent by the `deliver` job, perhaps
    fields = ["status", "decision", "decided_by_id", "decided_at"]
    fields += ["decision_reason"] if reason else []
    fields += ["waiver_ref"] if waiver_ref else []
    fields += ["self_decided"] if own else []
    audit.record(session, actor=actor.audit_name, action="decide", entity="intake_request",
                 entity_id=request_id, fields=fields)
    req = _load(session, request_id)
    if status == "approved":
        _accept(session, actor=actor, req=req, pattern=pattern, tz=tz, now=now)
    return DecisionOutcome(won=True, request=_view(session, req))


def _accept(session: Session, *, actor: Actor, req: IntakeRequest, pattern: str, tz: ZoneInfo,
            now: datetime) -> None:
    """Create or link the client, number the matter, form the team and record every party."""
    form = IntakeForm.from_json(req.form)
    client = _find_client(session, req)
    if client is None:
        client = Client(kind=form.kind, name=form.name, id_number=form.id_number,
                        id_number_bidx=req.id_number_bidx, status="active", tier="potential",
                        source_channel=form.source, referrer=form.referrer, phone=form.phone,
                        email=form.email,
                        sensitive_consent_at=now if form.id_number and form.consent else None,
                        created_at=now, updated_at=now)
        client.referrer_client_id, client.referrer_staff_id = known_referrer(session, actor=actor,
                                                                             text=form.referrer)
        session.add(client)
        session.flush()
        audit.record(session, actor=actor.audit_name, action="create", entity="client",
                     entity_id=client.id, fields=_filled(client, CLIENT_FIELDS + REFERRER_LINKS))
        if form.contact:
            contact = ClientContact(client_id=client.id, name=form.contact, phone=form.phone,
                                    email=form.email, is_primary=True)
            session.add(contact)
            session.flush()
            audit.record(session, actor=actor.audit_name, action="create", entity="client_contact",
                         entity_id=contact.id, fields=_filled(contact, ("name", "phone", "email")))
    else:
        # a client coming back is no longer lost: active, and a lost tier back to potential
        changed = revive(session, actor_name=actor.audit_name, client=client)
        req.linked_client = True
        audit.record(session, actor=actor.audit_name, action="link", entity="client",
                     entity_id=client.id, fields=changed or ["status"])
    requester = session.get(Staff, req.requester_id)
    assert requester is not None
    lead_id = req.lead_lawyer_id
    if lead_id is None and requester.role in (Role.PARTNER, Role.LAWYER):
        lead_id = requester.id
    year = now.astimezone(tz).year
    number = next_matter_number(session, pattern=pattern, year=year, area=req.practice_area)
    matter = Matter(number=number, client_id=client.id, practice_area=req.practice_area,
                    title=form.need.splitlines()[0][:200] if form.need else None, status="open",
                    lead_lawyer_id=lead_id, opened_at=now)
    session.add(matter)
    session.flush()
    audit.record(session, actor=actor.audit_name, action="create", entity="matter", entity_id=matter.id,
                 fields=["number", "client_id", "practice_area", "title", "status", "lead_lawyer_id"])
    _form_team(session, actor=actor, client_id=client.id, matter_id=matter.id, lead_id=lead_id,
               requester=requester)
    parties = [(form.name, "client", form.party_kind, client.id, form.id_number)]
    parties += [(n, "adverse", None, None, None) for n in form.opposing]
    parties += [(n, "related", None, None, None) for n in form.related]
    for name, role, kind, client_id, id_number in parties:
        party = record_party(session, name=name, role=role, kind=kind, matter_id=matter.id,
                             matter_ref=number, client_id=client_id, id_number=id_number,
                             aliases=(), source="intake")
        fields = ["name", "role", "matter_id"] + (["id_number"] if id_number else [])
        audit.record(session, actor=actor.audit_name, action="create", entity="party",
                     entity_id=party.id, fields=fields)
    req.client_id, req.matter_id = client.id, matter.id
    session.flush()


def _filled(row: Any, names: Sequence[str]) -> list[str]:
    """The names of the columns that hold a value (for the audit log)."""
    return [n for n in names if getattr(row, n) is not None]


def _find_client(session: Session, req: IntakeRequest) -> Client | None:
    """The existing client to link: the partner's choice, else the same ID number."""
    if req.link_client_id:
        return session.get(Client, req.link_client_id)
    if req.id_number_bidx:
        return session.execute(select(Client).where(Client.id_number_bidx == req.id_number_bidx)
                               .order_by(Client.id).limit(1)).scalar_one_or_none()
    return None


def _form_team(session: Session, *, actor: Actor, client_id: int, matter_id: int, lead_id: int | None,
               requester: Staff) -> None:
    """Lead lawyer and assistants on the matter and the client team."""
    members: list[tuple[int, str]] = []
    if lead_id is not None:
        members.append((lead_id, "lead_lawyer"))
        assistants = session.execute(select(StaffAssistant.assistant_id)
                                     .where(StaffAssistant.lawyer_id == lead_id)).scalars()
        members += [(a, "assistant") for a in assistants]
    if requester.role == Role.ASSISTANT and (requester.id, "assistant") not in members:
        members.append((requester.id, "assistant"))
    # A client has one lead lawyer: a returning client's new matter lead joins its team as a lawyer.
    client_lead = session.execute(
        select(ClientTeamMember.staff_id).join(Staff, Staff.id == ClientTeamMember.staff_id)
        .where(ClientTeamMember.client_id == client_id, ClientTeamMember.role == TeamRole.LEAD_LAWYER.value,
               Staff.active.is_(True))).scalars().first()
    for staff_id, role in members:
        session.add(MatterTeamMember(matter_id=matter_id, staff_id=staff_id, role=role))
        client_role = role
        if role == TeamRole.LEAD_LAWYER.value and client_lead is not None and client_lead != staff_id:
            client_role = TeamRole.LAWYER.value
        exists = session.execute(select(ClientTeamMember.id).where(
            ClientTeamMember.client_id == client_id, ClientTeamMember.staff_id == staff_id,
            ClientTeamMember.role == client_role)).first()
        if exists is None:
            session.add(ClientTeamMember(client_id=client_id, staff_id=staff_id, role=client_role))
    session.flush()
    if members:
        audit.record(session, actor=actor.audit_name, action="assign_team", entity="matter",
                     entity_id=matter_id, fields=["team"])


def _client_options(session: Session, results: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """Existing clients among the hits (candidates a partner may link the intake to)."""
    party_ids = {h["party_id"] for r in results for h in r.get("hits", [])
                 if h.get("role") in CLIENT_ROLES}
    if not party_ids:
        return []
    rows = session.execute(
        select(Client.id, Client.name).join(Party, Party.client_id == Client.id)
        .where(Party.id.in_(party_ids)).distinct().order_by(Client.id)
    ).all()
    return [(r.id, r.name) for r in rows][:20]


def _load(session: Session, request_id: int) -> IntakeRequest:
    """The request as the database now holds it (NotFound if there is none)."""
    req = session.execute(select(IntakeRequest).where(IntakeRequest.id == request_id)
                          .execution_options(populate_existing=True)).scalar_one_or_none()
    if req is None:
        raise NotFound()
    return req


def load_view(session: Session, request_id: int) -> RequestView:
    """A request as plain values, read afresh."""
    return _view(session, _load(session, request_id))


def _view(session: Session, req: IntakeRequest) -> RequestView:
    """A loaded request as plain values."""
    people = {s.id: s for s in session.execute(select(Staff).where(Staff.id.in_(
        [i for i in (req.requester_id, req.decided_by_id, req.lead_lawyer_id) if i]))).scalars()}
    requester = people[req.requester_id]
    decider = people.get(req.decided_by_id) if req.decided_by_id else None
    lead = people.get(req.lead_lawyer_id) if req.lead_lawyer_id else None
    matter = session.get(Matter, req.matter_id) if req.matter_id else None
    return RequestView(
        id=req.id, status=req.status, form=IntakeForm.from_json(req.form), results=req.results or [],
        note=req.note, requester_slack_id=requester.slack_user_id, requester_locale=requester.locale,
        review_channel=req.review_channel, review_ts=req.review_ts,
        lead_slack_id=lead.slack_user_id if lead else None,
        default_lead_slack_id=lead.slack_user_id if lead else (
            requester.slack_user_id if requester.role in (Role.PARTNER, Role.LAWYER) else None),
        decision=req.decision,
        decided_by_slack_id=decider.slack_user_id if decider else None,
        decided_by_name=decider.display_name if decider else None, self_decided=req.self_decided,
        decision_reason=req.decision_reason, waiver_ref=req.waiver_ref,
        matter_number=matter.number if matter else None, linked_existing_client=req.linked_client,
        client_options=(tuple(_client_options(session, req.results or []))
                        if req.status == "pending" else ()),
    )

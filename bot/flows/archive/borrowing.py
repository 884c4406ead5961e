"""Borrowing filed matters: who may, whose approval it needs, at most N days, the return check.

Partners borrow any file; lawyers their own (lead or on the matter team), others' with that
lead lawyer's consent; assistants the files they worked on (on the team, or assisting its lead
lawyer); someone outside the firm only with the director's (managing partner's) approval.
A copy needs a partner's approval unless a partner asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.actor import Actor
from bot.flows.archive import (Notice, Person, latest_filing, managing_partners, matter_by_number, person,
                               records_officers)
from bot.flows.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bot.settings import Settings
from storage import audit, ledger
from storage.models import ArchiveFiling, ArchiveLoan, Matter, MatterTeamMember, StaffAssistant
from storage.models.enums import Role
from storage.once import insert_once

CONDITIONS = ("complete", "damaged", "missing_pages")


@dataclass(frozen=True)
class BorrowForm:
    """What the borrow modal shows."""

    filing_id: int
    number: str
    max_days: int


def _lendable(session: Session, number: str) -> tuple[Matter, ArchiveFiling]:
    """A matter's accepted, undestroyed filing."""
    matter = matter_by_number(session, number)
    filing = latest_filing(session, matter.id, statuses=("accepted",))
    if filing is None:
        raise NotFound("archive.not_filed", number=matter.number)
    if filing.destroyed_at is not None:
        raise Conflict("archive.destroy.already_destroyed")
    return matter, filing


def borrow_form(session: Session, *, actor: Actor, number: str, settings: Settings) -> BorrowForm:
    """The file a borrow request is for (refused at once for someone who may never borrow it)."""
    matter, filing = _lendable(session, number)
    if actor.role in (Role.CLIENT_SERVICE, Role.ADMIN):
        raise PermissionDenied("archive.borrow.not_allowed", number=matter.number)
    return BorrowForm(filing_id=filing.id, number=matter.number, max_days=settings.archive_loan_max_days)


def _worked_on(session: Session, actor: Actor, matter: Matter) -> bool:
    """The actor is the lead lawyer, on the matter team, or assists its lead lawyer."""
    if actor.staff_id == matter.lead_lawyer_id:
        return True
    if session.execute(select(MatterTeamMember.id).where(MatterTeamMember.matter_id == matter.id,
                                                         MatterTeamMember.staff_id == actor.staff_id)).first():
        return True
    return matter.lead_lawyer_id is not None and session.execute(
        select(StaffAssistant.id).where(StaffAssistant.assistant_id == actor.staff_id,
                                        StaffAssistant.lawyer_id == matter.lead_lawyer_id)).first() is not None


def needed_approval(session: Session, *, actor: Actor, matter: Matter, copy: bool, outsider: bool) -> str | None:
    """None (lent at once), or whose approval is needed: director / copy / consent."""
    if actor.role in (Role.CLIENT_SERVICE, Role.ADMIN):
        raise PermissionDenied("archive.borrow.not_allowed", number=matter.number)
    own = actor.role == Role.PARTNER or _worked_on(session, actor, matter)
    if actor.role == Role.ASSISTANT and not own:
        raise PermissionDenied("archive.borrow.not_worked_on", number=matter.number)
    if outsider:
        return "director"
    if copy and actor.role != Role.PARTNER:
        return "copy"
    if own:
        return None
    if matter.lead_lawyer_id is None:
        return "copy"  # no lawyer to consent: a partner decides
    return "consent"


@dataclass(frozen=True)
class LoanRequest:
    """What the borrow modal collected."""

    days: int | None
    copy: bool
    outsider: str


def request_loan(session: Session, *, actor: Actor, filing_id: int, request: LoanRequest, submission_key: str,
                 now: datetime, settings: Settings) -> tuple[int, str, list[Notice]]:
    """Record a borrow request once per submission (audited): (loan id, status, notices)."""
    if request.days is None or not 1 <= request.days <= settings.archive_loan_max_days:
        raise InvalidInput("archive.borrow.days", field="days", max=settings.archive_loan_max_days)
    filing = session.get(ArchiveFiling, filing_id)
    if filing is None:
        raise NotFound("archive.filing.none", number="")
    matter = session.get(Matter, filing.matter_id)
    assert matter is not None
    matter, filing = _lendable(session, matter.number)
    needs = needed_approval(session, actor=actor, matter=matter, copy=request.copy,
                            outsider=bool(request.outsider.strip()))
    if needs == "director" and not managing_partners(session, settings):
        raise Conflict("archive.borrow.no_director")
    if not request.copy and _out(session, filing.id):
        raise Conflict("archive.borrow.already_out", number=matter.number)
    loan = ArchiveLoan(submission_key=submission_key, filing_id=filing.id, requested_by_id=actor.staff_id,
                       outsider=request.outsider.strip() or None, copy=request.copy, days=request.days,
                       status="waiting", needs=needs, requested_at=now)
    loan_id, created = insert_once(session, loan, key=ArchiveLoan.submission_key)
    if not created:
        existing = session.get(ArchiveLoan, loan_id)
        return loan_id, existing.status if existing else "waiting", []
    audit.record(session, actor=actor.audit_name, action="request", entity="archive_loan", entity_id=loan_id,
                 fields=["filing_id", "days", "copy", "outsider"])
    if needs is None:
        return loan_id, "approved", _approve(session, loan, by=actor, now=now, settings=settings, number=matter.number)
    return loan_id, "waiting", _ask(session, loan, matter=matter, actor=actor, settings=settings)


def _out(session: Session, filing_id: int) -> bool:
    """The original file is lent and not yet back."""
    return session.execute(select(ArchiveLoan.id).where(ArchiveLoan.filing_id == filing_id,
                                                        ArchiveLoan.status == "approved",
                                                        ArchiveLoan.copy.is_(False))).first() is not None


def _approvers(session: Session, loan: ArchiveLoan, matter: Matter, settings: Settings) -> list[Person] | str | None:
    """The people (or the partners' channel) who decide a loan."""
    if loan.needs == "director":
        return managing_partners(session, settings)
    if loan.needs == "consent":
        lead = person(session, matter.lead_lawyer_id, settings)
        return [lead] if lead else []
    return settings.partner_review_channel


def _ask(session: Session, loan: ArchiveLoan, *, matter: Matter, actor: Actor, settings: Settings) -> list[Notice]:
    """Ask whoever decides this loan (a DM with buttons, or the partners' channel)."""
    params = {"number": matter.number, "by": actor.slack_user_id, "days": str(loan.days),
              "copy": "yes" if loan.copy else "", "outsider": loan.outsider or "", "needs": loan.needs or ""}
    who = _approvers(session, loan, matter, settings)
    if isinstance(who, str):
        return [Notice(key=f"archive:loan:{loan.id}:ask:channel", channel=who, locale=settings.default_locale,
                       kind="loan_ask", ref=loan.id, params=params)]
    return [Notice(key=f"archive:loan:{loan.id}:ask:{p.id}", channel=p.slack_user_id, locale=p.locale,
                   kind="loan_ask", ref=loan.id, params=params) for p in who or []]


def _approve(session: Session, loan: ArchiveLoan, *, by: Actor, now: datetime, settings: Settings,
             number: str) -> list[Notice]:
    """The loan is granted: it is due back in its days; the borrower and the records officers are told."""
    loan.status, loan.decided_at, loan.decided_by_id = "approved", now, by.staff_id
    loan.due_at = now + timedelta(days=loan.days)
    audit.record(session, actor=by.audit_name, action="approve", entity="archive_loan", entity_id=loan.id,
                 fields=["status", "due_at"])
    due = loan.due_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    notices = []
    borrower = person(session, loan.requested_by_id, settings)
    if borrower and borrower.id != by.staff_id:
        notices.append(Notice(key=f"archive:loan:{loan.id}:approved", channel=borrower.slack_user_id,
                              locale=borrower.locale, kind="loan_approved", ref=loan.id,
                              params={"number": number, "due": due}))
    for p in records_officers(session, settings):
        notices.append(Notice(key=f"archive:loan:{loan.id}:handout:{p.id}", channel=p.slack_user_id,
                              locale=p.locale, kind="loan_handout", ref=loan.id,
                              params={"number": number, "due": due, "copy": "yes" if loan.copy else "",
                                      "by": borrower.slack_user_id if borrower else "",
                                      "outsider": loan.outsider or ""}))
    return notices


def may_decide(session: Session, *, actor: Actor, loan: ArchiveLoan, matter: Matter) -> bool:
    """Whoever the loan waits for decides it (a partner also for a lawyer's consent)."""
    if loan.needs == "director":
        return actor.is_managing_partner
    if loan.needs == "consent":
        return actor.staff_id == matter.lead_lawyer_id or actor.role == Role.PARTNER
    return actor.role == Role.PARTNER


def decide_loan(session: Session, *, actor: Actor, loan_id: int, approve: bool, now: datetime,
                settings: Settings) -> tuple[str, list[Notice]]:
    """Approve or refuse a waiting loan (audited): (number, notices)."""
    loan = session.execute(select(ArchiveLoan).where(ArchiveLoan.id == loan_id).with_for_update()
                           ).scalar_one_or_none()
    if loan is None:
        raise NotFound("archive.loan.not_found", id=loan_id)
    filing = session.get(ArchiveFiling, loan.filing_id)
    assert filing is not None
    matter = session.get(Matter, filing.matter_id)
    assert matter is not None
    if loan.status != "waiting":
        raise Conflict(f"archive.loan.state.{loan.status}", id=loan.id)
    if not may_decide(session, actor=actor, loan=loan, matter=matter):
        raise PermissionDenied(f"archive.loan.decide_{loan.needs}")
    ledger.cancel(session, key_prefix=f"archive:loan:{loan.id}:ask:")
    if approve:
        if not loan.copy and _out(session, filing.id):
            raise Conflict("archive.borrow.already_out", number=matter.number)
        return matter.number, _approve(session, loan, by=actor, now=now, settings=settings, number=matter.number)
    loan.status, loan.decided_at, loan.decided_by_id = "refused", now, actor.staff_id
    audit.record(session, actor=actor.audit_name, action="refuse", entity="archive_loan", entity_id=loan.id,
                 fields=["status"])
    borrower = person(session, loan.requested_by_id, settings)
    if borrower is None:
        return matter.number, []
    return matter.number, [Notice(key=f"archive:loan:{loan.id}:refused", channel=borrower.slack_user_id,
                                  locale=borrower.locale, kind="loan_refused", ref=loan.id,
                                  params={"number": matter.number})]


def loan_to_check(session: Session, *, actor: Actor, loan_id: int) -> str:
    """A lent file a records officer checks on its return: its matter number."""
    if actor.role != Role.ADMIN:
        raise PermissionDenied("archive.records_officer_only")
    loan = session.get(ArchiveLoan, loan_id)
    if loan is None:
        raise NotFound("archive.loan.not_found", id=loan_id)
    if loan.status != "approved":
        raise Conflict(f"archive.loan.state.{loan.status}", id=loan_id)
    filing = session.get(ArchiveFiling, loan.filing_id)
    matter = session.get(Matter, filing.matter_id) if filing else None
    return matter.number if matter else ""


def check_return(session: Session, *, actor: Actor, loan_id: int, condition: str | None, note: str,
                 now: datetime, settings: Settings) -> tuple[str, list[Notice]]:
    """The records officer checks a returned file (audited); damage or missing pages go to the partners."""
    if condition not in CONDITIONS:
        raise InvalidInput("archive.error.required", field="condition")
    if condition != "complete" and not note.strip():
        raise InvalidInput("archive.return.note_required", field="note")
    number = loan_to_check(session, actor=actor, loan_id=loan_id)
    loan = session.execute(select(ArchiveLoan).where(ArchiveLoan.id == loan_id).with_for_update()).scalar_one()
    if loan.status != "approved":
        raise Conflict(f"archive.loan.state.{loan.status}", id=loan_id)
    loan.status, loan.returned_at, loan.checked_by_id = "returned", now, actor.staff_id
    loan.condition, loan.condition_note = condition, note.strip() or None
    audit.record(session, actor=actor.audit_name, action="check_return", entity="archive_loan", entity_id=loan.id,
                 fields=["status", "returned_at", "condition", "condition_note"])
    ledger.cancel(session, key_prefix=f"archive:loan:{loan.id}:")
    if condition == "complete" or not settings.partner_review_channel:
        return number, []
    borrower = person(session, loan.requested_by_id, settings)
    return number, [Notice(key=f"archive:loan:{loan.id}:returned-{condition}", channel=settings.partner_review_channel,
                           locale=settings.default_locale, kind="loan_damaged", ref=loan.id,
                           params={"number": number, "condition": condition,
                                   "by": borrower.slack_user_id if borrower else ""})]


def clock_notices(session: Session, *, now: datetime, settings: Settings) -> list[Notice]:
    """Reminders before a loan is due and escalations once it is overdue (each once per loan and due date)."""
    rows = session.execute(
        select(ArchiveLoan.id, ArchiveLoan.requested_by_id, ArchiveLoan.due_at, Matter.number)
        .join(ArchiveFiling, ArchiveFiling.id == ArchiveLoan.filing_id)
        .join(Matter, Matter.id == ArchiveFiling.matter_id)
        .where(ArchiveLoan.status == "approved",
               ArchiveLoan.due_at <= now + timedelta(days=settings.archive_loan_reminder_days))
        .order_by(ArchiveLoan.id)).all()
    out: list[Notice] = []
    officers = records_officers(session, settings)
    for row in rows:
        due_key = row.due_at.astimezone(settings.tz).strftime("%Y%m%d%H%M")
        base = f"archive:loan:{row.id}:{due_key}"
        due = row.due_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
        borrower = person(session, row.requested_by_id, settings)
        params = {"number": row.number, "due": due, "by": borrower.slack_user_id if borrower else ""}
        if now < row.due_at:
            if borrower:
                out.append(Notice(key=f"{base}:remind", channel=borrower.slack_user_id, locale=borrower.locale,
                                  kind="loan_remind", ref=row.id, params=params))
            continue
        if borrower:
            out.append(Notice(key=f"{base}:overdue:{borrower.id}", channel=borrower.slack_user_id,
                              locale=borrower.locale, kind="loan_overdue", ref=row.id, params=params))
        for p in officers:
            out.append(Notice(key=f"{base}:overdue:{p.id}", channel=p.slack_user_id, locale=p.locale,
                              kind="loan_overdue_officer", ref=row.id, params=params))
        if settings.partner_review_channel:
            out.append(Notice(key=f"{base}:overdue:channel", channel=settings.partner_review_channel,
                              locale=settings.default_locale, kind="loan_overdue_officer", ref=row.id,
                              params=params))
    return out

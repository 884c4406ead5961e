"""Fees on matters: the partner's terms (arrangement, agreed amount, complexity), invoices and payments.

Fees are confidential: partners and the client's team see and record them
(`policy.can_see_fees`), only partners set the terms (`policy.can_set_fee_terms`). Amounts and
references are stored encrypted; every change is audited with field names only, and so is every
read of a matter's fee summary.

An invoice or payment is identified by its matter, kind, date, amount and reference
(`entry_key`): entered twice, in Slack or by `lawcrm fees import`, it is recorded once.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.flows import policy
from bot.flows.actor import Actor
from bot.flows.errors import InvalidInput, NotFound, PermissionDenied
from bot.flows.text_rules import text_problem
from bot.flows.value.amounts import BadAmount, amount_text, parse_amount
from storage import audit
from storage.models import Client, FeeEntry, Matter, Staff
from storage.models.enums import FeeArrangement, FeeKind

ARRANGEMENTS = tuple(a.value for a in FeeArrangement)
KINDS = tuple(k.value for k in FeeKind)
COMPLEXITIES = (1, 2, 3, 4, 5)
MAX_REFERENCE = 100
SHOWN_ENTRIES = 20
TERM_FIELDS = ("fee_arrangement", "agreed_amount", "complexity")
READ_FIELDS = ["agreed_amount", "fee_entry.amount", "fee_entry.reference"]


@dataclass(frozen=True)
class Terms:
    """A matter's fee terms as the partner sets them (None: not given)."""

    arrangement: str | None
    agreed: Decimal | None
    complexity: int | None


@dataclass(frozen=True)
class EntryIn:
    """An invoice or a payment, validated."""

    kind: str
    amount: Decimal
    on_date: date
    reference: str | None


@dataclass(frozen=True)
class EntryLine:
    """One recorded invoice or payment, decrypted for someone allowed to see it."""

    kind: str
    amount: Decimal
    currency: str
    on_date: date
    reference: str | None
    source: str


@dataclass(frozen=True)
class Totals:
    """Invoiced, collected and outstanding (invoiced - collected) in one currency."""

    currency: str
    invoiced: Decimal
    collected: Decimal

    @property
    def outstanding(self) -> Decimal:
        """What was invoiced and not yet collected."""
        return self.invoiced - self.collected


@dataclass(frozen=True)
class FeeSummary:
    """A matter's fees: terms, totals per currency and the latest entries."""

    matter_id: int
    number: str
    client_name: str
    arrangement: str | None
    agreed: Decimal | None
    complexity: int | None
    set_by_slack_id: str | None
    set_at: datetime | None
    totals: list[Totals]
    entries: list[EntryLine]
    entry_count: int
    can_set_terms: bool


@dataclass(frozen=True)
class TermsForm:
    """What the terms modal shows for a matter."""

    number: str
    client_name: str
    terms: Terms


# --- who may see what ------------------------------------------------------------------------------

def matter_by_number(session: Session, *, number: str) -> Matter:
    """The matter with this number (NotFound otherwise)."""
    number = (number or "").strip()
    matter = None
    for spelling in dict.fromkeys((number, number.upper())) if number else ():
        matter = session.execute(select(Matter).where(Matter.number == spelling)).scalar_one_or_none()
        if matter is not None:
            break
    if matter is None:
        raise NotFound("fees.error.not_found", number=number[:50] or "-")
    return matter


def fee_matter(session: Session, *, actor: Actor, number: str) -> Matter:
    """The matter if the actor may see its fees (partners and the client's team)."""
    matter = matter_by_number(session, number=number)
    if not policy.can_see_fees(session, actor, matter.client_id):
        raise PermissionDenied("fees.error.not_on_team", number=matter.number)
    return matter


def terms_matter(session: Session, *, actor: Actor, number: str) -> Matter:
    """The matter if the actor may set its terms (partners only)."""
    if not policy.can_set_fee_terms(actor):
        raise PermissionDenied("fees.error.partners_only")
    return fee_matter(session, actor=actor, number=number)


# --- reading input ----------------------------------------------------------------------------------

Problems = dict[str, tuple[str, dict[str, str]]]


def _amount(text: str | None, *, allow_zero: bool) -> tuple[Decimal | None, tuple[str, dict[str, str]] | None]:
    """An amount read, or the problem with it."""
    try:
        return parse_amount(text or "", allow_zero=allow_zero), None
    except BadAmount as exc:
        return None, (exc.key, {k: str(v) for k, v in exc.params.items()})


def parse_terms(*, arrangement: str | None, agreed: str | None,
                complexity: str | int | None) -> tuple[Terms | None, Problems]:
    """The modal's terms: an arrangement and a 1-5 complexity are required, the agreed amount optional."""
    problems: Problems = {}
    arr = (arrangement or "").strip()
    if arr not in ARRANGEMENTS:
        problems["arrangement"] = ("fees.error.arrangement", {})
    value: Decimal | None = None
    if (agreed or "").strip():
        value, problem = _amount(agreed, allow_zero=True)
        if problem:
            problems["agreed"] = problem
    level = str(complexity or "").strip()
    if not (level.isascii() and level.isdigit() and int(level) in COMPLEXITIES):
        problems["complexity"] = ("fees.error.complexity", {})
    if problems:
        return None, problems
    return Terms(arrangement=arr, agreed=value, complexity=int(level)), {}


def parse_entry(*, kind: str, amount: str | None, on_date: str | date | None, reference: str | None,
                today: date) -> tuple[EntryIn | None, Problems]:
    """An invoice or payment: amount > 0, a date not after the firm's today, an optional reference."""
    problems: Problems = {}
    if kind not in KINDS:
        raise InvalidInput("fees.error.kind")
    value, problem = _amount(amount, allow_zero=False)
    if problem:
        problems["amount"] = problem
    day: date | None = None
    if isinstance(on_date, date):
        day = on_date
    elif on_date:
        try:
            day = date.fromisoformat(str(on_date))
        except ValueError:
            problems["on_date"] = ("fees.error.date", {})
    else:
        problems["on_date"] = ("fees.error.date", {})
    if day is not None and day > today:
        problems["on_date"] = ("fees.error.future", {"today": today.isoformat()})
    ref = " ".join((reference or "").split()) or None
    if ref is not None:
        if len(ref) > MAX_REFERENCE:
            problems["reference"] = ("fees.error.reference_long", {"max": str(MAX_REFERENCE)})
        elif text_problem(ref):
            problems["reference"] = (text_problem(ref) or "", {})
    if problems:
        return None, problems
    assert value is not None and day is not None
    return EntryIn(kind=kind, amount=value, on_date=day, reference=ref), {}


def _raise_first(problems: Problems) -> None:
    """Raise the first problem as InvalidInput on its field."""
    for name, (key, params) in problems.items():
        raise InvalidInput(key, field=name, **params)


def entry_key(*, number: str, kind: str, on_date: date, amount: Decimal, reference: str | None) -> str:
    """The identity of an invoice or payment: the same one entered twice is recorded once."""
    body = "\x1f".join([number, kind, on_date.isoformat(), amount_text(amount), reference or ""])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


# --- changing ----------------------------------------------------------------------------------------

def apply_terms(matter: Matter, *, arrangement: str | None = None, agreed: Decimal | None = None,
                complexity: int | None = None, clear_agreed: bool = False) -> list[str]:
    """Put the given terms on a matter; the names of the fields that changed."""
    changed = []
    if arrangement is not None and matter.fee_arrangement != arrangement:
        matter.fee_arrangement = arrangement
        changed.append("fee_arrangement")
    new_agreed = amount_text(agreed) if agreed is not None else None
    if (agreed is not None or clear_agreed) and matter.agreed_amount != new_agreed:
        matter.agreed_amount = new_agreed
        changed.append("agreed_amount")
    if complexity is not None and matter.complexity != complexity:
        matter.complexity = complexity
        changed.append("complexity")
    return changed


def set_terms(session: Session, *, actor: Actor, number: str, terms: Terms, now: datetime) -> list[str]:
    """A partner sets a matter's arrangement, agreed amount (blank clears it) and complexity (audited)."""
    matter = terms_matter(session, actor=actor, number=number)
    if terms.arrangement not in ARRANGEMENTS or terms.complexity not in COMPLEXITIES:
        raise InvalidInput("fees.error.arrangement", field="arrangement")
    changed = apply_terms(matter, arrangement=terms.arrangement, agreed=terms.agreed,
                          complexity=terms.complexity, clear_agreed=True)
    if changed:
        matter.fees_set_by_id, matter.fees_set_at = actor.staff_id, now
        audit.record(session, actor=actor.audit_name, action="update", entity="matter", entity_id=matter.id,
                     fields=[*changed, "fees_set_by_id", "fees_set_at"])
    return changed


def record_entry(session: Session, *, actor: Actor, number: str, kind: str, amount: str | None,
                 on_date: str | date | None, reference: str | None, today: date, currency: str) -> str:
    """Record an invoice or a payment on a matter (partners and the client's team); its matter number.

    `today` is the firm's date by the app clock: later dates are refused. An entry already
    recorded (same matter, kind, date, amount and reference) is refused as a duplicate.
    """
    matter = fee_matter(session, actor=actor, number=number)
    entry, problems = parse_entry(kind=kind, amount=amount, on_date=on_date, reference=reference, today=today)
    if entry is None:
        _raise_first(problems)
    assert entry is not None
    key = entry_key(number=matter.number, kind=entry.kind, on_date=entry.on_date, amount=entry.amount,
                    reference=entry.reference)
    if session.execute(select(FeeEntry.id).where(FeeEntry.import_key == key)).first() is not None:
        raise InvalidInput("fees.error.duplicate", field="amount")
    row = FeeEntry(matter_id=matter.id, client_id=matter.client_id, kind=entry.kind,
                   amount=amount_text(entry.amount), currency=currency, on_date=entry.on_date,
                   reference=entry.reference, source="slack", import_key=key, recorded_by_id=actor.staff_id)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # the same entry recorded at the same moment by someone else
        raise InvalidInput("fees.error.duplicate", field="amount") from None
    audit.record(session, actor=actor.audit_name, action="create", entity="fee_entry", entity_id=row.id,
                 fields=["kind", "amount", "currency", "on_date", "reference"] if entry.reference
                 else ["kind", "amount", "currency", "on_date"])
    return matter.number


# --- reading ---------------------------------------------------------------------------------------

def _client_name(session: Session, client_id: int) -> str:
    """A client's name."""
    return session.execute(select(Client.name).where(Client.id == client_id)).scalar_one()


def terms_form(session: Session, *, actor: Actor, number: str) -> TermsForm:
    """The terms modal's content for a partner (reading the agreed amount is audited)."""
    matter = terms_matter(session, actor=actor, number=number)
    agreed = Decimal(matter.agreed_amount) if matter.agreed_amount else None
    if agreed is not None:
        audit.record(session, actor=actor.audit_name, action="read", entity="matter", entity_id=matter.id,
                     fields=["agreed_amount"])
    return TermsForm(number=matter.number, client_name=_client_name(session, matter.client_id),
                     terms=Terms(arrangement=matter.fee_arrangement, agreed=agreed, complexity=matter.complexity))


def entry_matter(session: Session, *, actor: Actor, number: str) -> tuple[str, str]:
    """The matter number and client name for the invoice / payment modal (permission checked)."""
    matter = fee_matter(session, actor=actor, number=number)
    return matter.number, _client_name(session, matter.client_id)


def fee_summary(session: Session, *, actor: Actor, number: str, shown: int = SHOWN_ENTRIES) -> FeeSummary:
    """A matter's fees for partners and the client's team; the read is audited."""
    matter = fee_matter(session, actor=actor, number=number)
    rows = list(session.execute(select(FeeEntry).where(FeeEntry.matter_id == matter.id)
                                .order_by(FeeEntry.on_date.desc(), FeeEntry.id.desc())).scalars())
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: {k: Decimal(0) for k in KINDS})
    lines = []
    for r in rows:
        amount = Decimal(r.amount)
        sums[r.currency][r.kind] += amount
        lines.append(EntryLine(kind=r.kind, amount=amount, currency=r.currency, on_date=r.on_date,
                               reference=r.reference, source=r.source))
    totals = [Totals(currency=c, invoiced=v[FeeKind.INVOICED.value], collected=v[FeeKind.COLLECTED.value])
              for c, v in sorted(sums.items())]
    set_by = None
    if matter.fees_set_by_id:
        set_by = session.execute(select(Staff.slack_user_id).where(Staff.id == matter.fees_set_by_id)
                                 ).scalar_one_or_none()
    audit.record(session, actor=actor.audit_name, action="read", entity="matter", entity_id=matter.id,
                 fields=READ_FIELDS)
    return FeeSummary(matter_id=matter.id, number=matter.number, client_name=_client_name(session, matter.client_id),
                      arrangement=matter.fee_arrangement,
                      agreed=Decimal(matter.agreed_amount) if matter.agreed_amount else None,
                      complexity=matter.complexity, set_by_slack_id=set_by, set_at=matter.fees_set_at,
                      totals=totals, entries=lines[:shown], entry_count=len(lines),
                      can_set_terms=policy.can_set_fee_terms(actor))

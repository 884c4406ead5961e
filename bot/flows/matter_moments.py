"""Matter events as contact moments for clients whose contact follows the matter (004 "ordinary").

Which clients: those whose tier is listed in `Settings.matter_moment_tiers` (default: potential,
the code's tier nearest to 004's "ordinary") plus any tier without a cadence rule in
`Settings.cadence`; strategic and core keep their fixed cadence. For them the lead lawyer of
the matter (else the client's lead lawyer, else its partner) gets, in the morning digest:

- before filing (an ImportantDate "filing" on the matter within `matter_moment_days_before`): talk
  the client through the risks;
- before each hearing (an ImportantDate "hearing" within the same window): confirm the time;
- after the judgment (an ImportantDate "judgment", or the archive filing's `judgment_date`, within
  the last `matter_moment_days_after` days): explain it.

Each moment is recorded in `matter_moments` (unique kind + source) in the daily run's
transaction, so it is put in exactly one digest, and the digest itself goes through the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.flows.cadence import Digest, DuePlan
from bot.settings import CADENCE_TIERS, Settings
from storage.db import is_postgres
from storage.models import ArchiveFiling, Client, ClientTeamMember, ImportantDate, Matter, Staff
from storage.models.enums import ClientStatus, TeamRole
from storage.models.improvements import MatterMoment

BEFORE_FILING, BEFORE_HEARING, AFTER_JUDGMENT = "before_filing", "before_hearing", "after_judgment"
MOMENT_OF_KIND = {"filing": BEFORE_FILING, "hearing": BEFORE_HEARING}


@dataclass(frozen=True)
class MomentItem:
    """One contact moment in a digest."""

    moment_id: int
    kind: str
    client_id: int
    matter_number: str
    event_on: date
    at_time: str | None = None


@dataclass(frozen=True)
class _Candidate:
    kind: str
    source: str
    source_id: int
    matter_id: int
    event_on: date
    at_time: str | None


def moment_tiers(settings: Settings) -> frozenset[str]:
    """The tiers whose contact follows the matter."""
    return frozenset(settings.matter_moment_tiers) | {t for t in CADENCE_TIERS if not settings.cadence.get(t)}


def _candidates(session: Session, *, today: date, days_before: int, days_after: int) -> list[_Candidate]:
    """Filings and hearings ahead, judgments just past, on matters (not yet filtered by tier)."""
    ahead, since = today + timedelta(days=days_before), today - timedelta(days=days_after)
    out: list[_Candidate] = []
    judged: set[int] = set()
    for r in session.execute(
            select(ImportantDate.id, ImportantDate.matter_id, ImportantDate.kind, ImportantDate.on_date,
                   ImportantDate.at_time)
            .where(ImportantDate.matter_id.is_not(None), ImportantDate.yearly.is_(False),
                   or_(and_(ImportantDate.kind.in_(list(MOMENT_OF_KIND)), ImportantDate.on_date >= today,
                            ImportantDate.on_date <= ahead),
                       and_(ImportantDate.kind == "judgment", ImportantDate.on_date >= since,
                            ImportantDate.on_date <= today)))
            .order_by(ImportantDate.on_date, ImportantDate.id)):
        if r.kind == "judgment":
            if r.matter_id not in judged:
                judged.add(r.matter_id)
                out.append(_Candidate(AFTER_JUDGMENT, "matter", r.matter_id, r.matter_id, r.on_date, None))
        else:
            out.append(_Candidate(MOMENT_OF_KIND[r.kind], "date", r.id, r.matter_id, r.on_date, r.at_time))
    for mid, on in session.execute(
            select(ArchiveFiling.matter_id, ArchiveFiling.judgment_date)
            .where(ArchiveFiling.judgment_date >= since, ArchiveFiling.judgment_date <= today,
                   ArchiveFiling.status != "cancelled")):
        if mid not in judged:
            judged.add(mid)
            out.append(_Candidate(AFTER_JUDGMENT, "matter", mid, mid, on, None))
    return sorted(out, key=lambda c: (c.event_on, c.kind, c.source_id))


def _responsible(session: Session, *, matter: Matter, active: set[int]) -> int | None:
    """The matter's lead lawyer, else the client's lead lawyer, else its partner (active staff)."""
    if matter.lead_lawyer_id in active:
        return matter.lead_lawyer_id
    for role in (TeamRole.LEAD_LAWYER.value, TeamRole.PARTNER.value):
        for (sid,) in session.execute(select(ClientTeamMember.staff_id).where(
                ClientTeamMember.client_id == matter.client_id, ClientTeamMember.role == role)
                .order_by(ClientTeamMember.id)):
            if sid in active:
                return int(sid)
    return None


def record_due(session: Session, *, today: date, settings: Settings) -> dict[int, list[MomentItem]]:
    """Record today's new moments (each once) and return them per responsible staff id."""
    cands = _candidates(session, today=today, days_before=settings.matter_moment_days_before,
                        days_after=settings.matter_moment_days_after)
    if not cands:
        return {}
    tiers = moment_tiers(settings)
    matters = {m.id: (m, tier) for m, tier in session.execute(
        select(Matter, Client.tier).join(Client, Client.id == Matter.client_id)
        .where(Matter.id.in_({c.matter_id for c in cands}), Client.tier.in_(sorted(tiers)),
               Client.status != ClientStatus.LOST.value))}
    active = set(session.execute(select(Staff.id).where(Staff.active.is_(True))).scalars())
    insert = pg_insert if is_postgres(session) else sqlite_insert
    out: dict[int, list[MomentItem]] = {}
    for c in cands:
        if c.matter_id not in matters:
            continue
        matter, _ = matters[c.matter_id]
        sid = _responsible(session, matter=matter, active=active)
        stmt = (insert(MatterMoment).values(kind=c.kind, source=c.source, source_id=c.source_id,
                                            matter_id=matter.id, client_id=matter.client_id, staff_id=sid,
                                            event_on=c.event_on, noticed_on=today)
                .on_conflict_do_nothing(index_elements=["kind", "source", "source_id"])
                .returning(MatterMoment.id))
        row = session.execute(stmt).first()
        if row is None or sid is None:
            continue
        out.setdefault(sid, []).append(MomentItem(moment_id=int(row[0]), kind=c.kind, client_id=matter.client_id,
                                                  matter_number=matter.number, event_on=c.event_on,
                                                  at_time=c.at_time))
    return out


def add_to_plan(session: Session, *, plan: DuePlan, settings: Settings) -> int:
    """Record today's moments and put them in the plan's digests; how many were added."""
    due = record_due(session, today=plan.day, settings=settings)
    if not due:
        return 0
    people = {s.id: s for s in session.execute(
        select(Staff.id, Staff.slack_user_id, Staff.locale).where(Staff.id.in_(list(due))))}
    names = dict(session.execute(select(Client.id, Client.name).where(
        Client.id.in_({i.client_id for items in due.values() for i in items}))).all())
    count = 0
    for sid, items in due.items():
        s = people[sid]
        digest = plan.digests.get(sid)
        if digest is None:
            digest = plan.digests[sid] = Digest(staff_id=sid, slack_user_id=s.slack_user_id, locale=s.locale)
        digest.moments.extend(items)
        count += len(items)
    for cid, name in names.items():
        plan.client_names.setdefault(cid, name)
    return count

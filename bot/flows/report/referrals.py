"""Referrals and bonuses: who brought the quarter's new clients, and what each person earned.

A *new client* of the quarter is one whose first matter was opened in it. Bonuses per person:
- referral: `referral_bonus_rate` x the fees collected in the quarter from every client the
  person referred; a client referred by another client earns the bonus for that client's
  relationship partner (its client-team partner, else its lead lawyer), who cultivated it;
- win-back: `winback_bonus_rate` x the fees collected in the quarter, on or after the day it
  was won back, from a client whose win-back plan names the person in `won_back_by_id`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.flows.report.figures import Kpi
from bot.flows.report.kpis import share
from bot.flows.report.revenue import CENT, FeeBook
from bot.flows.report.window import Window
from bot.flows.winback import WON
from bot.settings import Settings
from storage.models import Client, ClientTeamMember, Staff, WinbackPlan
from storage.models.enums import TeamRole

REFERRAL, WINBACK = "referral", "winback"


def new_clients(*, first: dict[int, datetime], window: Window) -> set[int]:
    """Clients whose first matter was opened in the window."""
    return {cid for cid, opened in first.items() if window.start <= opened < window.end}


def referrers_of(session: Session) -> dict[int, tuple[int | None, int | None]]:
    """Every referred client: (referring client id, referring staff id)."""
    rows = session.execute(
        select(Client.id, Client.referrer_client_id, Client.referrer_staff_id)
        .where(or_(Client.referrer_client_id.is_not(None), Client.referrer_staff_id.is_not(None)))
    ).all()
    return {cid: (by_client, by_staff) for cid, by_client, by_staff in rows}


def referral_share_kpi(*, new: set[int], referred: dict[int, tuple[int | None, int | None]],
                       settings: Settings) -> Kpi:
    """Share of the quarter's new clients that came with a referrer (a client or a staff member)."""
    return share("referral_share", len(new & referred.keys()), len(new), settings)


def referral_table(session: Session, *, new: set[int],
                   referred: dict[int, tuple[int | None, int | None]]) -> list[dict[str, Any]]:
    """New clients of the quarter per referrer, most first (a staff referrer wins when both are set)."""
    counts: Counter[tuple[str, int]] = Counter()
    for cid in new & referred.keys():
        by_client, by_staff = referred[cid]
        key = ("staff", by_staff) if by_staff is not None else ("client", by_client)
        counts[key] += 1  # type: ignore[index]
    names = _names(session, staff={i for k, i in counts if k == "staff"},
                   clients={i for k, i in counts if k == "client"})
    return [{"referrer_kind": kind, "referrer_id": rid, "referrer": names[(kind, rid)], "new_clients": n}
            for (kind, rid), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def relationship_partners(session: Session, client_ids: set[int]) -> dict[int, int]:
    """Who is credited for a referring client: its team's partner, else its lead lawyer (lowest id)."""
    found: dict[int, tuple[int, int]] = {}
    rank = {TeamRole.PARTNER.value: 0, TeamRole.LEAD_LAWYER.value: 1}
    ordered = sorted(client_ids)
    for i in range(0, len(ordered), 5000):
        for cid, sid, role in session.execute(
                select(ClientTeamMember.client_id, ClientTeamMember.staff_id, ClientTeamMember.role)
                .where(ClientTeamMember.client_id.in_(ordered[i:i + 5000]),
                       ClientTeamMember.role.in_(list(rank)))):
            key = (rank[role], sid)
            if cid not in found or key < found[cid]:
                found[cid] = key
    return {cid: sid for cid, (_, sid) in found.items()}


def bonus_lines(session: Session, *, book: FeeBook, referred: dict[int, tuple[int | None, int | None]],
                window: Window, settings: Settings) -> list[dict[str, Any]]:
    """One line per (person, kind, client) with the fees it is computed on and the bonus."""
    rate_ref, rate_win = Decimal(str(settings.referral_bonus_rate)), Decimal(str(settings.winback_bonus_rate))
    raw: list[tuple[int | None, str, int, Decimal, Decimal]] = []
    paying = {cid for cid, amount in book.quarter.items() if amount > 0}
    via_client = {referred[cid][0] for cid in paying & referred.keys() if referred[cid][1] is None}
    partners = relationship_partners(session, {c for c in via_client if c is not None})
    for cid in sorted(paying & referred.keys()):
        by_client, by_staff = referred[cid]
        person = by_staff if by_staff is not None else partners.get(by_client)  # type: ignore[arg-type]
        raw.append((person, REFERRAL, cid, book.quarter[cid], rate_ref))
    won: dict[int, tuple[datetime, int]] = {}
    for cid, at, by in session.execute(
            select(WinbackPlan.client_id, WinbackPlan.outcome_at, WinbackPlan.won_back_by_id)
            .where(WinbackPlan.outcome == WON, WinbackPlan.won_back_by_id.is_not(None),
                   WinbackPlan.outcome_at.is_not(None), WinbackPlan.outcome_at < window.end)):
        at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
        if cid not in won or at > won[cid][0]:
            won[cid] = (at, by)
    for cid in sorted(won):
        at, by = won[cid]
        base = book.quarter_since(cid, at.astimezone(window.tz).date())
        if base > 0:
            raw.append((by, WINBACK, cid, base, rate_win))
    names = _names(session, staff={p for p, *_ in raw if p is not None}, clients={c for _, _, c, _, _ in raw})
    return [{"staff_id": person, "staff": names.get(("staff", person), "") if person else "",
             "kind": kind, "client_id": cid, "client": names[("client", cid)],
             "fees": float(base.quantize(CENT)), "rate": float(rate),
             "bonus": float((base * rate).quantize(CENT, rounding=ROUND_HALF_UP))}
            for person, kind, cid, base, rate in raw]


def bonus_table(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per person: the fees each bonus is computed on, the referral and win-back bonuses, the total."""
    per: dict[int | None, dict[str, Any]] = defaultdict(lambda: {
        "referral_fees": Decimal(0), "referral_bonus": Decimal(0), "winback_fees": Decimal(0),
        "winback_bonus": Decimal(0)})
    names: dict[int | None, str] = {}
    for line in lines:
        row = per[line["staff_id"]]
        names[line["staff_id"]] = line["staff"]
        row[f"{line['kind']}_fees"] += Decimal(str(line["fees"]))
        row[f"{line['kind']}_bonus"] += Decimal(str(line["bonus"]))
    out = []
    for sid, row in per.items():
        total = row["referral_bonus"] + row["winback_bonus"]
        out.append({"staff_id": sid, "staff": names[sid], **{k: float(v) for k, v in row.items()},
                    "total": float(total)})
    return sorted(out, key=lambda r: (-r["total"], r["staff_id"] is None, r["staff_id"] or 0))


def _names(session: Session, *, staff: set[int], clients: set[int]) -> dict[tuple[str, int], str]:
    """Display names of staff and clients, keyed ("staff" | "client", id)."""
    out: dict[tuple[str, int], str] = {}
    for kind, model, ids, col in (("staff", Staff, staff, Staff.display_name),
                                  ("client", Client, clients, Client.name)):
        ordered = sorted(ids)
        for i in range(0, len(ordered), 5000):
            for rid, name in session.execute(select(model.id, col).where(model.id.in_(ordered[i:i + 5000]))):
                out[(kind, rid)] = name
    return out

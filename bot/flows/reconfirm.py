"""Quarterly re-confirmation: which clients each lead lawyer should confirm this quarter."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.flows.quarters import Quarter
from storage.models import Client, ClientTeamMember, Staff
from storage.models.enums import ClientStatus, TeamRole, Tier


def quarter_start(day: date) -> date:
    """The first day of the day's quarter."""
    return Quarter.of(day).first_day


def quarter_name(day: date) -> str:
    """'2026-Q4'."""
    return Quarter.of(day).label


def reconfirm_from(day: date) -> date:
    """From when in the day's quarter the leads are asked to re-confirm: its last month's first day."""
    start = quarter_start(day)
    return date(start.year, start.month + 2, 1)


@dataclass
class Reconfirm:
    """The clients one lead lawyer should re-confirm this quarter."""

    staff_id: int
    slack_user_id: str
    locale: str | None
    clients: list[tuple[int, str]] = field(default_factory=list)


def reconfirm_due(session: Session, *, since: datetime) -> dict[int, Reconfirm]:
    """Per lead lawyer (else the client's partner), the clients whose details were neither
    created, changed nor confirmed since `since`, oldest first. Lost clients are left out."""
    fresh = func.coalesce(Client.details_confirmed_at, Client.created_at)
    rows = session.execute(
        select(Client.id, Client.name, ClientTeamMember.staff_id, ClientTeamMember.role)
        .join(ClientTeamMember, ClientTeamMember.client_id == Client.id)
        .where(Client.tier != Tier.LOST.value, Client.status != ClientStatus.LOST.value,
               fresh < since, Client.created_at < since,
               or_(Client.details_changed_at.is_(None), Client.details_changed_at < since),
               ClientTeamMember.role.in_((TeamRole.LEAD_LAWYER.value, TeamRole.PARTNER.value)))
        .order_by(fresh, Client.id)).all()
    leads: dict[int, list[int]] = defaultdict(list)
    partners: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    for cid, name, sid, role in rows:
        names[cid] = name
        (leads if role == TeamRole.LEAD_LAWYER.value else partners)[cid].append(sid)
    staff = {s.id: s for s in session.execute(select(Staff.id, Staff.slack_user_id, Staff.locale)
                                              .where(Staff.active.is_(True)))}
    out: dict[int, Reconfirm] = {}
    for cid, name in names.items():
        people = [s for s in leads.get(cid, []) if s in staff] or [s for s in partners.get(cid, []) if s in staff]
        for sid in people:
            s = staff[sid]
            out.setdefault(sid, Reconfirm(staff_id=sid, slack_user_id=s.slack_user_id,
                                          locale=s.locale)).clients.append((cid, name))
    return out

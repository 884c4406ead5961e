"""Cross-team work: matters whose team brings together lawyers of more than one practice area.

A staff member's practice area is the one of most of the matters they lead (ties: the first
code alphabetically); staff who lead no matter (assistants, client service) have none. A
matter opened in the quarter is cross-team when its lead lawyer and team members have at
least two different practice areas.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.flows.report.figures import Kpi
from bot.flows.report.kpis import share
from bot.flows.report.window import Window
from bot.settings import Settings
from storage.models import Matter, MatterTeamMember


def home_areas(session: Session) -> dict[int, str]:
    """Each lead lawyer's practice area: the one of most of the matters they lead."""
    best: dict[int, tuple[int, str]] = {}
    lead = (Matter.lead_lawyer_id + 0).label("lead")  # "+ 0": SQLite scans the table, not the lead index
    for sid, area, n in session.execute(
            select(lead, Matter.practice_area, func.count())
            .where(Matter.lead_lawyer_id.is_not(None)).group_by(lead, Matter.practice_area)):
        if sid not in best or (-n, area) < (-best[sid][0], best[sid][1]):
            best[sid] = (n, area)
    return {sid: area for sid, (_, area) in best.items()}


def cross_team_kpi(session: Session, *, window: Window, settings: Settings) -> Kpi:
    """Share of the matters opened in the quarter whose team spans two practice areas or more."""
    in_window = (Matter.opened_at >= window.start, Matter.opened_at < window.end)
    teams: dict[int, set[int]] = {mid: ({lead} if lead is not None else set()) for mid, lead in
                                  session.execute(select(Matter.id, Matter.lead_lawyer_id).where(*in_window))}
    if not teams:
        return share("cross_team", 0, 0, settings)
    members: dict[int, set[int]] = defaultdict(set)
    for mid, sid in session.execute(select(MatterTeamMember.matter_id, MatterTeamMember.staff_id)
                                    .join(Matter, Matter.id == MatterTeamMember.matter_id).where(*in_window)):
        members[mid].add(sid)
    areas = home_areas(session)
    cross = sum(len({areas[s] for s in team | members.get(mid, set()) if s in areas}) > 1
                for mid, team in teams.items())
    return share("cross_team", cross, len(teams), settings)

"""A hand-built firm for the quarterly report tests: 2026-Q3 with every figure known in advance.

The firm's time zone is Asia/Shanghai (UTC+8): 2026-Q3 runs from 2026-06-30 16:00 UTC to
2026-09-30 16:00 UTC. The expected numbers are worked out in tests/test_report_kpis.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.flows.value.amounts import amount_text
from storage.models import (Client, ClientTeamMember, Complaint, ContactNote, Enquiry, FeeEntry, IntakeRequest,
                            Matter, MatterTeamMember, Staff, Survey, WinbackPlan)


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


class Firm:
    """Ids of what `build` created."""

    def __init__(self) -> None:
        self.staff: dict[str, int] = {}
        self.clients: dict[str, int] = {}
        self.matters: dict[str, int] = {}


def build(session: Session) -> Firm:
    """Staff P1 (partner), L1, L2 (lawyers); clients A-H with matters, fees, surveys, complaints..."""
    firm = Firm()
    for key, role in (("P1", "partner"), ("L1", "lawyer"), ("L2", "lawyer")):
        s = Staff(slack_user_id=f"U{key}", display_name=f"Staff {key}", role=role)
        session.add(s)
        session.flush()
        firm.staff[key] = s.id
    st = firm.staff
    clients: dict[str, dict[str, Any]] = {
        "A": dict(tier="strategic", status="active", created_at=utc(2024, 1, 1)),
        "B": dict(tier="core", status="dormant", created_at=utc(2024, 6, 1)),
        "C": dict(tier="potential", status="active", created_at=utc(2026, 7, 10, 2), referrer_staff_id=st["L1"]),
        "D": dict(tier="potential", status="active", created_at=utc(2026, 9, 30, 15, 30)),
        "E": dict(tier="core", status="active", created_at=utc(2026, 9, 30, 16, 30), referrer_staff_id=st["L1"]),
        "F": dict(tier="core", status="active", created_at=utc(2023, 1, 1)),
        "G": dict(tier="potential", status="active", created_at=utc(2026, 6, 30, 16)),
        "H": dict(tier="potential", status="prospect", created_at=utc(2026, 6, 30, 15, 59, 59)),
    }
    for key, values in clients.items():
        c = Client(kind="enterprise", name=f"Client {key}", **values)
        session.add(c)
        session.flush()
        firm.clients[key] = c.id
    cl = firm.clients
    session.get(Client, cl["D"]).referrer_client_id = cl["A"]  # type: ignore[union-attr]
    session.add_all([ClientTeamMember(client_id=cl["A"], staff_id=st["L1"], role="lead_lawyer"),
                     ClientTeamMember(client_id=cl["A"], staff_id=st["P1"], role="partner")])
    matters = {  # key: client, area, lead, opened, closed, import key
        "mA": ("A", "lit_civil", "L1", utc(2024, 3, 1), utc(2026, 5, 1), "imp-A"),
        "mB": ("B", "nl_mna", "L1", utc(2024, 6, 5), utc(2025, 6, 1), None),
        "mC": ("C", "lit_civil", "L1", utc(2026, 7, 10, 2), None, None),
        "mD": ("D", "nl_ip", "L2", utc(2026, 9, 30, 15, 30), None, None),
        "mE": ("E", "lit_civil", "L1", utc(2026, 9, 30, 16, 30), None, None),
        "mF": ("F", "nl_ip", "L2", utc(2023, 2, 1), utc(2024, 2, 1), None),
        "mG": ("G", "lit_civil", "L2", utc(2026, 6, 30, 16), None, None),
        "mH": ("H", "nl_mna", "L1", utc(2026, 6, 30, 15, 59, 59), None, None),
    }
    for key, (client, area, lead, opened, closed, import_key) in matters.items():
        m = Matter(number=f"N-{key}", client_id=cl[client], practice_area=area, lead_lawyer_id=st[lead],
                   opened_at=opened, closed_at=closed, status="closed" if closed else "open", import_key=import_key)
        session.add(m)
        session.flush()
        firm.matters[key] = m.id
    mt = firm.matters
    session.add_all([MatterTeamMember(matter_id=mt["mD"], staff_id=st["L1"], role="lawyer"),
                     MatterTeamMember(matter_id=mt["mG"], staff_id=st["P1"], role="partner")])
    for i, (matter, decision) in enumerate((("mC", "approved"), ("mD", "approved_waiver"))):
        session.add(IntakeRequest(submission_key=f"k{i}", requester_id=st["L1"], status="approved",
                                  client_kind="enterprise", practice_area="lit_civil", form={},
                                  decision=decision, matter_id=mt[matter]))
    fees = [  # client, matter, kind, day, amount
        ("A", "mA", "collected", date(2025, 8, 1), "100000"),
        ("A", "mA", "collected", date(2026, 7, 15), "200000"),
        ("A", "mA", "invoiced", date(2026, 7, 20), "999999"),
        ("B", "mB", "collected", date(2024, 9, 30), "77777"),
        ("C", "mC", "collected", date(2026, 8, 20), "50000"),
        ("D", "mD", "collected", date(2026, 9, 30), "10000"),
        ("E", "mE", "collected", date(2026, 10, 2), "5000"),
        ("E", "mE", "collected", date(2026, 12, 1), "3000"),
        ("F", "mF", "collected", date(2026, 8, 1), "29000"),
        ("F", "mF", "collected", date(2026, 8, 10), "1000"),
        ("F", "mF", "collected", date(2026, 8, 15), "40000"),
    ]
    for client, matter, kind, day, amount in fees:
        session.add(FeeEntry(matter_id=mt[matter], client_id=cl[client], kind=kind,
                             amount=amount_text(Decimal(amount)), currency="CNY", on_date=day))
    session.add_all([
        WinbackPlan(client_id=cl["F"], owner_id=st["L2"], reason="service", opened_at=utc(2026, 5, 1),
                    outcome="won_back", outcome_at=utc(2026, 8, 10, 2), won_back_by_id=st["L2"]),
        WinbackPlan(client_id=cl["B"], owner_id=st["L1"], reason="price", opened_at=utc(2026, 5, 1),
                    outcome="not_won_back", outcome_at=utc(2026, 8, 1)),
    ])
    surveys = [  # matter, scores, due, completed
        ("mA", (5, 5, 5, 5), utc(2026, 7, 10), utc(2026, 7, 5)),
        ("mB", (4, 3, 5, 4), utc(2026, 7, 25), utc(2026, 8, 1)),
        ("mF", (3, 3, 4, 3), utc(2026, 9, 30, 15, 59), utc(2026, 9, 30, 15, 59)),
        ("mH", (5, 5, 5, 5), utc(2026, 10, 10), utc(2026, 9, 30, 16)),
        ("mC", None, utc(2026, 9, 1), None),
    ]
    for matter, scores, due, done in surveys:
        s = Survey(matter_id=mt[matter], practice_area="lit_civil", status="done" if scores else "pending",
                   scheduled_at=utc(2026, 6, 1), due_at=due, completed_at=done)
        if scores:
            s.score_ability, s.score_communication, s.score_attitude, s.score_result = scores
        session.add(s)
    complaints = [  # client, received, acknowledged, answered, extended until
        ("A", utc(2026, 7, 6, 1), utc(2026, 7, 6, 10), utc(2026, 7, 10, 1), None),
        ("A", utc(2026, 9, 29, 1), utc(2026, 9, 30, 2), utc(2026, 10, 15), date(2026, 10, 20)),
        ("B", utc(2026, 6, 1), utc(2026, 6, 1, 2), utc(2026, 6, 2), None),
    ]
    for i, (client, received, ack, answered, extended) in enumerate(complaints):
        session.add(Complaint(client_id=cl[client], against_staff_id=st["L1"], recorded_by_id=st["P1"],
                              complainant_name="x", complainant_contact="x", description="x", request="x",
                              received_via="phone", received_at=received, acknowledged_at=ack,
                              answered_at=answered, extended_until=extended))
    enquiries = [  # received, response minutes, stage
        (utc(2026, 7, 2), 30, "engaged"), (utc(2026, 7, 3), 90, "closed"), (utc(2026, 8, 1), 45, "consultation"),
        (utc(2026, 9, 30, 16), 5, "engaged"), (utc(2026, 9, 1), None, "new"),
    ]
    for i, (received, minutes, stage) in enumerate(enquiries):
        session.add(Enquiry(submission_key=f"e{i}", recorded_by_id=st["P1"], received_at=received, who="x",
                            contact="x", need="x", source="website", stage=stage, response_minutes=minutes))
    notes = [  # client, channel, at
        ("A", "meeting", utc(2026, 7, 2)), ("A", "call", utc(2026, 7, 3)), ("A", "call", utc(2026, 7, 4)),
        ("A", "email", utc(2026, 9, 30, 15)), ("A", "meeting", utc(2026, 9, 30, 16)),
        ("F", "wechat", utc(2026, 7, 20)), ("F", "email", utc(2026, 8, 1)),
        ("H", "other", utc(2026, 7, 1)), ("H", "other", utc(2026, 7, 2)),
        ("B", "call", utc(2026, 7, 2)), ("C", "call", utc(2026, 7, 12)),
    ]
    for client, channel, at in notes:
        session.add(ContactNote(client_id=cl[client], author_id=st["L1"], channel=channel, occurred_at=at,
                                text="x"))
    session.flush()
    return firm

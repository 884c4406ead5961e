"""Unified matter numbers: configurable pattern, unique and gapless under concurrent approvals."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from bot.flows import intake
from bot.flows.actor import Actor
from bot.flows.intake_form import IntakeForm
from bot.flows.matters import counter_key, next_matter_number
from storage.models import IntakeRequest, Matter, MatterCounter
from tests.support import make_staff


def _pending_requests(services, requester_id: int, n: int, area: str = "lit_civil") -> list[int]:
    ids = []
    with services.session() as session:
        for i in range(n):
            form = IntakeForm(kind="enterprise", name=f"Client {i}", source="website", area=area,
                              need="A need", email=f"c{i}@example.com", opposing=(f"Opponent {i}",))
            req = IntakeRequest(submission_key=f"V{area}{i}", requester_id=requester_id, status="pending",
                                client_kind="enterprise", practice_area=area, form=form.to_json(),
                                results=[])
            session.add(req)
            session.flush()
            ids.append(req.id)
    return ids


def _approve_concurrently(services, partner: Actor, ids: list[int]) -> list[BaseException]:
    barrier, errors = threading.Barrier(len(ids)), []
    settings = services.settings

    def approve(rid: int) -> None:
        try:
            barrier.wait()
            with services.session() as session:
                out = intake.decide(session, actor=partner, request_id=rid, decision="approved",
                                    pattern=settings.matter_number_pattern, tz=settings.tz,
                                    now=services.now())
                assert out.won
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(rid,)) for rid in ids]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return errors


def test_concurrent_approvals_get_numbers_one_to_n(services):
    lawyer = make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    partner = Actor.from_staff(make_staff(services, "U0PARTNER", "partner", "Wang Fang"), default_locale="en")
    n = 8
    ids = _pending_requests(services, lawyer.id, n)
    assert _approve_concurrently(services, partner, ids) == []
    with services.session() as session:
        numbers = sorted(session.execute(select(Matter.number)).scalars())
        counter = session.get(MatterCounter, "2026-LIT-{seq}")
    assert numbers == [f"2026-LIT-{i:04d}" for i in range(1, n + 1)]
    assert counter is not None and counter.last_seq == n


def test_a_failed_approval_returns_its_number(services):
    pattern = "{year}-{area}-{seq:04d}"
    with pytest.raises(RuntimeError):
        with services.session() as session:
            assert next_matter_number(session, pattern=pattern, year=2026, area="nl_tax") == "2026-TAX-0001"
            raise RuntimeError("approval failed after drawing a number")
    with services.session() as session:
        assert next_matter_number(session, pattern=pattern, year=2026, area="nl_tax") == "2026-TAX-0001"
        assert next_matter_number(session, pattern=pattern, year=2026, area="nl_tax") == "2026-TAX-0002"


def test_patterns_decide_what_shares_a_sequence(services):
    shared = "LAW/{year}/{seq:05d}"
    assert counter_key(pattern=shared, year=2026, area="lit_civil") == counter_key(
        pattern=shared, year=2026, area="nl_ip")
    with services.session() as session:
        got = [next_matter_number(session, pattern=shared, year=2026, area=a)
               for a in ("lit_civil", "nl_ip", "retainer")]
        per_area = [next_matter_number(session, pattern="{area}{year}-{seq}", year=2027, area=a)
                    for a in ("lit_criminal", "lit_admin", "lit_criminal")]
    assert got == ["LAW/2026/00001", "LAW/2026/00002", "LAW/2026/00003"]
    assert per_area == ["CRM2027-1", "ADM2027-1", "CRM2027-2"]


def test_the_year_is_the_firms_local_year(services, clock):
    from datetime import UTC, datetime

    clock.set(datetime(2026, 12, 31, 17, 0, tzinfo=UTC))  # 01:00 on 1 January in Shanghai
    lawyer = make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    partner = Actor.from_staff(make_staff(services, "U0PARTNER", "partner", "Wang Fang"), default_locale="en")
    [rid] = _pending_requests(services, lawyer.id, 1, area="retainer")
    assert _approve_concurrently(services, partner, [rid]) == []
    with services.session() as session:
        assert session.execute(select(Matter.number)).scalar_one() == "2027-RET-0001"

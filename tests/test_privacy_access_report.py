"""The monthly access review: built from the audit trail, sent once per month, caught up after downtime."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.flows.privacy.access_report import build_access_report
from bot.services import Services
from jobs.tasks.privacy import plan_access_reports
from storage import audit
from storage.models import Client, ClientTeamMember, Matter, Notification
from tests.support import make_staff
from tests.upkeep_support import job_context


def _client(services: Services, name: str, *, team: int | None = None) -> int:
    with services.session() as session:
        client = Client(kind="individual", name=name, id_number="110101199003074573")
        session.add(client)
        session.flush()
        if team is not None:
            session.add(ClientTeamMember(client_id=client.id, staff_id=team, role="lead_lawyer"))
        return client.id


def _reads(services: Services, clock, *, actor: str, entity: str, entity_id: int, count: int,  # type: ignore[no-untyped-def]
           at: datetime, action: str = "read") -> None:
    clock.set(at)
    with services.session() as session:
        for _ in range(count):
            audit.record(session, actor=actor, action=action, entity=entity, entity_id=entity_id,
                         fields=["id_number"] if action == "read" else ())


def _notices(services: Services, prefix: str = "privacy-access:") -> list[Notification]:
    with services.session() as session:
        return list(session.execute(select(Notification).where(Notification.key.startswith(prefix))
                                    .order_by(Notification.key)).scalars())


def _seed_month(services: Services, clock) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """November 2026: four readers; one reads a lot, one reads a client they do not serve, one borrows."""
    lawyer = make_staff(services, "U0LAWYER1", "lawyer", "Li").id
    other = make_staff(services, "U0LAWYER2", "lawyer", "Wang").id
    heavy = make_staff(services, "U0ASSIST1", "assistant", "Zhao").id
    partner = make_staff(services, "U0PARTNER", "partner", "Chen").id
    own = _client(services, "Own Client", team=lawyer)
    foreign = _client(services, "Foreign Client", team=other)
    heavy_client = _client(services, "Heavy Client", team=heavy)
    with services.session() as session:
        matter = Matter(number="2026-LIT-0001", client_id=foreign, practice_area="litigation",
                        lead_lawyer_id=other)
        session.add(matter)
        session.flush()
        matter_id = matter.id
    nov = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)
    _reads(services, clock, actor=f"staff:{lawyer}", entity="client", entity_id=own, count=3, at=nov)
    _reads(services, clock, actor=f"staff:{lawyer}", entity="client", entity_id=foreign, count=2, at=nov)
    _reads(services, clock, actor=f"staff:{other}", entity="client", entity_id=foreign, count=4, at=nov)
    _reads(services, clock, actor=f"staff:{heavy}", entity="client", entity_id=heavy_client, count=40, at=nov)
    _reads(services, clock, actor=f"staff:{partner}", entity="matter", entity_id=matter_id, count=1, at=nov,
           action="archive.borrow")
    # outside the month (firm time Asia/Shanghai): 31 Oct 23:30 local and 1 Dec 00:30 local
    _reads(services, clock, actor=f"staff:{lawyer}", entity="client", entity_id=foreign, count=5,
           at=datetime(2026, 10, 31, 15, 30, tzinfo=UTC))
    _reads(services, clock, actor=f"staff:{lawyer}", entity="client", entity_id=foreign, count=5,
           at=datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    # not a read: never counted
    _reads(services, clock, actor=f"staff:{other}", entity="client", entity_id=own, count=2, at=nov, action="update")
    return {"lawyer": lawyer, "other": other, "heavy": heavy, "partner": partner, "own": own, "foreign": foreign}


def test_the_report_counts_reads_borrows_volume_and_reads_outside_own_clients(services, clock):
    ids = _seed_month(services, clock)
    with services.session() as session:
        report = build_access_report(session, month="2026-11", tz=services.settings.tz)
    by_actor = {line.actor: line for line in report.readers}
    lawyer = by_actor[f"staff:{ids['lawyer']}"]
    assert (lawyer.reads, lawyer.borrows, lawyer.clients) == (5, 0, {ids["own"], ids["foreign"]})
    assert lawyer.outside == {ids["foreign"]: 2} and not lawyer.unusual
    assert by_actor[f"staff:{ids['other']}"].outside == {}
    heavy = by_actor[f"staff:{ids['heavy']}"]
    assert heavy.unusual and heavy.outside == {} and heavy.fields["id_number"] == 40
    partner = by_actor[f"staff:{ids['partner']}"]
    assert (partner.reads, partner.borrows, partner.clients, partner.outside) == (0, 1, {ids["foreign"]}, {})
    assert report.median == 4.5 and report.events == 50
    assert [line.actor for line in report.readers][0] == f"staff:{ids['heavy']}"


def test_an_even_month_flags_nobody(services, clock):
    a = make_staff(services, "U0LAWYER1", "lawyer").id
    b = make_staff(services, "U0LAWYER2", "lawyer").id
    ca, cb = _client(services, "A", team=a), _client(services, "B", team=b)
    nov = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)
    _reads(services, clock, actor=f"staff:{a}", entity="client", entity_id=ca, count=30, at=nov)
    _reads(services, clock, actor=f"staff:{b}", entity="client", entity_id=cb, count=25, at=nov)
    with services.session() as session:
        report = build_access_report(session, month="2026-11", tz=services.settings.tz)
    assert not any(line.unusual or line.outside for line in report.readers)


def test_the_job_sends_each_month_once_to_every_records_officer_and_catches_up(services, clock):
    ids = _seed_month(services, clock)
    make_staff(services, "U0ADMIN01", "admin", "Records One")
    make_staff(services, "U0ADMIN02", "admin", "Records Two", locale="zh-CN")
    ctx = job_context(services)
    clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # 23:00 on 30 Nov in Shanghai: month not over
    assert plan_access_reports(ctx) == 2  # the first run sends the last complete month: October
    assert {n.key for n in _notices(services)} == {"privacy-access:2026-10:U0ADMIN01",
                                                   "privacy-access:2026-10:U0ADMIN02"}
    before = {n.key for n in _notices(services)}
    clock.set(datetime(2026, 11, 30, 16, 5, tzinfo=UTC))  # 00:05 on 1 Dec in Shanghai
    assert plan_access_reports(ctx) == 2
    assert plan_access_reports(ctx) == 0
    notices = {n.key: n for n in _notices(services)}
    assert set(notices) - before == {"privacy-access:2026-11:U0ADMIN01", "privacy-access:2026-11:U0ADMIN02"}
    english = notices["privacy-access:2026-11:U0ADMIN01"]
    body = str(english.payload["blocks"])
    assert english.channel == "U0ADMIN01" and "Access review 2026-11" in english.payload["text"]
    assert "<@U0ASSIST1>" in body and "Unusual volume" in body and "clients #%d" % ids["foreign"] in body
    assert "访问审查" in notices["privacy-access:2026-11:U0ADMIN02"].payload["text"]
    # the jobs process was down over two month ends: both months are sent when it is back
    clock.set(datetime(2027, 2, 3, 2, 0, tzinfo=UTC))
    assert plan_access_reports(ctx) == 4
    assert {n.key for n in _notices(services)} >= {f"privacy-access:{m}:U0ADMIN0{i}"
                                                   for m in ("2026-12", "2027-01") for i in (1, 2)}
    with services.session() as session:
        assert audit.verify(session).ok


def test_without_records_officers_the_review_goes_to_the_admin_channel(services, clock, tmp_path, test_keyring,
                                                                      db_url, fake_slack):
    from storage.db import make_engine, make_session_factory
    from tests.conftest import make_settings

    settings = make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path, admin_channel="C0ADMIN")
    engine = make_engine(settings.resolved_database_url, keyring=test_keyring)
    admin_services = Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                              keyring=test_keyring, clock=clock)
    try:
        clock.set(datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
        assert plan_access_reports(job_context(admin_services)) == 1
        (notice,) = _notices(admin_services)
        assert notice.key == "privacy-access:2026-11:C0ADMIN" and "Nobody read" in str(notice.payload["blocks"])
    finally:
        engine.dispose()


def test_with_nowhere_to_send_nothing_is_recorded(services, clock):
    clock.set(datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    assert plan_access_reports(job_context(services)) == 0
    assert _notices(services) == []

"""The partners' Home dashboard reads the stored report of the quarter; a job refreshes it, in one process only."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from bot.flows.quarters import Quarter
from bot.flows.report.figures import Chart, Kpi, QuarterReport, Series, Unit
from bot.flows.report.quarter import quarter_report
from bot.flows.report.snapshot import (LEASE, claim_refresh, from_json, store_claimed, stored_report, to_json)
from bot.settings import Settings, SettingsError
from jobs.registry import discover_jobs
from jobs.tasks.report import refresh_dashboard
from storage.models import AuditEvent, ReportSnapshot, Survey
from tests.conftest import make_settings
from tests.report_firm import build
from tests.report_support import open_home, seed_firm
from tests.upkeep_support import job_context

NOV_10 = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)   # inside 2026-Q4 (the clock: 2026-11-23 09:00 UTC, 17:00 local)
Q4, Q3 = Quarter(2026, 4), Quarter(2026, 3)


def _headers(home: dict) -> list[str]:
    return [b["text"]["text"] for b in home["blocks"] if b["type"] == "header"]


def _kpi_text(home: dict) -> str:
    return "\n".join(b["text"]["text"] for b in home["blocks"] if b.get("block_id", "").startswith("report-kpis"))


def _snapshot(services, quarter: Quarter = Q4) -> ReportSnapshot | None:
    with services.session() as session:
        row = session.execute(select(ReportSnapshot).where(ReportSnapshot.quarter == quarter.label)).scalar()
        if row is not None:
            session.expunge(row)
        return row


# -- serialising ---------------------------------------------------------------------------------------

def test_a_full_report_survives_the_round_trip_through_json_and_the_database(services):
    with services.session() as session:
        build(session)
    with services.session() as session:
        report = quarter_report(session, quarter=Q3, settings=services.settings,
                                now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    assert report.tables["bonus_lines"] and report.tables["referrals"] and len(report.charts) == 5
    doc = to_json(report)
    again = from_json(json.loads(json.dumps(doc, sort_keys=True)))   # as the encrypted column stores it
    assert again == report
    assert list(again.charts) == list(report.charts)                 # the charts' order is kept
    for chart, series in report.charts.items():
        assert list(again.charts[chart].values) == list(series.values)
        assert list(again.charts[chart].notes) == list(series.notes)
    assert [list(row) for row in again.tables["bonuses"]] == [list(row) for row in report.tables["bonuses"]]
    assert isinstance(again.charts[Chart.REVENUE_PARETO].unit, Unit) and again.computed_at.tzinfo is not None

    with services.session() as session:                              # and through the database
        token = claim_refresh(session, quarter=Q3, now=report.computed_at, refresh=None)
        assert token is not None and store_claimed(session, report=report, token=token)
    with services.session() as session:
        stored = stored_report(session, quarter=Q3)
    assert stored.report == report and stored.computed_at == report.computed_at
    with services.session() as session:                              # the Home's read leaves the tables out
        home = stored_report(session, quarter=Q3, tables=False).report
    assert home.tables == {} and home.kpis == report.kpis and list(home.charts.items()) == list(report.charts.items())


def test_values_beyond_plain_json_keep_their_types_and_unknown_ones_are_refused():
    from decimal import Decimal

    report = QuarterReport(quarter=Q4, currency="CNY", computed_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
                           kpis=[Kpi("csat", 91.5, 90.0), Kpi("response_time", None, 60.0, Unit.MINUTES)],
                           charts={Chart.TIERS: Series(Chart.TIERS, ["core"], {"clients": [3.0]},
                                                       notes={"pair": (1, "a"), "amount": Decimal("1.10"),
                                                              "day": datetime(2026, 1, 1, tzinfo=UTC).date(),
                                                              "by_id": {7: "x"}})})
    assert from_json(json.loads(json.dumps(to_json(report)))) == report
    with pytest.raises(TypeError):
        to_json(QuarterReport(quarter=Q4, currency="CNY", computed_at=report.computed_at, kpis=[], charts={},
                              tables={"odd": [object()]}))
    with pytest.raises(ValueError):
        from_json({**to_json(report), "format": 99})


# -- the Home --------------------------------------------------------------------------------------

def test_the_first_home_open_computes_and_stores_then_the_home_reads_the_stored_report(
        services, slack, fake_slack, clock):
    seed_firm(services, survey_at=NOV_10)
    assert _snapshot(services) is None
    home = open_home(slack, fake_slack, "U0PART")
    assert "Dashboard — 2026-Q4 · as of 17:00" in _headers(home)
    first = _kpi_text(home)
    assert "CSAT: timeliness of communication" in first
    row = _snapshot(services)
    assert row is not None and row.computed_at == clock() and row.report is not None
    assert row.claim is None and row.lease_until is None

    with services.session() as session:                              # the figures change...
        session.execute(update(Survey).where(Survey.score_communication == 3).values(score_communication=5))
    clock.advance(minutes=30)
    uploads = len(fake_slack.of("files.getUploadURLExternal"))
    again = open_home(slack, fake_slack, "U0PART")                  # ...the Home shows the stored ones
    assert _kpi_text(again) == first and "Dashboard — 2026-Q4 · as of 17:00" in _headers(again)
    assert _snapshot(services).computed_at == row.computed_at
    assert len(fake_slack.of("files.getUploadURLExternal")) == uploads
    assert refresh_dashboard(job_context(services)).skipped == "fresh"   # within the hour

    clock.advance(minutes=31)                                        # past DASHBOARD_REFRESH_MINUTES (60)
    run = refresh_dashboard(job_context(services))
    assert run.quarter == "2026-Q4" and run.stored and run.skipped is None
    assert _snapshot(services).computed_at == clock()
    fresh = open_home(slack, fake_slack, "U0PART")
    assert _kpi_text(fresh) != first and "Dashboard — 2026-Q4 · as of 18:01" in _headers(fresh)
    assert len(fake_slack.of("files.getUploadURLExternal")) == uploads + 1   # only the CSAT picture changed
    with services.session() as session:
        reads = session.execute(select(AuditEvent).where(AuditEvent.entity == "quarter_report")).scalars().all()
    assert len(reads) == 3 and all("app_home" in r.fields for r in reads)   # every Home read audited


def test_a_stale_snapshot_is_shown_as_it_is_and_an_old_day_carries_its_date(services, slack, fake_slack, clock):
    seed_firm(services, survey_at=NOV_10)
    open_home(slack, fake_slack, "U0ZHPART")
    clock.advance(days=1)                                            # long past the interval, no job ran
    home = open_home(slack, fake_slack, "U0ZHPART")
    assert "经营看板 — 2026-Q4 · 截至 11-23 17:00" in _headers(home)
    assert _snapshot(services).computed_at == clock() - timedelta(days=1)


def test_a_new_quarter_gets_its_own_snapshot_on_the_first_open(services, slack, fake_slack, clock):
    seed_firm(services, survey_at=NOV_10)
    open_home(slack, fake_slack, "U0PART")
    clock.set(datetime(2027, 1, 4, 2, 0, tzinfo=UTC))               # 2027-Q1, 10:00 local
    home = open_home(slack, fake_slack, "U0PART")
    assert "Dashboard — 2027-Q1 · as of 10:00" in _headers(home)
    assert _snapshot(services, Quarter(2027, 1)).computed_at == clock()
    assert _snapshot(services).computed_at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_while_another_process_computes_the_first_report_the_home_says_so_and_computes_nothing(
        services, slack, fake_slack, clock):
    seed_firm(services, survey_at=NOV_10)
    with services.session() as session:                              # "the job" holds the claim
        assert claim_refresh(session, quarter=Q4, now=clock(), refresh=None) is not None
    home = open_home(slack, fake_slack, "U0PART")
    assert "being prepared" in json.dumps(home["blocks"]) and "report-kpis" not in json.dumps(home["blocks"])
    assert _snapshot(services).report is None and not fake_slack.of("files.getUploadURLExternal")


def test_a_lawyer_home_has_no_dashboard_and_stores_nothing(services, slack, fake_slack):
    seed_firm(services, survey_at=NOV_10)
    home = open_home(slack, fake_slack, "U0LAW")
    assert "report-" not in json.dumps(home["blocks"]) and not any("Dashboard" in h for h in _headers(home))
    assert _snapshot(services) is None


def test_the_report_command_of_this_quarter_refreshes_the_snapshot_and_a_past_one_does_not(
        services, slack, fake_slack, clock):
    seed_firm(services, survey_at=NOV_10)
    open_home(slack, fake_slack, "U0PART")
    clock.advance(minutes=5)
    before = len(fake_slack.of("response_url"))
    slack.command("U0PART", "/lawcrm", "report 2026-Q3", channel="C0GENERAL")
    fake_slack.wait_for("response_url", before + 2, timeout=60)
    fake_slack.settle()
    assert _snapshot(services, Q3) is None and _snapshot(services).computed_at == clock() - timedelta(minutes=5)
    before = len(fake_slack.of("response_url"))
    slack.command("U0PART", "/lawcrm", "report", channel="C0GENERAL")
    fake_slack.wait_for("response_url", before + 2, timeout=60)
    fake_slack.settle()
    assert _snapshot(services).computed_at == clock()


# -- the refresh job -------------------------------------------------------------------------------

def test_the_job_stores_a_missing_snapshot_once_and_is_discovered(services, clock):
    seed_firm(services, survey_at=NOV_10)
    assert "report-dashboard" in {job.name for job in discover_jobs(services)}
    first = refresh_dashboard(job_context(services))
    second = refresh_dashboard(job_context(services))
    assert (first.stored, first.skipped) == (True, None) and (second.stored, second.skipped) == (False, "fresh")
    assert _snapshot(services).computed_at == clock()
    with services.session() as session:
        assert session.execute(select(ReportSnapshot)).scalars().all().__len__() == 1


def test_two_processes_at_once_refresh_once(services, clock):
    seed_firm(services, survey_at=NOV_10)
    refresh_dashboard(job_context(services))
    clock.advance(minutes=61)
    start = threading.Barrier(2)
    runs, errors = [], []

    def tick() -> None:
        try:
            start.wait(timeout=10)
            runs.append(refresh_dashboard(job_context(services)))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors
    assert sorted(r.stored for r in runs) == [False, True]
    assert [r.skipped for r in runs if not r.stored][0] in ("claimed_elsewhere", "fresh")
    assert _snapshot(services).computed_at == clock()


def test_a_crashed_claimers_lease_expires_and_is_taken_over(services, clock):
    seed_firm(services, survey_at=NOV_10)
    with services.session() as session:                              # a process claims, then dies
        lost = claim_refresh(session, quarter=Q4, now=clock(), refresh=timedelta(minutes=60))
    assert lost is not None
    assert refresh_dashboard(job_context(services)).skipped == "claimed_elsewhere"
    clock.advance(minutes=LEASE.total_seconds() / 60 - 1)
    assert refresh_dashboard(job_context(services)).skipped == "claimed_elsewhere"
    clock.advance(minutes=2)
    run = refresh_dashboard(job_context(services))
    assert run.stored and _snapshot(services).computed_at == clock()
    with services.session() as session:                              # the late one's result is not stored
        late = quarter_report(session, quarter=Q4, settings=services.settings, now=clock() - timedelta(minutes=16))
        assert store_claimed(session, report=late, token=lost) is False
    assert _snapshot(services).computed_at == clock()


def test_a_failed_computation_gives_the_claim_back(services, clock, monkeypatch):
    import jobs.tasks.report as task

    seed_firm(services, survey_at=NOV_10)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(task, "quarter_report", broken)
    with pytest.raises(RuntimeError):
        refresh_dashboard(job_context(services))
    row = _snapshot(services)
    assert row.report is None and row.claim is None and row.lease_until is None
    monkeypatch.undo()
    assert refresh_dashboard(job_context(services)).stored


def test_the_snapshot_is_encrypted_at_rest(services, clock):
    with services.session() as session:
        build(session)
    clock.set(datetime(2026, 9, 20, 2, 0, tzinfo=UTC))              # inside 2026-Q3, the firm's quarter
    assert refresh_dashboard(job_context(services)).stored
    stored = _snapshot(services, Q3)
    lines = stored.report and json.dumps([stored.report, stored.tables])
    assert lines and "Client C" in lines and "50000.0" in lines and "Staff L1" in lines   # the plaintext has them
    with services.engine.connect() as conn:
        raw = " ".join(conn.execute(text("SELECT report, tables FROM report_snapshots")).one())
    assert raw and "Client" not in raw and "50000" not in raw and "Staff L1" not in raw and "bonus" not in raw
    assert "csat" not in raw and "2026-Q3" not in raw


def test_the_refresh_interval_is_validated(db_url: str, tmp_path: Path):
    assert make_settings(db_url=db_url, fake=None, tmp_path=tmp_path).dashboard_refresh_minutes == 60
    assert make_settings(db_url=db_url, fake=None, tmp_path=tmp_path,
                         dashboard_refresh_minutes=15).dashboard_refresh_minutes == 15
    for bad in (0, -5, 100_000):
        with pytest.raises((ValueError, SettingsError)):
            Settings(_env_file=None, database_url=db_url, dashboard_refresh_minutes=bad)  # type: ignore[call-arg]

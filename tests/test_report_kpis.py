"""The quarterly report: every KPI, chart series and bonus of a hand-built firm, on both databases.

2026-Q3 in Asia/Shanghai: [2026-06-30 16:00 UTC, 2026-09-30 16:00 UTC). The windows of the
12-month figures end on 2026-10-01 (local): last year [2025-10-01, 2026-10-01), the year
before [2024-10-01, 2025-10-01).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.flows.actor import Actor
from bot.flows.errors import PermissionDenied
from bot.flows.quarters import Quarter
from bot.flows.report.reading import read_report
from bot.flows.report.export import write_workbook
from bot.flows.report.figures import Chart, Light, QuarterReport
from bot.flows.report.quarter import quarter_report
from bot.services import Services
from bot.settings import Settings, SettingsError, load_settings
from storage.models import AuditEvent, Complaint
from storage.models.enums import Role
from tests.conftest import make_settings
from tests.report_firm import Firm, build

Q3 = Quarter(2026, 3)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def report_of(services: Services, quarter: Quarter = Q3, *, settings: Settings | None = None,
              now: datetime = NOW) -> tuple[QuarterReport, Firm]:
    """Build the firm, then the quarter's report."""
    with services.session() as session:
        firm = build(session)
    with services.session() as session:
        return quarter_report(session, quarter=quarter, settings=settings or services.settings, now=now), firm


def values(report: QuarterReport) -> dict[str, float | None]:
    """KPI values rounded to 2 places."""
    return {k.key: None if k.value is None else round(k.value, 2) for k in report.kpis}


def test_every_kpi_of_the_quarter(services: Services) -> None:
    report, _ = report_of(services)
    assert values(report) == {
        "csat": 66.67, "csat.ability": 66.67, "csat.communication": 33.33, "csat.attitude": 100.0,
        "csat.result": 66.67,
        "retention": 50.0,            # A, B engaged the year before; A still engaged
        "referral_share": 66.67,      # new: C, D (referred), G (at the quarter's first instant); not E, H
        "ltv_growth": 10.0,           # 330,000 / 6 engaged = 55,000 against 100,000 / 2 = 50,000
        "enquiry_response": 45.0,     # median of 30, 90, 45
        "compliance": 25.53,          # 12 / 47
        "compliance.cadence": 16.67,  # 6 / 36
        "compliance.complaints": 50.0,
        "compliance.surveys": 50.0,
        "compliance.intake": 66.67,   # mC, mD approved; mG never checked
        "cross_team": 33.33,          # mD: L2 (nl_ip) with L1 (lit_civil)
        "complaint_rate": 33.33,      # 2 complaints / 6 active clients
        "conversion": 50.0,           # 1 engaged of 2 decided
    }
    by_key = {k.key: k for k in report.kpis}
    assert (by_key["retention"].numerator, by_key["retention"].denominator) == (1, 2)
    assert (by_key["ltv_growth"].numerator, by_key["ltv_growth"].denominator) == (55000.0, 50000.0)
    assert (by_key["compliance.cadence"].numerator, by_key["compliance.cadence"].denominator) == (6, 36)
    assert (by_key["compliance.complaints"].numerator, by_key["compliance.complaints"].denominator) == (2, 4)
    assert (by_key["compliance.surveys"].numerator, by_key["compliance.surveys"].denominator) == (2, 4)
    assert (by_key["enquiry_response"].numerator, by_key["enquiry_response"].denominator) == (2, 3)
    assert (by_key["complaint_rate"].numerator, by_key["complaint_rate"].denominator) == (2, 6)
    lights = {k.key: k.light for k in report.kpis}
    assert lights["csat"] is Light.RED and lights["retention"] is Light.RED
    assert lights["ltv_growth"] is Light.GREEN  # exactly on target
    assert lights["referral_share"] is Light.GREEN and lights["enquiry_response"] is Light.GREEN
    assert lights["cross_team"] is Light.GREEN and lights["compliance"] is Light.RED
    assert lights["complaint_rate"] is Light.NONE and lights["conversion"] is Light.NONE  # no default target
    assert by_key["enquiry_response"].unit.value == "minutes"
    assert by_key["complaint_rate"].direction.value == "at_most"


def test_chart_series(services: Services) -> None:
    report, _ = report_of(services)
    tiers = report.charts[Chart.TIERS]
    assert tiers.categories == ["strategic", "core", "potential", "lost"]
    assert tiers.values == {"clients": [1.0, 3.0, 4.0, 0.0]}
    pareto = report.charts[Chart.REVENUE_PARETO]
    assert pareto.categories == ["strategic", "core", "potential"]
    assert pareto.values == {"collected": [200000.0, 70000.0, 60000.0], "cumulative_share": [60.6, 81.8, 100.0]}
    assert pareto.notes == {"total": 330000.0, "top": "strategic", "top_share": 60.6}
    csat = report.charts[Chart.CSAT_DIMENSIONS]
    assert csat.categories == ["ability", "communication", "attitude", "result"]
    assert csat.values == {"csat": [66.7, 33.3, 100.0, 66.7]}
    assert csat.notes["lowest"] == "communication" and csat.notes["lowest_value"] == 33.3
    assert csat.notes["surveys"] == 3
    demand = report.charts[Chart.DEMAND]
    assert demand.categories == ["lit_civil", "nl_ip", "nl_mna"]
    assert demand.values == {"current": [2.0, 1.0, 0.0], "previous": [0.0, 0.0, 1.0]}
    assert demand.notes["change"] == [None, None, -100.0]
    assert (demand.notes["current"], demand.notes["previous"]) == ("2026-Q3", "2026-Q2")
    cohorts = report.charts[Chart.RETENTION]
    assert cohorts.categories == ["2023", "2024"]
    assert cohorts.values == {"retention": [100.0, 50.0]}
    assert cohorts.notes["clients"] == [1, 2] and cohorts.notes["retained"] == [1, 1]


def test_referrals_and_bonuses(services: Services) -> None:
    report, firm = report_of(services)
    st, cl = firm.staff, firm.clients
    assert report.tables["referrals"] == [
        {"referrer_kind": "client", "referrer_id": cl["A"], "referrer": "Client A", "new_clients": 1},
        {"referrer_kind": "staff", "referrer_id": st["L1"], "referrer": "Staff L1", "new_clients": 1}]
    lines = {(r["staff_id"], r["kind"], r["client_id"]): (r["fees"], r["bonus"]) for r in report.tables["bonus_lines"]}
    assert lines == {
        (st["L1"], "referral", cl["C"]): (50000.0, 500.0),
        (st["P1"], "referral", cl["D"]): (10000.0, 100.0),   # referred by client A: A's partner
        (st["L2"], "winback", cl["F"]): (41000.0, 205.0),    # on and after the day won back (08-10 local)
    }
    assert report.tables["bonuses"] == [
        {"staff_id": st["L1"], "staff": "Staff L1", "referral_fees": 50000.0, "referral_bonus": 500.0,
         "winback_fees": 0.0, "winback_bonus": 0.0, "total": 500.0},
        {"staff_id": st["L2"], "staff": "Staff L2", "referral_fees": 0.0, "referral_bonus": 0.0,
         "winback_fees": 41000.0, "winback_bonus": 205.0, "total": 205.0},
        {"staff_id": st["P1"], "staff": "Staff P1", "referral_fees": 10000.0, "referral_bonus": 100.0,
         "winback_fees": 0.0, "winback_bonus": 0.0, "total": 100.0}]


def test_bonus_rates_and_targets_from_settings(services: Services, db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url=db_url, fake=None, tmp_path=tmp_path, referral_bonus_rate=0.02,
                             winback_bonus_rate=0.01, kpi_targets={"retention": 50, "complaint_rate": 20,
                                                                   "csat": 60})
    report, firm = report_of(services, settings=settings)
    by_key = {k.key: k for k in report.kpis}
    assert by_key["retention"].target == 50 and by_key["retention"].light is Light.GREEN
    assert by_key["complaint_rate"].target == 20 and by_key["complaint_rate"].light is Light.RED
    assert by_key["csat"].light is Light.GREEN and by_key["csat.communication"].target == 60
    assert by_key["conversion"].light is Light.NONE
    totals = {r["staff_id"]: r["total"] for r in report.tables["bonuses"]}
    assert totals == {firm.staff["L1"]: 1000.0, firm.staff["L2"]: 410.0, firm.staff["P1"]: 200.0}


def test_the_running_quarter_is_measured_up_to_now(services: Services) -> None:
    report, firm = report_of(services, Quarter(2026, 4))
    got = values(report)
    assert got["referral_share"] == 100.0          # E, opened at 00:30 on 1 October local, referred by L1
    assert got["csat"] == 100.0                    # the survey completed at 16:00 UTC on 30 September
    assert got["compliance.surveys"] == 100.0      # the survey due 10 October, completed before it
    assert got["compliance.intake"] == 0.0         # mE was never checked
    lines = {(r["staff_id"], r["client_id"]): r["bonus"] for r in report.tables["bonus_lines"]}
    assert lines == {(firm.staff["L1"], firm.clients["E"]): 50.0}  # the fee dated 1 December is not yet counted
    demand = report.charts[Chart.DEMAND]
    assert demand.categories == ["lit_civil", "nl_ip"]
    assert demand.values == {"current": [1.0, 0.0], "previous": [2.0, 1.0]}
    assert demand.notes["change"] == [-50.0, -100.0]


def test_no_data_is_no_data_not_zero_red(services: Services) -> None:
    with services.session() as session:
        report = quarter_report(session, quarter=Q3, settings=services.settings, now=NOW)
    assert all(k.value is None and k.light is Light.NONE for k in report.kpis)
    assert report.charts[Chart.CSAT_DIMENSIONS].categories == []
    assert report.charts[Chart.REVENUE_PARETO].categories == []
    assert report.tables == {"referrals": [], "bonuses": [], "bonus_lines": []}


def test_partners_only_and_reading_is_audited(services: Services) -> None:
    with services.session() as session:
        build(session)
    lawyer = Actor(staff_id=2, slack_user_id="UL1", name="L1", role=Role.LAWYER, locale="en")
    partner = Actor(staff_id=1, slack_user_id="UP1", name="P1", role=Role.PARTNER, locale="en")
    with services.session() as session, pytest.raises(PermissionDenied):
        read_report(session, actor=lawyer, quarter=Q3, settings=services.settings, now=NOW)
    with services.session() as session:
        report = read_report(session, actor=partner, quarter=Q3, settings=services.settings, now=NOW)
    assert report.quarter == Q3
    with services.session() as session:
        events = session.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.entity_id)
                                 .where(AuditEvent.entity == "quarter_report")).all()
    assert events == [("staff:1", "read", "2026-Q3")]


def test_workbook_holds_every_figure(services: Services, tmp_path: Path) -> None:
    report, firm = report_of(services)
    path = write_workbook(report, tmp_path / "q3.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["KPIs", "Tiers", "Revenue by tier", "CSAT by dimension", "Demand by area",
                               "Retention by cohort", "Referrals", "Bonuses", "Bonus lines"]
    kpis = {row[0]: row for row in book["KPIs"].iter_rows(min_row=2, values_only=True)}
    assert kpis["retention"][1:] == ("1-year retention", 50, 80, "at_least", "percent", "red", 1, 2)
    assert kpis["conversion"][2:4] == (50, None)
    revenue = list(book["Revenue by tier"].iter_rows(values_only=True))
    assert revenue[:4] == [("Category", "collected", "cumulative_share"), ("strategic", 200000, 60.6),
                           ("core", 70000, 81.8), ("potential", 60000, 100)]
    assert ("top", "strategic", None) in revenue and ("top_share", 60.6, None) in revenue
    demand = list(book["Demand by area"].iter_rows(values_only=True))
    assert demand[:2] == [("Category", "current", "previous", "change"), ("lit_civil", 2, 0, None)]
    bonuses = list(book["Bonuses"].iter_rows(values_only=True))
    assert bonuses[1] == (firm.staff["L1"], "Staff L1", 50000, 500, 0, 0, 500)
    zh = load_workbook(write_workbook(report, tmp_path / "q3zh.xlsx", locale="zh-CN"))
    assert zh.sheetnames[0] == "指标" and zh["指标"]["B2"].value == "客户满意度（总体）"


def test_workbook_of_an_empty_quarter_says_no_data(services: Services, tmp_path: Path) -> None:
    with services.session() as session:
        report = quarter_report(session, quarter=Q3, settings=services.settings, now=NOW)
    book = load_workbook(write_workbook(report, tmp_path / "empty.xlsx"))
    rows = list(book["KPIs"].iter_rows(min_row=2, values_only=True))
    assert rows and all(r[2] is None and r[6] == "no data" for r in rows)
    assert list(book["Bonuses"].iter_rows(values_only=True)) == [
        ("staff_id", "staff", "referral_fees", "referral_bonus", "winback_fees", "winback_bonus", "total")]


def test_running_clocks_are_left_out_missed_ones_count(services: Services) -> None:
    with services.session() as session:
        firm = build(session)
        for received in (datetime(2026, 11, 23, 1, 0, tzinfo=UTC), datetime(2026, 11, 19, 1, 0, tzinfo=UTC)):
            session.add(Complaint(client_id=firm.clients["A"], against_staff_id=firm.staff["L1"],
                                  recorded_by_id=firm.staff["P1"], complainant_name="x", complainant_contact="x",
                                  description="x", request="x", received_via="phone", received_at=received))
    with services.session() as session:
        report = quarter_report(session, quarter=Quarter(2026, 4), settings=services.settings, now=NOW)
    kpi = {k.key: k for k in report.kpis}["compliance.complaints"]
    # received this morning: both clocks still running; received 19 November (Thursday): the
    # acknowledgement (24 h) and the answer (3 working days: Tuesday 24 November) - only the first has run out
    assert (kpi.numerator, kpi.denominator, kpi.value) == (0, 1, 0.0)


def test_kpi_targets_setting_is_validated_and_merged(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url=db_url, fake=None, tmp_path=tmp_path,
                             kpi_targets={"compliance": 90, "compliance.intake": 100, "conversion": 25})
    assert settings.kpi_targets["compliance.cadence"] == 90 and settings.kpi_targets["compliance.intake"] == 100
    assert settings.kpi_targets["retention"] == 80 and settings.kpi_targets["conversion"] == 25
    assert "complaint_rate" not in settings.kpi_targets
    for bad, message in (({"retension": 80}, "unknown KPI 'retension'"),
                         ({"csat": -5}, "must be a number of at least 0"),
                         ({"csat": float("nan")}, "must be a number of at least 0")):
        with pytest.raises(SettingsError, match=message):
            load_settings(_env_file=None, database_url=db_url, kpi_targets=bad)
    with pytest.raises(SettingsError, match="REFERRAL_BONUS_RATE"):
        load_settings(_env_file=None, database_url=db_url, referral_bonus_rate=1.5)


def test_a_client_referral_is_credited_to_the_lead_without_a_partner_else_to_no_one(services: Services) -> None:
    from datetime import date
    from decimal import Decimal

    from bot.flows.value.amounts import amount_text
    from storage.models import Client, ClientTeamMember, FeeEntry

    with services.session() as session:
        firm = build(session)
        cl, mt = firm.clients, firm.matters
        session.add(ClientTeamMember(client_id=cl["F"], staff_id=firm.staff["L2"], role="lead_lawyer"))
        for referrer, key in (("F", "X"), ("B", "Y")):  # F has a lead lawyer only, B no team at all
            client = Client(kind="individual", name=f"Client {key}", tier="potential", status="active",
                            referrer_client_id=cl[referrer])
            session.add(client)
            session.flush()
            session.add(FeeEntry(matter_id=mt["mC"], client_id=client.id, kind="collected", currency="CNY",
                                 amount=amount_text(Decimal("3333.33")), on_date=date(2026, 9, 1)))
            cl[key] = client.id
    with services.session() as session:
        report = quarter_report(session, quarter=Q3, settings=services.settings, now=NOW)
    lines = {r["client_id"]: (r["staff_id"], r["staff"], r["bonus"]) for r in report.tables["bonus_lines"]}
    assert lines[cl["X"]] == (firm.staff["L2"], "Staff L2", 33.33)
    assert lines[cl["Y"]] == (None, "", 33.33)
    unassigned = [r for r in report.tables["bonuses"] if r["staff_id"] is None]
    assert unassigned == [{"staff_id": None, "staff": "", "referral_fees": 3333.33, "referral_bonus": 33.33,
                           "winback_fees": 0.0, "winback_bonus": 0.0, "total": 33.33}]
    assert report.tables["bonuses"][-1]["staff_id"] is None  # the smallest total

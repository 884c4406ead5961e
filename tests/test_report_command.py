"""`/lawcrm report` and the partners' Home dashboard, through signed Slack requests and the fake Slack."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select, update

from bot.flows.quarters import Quarter
from storage.models import AuditEvent, ReportChartFile, Survey
from jobs.tasks.report import refresh_dashboard
from tests.upkeep_support import job_context, staff_id
from tests.report_support import expected_charts, open_home, seed_firm

NOV_10 = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)   # inside 2026-Q4 (the clock: Monday 2026-11-23)
Q4, Q3 = Quarter(2026, 4), Quarter(2026, 3)


def _command(slack, fake, user: str, text: str, *, answers: int, channel: str = "C0GENERAL") -> list[dict]:
    """Run `/lawcrm <text>`; the response_url answers, once `answers` came (rendering takes a while)."""
    before = len(fake.of("response_url"))
    slack.command(user, "/lawcrm", text, channel=channel)
    fake.wait_for("response_url", before + answers, timeout=60)
    fake.settle()
    return [c.params for c in fake.of("response_url")[before:]]


def _kpi_text(blocks: list[dict]) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if b.get("block_id", "").startswith("report-kpis"))


def test_a_partner_gets_the_kpi_table_and_the_charts_in_a_dm(services, slack, fake_slack):
    seed_firm(services, survey_at=NOV_10)
    answers = _command(slack, fake_slack, "U0PART", "report", answers=2)
    table = next(a for a in answers if a.get("blocks"))
    assert table["blocks"][0]["text"]["text"] == "Quarterly report — 2026-Q4"
    kpis = _kpi_text(table["blocks"])
    assert "🔴 *CSAT: timeliness of communication* — 50.0 % · target ≥ 90.0 %" in kpis
    assert "🟢 *CSAT (overall)* — 100.0 % · target ≥ 90.0 %" in kpis
    assert table["response_type"] == "ephemeral"
    expected = expected_charts(services, Q4)
    assert {"tiers", "csat"} <= {c.value for c in expected}
    shared = fake_slack.files_shared("D0PART")
    assert [f["name"] for f in shared] == [f"report-2026-Q4-{c.value}-en.png" for c in expected]
    assert all(f["content"].startswith(b"\x89PNG") for f in shared)
    assert len(fake_slack.of("files.getUploadURLExternal")) == len(expected)
    [complete] = fake_slack.of("files.completeUploadExternal")
    assert complete.params["channel_id"] == "D0PART"
    assert complete.params["initial_comment"] == "Charts of the 2026-Q4 report"
    assert "The charts are in your direct messages with me." in answers[-1]["text"]
    with services.session() as session:
        [read] = session.execute(select(AuditEvent).where(AuditEvent.entity == "quarter_report")).scalars().all()
    assert (read.action, read.entity_id) == ("read", "2026-Q4")
    assert set(read.fields) == {"command", "kpis", "charts", "referrals", "bonuses", "collected_fees"}
    assert read.actor == f"staff:{staff_id(services, 'U0PART')}"


def test_a_chinese_partner_asks_for_a_past_quarter_in_chinese(services, slack, fake_slack):
    seed_firm(services, survey_at=datetime(2026, 8, 10, 3, 0, tzinfo=UTC))
    answers = _command(slack, fake_slack, "U0ZHPART", "report 2026年第三季度", answers=2)
    table = next(a for a in answers if a.get("blocks"))
    assert table["blocks"][0]["text"]["text"] == "季度报告 — 2026-Q3"
    assert "满意度：沟通及时性" in _kpi_text(table["blocks"])
    shared = fake_slack.files_shared("D0ZHPART")
    assert [f["title"] for f in shared][:1] == ["各等级客户数 — 2026-Q3"]
    assert "report-2026-Q3-csat-zh-CN.png" in [f["name"] for f in shared]


def test_a_lawyer_is_refused_and_nothing_is_uploaded(services, slack, fake_slack):
    seed_firm(services, survey_at=NOV_10)
    answers = _command(slack, fake_slack, "U0LAW", "report", answers=1)
    assert [a["text"] for a in answers] == ["The quarterly report is for partners."]
    assert fake_slack.of("files.getUploadURLExternal") == []
    with services.session() as session:
        assert session.execute(select(AuditEvent).where(AuditEvent.entity == "quarter_report")).first() is None


def test_a_bad_quarter_gets_a_clear_message(services, slack, fake_slack):
    seed_firm(services, survey_at=NOV_10)
    answers = _command(slack, fake_slack, "U0PART", "report 2026-Q9", answers=1)
    assert len(answers) == 1 and "is not a quarter" in answers[0]["text"] and "2026-Q4" in answers[0]["text"]
    assert fake_slack.of("files.getUploadURLExternal") == []


def test_here_posts_in_the_channel_when_the_bot_is_in_it_else_in_the_dm(services, slack, fake_slack):
    seed_firm(services, survey_at=NOV_10)
    fake_slack.channels["C0PARTNERS"] = {"is_member": True}
    answers = _command(slack, fake_slack, "U0PART", "report here", answers=1, channel="C0PARTNERS")
    [posted] = fake_slack.messages_to("C0PARTNERS")
    assert posted["blocks"][0]["text"]["text"] == "Quarterly report — 2026-Q4"
    assert len(fake_slack.files_shared("C0PARTNERS")) == len(expected_charts(services, Q4))
    assert fake_slack.files_shared("D0PART") == []
    assert "posted in this channel" in answers[-1]["text"]

    answers = _command(slack, fake_slack, "U0PART", "report here", answers=2, channel="C0ELSEWHERE")
    assert fake_slack.messages_to("C0ELSEWHERE") == [] and fake_slack.files_shared("C0ELSEWHERE") == []
    assert len(fake_slack.files_shared("D0PART")) == len(expected_charts(services, Q4))
    assert "I'm not in this channel" in answers[-1]["text"]


def _images(home: dict) -> list[dict]:
    return [b for b in home["blocks"] if b["type"] == "image"]


def test_the_partners_home_shows_the_dashboard_and_uploads_each_picture_once(services, slack, fake_slack, clock):
    seed_firm(services, survey_at=NOV_10)
    home = open_home(slack, fake_slack, "U0PART")
    expected = expected_charts(services, Q4)
    images = _images(home)
    assert [b["block_id"] for b in images] == [f"report-chart-{c.value}" for c in expected]
    uploaded = {f["id"]: f for f in fake_slack.uploads.values()}
    assert [b["slack_file"]["id"] for b in images] == list(uploaded)
    assert all(f["content"].startswith(b"\x89PNG") for f in uploaded.values())
    assert any(b["type"] == "header" and b["text"]["text"] == "Dashboard — 2026-Q4 · as of 17:00" for b in home["blocks"])
    assert "CSAT: timeliness of communication" in json.dumps(home["blocks"], ensure_ascii=False)
    assert len(home["blocks"]) <= 100
    csat = next(b for b in images if b["block_id"] == "report-chart-csat")
    assert csat["alt_text"] == "Timeliness of communication scores lowest (50 %)"

    calls = len(fake_slack.of("files.getUploadURLExternal"))
    again = open_home(slack, fake_slack, "U0PART")                 # nothing changed: no new upload
    assert len(fake_slack.of("files.getUploadURLExternal")) == calls
    assert [b["slack_file"] for b in _images(again)] == [b["slack_file"] for b in images]

    with services.session() as session:                              # CSAT changes; the tiers do not
        session.execute(update(Survey).where(Survey.score_communication == 3).values(score_communication=5))
    clock.advance(minutes=61)                                        # the dashboard's refresh job recomputes
    assert refresh_dashboard(job_context(services)).stored
    changed = open_home(slack, fake_slack, "U0PART")
    assert len(fake_slack.of("files.getUploadURLExternal")) == calls + 1
    before = {b["block_id"]: b["slack_file"]["id"] for b in images}
    after = {b["block_id"]: b["slack_file"]["id"] for b in _images(changed)}
    assert after["report-chart-tiers"] == before["report-chart-tiers"]
    assert after["report-chart-csat"] != before["report-chart-csat"]
    with services.session() as session:
        rows = session.execute(select(ReportChartFile)).scalars().all()
        reads = session.execute(select(AuditEvent).where(AuditEvent.entity == "quarter_report")).scalars().all()
    assert len(rows) == calls + 1 and {r.quarter for r in rows} == {"2026-Q4"}
    assert len(reads) == 3 and all("app_home" in r.fields and "command" not in r.fields for r in reads)


def test_a_chinese_partner_gets_chinese_pictures_and_a_lawyer_no_dashboard(services, slack, fake_slack):
    seed_firm(services, survey_at=NOV_10)
    home = open_home(slack, fake_slack, "U0ZHPART")
    assert any(b["type"] == "header" and b["text"]["text"] == "经营看板 — 2026-Q4 · 截至 17:00" for b in home["blocks"])
    titles = [b["title"]["text"] for b in _images(home)]
    assert "各等级客户数 — 2026-Q4" in titles
    with services.session() as session:
        assert {r.locale for r in session.execute(select(ReportChartFile)).scalars()} == {"zh-CN"}
    calls = len(fake_slack.of("files.getUploadURLExternal"))
    lawyer = open_home(slack, fake_slack, "U0LAW")
    assert _images(lawyer) == [] and "report-" not in json.dumps(lawyer["blocks"])
    assert len(fake_slack.of("files.getUploadURLExternal")) == calls


def test_a_failed_upload_leaves_the_dashboard_without_that_chart_and_is_tried_again(services, slack, fake_slack):
    seed_firm(services, survey_at=NOV_10)
    fake_slack.fail("files.getUploadURLExternal", error="internal_error")
    home = open_home(slack, fake_slack, "U0PART")
    expected = expected_charts(services, Q4)
    assert len(_images(home)) == len(expected) - 1
    assert "could not be shown just now" in json.dumps(home["blocks"])
    home = open_home(slack, fake_slack, "U0PART")
    assert len(_images(home)) == len(expected)


def test_two_uploads_of_the_same_picture_converge_on_the_first_file(services, clock):
    from bot.flows.report.figures import Chart
    from bot.flows.report.reading import known_chart_file, remember_chart_file

    with services.session() as session:
        first = remember_chart_file(session, quarter=Q4, chart=Chart.TIERS, locale="zh_CN", digest="d1",
                                    file_id="F1", now=clock())
    with services.session() as session:
        second = remember_chart_file(session, quarter=Q4, chart=Chart.TIERS, locale="zh-CN", digest="d1",
                                     file_id="F2", now=clock())
        other = remember_chart_file(session, quarter=Q4, chart=Chart.TIERS, locale="zh-CN", digest="d2",
                                    file_id="F3", now=clock())
    assert (first, second, other) == ("F1", "F1", "F3")
    with services.session() as session:
        assert known_chart_file(session, quarter=Q4, chart=Chart.TIERS, locale="en", digest="d1") is None

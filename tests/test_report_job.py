"""The quarterly report in the partners' channel: once, on the first working day, catching up, never on a holiday."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.flows.quarters import Quarter, first_working_day
from jobs.registry import discover_jobs
from jobs.tasks.delivery import deliver
from jobs.tasks.report import post_quarterly_report
from storage.ledger import ChannelPacer
from storage.models import Notification
from tests.report_support import expected_charts, seed_firm
from tests.upkeep_support import job_context

# Shanghai is UTC+8: 01:00 UTC is 09:00 local (after the 08:00 digest time), 23:00 UTC the day before is 07:00.
AUG_10 = datetime(2026, 8, 10, 3, 0, tzinfo=UTC)
Q3 = Quarter(2026, 3)


def _local(day: str, hour: int) -> datetime:
    """An aware UTC instant for a Shanghai wall time."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def _tick(services):
    """One planner tick and one delivery pass."""
    ctx = job_context(services)
    run = post_quarterly_report(ctx)
    deliver(ctx, pacer=ChannelPacer(interval=0))
    return run


def _posted(fake_slack, channel):
    return fake_slack.messages_to(channel), fake_slack.files_shared(channel)


def test_the_first_working_day_of_the_quarter_is_found_on_the_firm_calendar(services):
    from bot.flows.workdays import calendar_of

    cal = calendar_of(services.settings)
    assert str(first_working_day(Quarter(2026, 4), cal)) == "2026-10-08"   # National Day week first
    assert str(first_working_day(Quarter(2027, 1), cal)) == "2027-01-04"   # New Year's Day, a weekend
    assert str(first_working_day(Quarter(2026, 3), cal)) == "2026-07-01"


def test_posted_once_on_the_first_working_day_after_the_digest_time(services, fake_slack, clock):
    seed_firm(services, survey_at=AUG_10)
    clock.set(_local("2026-10-01", 10))                                 # National Day: a holiday
    assert _tick(services).skipped == "not_a_working_day"
    clock.set(_local("2026-10-08", 7))                                  # first working day, too early
    assert _tick(services).skipped == "before_digest_time"
    assert _posted(fake_slack, "C0REVIEW") == ([], [])

    clock.set(_local("2026-10-08", 9))
    run = _tick(services)
    assert run.quarter == "2026-Q3" and run.skipped is None
    expected = expected_charts(services, Q3)
    assert {"tiers", "csat"} <= {c.value for c in expected}
    assert run.keys == ["report:quarterly:2026-Q3:kpis"] + [f"report:quarterly:2026-Q3:chart:{c.value}"
                                                            for c in expected]
    [message], files = _posted(fake_slack, "C0REVIEW")                  # no PARTNERS_CHANNEL: the review one
    assert message["blocks"][0]["text"]["text"] == "Quarterly report — 2026-Q3"
    assert "CSAT: timeliness of communication" in message["blocks"][1]["text"]["text"]
    assert [f["name"] for f in files] == [f"report-2026-Q3-{c.value}-en.png" for c in expected]
    assert all(f["content"].startswith(b"\x89PNG") for f in files)
    assert next(f for f in files if "csat" in f["name"])["initial_comment"] == \
        "Timeliness of communication scores lowest (50 %)"
    assert len(fake_slack.of("files.completeUploadExternal")) == len(expected)

    clock.advance(hours=2)                                              # a rerun, then "another process"
    assert _tick(services).skipped == "already_done"
    clock.set(_local("2026-10-09", 9))
    assert _tick(services).skipped == "already_done"
    assert len(fake_slack.messages_to("C0REVIEW")) == 1 and len(fake_slack.files_shared("C0REVIEW")) == len(expected)
    with services.session() as session:
        kinds = session.execute(select(Notification.kind, Notification.status)).all()
    assert sorted(kinds) == sorted([("report.quarterly", "sent")] +
                                   [("report.quarterly.chart", "sent")] * len(expected))


def test_a_missed_first_day_is_caught_up_on_the_next_working_day_a_make_up_saturday_counts(
        services, fake_slack, clock):
    seed_firm(services, survey_at=AUG_10)
    clock.set(_local("2026-10-10", 11))                                 # Saturday, a make-up working day
    run = _tick(services)
    assert run.quarter == "2026-Q3" and run.keys
    assert len(fake_slack.messages_to("C0REVIEW")) == 1
    clock.set(_local("2026-10-12", 9))
    assert _tick(services).skipped == "already_done"


def test_a_weekend_catch_up_waits_for_the_working_day(services, fake_slack, clock):
    seed_firm(services, survey_at=AUG_10)
    clock.set(_local("2026-10-11", 12))                                 # Sunday
    assert _tick(services).skipped == "not_a_working_day"
    clock.set(_local("2026-10-12", 6))                                  # Monday, not the first day: any hour
    assert _tick(services).keys
    assert len(fake_slack.messages_to("C0REVIEW")) == 1


def test_partners_channel_wins_and_without_any_channel_the_report_waits(services, fake_slack, clock):
    seed_firm(services, survey_at=AUG_10)
    clock.set(_local("2026-10-08", 9))
    services.settings = services.settings.model_copy(update={"partner_review_channel": None})
    assert _tick(services).skipped == "no_channel"
    services.settings = services.settings.model_copy(update={"partner_review_channel": "C0REVIEW",
                                                             "partners_channel": "C0PARTNERS"})
    assert _tick(services).keys
    assert len(fake_slack.messages_to("C0PARTNERS")) == 1 and fake_slack.messages_to("C0REVIEW") == []


def test_the_job_is_registered(services):
    assert "report-quarterly" in {job.name for job in discover_jobs(services)}


def test_two_processes_at_once_record_the_report_once(services, fake_slack, clock):
    import threading

    seed_firm(services, survey_at=AUG_10)
    clock.set(_local("2026-10-08", 9))
    runs, start = [], threading.Barrier(2)

    def work() -> None:
        start.wait()
        runs.append(post_quarterly_report(job_context(services)))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(bool(r.keys) for r in runs) == [False, True]
    deliver(job_context(services), pacer=ChannelPacer(interval=0))
    assert len(fake_slack.messages_to("C0REVIEW")) == 1


def test_the_partners_channel_is_a_channel_id():
    import pytest
    from pydantic import ValidationError

    from bot.settings import Settings

    with pytest.raises(ValidationError):
        Settings(_env_file=None, partners_channel="#partners")  # type: ignore[call-arg]
    chosen = Settings(_env_file=None, partners_channel="C0PARTNERS")  # type: ignore[call-arg]
    assert chosen.report_channel == "C0PARTNERS"

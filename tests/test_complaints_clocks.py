"""Complaint clocks through the ledger: 12 h reminder, 24 h escalation, 3 working days, extension."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.flows import complaints as flow
from bot.flows.complaint_clocks import answer_due
from bot.flows.workdays import WorkCalendar
from bot.ids import ComplaintAction, ComplaintBlock
from bot.services import Services
from storage.db import make_engine, make_session_factory
from storage.models import Complaint, Notification
from tests.complaint_support import (submit_step, REVIEW_CHANNEL, answers, click_and_wait, file_complaint, job_context,
                                     make_client, make_staff, run_jobs)


def _setup(services, slack, fake_slack, received):
    make_staff(services, "U0MP", "partner", "Managing Partner", managing_partner=True)
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    client_id = make_client(services, "Acme Ltd", team={"U0CS": "client_service"})
    file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER", received_at=received))
    fake_slack.wait_for("chat.postMessage", 2)
    fake_slack.settle()
    with services.session() as session:
        return session.execute(select(Complaint)).scalar_one()


def _thread(fake_slack, complaint):
    return [m["text"] for m in fake_slack.messages_to(REVIEW_CHANNEL) if m.get("thread_ts") == complaint.thread_ts]


def _acknowledge(slack, fake_slack, complaint):
    click_and_wait(slack, "U0PARTNER", ComplaintAction.ACKNOWLEDGE, str(complaint.id))


def _escalations(fake_slack, complaint, word="Escalation"):
    return [t for t in _thread(fake_slack, complaint) if word in t]


def test_reminder_at_12_hours_then_escalation_at_24_exactly_once(services, slack, fake_slack, clock):
    c = _setup(services, slack, fake_slack, clock.now)
    ctx = job_context(services, fake_slack)
    clock.advance(hours=11, minutes=59)
    run_jobs(ctx)
    assert not [t for t in _thread(fake_slack, c) if "acknowledged" in t]
    clock.advance(minutes=1)
    run_jobs(ctx)
    run_jobs(ctx)
    reminders = [t for t in _thread(fake_slack, c) if "not been acknowledged" in t]
    assert len(reminders) == 1 and "2026-11-24 17:00" in reminders[0]
    assert not fake_slack.messages_to("U0MP")
    clock.advance(hours=12)
    run_jobs(ctx)
    run_jobs(ctx)
    assert len(fake_slack.messages_to("U0MP")) == 1
    assert "24 hours" in fake_slack.messages_to("U0MP")[0]["text"]
    assert len(_escalations(fake_slack, c)) == 1
    assert not fake_slack.messages_to("U0LAWYER")


def test_acknowledged_in_time_means_no_reminder(services, slack, fake_slack, clock):
    c = _setup(services, slack, fake_slack, clock.now)
    clock.advance(hours=2)
    _acknowledge(slack, fake_slack, c)
    clock.advance(hours=30)
    run_jobs(job_context(services, fake_slack))
    assert not [t for t in _thread(fake_slack, c) if "acknowledged to the client yet" in t or "Escalation" in t]
    assert not fake_slack.messages_to("U0MP")


def test_catch_up_after_downtime_sends_the_escalation_once_and_skips_the_stale_reminder(
        services, slack, fake_slack, clock):
    c = _setup(services, slack, fake_slack, clock.now)
    clock.advance(hours=30)  # the scheduler was down through both marks
    run_jobs(job_context(services, fake_slack, owner="first"))
    run_jobs(job_context(services, fake_slack, owner="restarted"))
    assert len(fake_slack.messages_to("U0MP")) == 1
    assert len(_escalations(fake_slack, c)) == 1
    assert not [t for t in _thread(fake_slack, c) if "not been acknowledged" in t]


def test_answer_deadline_counts_working_days(services, slack, fake_slack, clock):
    # Monday 2026-11-23 17:00 in Shanghai; three working days later is Thursday 17:00 (09:00 UTC)
    c = _setup(services, slack, fake_slack, clock.now)
    _acknowledge(slack, fake_slack, c)
    ctx = job_context(services, fake_slack)
    clock.set(datetime(2026, 11, 26, 8, 59, tzinfo=UTC))
    run_jobs(ctx)
    assert not _escalations(fake_slack, c, "working-day deadline")
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    run_jobs(ctx)
    run_jobs(ctx)
    assert len(_escalations(fake_slack, c, "working-day deadline")) == 1
    assert len(fake_slack.messages_to("U0MP")) == 1


def test_answer_deadline_skips_the_national_day_holidays(services, slack, fake_slack, clock):
    # received Wed 2026-09-30 10:00 Shanghai; Oct 1-7 are holidays or weekend; Oct 8, 9 count, and
    # so does Saturday Oct 10, a make-up working day (调休)
    received = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
    calendar = WorkCalendar(tz=services.settings.tz, country="CN")
    assert answer_due(received_at=received, extended_until=None, calendar=calendar,
                      working_days=3) == datetime(2026, 10, 10, 2, 0, tzinfo=UTC)
    clock.set(received + timedelta(minutes=30))
    c = _setup(services, slack, fake_slack, received)
    _acknowledge(slack, fake_slack, c)
    before = len(fake_slack.of("response_url"))
    slack.command("U0PARTNER", "/complaint", "list")
    listing = fake_slack.wait_for("response_url", before + 1)[-1].params["text"]
    assert "answer by 2026-10-10 10:00" in listing
    ctx = job_context(services, fake_slack)
    clock.set(datetime(2026, 10, 7, 12, 0, tzinfo=UTC))  # would be overdue without the holidays
    run_jobs(ctx)
    clock.set(datetime(2026, 10, 10, 1, 59, tzinfo=UTC))
    run_jobs(ctx)
    assert not _escalations(fake_slack, c, "working-day deadline")
    clock.set(datetime(2026, 10, 10, 2, 0, tzinfo=UTC))
    run_jobs(ctx)
    assert len(_escalations(fake_slack, c, "working-day deadline")) == 1


def test_extension_moves_the_clock_and_needs_reason_and_client_told(services, slack, fake_slack, clock):
    c = _setup(services, slack, fake_slack, clock.now)
    _acknowledge(slack, fake_slack, c)
    click_and_wait(slack, "U0PARTNER", ComplaintAction.EXTEND, str(c.id))
    view = slack.opened_view()
    untold = submit_step(slack, "U0PARTNER", view["id"], {ComplaintBlock.EXT_DATE: "2026-12-04",
                                                    ComplaintBlock.EXT_REASON: "Waiting for court records",
                                                    ComplaintBlock.EXT_TOLD: []})
    assert "must be told" in untold.json["errors"][ComplaintBlock.EXT_TOLD]
    past = submit_step(slack, "U0PARTNER", view["id"], {ComplaintBlock.EXT_DATE: "2026-11-20",
                                                  ComplaintBlock.EXT_REASON: "x", ComplaintBlock.EXT_TOLD: ["yes"]})
    assert ComplaintBlock.EXT_DATE in past.json["errors"]
    no_reason = submit_step(slack, "U0PARTNER", view["id"], {ComplaintBlock.EXT_DATE: "2026-12-04",
                                                       ComplaintBlock.EXT_REASON: "", ComplaintBlock.EXT_TOLD: ["yes"]})
    assert ComplaintBlock.EXT_REASON in no_reason.json["errors"]
    ok = submit_step(slack, "U0PARTNER", view["id"], {ComplaintBlock.EXT_DATE: "2026-12-04",
                                                ComplaintBlock.EXT_REASON: "Waiting for court records",
                                                ComplaintBlock.EXT_TOLD: ["yes"]})
    assert not ok.json.get("errors")
    with services.session() as session:
        stored = session.get(Complaint, c.id)
        assert stored.extended_until == date(2026, 12, 4) and stored.extension_client_told
    ctx = job_context(services, fake_slack)
    clock.set(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))  # the original deadline passes quietly
    run_jobs(ctx)
    clock.set(datetime(2026, 12, 4, 15, 59, tzinfo=UTC))  # 23:59 in Shanghai on the extension's date
    run_jobs(ctx)
    assert not _escalations(fake_slack, c)
    clock.set(datetime(2026, 12, 4, 16, 0, tzinfo=UTC))
    run_jobs(ctx)
    run_jobs(ctx)
    late = _escalations(fake_slack, c, "extended deadline")
    assert len(late) == 1 and len(fake_slack.messages_to("U0MP")) == 1


def test_answered_complaint_cannot_be_extended_and_has_no_answer_clock(services, slack, fake_slack, clock):
    c = _setup(services, slack, fake_slack, clock.now)
    with services.session() as session:
        stored = session.get(Complaint, c.id)
        stored.status, stored.acknowledged_at, stored.answered_at = "proposed", clock.now, clock.now
    click_and_wait(slack, "U0PARTNER", ComplaintAction.EXTEND, str(c.id))
    assert "solution" in fake_slack.wait_for("response_url")[-1].params["text"]
    clock.advance(days=10)
    run_jobs(job_context(services, fake_slack))
    assert not _escalations(fake_slack, c) and not fake_slack.messages_to("U0MP")


def test_two_scheduler_processes_escalate_exactly_once(services, slack, fake_slack, clock, test_keyring):
    c = _setup(services, slack, fake_slack, clock.now)
    clock.advance(days=5)  # acknowledgement and answer clocks both ran out
    engines = [make_engine(services.settings.resolved_database_url, keyring=test_keyring) for _ in range(2)]
    try:
        contexts = [job_context(Services(settings=services.settings, engine=e,
                                         session_factory=make_session_factory(e), keyring=test_keyring,
                                         clock=clock), fake_slack, owner=f"worker-{i}")
                    for i, e in enumerate(engines)]
        barrier = threading.Barrier(2)
        failures: list[BaseException] = []

        def work(ctx):
            try:
                barrier.wait()
                for _ in range(3):
                    run_jobs(ctx)
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                failures.append(exc)

        threads = [threading.Thread(target=work, args=(ctx,)) for ctx in contexts]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert not failures, failures
    finally:
        for e in engines:
            e.dispose()
    dms = fake_slack.messages_to("U0MP")
    assert len(dms) == 2  # one acknowledgement escalation, one answer escalation
    assert len(_escalations(fake_slack, c)) == 2
    with services.session() as session:
        keys = [n.key for n in session.execute(select(Notification).where(  # the clock notices (not the card)
            Notification.status == "sent", Notification.kind.like("complaint_escalate%"))).scalars()]
    assert len(keys) == len(set(keys)) == 4


def test_clock_helpers_agree_with_the_list(services, clock):
    settings = services.settings
    calendar = flow.calendar_of(settings)
    clocks = flow.clocks_for(received_at=clock.now, extended_until=None, calendar=calendar,
                             reminder_hours=12, escalation_hours=24, working_days=3)
    assert clocks.remind_at == clock.now + timedelta(hours=12)
    assert flow.next_deadline(clocks=clocks, acknowledged=True, answered=False, closed=False) == \
        ("answer", datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    assert flow.next_deadline(clocks=clocks, acknowledged=True, answered=True, closed=False) is None


def test_a_failed_live_post_is_posted_through_the_ledger_and_its_thread_adopted(services, slack, fake_slack, clock):
    make_staff(services, "U0MP", "partner", "Managing Partner", managing_partner=True)
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    client_id = make_client(services, "Acme Ltd", team={"U0CS": "client_service"})
    fake_slack.fail("chat.postMessage", error="internal_error")
    slack.command("U0CS", "/complaint")
    view = slack.opened_view()
    slack.submit("U0CS", view["id"], answers(client_id, against="U0LAWYER", received_at=clock.now))
    fake_slack.wait_for("chat.postMessage", 2)  # the failed card, then the error DM to the recorder
    fake_slack.settle()
    with services.session() as session:
        stored = session.execute(select(Complaint)).scalar_one()
        assert stored.thread_ts is None  # recorded, nothing lost
    ctx = job_context(services, fake_slack)
    run_jobs(ctx)
    assert not [m for m in fake_slack.messages_to(REVIEW_CHANNEL) if m.get("blocks")][1:]
    clock.advance(minutes=3)
    run_jobs(ctx)
    run_jobs(ctx)
    cards = [m for m in fake_slack.messages_to(REVIEW_CHANNEL) if m.get("blocks")]
    assert len(cards) == 2  # the failed attempt and the ledger's post
    with services.session() as session:
        stored = session.execute(select(Complaint)).scalar_one()
        assert stored.thread_ts and stored.channel == REVIEW_CHANNEL
    clock.advance(hours=12)
    run_jobs(ctx)
    reminders = [m for m in fake_slack.messages_to(REVIEW_CHANNEL) if m.get("thread_ts") == stored.thread_ts]
    assert len(reminders) == 1


def test_a_reminder_still_unsent_when_the_complaint_is_acknowledged_is_cancelled(services, slack, fake_slack, clock):
    from storage.ledger import ChannelPacer
    from jobs.tasks import complaints as complaint_jobs
    from jobs.tasks.delivery import deliver

    c = _setup(services, slack, fake_slack, clock.now)
    ctx = job_context(services, fake_slack)
    clock.advance(hours=12)
    assert complaint_jobs.plan_complaint_clocks(ctx) == 1  # the reminder is queued, not yet sent
    _acknowledge(slack, fake_slack, c)
    deliver(ctx, pacer=ChannelPacer(interval=0))
    run_jobs(ctx)
    assert not [t for t in _thread(fake_slack, c) if "not been acknowledged" in t]
    with services.session() as session:
        reminder = session.execute(select(Notification).where(Notification.key == f"complaint:{c.id}:remind")
                                   ).scalar_one()
        assert reminder.status == "cancelled"


def test_recorded_survey_cancels_its_unsent_notices(services, slack, fake_slack, clock):
    from bot.flows import surveys as survey_flow
    from bot.flows.directory import find_actor
    from jobs.tasks import surveys as survey_jobs
    from storage.models import Survey
    from tests.complaint_support import make_matter

    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    client_id = make_client(services, "Acme Ltd")
    make_matter(services, client_id, "2026-LIT-0001", lead="U0LAWYER")
    fake_slack.fail("chat.postMessage", error="internal_error")  # the ask, sent at closing, is refused
    before = len(fake_slack.of("response_url"))
    slack.command("U0LAWYER", "/lawcrm", "matter close 2026-LIT-0001")
    fake_slack.wait_for("response_url", before + 1)
    ctx = job_context(services, fake_slack)
    assert survey_jobs.plan_surveys(ctx) == 0  # already in the ledger, to be retried
    clock.advance(minutes=5)
    with services.session() as session:
        lawyer = find_actor(session, slack_user_id="U0LAWYER", default_locale="en")
        survey_id = session.execute(select(Survey.id)).scalar_one()
        survey_flow.record_answers(session, actor=lawyer, survey_id=survey_id,
                                   scores=dict.fromkeys(survey_flow.DIMENSIONS, "5"), comment="",
                                   now=clock.now)
    run_jobs(ctx)
    assert len(fake_slack.messages_to("U0LAWYER")) == 1  # only the refused attempt
    with services.session() as session:
        ask = session.execute(select(Notification).where(Notification.key == f"survey:{survey_id}:ask")).scalar_one()
        assert ask.status == "cancelled"

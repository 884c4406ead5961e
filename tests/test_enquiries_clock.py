"""The one-hour enquiry clock in working hours: nudge, escalation, exactly once, response time."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from bot.flows.enquiries.clock import WorkingHours, clock_for
from bot.flows.workdays import WorkCalendar
from bot.ids import EnquiryAction
from storage.models import Notification
from tests.conftest import make_settings
from tests.enquiry_support import (INTAKE, SH, answers, click, enquiry, job_context, local, log_enquiry,
                                   run_jobs)
from tests.support import make_staff

@pytest.fixture
def settings(db_url, fake_slack, tmp_path):
    """An intake channel of its own."""
    return make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path, intake_channel=INTAKE)


def _setup(services, slack, fake_slack, clock, at):
    make_staff(services, "U0MP", "partner", "Managing Partner", managing_partner=True)
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    clock.set(at)
    log_enquiry(slack, "U0CS", answers())
    return job_context(services, fake_slack)


def _thread(fake_slack):
    return [m["text"] for m in fake_slack.messages_to(INTAKE) if m.get("thread_ts")]


def test_nudge_at_45_then_escalation_at_60_working_minutes_exactly_once(services, slack, fake_slack, clock):
    ctx = _setup(services, slack, fake_slack, clock, local(2026, 11, 24, 10, 0))  # Tuesday 10:00
    clock.set(local(2026, 11, 24, 10, 44))
    run_jobs(ctx)
    assert not _thread(fake_slack)
    clock.set(local(2026, 11, 24, 10, 45))
    run_jobs(ctx)
    run_jobs(ctx)
    assert len(_thread(fake_slack)) == 1 and "before 2026-11-24 11:00" in _thread(fake_slack)[0]
    assert not fake_slack.messages_to("U0MP")
    clock.set(local(2026, 11, 24, 11, 0))
    run_jobs(ctx)
    run_jobs(ctx)
    escalations = [t for t in _thread(fake_slack) if "Escalation" in t]
    assert len(escalations) == 1
    assert len(fake_slack.messages_to("U0MP")) == 1 and "Escalation" in fake_slack.messages_to("U0MP")[0]["text"]
    broadcast = [c.params for c in fake_slack.of("chat.postMessage") if "Escalation" in str(c.params.get("text"))
                 and c.params.get("channel") == INTAKE]
    assert broadcast[0].get("reply_broadcast") in (True, "true", "1", 1)


def test_taken_in_time_means_no_nudge_and_the_response_time_is_kept(services, slack, fake_slack, clock):
    ctx = _setup(services, slack, fake_slack, clock, local(2026, 11, 24, 10, 0))
    clock.set(local(2026, 11, 24, 10, 30))
    click(slack, "U0LAWYER", EnquiryAction.TAKE, "1")
    clock.set(local(2026, 11, 24, 15, 0))
    run_jobs(ctx)
    assert not _thread(fake_slack) and not fake_slack.messages_to("U0MP")
    assert enquiry(services).response_minutes == 30


def test_taking_it_between_nudge_and_escalation_cancels_the_escalation(services, slack, fake_slack, clock):
    ctx = _setup(services, slack, fake_slack, clock, local(2026, 11, 24, 10, 0))
    clock.set(local(2026, 11, 24, 10, 50))
    run_jobs(ctx)
    click(slack, "U0LAWYER", EnquiryAction.TAKE, "1")
    clock.set(local(2026, 11, 24, 12, 0))
    run_jobs(ctx)
    assert len(_thread(fake_slack)) == 1 and not fake_slack.messages_to("U0MP")
    assert enquiry(services).response_minutes == 50


def test_after_hours_the_clock_waits_for_the_next_opening(services, slack, fake_slack, clock):
    # Monday 17:30: 30 minutes on Monday, the other 30 from Tuesday 09:00
    ctx = _setup(services, slack, fake_slack, clock, local(2026, 11, 23, 17, 30))
    for moment in (local(2026, 11, 23, 18, 30), local(2026, 11, 23, 23, 0), local(2026, 11, 24, 9, 14)):
        clock.set(moment)
        run_jobs(ctx)
    assert not _thread(fake_slack)
    clock.set(local(2026, 11, 24, 9, 15))
    run_jobs(ctx)
    assert len(_thread(fake_slack)) == 1 and "2026-11-24 09:30" in _thread(fake_slack)[0]
    clock.set(local(2026, 11, 24, 9, 20))
    click(slack, "U0LAWYER", EnquiryAction.TAKE, "1")
    assert enquiry(services).response_minutes == 50


def test_catch_up_after_downtime_sends_only_the_escalation(services, slack, fake_slack, clock):
    ctx = _setup(services, slack, fake_slack, clock, local(2026, 11, 24, 10, 0))
    clock.set(local(2026, 11, 24, 16, 0))
    run_jobs(ctx)
    assert len(_thread(fake_slack)) == 1 and "Escalation" in _thread(fake_slack)[0]
    with services.session() as session:
        keys = set(session.execute(select(Notification.key)).scalars())
    assert "enquiry:1:clock:nudge" not in keys and "enquiry:1:clock:escalate:thread" in keys


def test_a_make_up_saturday_is_a_working_day(services, slack, fake_slack, clock):
    # Friday 2026-02-13 17:30; Saturday 02-14 is a make-up working day (调休) before the Spring Festival
    ctx = _setup(services, slack, fake_slack, clock, local(2026, 2, 13, 17, 30))
    clock.set(local(2026, 2, 14, 9, 30))
    run_jobs(ctx)
    assert [t for t in _thread(fake_slack) if "Escalation" in t]
    assert fake_slack.messages_to("U0MP")


def _hours(start=time(9, 0), end=time(18, 0)):
    return WorkingHours(calendar=WorkCalendar(tz=SH, country="CN"), start=start, end=end)


@pytest.mark.parametrize("received, due", [
    (local(2026, 11, 24, 10, 0), local(2026, 11, 24, 11, 0)),       # inside the day
    (local(2026, 11, 24, 7, 0), local(2026, 11, 24, 10, 0)),        # before opening
    (local(2026, 11, 27, 17, 45), local(2026, 11, 30, 9, 45)),      # Friday evening -> Monday
    (local(2026, 11, 28, 11, 0), local(2026, 11, 30, 10, 0)),       # a Saturday enquiry
    (local(2026, 2, 13, 17, 30), local(2026, 2, 14, 9, 30)),        # make-up Saturday
    (local(2026, 9, 30, 17, 45), local(2026, 10, 8, 9, 45)),        # National Day week
    (local(2026, 10, 9, 18, 30), local(2026, 10, 10, 10, 0)),       # after hours, make-up Saturday next
])
def test_due_time_in_working_minutes(received, due):
    clock = clock_for(received_at=received, hours=_hours(), nudge_minutes=45, response_minutes=60)
    assert clock.due_at == due
    assert _hours().minutes_between(received, due) == 60


def test_working_hours_are_configurable():
    hours = _hours(time(8, 30), time(12, 0))
    assert hours.add_minutes(local(2026, 11, 24, 11, 30), 60) == local(2026, 11, 25, 9, 0)
    assert hours.minutes_between(local(2026, 11, 24, 11, 30), local(2026, 11, 25, 9, 0)) == 60
    assert hours.minutes_between(local(2026, 11, 25, 9, 0), local(2026, 11, 24, 9, 0)) == 0

"""The firm's rules on awkward days: the suite runs at fixed clocks, never on the day it happens to run.

Each scenario is a firm-local moment (Asia/Shanghai): a Monday morning, a Friday evening, a month
end late at night, a Chinese public holiday and a make-up working day (调休, a Saturday worked to
make up for the National Day week).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select

from bot.flows.complaint_clocks import clocks_for
from bot.flows.due_dates import parse_due
from bot.flows.workdays import WorkCalendar
from jobs.tasks.upkeep import due_day
from storage.models import Notification, Staff
from tests.conftest import make_settings
from tests.support import Clock, make_staff
from tests.upkeep_support import add_follow_up, add_note, job_context, make_client, run_jobs

SHANGHAI = ZoneInfo("Asia/Shanghai")
CN = WorkCalendar(tz=SHANGHAI, country="CN")


@dataclass(frozen=True)
class Day:
    """A fixed moment and what the firm's calendar says of it."""

    name: str
    local: datetime
    working: bool
    answer_due: date       # a complaint received now must be answered by this local date (3 working days)
    next_working: date     # "snooze to the next working day"
    in_three_days: date    # "3天后"

    @property
    def utc(self) -> datetime:
        """The same moment in UTC, as the app's clock gives it."""
        return self.local.astimezone(UTC)


DAYS = [
    Day("monday_morning", datetime(2026, 11, 23, 9, 5, tzinfo=SHANGHAI), True,
        date(2026, 11, 26), date(2026, 11, 24), date(2026, 11, 26)),
    Day("friday_evening", datetime(2026, 11, 27, 18, 30, tzinfo=SHANGHAI), True,
        date(2026, 12, 2), date(2026, 11, 30), date(2026, 11, 30)),
    # 23:30 in Shanghai is still 15:30 UTC on the 30th: the firm's date, not UTC's, decides.
    Day("month_end_night", datetime(2026, 11, 30, 23, 30, tzinfo=SHANGHAI), True,
        date(2026, 12, 3), date(2026, 12, 1), date(2026, 12, 3)),
    # National Day: 10-01..10-07 off; Saturday 10-10 is worked instead.
    Day("national_day", datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI), False,
        date(2026, 10, 10), date(2026, 10, 8), date(2026, 10, 4)),
    Day("make_up_saturday", datetime(2026, 10, 10, 9, 30, tzinfo=SHANGHAI), True,
        date(2026, 10, 14), date(2026, 10, 12), date(2026, 10, 13)),
]


@pytest.fixture(params=DAYS, ids=[d.name for d in DAYS])
def day(request: pytest.FixtureRequest, clock: Clock) -> Day:
    """Run the test with the app's clock at this scenario's moment."""
    clock.set(request.param.utc)
    return request.param


def test_working_days_follow_the_official_schedule(day: Day) -> None:
    assert CN.is_working_day(day.local.date()) is day.working
    assert CN.next_working_day(day.local.date()) == day.next_working


def test_complaint_answer_deadline_counts_working_days_only(day: Day) -> None:
    clocks = clocks_for(received_at=day.utc, extended_until=None, calendar=CN,
                        reminder_hours=12, escalation_hours=24, working_days=3)
    assert CN.local_date(clocks.answer_due) == day.answer_due
    assert clocks.escalate_at - day.utc == timedelta(hours=24)  # the 24-hour clock runs on holidays too


def test_relative_due_dates_count_from_the_firm_local_day(day: Day) -> None:
    today = day.local.date()
    assert parse_due("3天后", today=today) == day.in_three_days
    assert parse_due("in 3 days", today=today) == day.in_three_days
    assert parse_due("tomorrow", today=today) == today + timedelta(days=1)


def test_digest_is_due_on_working_days_after_digest_time(day: Day, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(db_url="sqlite://", fake=None, tmp_path=tmp_path)
    today, why = due_day(day.utc, settings=settings, cal=CN)
    assert today == day.local.date()
    assert why == (None if day.working else "not_a_working_day")
    early = datetime.combine(today, time(6, 0), tzinfo=SHANGHAI).astimezone(UTC)
    assert due_day(early, settings=settings, cal=CN)[1] == "before_digest_time"


def test_daily_run_at_the_fixed_clock_sends_a_digest_only_on_working_days(day: Day, services, fake_slack,
                                                                          clock) -> None:  # type: ignore[no-untyped-def]
    make_staff(services, "U0LEAD", "lawyer")
    client = make_client(services, "Acme Ltd", tier="core", team={"U0LEAD": "lead_lawyer"})
    add_note(services, client, "U0LEAD", day.utc - timedelta(days=3), channel="call")
    add_follow_up(services, client, "U0LEAD", day.local.date() - timedelta(days=1), title="send the draft")
    report, _sent = run_jobs(job_context(services))
    dms = fake_slack.messages_to("U0LEAD")
    if day.working:
        assert report.digests == 1 and len(dms) == 1
        with services.session() as session:
            keys = list(session.execute(select(Notification.key)).scalars())
        assert keys == [f"digest:{_staff_id(services)}:{day.local.date().isoformat()}"]
    else:
        assert report.skipped == "not_a_working_day" and dms == []


def _staff_id(services) -> int:  # type: ignore[no-untyped-def]
    with services.session() as session:
        return session.execute(select(Staff.id).where(Staff.slack_user_id == "U0LEAD")).scalar_one()


def test_rows_take_their_time_from_the_apps_clock(day: Day, services) -> None:  # type: ignore[no-untyped-def]
    """Column defaults (created_at…) use the app's clock, through the ORM and through Core alike."""
    staff = make_staff(services, "U0NEW", "lawyer")
    assert staff.created_at == day.utc
    with services.session() as session:
        session.execute(insert(Staff).values(slack_user_id="U0CORE", display_name="Core", role="lawyer"))
    with services.session() as session:
        stamps = dict(session.execute(select(Staff.slack_user_id, Staff.created_at)).all())
    assert stamps == {"U0NEW": day.utc, "U0CORE": day.utc}


def test_audit_events_take_their_time_from_the_apps_clock(day: Day, services) -> None:  # type: ignore[no-untyped-def]
    from storage import audit
    from storage.models import AuditEvent

    with services.session() as session:
        audit.record(session, actor="test", action="probe", entity="staff")
    with services.session() as session:
        assert session.execute(select(AuditEvent.at)).scalar_one() == day.utc
        assert audit.verify(session).ok

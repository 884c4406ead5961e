"""What is due: tier cadence, lead-lawyer and manager minimums, dates, hearings, follow-ups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.flows.actor import Actor
from bot.flows.cadence import compute_due
from bot.flows.churn import snooze_cadence
from bot.flows.workdays import WorkCalendar
from jobs.tasks.upkeep import rules_from
from storage.models.enums import Role
from tests.conftest import make_settings
from tests.support import make_staff
from tests.upkeep_support import (add_date, add_follow_up, add_note, make_client, make_matter,
                                  staff_id)

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)     # 09:00 in Shanghai


def _plan(services, today=TODAY, settings=None):
    s = settings or services.settings
    cal = WorkCalendar(tz=s.tz, country=s.holiday_country)
    with services.session() as session:
        return compute_due(session, today=today, cal=cal, rules=rules_from(s))


def _ago(days):
    return NOW - timedelta(days=days)


def _cadence(plan, sid):
    d = plan.digests.get(sid)
    return {c.client_id: c.rules for c in d.cadence} if d else {}


def _team(services):
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0PARTNER", "partner")
    make_staff(services, "U0MGR", "client_service")
    make_staff(services, "U0ASSIST", "assistant")
    from bot.flows import directory
    with services.session() as session:
        directory.assign_assistant(session, by="test", assistant_slack_id="U0ASSIST",
                                   lawyer_slack_id="U0LEAD")


def test_tier_cadence_rules(services):
    _team(services)
    team = {"U0LEAD": "lead_lawyer", "U0PARTNER": "partner"}
    strategic = make_client(services, "S", tier="strategic", team=team)
    for days in (5, 12, 20):
        add_note(services, strategic, "U0LEAD", _ago(days), channel="call")
    add_note(services, strategic, "U0LEAD", _ago(40), channel="meeting")
    core = make_client(services, "C", tier="core", team=team)
    add_note(services, core, "U0LEAD", _ago(20), channel="call")
    for days in (2, 10, 11):
        add_note(services, core, "U0LEAD", _ago(days), channel="email")
    pot_ok = make_client(services, "P1", tier="potential", team=team)
    for days in (1, 3, 9):
        add_note(services, pot_ok, "U0LEAD", _ago(days), channel="wechat")
    pot_late = make_client(services, "P2", tier="potential", team=team)
    for days in (8, 9, 10):
        add_note(services, pot_late, "U0LEAD", _ago(days), channel="wechat")
    fresh = make_client(services, "New", tier="potential", team=team, created_at=_ago(3))
    make_client(services, "Gone", tier="lost", status="lost", team=team)
    plan = _plan(services)
    lead = staff_id(services, "U0LEAD")
    assert _cadence(plan, lead) == {strategic: ("face_to_face",), core: ("call",),
                                    pot_late: ("any",)}
    assert fresh not in _cadence(plan, lead) and pot_ok not in _cadence(plan, lead)
    # the partner is not bothered while there is a lead lawyer
    assert _cadence(plan, staff_id(services, "U0PARTNER")) == {}


def test_lead_lawyer_three_a_month_and_manager_once_a_month(services):
    _team(services)
    team = {"U0LEAD": "lead_lawyer", "U0MGR": "client_manager"}
    c = make_client(services, "Busy", tier="potential", team=team)
    add_note(services, c, "U0LEAD", _ago(2), channel="call")
    add_note(services, c, "U0LEAD", _ago(6), channel="call")
    plan = _plan(services)
    assert _cadence(plan, staff_id(services, "U0LEAD")) == {c: ("lead_monthly",)}
    assert _cadence(plan, staff_id(services, "U0MGR")) == {c: ("manager_monthly",)}
    add_note(services, c, "U0LEAD", _ago(20), channel="call")
    add_note(services, c, "U0MGR", _ago(25), channel="email")
    plan = _plan(services)
    assert _cadence(plan, staff_id(services, "U0LEAD")) == {}
    assert _cadence(plan, staff_id(services, "U0MGR")) == {}


def test_open_matter_lead_lawyer_counts_as_lead_and_prospects_skip_monthly_minimum(services):
    _team(services)
    c = make_client(services, "Matter only", tier="core")
    make_matter(services, c, lead="U0LEAD")
    prospect = make_client(services, "Prospect", tier="core", status="prospect",
                           team={"U0LEAD": "lead_lawyer"})
    plan = _plan(services)
    assert _cadence(plan, staff_id(services, "U0LEAD")) == {
        c: ("call", "written_summary", "lead_monthly"), prospect: ("call", "written_summary")}


def test_cadence_is_configurable(services, db_url, fake_slack, tmp_path):
    _team(services)
    c = make_client(services, "P", tier="potential", team={"U0LEAD": "lead_lawyer"})
    for days in (4, 5, 6):
        add_note(services, c, "U0LEAD", _ago(days))
    assert _cadence(_plan(services), staff_id(services, "U0LEAD")) == {}
    tight = make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path, cadence={
        "potential": [{"rule": "every_3_days", "channels": ["call"], "every_days": 3}]})
    assert _cadence(_plan(services, settings=tight), staff_id(services, "U0LEAD")) == {
        c: ("every_3_days",)}


def test_cadence_snooze_hides_a_client_from_one_person(services):
    _team(services)
    c = make_client(services, "Quiet", tier="potential", team={"U0LEAD": "lead_lawyer"})
    actor = Actor(staff_id=staff_id(services, "U0LEAD"), slack_user_id="U0LEAD", name="L",
                  role=Role.LAWYER, locale="en")
    with services.session() as session:
        snooze_cadence(session, actor=actor, client_id=c, until=TODAY + timedelta(days=7))
    assert _cadence(_plan(services), actor.staff_id) == {}
    assert c in _cadence(_plan(services, today=TODAY + timedelta(days=7)), actor.staff_id)


def test_follow_ups_due_today_and_overdue_only(services):
    _team(services)
    c = make_client(services, "F", tier="core", team={"U0LEAD": "lead_lawyer"})
    overdue = add_follow_up(services, c, "U0LEAD", TODAY - timedelta(days=3))
    today = add_follow_up(services, c, "U0LEAD", TODAY)
    add_follow_up(services, c, "U0LEAD", TODAY + timedelta(days=1))
    snoozed = add_follow_up(services, c, "U0LEAD", TODAY - timedelta(days=1))
    done = add_follow_up(services, c, "U0LEAD", TODAY - timedelta(days=1))
    from storage.models import FollowUp
    with services.session() as session:
        session.get(FollowUp, snoozed).due_on = TODAY + timedelta(days=1)   # a snooze moves the due date
        session.get(FollowUp, done).status = "done"
    d = _plan(services).digests[staff_id(services, "U0LEAD")]
    assert [f.follow_up_id for f in d.follow_ups] == [overdue, today]


def test_important_dates_next_seven_days_to_team_and_assistants(services):
    _team(services)
    c = make_client(services, "D", tier="core", team={"U0LEAD": "lead_lawyer"})
    bday = add_date(services, kind="birthday", on=date(1970, 11, 28), client_id=c, yearly=True)
    add_date(services, kind="anniversary", on=date(2001, 12, 25), client_id=c, yearly=True)
    m = make_matter(services, c, lead="U0LEAD")
    hearing = add_date(services, kind="hearing", on=date(2026, 11, 24), matter_id=m, label="Court 2")
    later = add_date(services, kind="hearing", on=date(2026, 12, 4), matter_id=m)
    plan = _plan(services)
    lead = plan.digests[staff_id(services, "U0LEAD")]
    assert [(x.date_id, x.tomorrow) for x in lead.dates] == [(hearing, True), (bday, False)]
    assistant = plan.digests[staff_id(services, "U0ASSIST")]
    assert {x.date_id for x in assistant.dates} == {hearing, bday}
    assert assistant.cadence == []
    # a week later the later hearing is in the window (and flagged the day before)
    plan = _plan(services, today=date(2026, 12, 3))
    assert [(x.date_id, x.tomorrow) for x in plan.digests[staff_id(services, "U0LEAD")].dates] == [
        (later, True)]


def test_day_before_a_hearing_after_a_holiday_is_the_last_working_day(services):
    _team(services)
    c = make_client(services, "H", tier="core", team={"U0LEAD": "lead_lawyer"})
    m = make_matter(services, c, lead="U0LEAD")
    # 2027-01-01 (Fri) is New Year's Day; a hearing on Monday 2027-01-04 is flagged on Thu 12-31
    hearing = add_date(services, kind="hearing", on=date(2027, 1, 4), matter_id=m)
    plan = _plan(services, today=date(2026, 12, 31))
    assert [(x.date_id, x.tomorrow) for x in plan.digests[staff_id(services, "U0LEAD")].dates] == [
        (hearing, True)]


def test_churn_and_lost_candidates(services):
    _team(services)
    team = {"U0LEAD": "lead_lawyer"}
    quiet = make_client(services, "Quiet", team=team)
    add_note(services, quiet, "U0LEAD", _ago(95))
    recent = make_client(services, "Recent", team=team)
    add_note(services, recent, "U0LEAD", _ago(10))
    never = make_client(services, "Never", team=team, created_at=_ago(400))
    busy_matter = make_client(services, "Open matter", team=team, created_at=_ago(400))
    make_matter(services, busy_matter, lead="U0LEAD")
    make_client(services, "Lost", tier="lost", status="lost", created_at=_ago(400))
    plan = _plan(services)
    assert {q.client_id for q in plan.churn} == {quiet, never, busy_matter}
    assert {q.client_id for q in plan.lost} == {never}


def test_a_long_digest_keeps_every_section_visible_within_slack_limits():
    from bot.blocks.upkeep import digest_blocks, section_caps
    from bot.flows.cadence import CadenceItem, DateItem, Digest, FollowUpItem

    assert section_caps([30, 30, 2]) == [12, 6, 2]
    assert section_caps([0, 3, 40]) == [0, 3, 17]
    assert section_caps([1, 1, 1]) == [1, 1, 1]
    d = Digest(staff_id=1, slack_user_id="U0LEAD", locale="en")
    d.follow_ups = [FollowUpItem(follow_up_id=i, client_id=1, title=f"task {i}", due_on=TODAY)
                    for i in range(30)]
    d.cadence = [CadenceItem(client_id=i, tier="core", rules=("call",), last_contact=None)
                 for i in range(20)]
    d.cadence_more = 100
    d.dates = [DateItem(date_id=1, client_id=1, kind="hearing", on=TODAY + timedelta(days=1),
                        label="<Court>", tomorrow=True)]
    _, blocks = digest_blocks(locale="en", digest=d, names={1: "A & B"}, today=TODAY, lead_monthly=3)
    assert len(blocks) <= 50
    text = str(blocks)
    assert "Tomorrow: hearing" in text and "&lt;Court&gt;" in text and "A &amp; B" in text
    assert "and 131 more" in text                        # 30 + 120 + 1 items, 20 shown


@pytest.mark.parametrize("cadence, word", [
    ({"Core": [{"rule": "call", "channels": ["call"], "every_days": 14}]}, "'Core'"),
    ({"lost": [{"rule": "call", "channels": ["call"], "every_days": 14}]}, "'lost'"),
    ({"core": [{"rule": "call", "channels": ["fax"], "every_days": 14}]}, "channels"),
])
def test_cadence_with_an_unknown_tier_or_channel_is_refused(cadence, word):
    from bot.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="CADENCE") as refused:
        load_settings(_env_file=None, cadence=cadence)
    assert word in str(refused.value)


def test_cadence_snooze_double_click_racing_stores_one_snooze(services):
    import threading

    from sqlalchemy import select

    from storage.models import CadenceSnooze

    _team(services)
    c = make_client(services, "Quiet", tier="potential", team={"U0LEAD": "lead_lawyer"})
    actor = Actor(staff_id=staff_id(services, "U0LEAD"), slack_user_id="U0LEAD", name="L",
                  role=Role.LAWYER, locale="en")
    errors: list[BaseException] = []
    started = threading.Event()

    def second_click():
        try:
            started.set()
            with services.session() as session:
                snooze_cadence(session, actor=actor, client_id=c, until=TODAY + timedelta(days=8))
        except BaseException as exc:       # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    with services.session() as session:    # the first click's transaction is still open...
        snooze_cadence(session, actor=actor, client_id=c, until=TODAY + timedelta(days=7))
        thread = threading.Thread(target=second_click)
        thread.start()
        started.wait(5)
        thread.join(0.5)                   # ...while the second click's insert waits on it
    thread.join(30)
    assert not thread.is_alive() and errors == []
    with services.session() as session:
        rows = session.execute(select(CadenceSnooze.until)).scalars().all()
    assert rows == [TODAY + timedelta(days=8)]

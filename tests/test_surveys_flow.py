"""Matter closing, the survey it schedules, the answers modal, service reviews and CSAT."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.flows import surveys as flow
from bot.flows.directory import find_actor
from bot.ids import SurveyAction, SurveyBlock
from storage.models import Matter, ServiceReview, Survey
from tests.complaint_support import (REVIEW_CHANNEL, audit_actions, click_and_wait, job_context, make_client,
                                     make_matter, make_staff, run_jobs)


def _setup(services):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Sun Yu")
    make_staff(services, "U0CS", "client_service", "Zhao Min", locale="zh-CN")
    client_id = make_client(services, "Acme Ltd", team={"U0CS": "client_service"})
    matter_id = make_matter(services, client_id, "2026-LIT-0001", lead="U0LAWYER")
    return client_id, matter_id


def _reply(slack, fake_slack, user, text):
    before = len(fake_slack.of("response_url"))
    slack.command(user, "/lawcrm", text)
    return fake_slack.wait_for("response_url", before + 1)[-1].params["text"]


def _survey(services):
    with services.session() as session:
        return session.execute(select(Survey)).scalar_one()


def _answers(a, c, t, r, comment="Good work"):
    return {SurveyBlock.ABILITY: a, SurveyBlock.COMMUNICATION: c, SurveyBlock.ATTITUDE: t,
            SurveyBlock.RESULT: r, SurveyBlock.COMMENT: comment}


def test_closing_a_matter_schedules_one_survey_and_asks_the_lead_lawyer(services, slack, fake_slack, clock):
    _, matter_id = _setup(services)
    assert "Only a partner or the matter's lead lawyer" in _reply(slack, fake_slack, "U0OTHER",
                                                                  "matter close 2026-LIT-0001")
    assert "No matter" in _reply(slack, fake_slack, "U0LAWYER", "matter close 2099-X-1")
    assert "/lawcrm matter close NUMBER" in _reply(slack, fake_slack, "U0LAWYER", "matter open")
    done = _reply(slack, fake_slack, "U0LAWYER", "matter close 2026-LIT-0001")
    assert "2026-12-23" in done and "<@U0LAWYER>" in done
    assert "already closed" in _reply(slack, fake_slack, "U0PARTNER", "matter close 2026-LIT-0001")
    with services.session() as session:
        matter = session.get(Matter, matter_id)
        assert matter.status == "closed" and matter.closed_at == clock.now
    assert [a for _, a, _ in audit_actions(services, "matter", matter_id)] == ["close"]
    survey = _survey(services)
    assert survey.due_at == clock.now + timedelta(days=30) and survey.practice_area == "litigation"

    ctx = job_context(services, fake_slack)
    run_jobs(ctx)
    run_jobs(ctx)
    asks = fake_slack.messages_to("U0LAWYER")
    assert len(asks) == 1 and "satisfaction survey" in asks[0]["text"]
    assert SurveyAction.OPEN in str(asks[0]["blocks"])

    # a reminder a week before the due date, then an overdue notice, each once
    clock.advance(days=23)
    run_jobs(ctx)
    run_jobs(ctx)
    clock.advance(days=7)
    run_jobs(ctx)
    run_jobs(ctx)
    texts = [m["text"] for m in fake_slack.messages_to("U0LAWYER")]
    assert len(texts) == 3 and "Reminder" in texts[1] and "overdue" in texts[2]


def test_client_service_runs_the_survey_without_a_lead_lawyer_and_downtime_catches_up(
        services, slack, fake_slack, clock):
    client_id, _ = _setup(services)
    make_matter(services, client_id, "2026-IP-0002", area="ip")
    assert "<@U0CS>" in _reply(slack, fake_slack, "U0PARTNER", "matter close 2026-IP-0002")
    clock.advance(days=40)  # the jobs were down the whole month
    run_jobs(job_context(services, fake_slack))
    run_jobs(job_context(services, fake_slack, owner="again"))
    texts = [m["text"] for m in fake_slack.messages_to("U0CS")]
    assert len(texts) == 2 and "满意度回访" in texts[0] and "逾期" in texts[1]


def test_answers_modal_validates_scores_and_records_once(services, slack, fake_slack, clock):
    _setup(services)
    _reply(slack, fake_slack, "U0LAWYER", "matter close 2026-LIT-0001")
    survey = _survey(services)
    click_and_wait(slack, "U0OTHER", SurveyAction.OPEN, str(survey.id), channel="D0OTHER")
    assert "Only the person asked" in fake_slack.of("response_url")[-1].params["text"]
    click_and_wait(slack, "U0LAWYER", SurveyAction.OPEN, str(survey.id), channel="D0LAWYER")
    view = slack.opened_view()
    bad = slack.submit("U0LAWYER", view["id"], _answers("0", "6", "x", None))
    assert set(bad.json["errors"]) == {SurveyBlock.ABILITY, SurveyBlock.COMMUNICATION,
                                       SurveyBlock.ATTITUDE, SurveyBlock.RESULT}
    assert _survey(services).status == "pending"
    ok = slack.submit("U0LAWYER", view["id"], _answers("5", "4", "5", "4"))
    assert not ok.json.get("errors")
    stored = _survey(services)
    assert stored.status == "done" and stored.comment == "Good work" and stored.score_communication == 4
    assert [a for _, a, _ in audit_actions(services, "survey", survey.id)] == ["schedule", "record"]
    with services.session() as session:
        assert session.execute(select(ServiceReview)).first() is None
    again = slack.submit("U0LAWYER", view["id"], _answers("1", "1", "1", "1"))
    assert "already recorded" in again.json["errors"][SurveyBlock.ABILITY]
    assert _survey(services).score_ability == 5


def test_a_low_score_opens_a_service_review_for_the_partners(services, slack, fake_slack, clock):
    _setup(services)
    _reply(slack, fake_slack, "U0LAWYER", "matter close 2026-LIT-0001")
    survey = _survey(services)
    click_and_wait(slack, "U0LAWYER", SurveyAction.OPEN, str(survey.id), channel="D0LAWYER")
    view = slack.opened_view()
    slack.submit("U0LAWYER", view["id"], _answers("5", "3", "4", "5", comment="Slow <replies>"))
    fake_slack.settle()  # the listener goes on after the ack
    with services.session() as session:
        review = session.execute(select(ServiceReview)).scalar_one()
        assert review.low_dimensions == "communication" and review.status == "open"
    run_jobs(job_context(services, fake_slack))
    posted = [m["text"] for m in fake_slack.messages_to(REVIEW_CHANNEL)]
    assert len(posted) == 1 and "Service review" in posted[0] and "timeliness of communication" in posted[0]
    assert "&lt;replies&gt;" in posted[0] and "<@U0LAWYER>" in posted[0]

    click_and_wait(slack, "U0LAWYER", SurveyAction.REVIEWED, str(review.id))
    assert "Only partners" in fake_slack.of("response_url")[-1].params["text"]
    click_and_wait(slack, "U0PARTNER", SurveyAction.REVIEWED, str(review.id))
    assert "Reviewed by <@U0PARTNER>" in str(fake_slack.of("chat.update")[-1].params["blocks"])
    click_and_wait(slack, "U0PARTNER", SurveyAction.REVIEWED, str(review.id))
    assert "already closed" in fake_slack.of("response_url")[-1].params["text"]
    with services.session() as session:
        closed = session.get(ServiceReview, review.id)
        assert closed.status == "done" and closed.closed_at == clock.now
    assert [a for _, a, _ in audit_actions(services, "service_review", review.id)] == ["open", "close"]


def test_csat_per_month_area_and_lawyer_for_partners_only(services, slack, fake_slack, clock):
    client_id, _ = _setup(services)
    plan = [  # (number, area, lead, completed, scores)
        ("2026-LIT-0001", "litigation", "U0LAWYER", datetime(2026, 10, 5, tzinfo=UTC), ("5", "5", "4", "4")),
        ("2026-LIT-0002", "litigation", "U0LAWYER", datetime(2026, 10, 31, 17, tzinfo=UTC), ("3", "4", "4", "4")),
        ("2026-IP-0003", "ip", "U0OTHER", datetime(2026, 11, 10, tzinfo=UTC), ("4", "4", "4", "4")),
        ("2026-IP-0004", "ip", "U0OTHER", datetime(2026, 11, 12, tzinfo=UTC), ("2", "2", "3", "3")),
    ]
    for number, area, lead, completed, scores in plan:
        if number != "2026-LIT-0001":
            make_matter(services, client_id, number, lead=lead, area=area)
        clock.set(completed - timedelta(days=3))
        _reply(slack, fake_slack, "U0PARTNER", f"matter close {number}")
        clock.set(completed)
        with services.session() as session:
            partner = find_actor(session, slack_user_id="U0PARTNER", default_locale="en")
            survey_id = session.execute(select(Survey.id).join(Matter, Matter.id == Survey.matter_id)
                                        .where(Matter.number == number)).scalar_one()
            flow.record_answers(session, actor=partner, survey_id=survey_id,
                                scores=dict(zip(flow.DIMENSIONS, scores)), comment="", now=completed)
    with services.session() as session:
        partner = find_actor(session, slack_user_id="U0PARTNER", default_locale="en")
        report = flow.csat(session, actor=partner, settings=services.settings)
    assert (report.overall.surveys, report.overall.satisfied) == (4, 2)
    # 2026-10-31 17:00 UTC is already November in Shanghai
    assert [(r.group, r.surveys, r.satisfied) for r in report.by_month] == [("2026-10", 1, 1), ("2026-11", 3, 1)]
    assert [(r.group, r.csat) for r in report.by_area] == [("ip", 50.0), ("litigation", 50.0)]
    assert [(r.group, r.surveys, r.satisfied) for r in report.by_lawyer] == [("Li Lei", 2, 1), ("Sun Yu", 2, 1)]
    text = _reply(slack, fake_slack, "U0PARTNER", "stats")
    assert "50.0%" in text and "2026-11" in text and "Li Lei" in text and "ip" in text
    assert "Only partners" in _reply(slack, fake_slack, "U0LAWYER", "stats")


def test_a_matter_closed_elsewhere_gets_its_survey_from_the_planner(services, slack, fake_slack, clock):
    client_id, matter_id = _setup(services)
    old = make_matter(services, client_id, "2025-LIT-0009", lead="U0LAWYER")
    with services.session() as session:
        session.get(Matter, matter_id).status = "closed"
        session.get(Matter, matter_id).closed_at = clock.now - timedelta(days=2)
        session.get(Matter, old).status = "closed"
        session.get(Matter, old).closed_at = clock.now - timedelta(days=400)  # long before: no survey
    run_jobs(job_context(services, fake_slack))
    run_jobs(job_context(services, fake_slack, owner="second"))
    survey = _survey(services)
    assert survey.matter_id == matter_id and survey.due_at == clock.now + timedelta(days=28)
    assert len(fake_slack.messages_to("U0LAWYER")) == 1
    assert [(a, act) for a, act, _ in audit_actions(services, "survey", survey.id)] == [("system:jobs", "schedule")]


def test_scheduling_the_same_matter_twice_at_once_makes_one_survey(services, clock):
    import threading

    _, matter_id = _setup(services)
    with services.session() as session:
        matter = session.get(Matter, matter_id)
        matter.status, matter.closed_at = "closed", clock.now
    barrier = threading.Barrier(2)
    ids: list[int] = []

    def schedule():
        barrier.wait()
        with services.session() as session:
            matter = session.get(Matter, matter_id)
            ids.append(flow.schedule_survey(session, by="test", matter=matter, now=clock.now,
                                            settings=services.settings).id)

    threads = [threading.Thread(target=schedule) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert len(ids) == 2 and len(set(ids)) == 1
    assert [a for _, a, _ in audit_actions(services, "survey", ids[0])] == ["schedule"]

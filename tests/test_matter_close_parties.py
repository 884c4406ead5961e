"""Closing a client's last open matter makes it a former client in conflict checks."""

from __future__ import annotations

from bot.flows.conflicts import record_party, search_conflicts
from tests.complaint_support import make_client, make_matter, make_staff


def _reply(slack, fake_slack, user, text):
    before = len(fake_slack.of("response_url"))
    slack.command(user, "/lawcrm", text)
    return fake_slack.wait_for("response_url", before + 1)[-1].params["text"]


def _roles(services, name):
    with services.session() as session:
        result = search_conflicts(session, names=[name], cache=services.cache)[0]
    return sorted({hit.role for hit in result.hits})


def test_last_matter_closed_turns_client_into_former_client(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    client_id = make_client(services, "星辰科技有限公司")
    make_matter(services, client_id, "2026-LIT-0001", lead="U0PARTNER")
    make_matter(services, client_id, "2026-NLT-0002", lead="U0PARTNER")
    with services.session() as session:
        record_party(session, name="星辰科技有限公司", role="client", client_id=client_id)
        record_party(session, name="华夏传媒有限公司", role="adverse")
    assert _roles(services, "星辰科技有限公司") == ["client"]  # the index is built now

    _reply(slack, fake_slack, "U0PARTNER", "matter close 2026-LIT-0001")
    assert _roles(services, "星辰科技有限公司") == ["client"]  # another matter is still open

    _reply(slack, fake_slack, "U0PARTNER", "matter close 2026-NLT-0002")
    assert _roles(services, "星辰科技有限公司") == ["former_client"]
    assert _roles(services, "华夏传媒有限公司") == ["adverse"]  # other parties untouched


def test_reopening_restores_current_client_and_cancels_the_unrecorded_survey(services, slack, fake_slack, clock):
    from sqlalchemy import select

    from bot.ids import SurveyAction
    from storage.models import Matter, Notification, Survey
    from tests.complaint_support import audit_actions, click_and_wait, job_context, run_jobs

    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Sun Yu")
    client_id = make_client(services, "星辰科技有限公司")
    matter_id = make_matter(services, client_id, "2026-LIT-0001", lead="U0LAWYER")
    with services.session() as session:
        record_party(session, name="星辰科技有限公司", role="client", client_id=client_id)
    assert _roles(services, "星辰科技有限公司") == ["client"]

    assert "is not closed" in _reply(slack, fake_slack, "U0LAWYER", "matter reopen 2026-LIT-0001")
    _reply(slack, fake_slack, "U0LAWYER", "matter close 2026-LIT-0001")
    assert _roles(services, "星辰科技有限公司") == ["former_client"]
    with services.session() as session:
        first = session.execute(select(Survey)).scalar_one()
    [ask] = fake_slack.messages_to("U0LAWYER")
    assert "No matter" in _reply(slack, fake_slack, "U0LAWYER", "matter reopen 2099-X-1")
    assert "Only a partner or the matter's lead lawyer" in _reply(slack, fake_slack, "U0OTHER",
                                                                  "matter reopen 2026-LIT-0001")

    text = _reply(slack, fake_slack, "U0LAWYER", "matter reopen 2026-LIT-0001")
    assert "open again" in text and "current client" in text and "survey was cancelled" in text
    assert _roles(services, "星辰科技有限公司") == ["client"]
    with services.session() as session:
        matter = session.get(Matter, matter_id)
        assert matter.status == "open" and matter.closed_at is None
        assert session.execute(select(Survey)).first() is None
        assert not session.execute(select(Notification.key).where(Notification.key.startswith("survey:"))).all()
    assert [a for _, a, _ in audit_actions(services, "matter", matter_id)] == ["close", "reopen"]
    assert [a for _, a, _ in audit_actions(services, "survey", first.id)] == ["schedule", "cancel"]
    # the ask already sent no longer opens the modal: the survey is gone
    click_and_wait(slack, "U0LAWYER", SurveyAction.OPEN, str(first.id), channel="D0LAWYER")
    assert "cancelled" in fake_slack.of("response_url")[-1].params["text"]
    # nothing more is sent about the cancelled survey
    clock.advance(days=31)
    run_jobs(job_context(services, fake_slack))
    assert len(fake_slack.messages_to("U0LAWYER")) == 1

    # closing again schedules a new survey, and its ask goes out (even if the id is reused)
    _reply(slack, fake_slack, "U0LAWYER", "matter close 2026-LIT-0001")
    with services.session() as session:
        again = session.execute(select(Survey)).scalar_one()
        assert again.status == "pending" and again.due_at > first.due_at
    asks = fake_slack.messages_to("U0LAWYER")
    assert len(asks) == 2 and "2026-LIT-0001" in asks[1]["text"]


def test_the_close_reply_offers_an_undo_behind_a_confirmation(services, slack, fake_slack):
    from bot.ids import SurveyAction
    from storage.models import Matter, Survey
    from bot.flows import surveys as flow
    from bot.flows.directory import find_actor
    from sqlalchemy import select

    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    client_id = make_client(services, "星辰科技有限公司")
    make_matter(services, client_id, "2026-LIT-0001", lead="U0PARTNER")
    slack.command("U0PARTNER", "/lawcrm", "matter close 2026-LIT-0001")
    reply = fake_slack.wait_for("response_url")[-1].params
    undo = next(el for b in reply["blocks"] if b["type"] == "actions" for el in b["elements"])
    assert undo["action_id"] == SurveyAction.REOPEN_MATTER and undo["value"] == "2026-LIT-0001"
    assert {"title", "text", "confirm", "deny"} <= set(undo["confirm"])
    # a survey already recorded is kept when the matter is reopened
    with services.session() as session:
        partner = find_actor(session, slack_user_id="U0PARTNER", default_locale="en")
        survey_id = session.execute(select(Survey.id)).scalar_one()
        flow.record_answers(session, actor=partner, survey_id=survey_id,
                            scores=dict.fromkeys(flow.DIMENSIONS, "5"), comment="", now=services.now())
    slack.click("U0PARTNER", SurveyAction.REOPEN_MATTER, "2026-LIT-0001")
    text = fake_slack.wait_for("response_url", 2)[-1].params["text"]
    assert "open again" in text and "survey" not in text
    with services.session() as session:
        assert session.execute(select(Matter.status)).scalar_one() == "open"
        assert session.execute(select(Survey.status)).scalar_one() == "done"

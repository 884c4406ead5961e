"""The prospect pipeline: stages, engaged -> /intake prefilled, My prospects, weekly digest, KPIs."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.flows.enquiries.metrics import pipeline_metrics
from bot.ids import EnquiryAction, EnquiryBlock, EnquiryView, IntakeBlock, IntakeView
from jobs.tasks.delivery import deliver
from jobs.tasks.upkeep import plan_daily
from storage.ledger import ChannelPacer
from storage.models import AuditEvent, Enquiry, IntakeRequest
from tests.conftest import make_settings
from tests.enquiry_support import INTAKE, answers, click, enquiry, job_context, local, log_enquiry
from tests.support import make_staff

@pytest.fixture
def settings(db_url, fake_slack, tmp_path):
    """An intake channel of its own."""
    return make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path, intake_channel=INTAKE)


def _taken(services, slack, fake_slack, clock, *, at=None, minutes=20, who=None):
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Sun Li")
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    clock.set(at or local(2026, 11, 24, 10, 0))
    log_enquiry(slack, "U0CS", answers(**({EnquiryBlock.WHO: who} if who else {})))
    clock.advance(minutes=minutes)
    click(slack, "U0LAWYER", EnquiryAction.TAKE, "1")


def _stage_modal(slack, user, enquiry_id=1):
    slack.click(user, EnquiryAction.STAGE, str(enquiry_id), message={"channel": "D0LAWYER", "ts": "1.0"})
    return slack.opened_view()


def test_the_assignee_moves_it_through_the_stages_and_closing_needs_a_reason(services, slack, fake_slack, clock):
    _taken(services, slack, fake_slack, clock)
    view = _stage_modal(slack, "U0LAWYER")
    assert view["callback_id"] == EnquiryView.STAGE and "Chen Jing" in str(view["blocks"])
    assert not slack.submit("U0LAWYER", view["id"], {EnquiryBlock.STAGE: "consultation"}).json.get("errors")
    assert enquiry(services).stage == "consultation"
    sent = slack.submit("U0LAWYER", view["id"], {EnquiryBlock.STAGE: "consultation"})
    assert sent.json["errors"] == {EnquiryBlock.STAGE: "Choose a later stage (an engaged enquiry can only be closed)."}
    assert not slack.submit("U0LAWYER", view["id"], {EnquiryBlock.STAGE: "proposal"}).json.get("errors")
    sent = slack.submit("U0LAWYER", view["id"], {EnquiryBlock.STAGE: "closed"})
    assert sent.json["errors"] == {EnquiryBlock.REASON: "Closing needs a reason."}
    assert enquiry(services).stage == "proposal"
    slack.submit("U0LAWYER", view["id"], {EnquiryBlock.STAGE: "closed", EnquiryBlock.REASON: "price"})
    row = enquiry(services)
    assert (row.stage, row.closed_reason) == ("closed", "price")
    fake_slack.settle()
    assert "closed" in str([c.params for c in fake_slack.of("chat.update")][-1]["blocks"])
    slack.click("U0LAWYER", EnquiryAction.STAGE, "1", message={"channel": "D0LAWYER", "ts": "1.0"})
    fake_slack.settle()
    assert "This enquiry is closed." in str([c.params for c in fake_slack.of("response_url")][-1])
    with services.session() as session:
        actions = session.execute(select(AuditEvent.action).where(AuditEvent.entity == "enquiry")).scalars().all()
    assert {"enquiry_consultation", "enquiry_proposal", "enquiry_closed"} <= set(actions)


def test_another_lawyer_cannot_move_it(services, slack, fake_slack, clock):
    _taken(services, slack, fake_slack, clock)
    slack.click("U0OTHER", EnquiryAction.STAGE, "1", message={"channel": "D0OTHER", "ts": "1.0"})
    fake_slack.settle()
    assert "Only the assigned lawyer" in str([c.params for c in fake_slack.of("response_url")][-1])
    assert not [c for c in fake_slack.of("views.open") if c.params.get("view", {}).get("callback_id")
                == EnquiryView.STAGE]


def test_engaged_opens_intake_prefilled_and_the_conflict_check_runs_first(services, slack, fake_slack, clock):
    _taken(services, slack, fake_slack, clock)
    view = _stage_modal(slack, "U0LAWYER")
    sent = slack.submit("U0LAWYER", view["id"], {EnquiryBlock.STAGE: "engaged"})
    assert sent.json["response_action"] == "update"
    form = sent.json["view"]
    assert form["callback_id"] == IntakeView.FORM
    initial = {b["block_id"]: (b["element"].get("initial_value") or (b["element"].get("initial_option") or {})
                               .get("value")) for b in form["blocks"] if b.get("type") == "input"}
    assert initial[IntakeBlock.NAME] == "陈静 Chen Jing <b>"
    assert initial[IntakeBlock.PHONE] == "+86 138 1234 5678" and initial[IntakeBlock.EMAIL] == "chen@example.cn"
    assert initial[IntakeBlock.SOURCE] == "referral" and initial[IntakeBlock.REFERRER] == "Wang Wei (Acme Ltd)"
    assert initial[IntakeBlock.NEED].startswith("Dispute with a supplier")
    assert enquiry(services).stage == "engaged"
    # Slack now shows the intake form in the same modal: submitting it runs the conflict check
    fake_slack.views[view["id"]] = {**form, "id": view["id"], "hash": "h2"}
    before = len(fake_slack.of("views.update"))
    sent = slack.submit("U0LAWYER", view["id"], {IntakeBlock.KIND: "individual", IntakeBlock.AREA: "lit_civil"})
    assert sent.json.get("response_action") == "update" and sent.json["view"]["callback_id"] == IntakeView.RESULTS
    fake_slack.wait_for("views.update", count=before + 1)
    with services.session() as session:
        request = session.execute(select(IntakeRequest)).scalar_one()
        assert request.status == "checked"
    # a conflict found by the check: the engaged enquiry is closed with that reason
    view = _stage_modal(slack, "U0LAWYER")
    sent = slack.submit("U0LAWYER", view["id"], {EnquiryBlock.STAGE: "proposal"})
    assert EnquiryBlock.STAGE in sent.json["errors"]
    slack.submit("U0LAWYER", view["id"], {EnquiryBlock.STAGE: "closed", EnquiryBlock.REASON: "conflict"})
    assert enquiry(services).closed_reason == "conflict"


def test_an_assistant_cannot_move_a_lawyers_enquiry(services, slack, fake_slack, clock):
    _taken(services, slack, fake_slack, clock)
    make_staff(services, "U0ASSIST", "assistant", "Zhou")
    slack.click("U0ASSIST", EnquiryAction.STAGE, "1", message={"channel": "D0ASSIST", "ts": "1.0"})
    fake_slack.settle()
    assert enquiry(services).stage == "assigned"


def _home(slack, fake_slack, user):
    mark = fake_slack.mark()
    slack.event({"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": "home",
                 "event_ts": f"{time.time():.6f}"})
    return fake_slack.wait_for_since("views.publish", mark).params["view"]


def test_my_prospects_in_app_home(services, slack, fake_slack, clock):
    _taken(services, slack, fake_slack, clock)
    view = _home(slack, fake_slack, "U0LAWYER")
    texts = str(view["blocks"])
    assert "My prospects" in texts and "Chen Jing &lt;b&gt;" in texts and EnquiryAction.STAGE in texts
    other = str(_home(slack, fake_slack, "U0OTHER")["blocks"])
    assert "My prospects" in other and "Chen Jing" not in other and "No open enquiries." in other
    assert "My prospects" not in str(_home(slack, fake_slack, "U0CS")["blocks"])


def _digest(services, fake_slack, clock, moment, user="U0LAWYER"):
    clock.set(moment)
    ctx = job_context(services, fake_slack)
    before = len(fake_slack.messages_to(user))
    plan_daily(ctx)
    deliver(ctx, pacer=ChannelPacer(interval=0))
    new = fake_slack.messages_to(user)[before:]
    return str(new[-1]["blocks"]) if new else ""


def test_an_open_prospect_comes_back_in_the_lawyers_digest_every_week(services, slack, fake_slack, clock):
    _taken(services, slack, fake_slack, clock)                                # Tuesday 2026-11-24
    assert "Chen Jing" not in _digest(services, fake_slack, clock, local(2026, 11, 30, 8, 5))
    due = _digest(services, fake_slack, clock, local(2026, 12, 1, 8, 5))
    assert "Prospects due their weekly contact" in due and "Chen Jing" in due and EnquiryAction.CONTACTED in due
    clock.set(local(2026, 12, 1, 9, 0))
    click(slack, "U0LAWYER", EnquiryAction.CONTACTED, "1", channel="D0LAWYER")
    assert "Chen Jing" not in _digest(services, fake_slack, clock, local(2026, 12, 2, 8, 5))
    assert "Chen Jing" in _digest(services, fake_slack, clock, local(2026, 12, 8, 8, 5))
    view = _stage_modal(slack, "U0LAWYER")
    slack.submit("U0LAWYER", view["id"], {EnquiryBlock.STAGE: "closed", EnquiryBlock.REASON: "no_reply"})
    assert "Chen Jing" not in _digest(services, fake_slack, clock, local(2026, 12, 16, 8, 5))


def test_conversion_and_response_time_in_stats_for_partners(services, slack, fake_slack, clock):
    _taken(services, slack, fake_slack, clock, minutes=30)
    with services.session() as session:
        for i, (stage, minutes) in enumerate([("engaged", 50), ("closed", 90), ("new", None)], start=2):
            session.add(Enquiry(submission_key=f"k{i}", recorded_by_id=1, received_at=clock.now, who="x",
                                contact="y", need="z", source="website", stage=stage, response_minutes=minutes))
    with services.session() as session:
        metrics = pipeline_metrics(session, target_minutes=60)
        assert (metrics.received, metrics.engaged, metrics.decided, metrics.answered) == (4, 1, 2, 3)
        assert metrics.conversion_rate == 0.5 and round(metrics.average_minutes) == 57
        assert metrics.within_target == 2
        later = pipeline_metrics(session, target_minutes=60, since=clock.now + timedelta(days=1))
        assert later.received == 0 and later.conversion_rate is None
    slack.command("U0PARTNER", "/lawcrm", "stats")
    fake_slack.settle()
    reply = [c.params["text"] for c in fake_slack.of("response_url")][-1]
    assert "conversion 50 %" in reply and "average 57 working minutes, 67 % within 60" in reply
    assert "No surveys recorded yet." in reply  # the CSAT report is still there, first
    slack.command("U0LAWYER", "/lawcrm", "stats")
    fake_slack.settle()
    assert "Only partners" in [c.params["text"] for c in fake_slack.of("response_url")][-1]

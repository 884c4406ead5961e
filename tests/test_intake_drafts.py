"""A form closed half way is kept as an encrypted draft and offered at the next /intake."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from bot.ids import IntakeAction, IntakeBlock, IntakeView
from storage.models import AuditEvent, IntakeDraft
from tests.intake_helpers import answers, open_form, requests, section_text
from tests.support import make_staff

B = IntakeBlock


def _initial(view, block_id):
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    el = block["element"]
    return el.get("initial_value") or (el.get("initial_option") or {}).get("value")


def _drafts(services):
    with services.session() as session:
        return list(session.execute(select(IntakeDraft)).scalars())


def test_draft_saved_on_close_and_resumed(services, slack, fake_slack):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    view = open_form(slack, "U0LAWYER")
    slack.close("U0LAWYER", view["id"], {B.NAME: "星辰科技有限公司", B.KIND: "enterprise",
                                         B.PHONE: "13812345678", B.OPPOSING: "华夏银行"})
    fake_slack.settle()
    [draft] = _drafts(services)
    assert draft.data["name"] == "星辰科技有限公司" and draft.data["phone"] == "13812345678"
    with services.engine.connect() as conn:
        raw = conn.execute(text("SELECT data FROM intake_drafts")).scalar_one()
    assert "星辰" not in raw and "13812345678" not in raw

    fake_slack.reset()
    open_form(slack, "U0LAWYER")
    update = fake_slack.wait_for("views.update")[0].params
    resumed = fake_slack.views[update["view_id"]]
    assert resumed["callback_id"] == IntakeView.FORM
    assert "Resumed your draft saved 2026-11-23 17:00" in section_text(resumed)
    assert _initial(resumed, B.NAME) == "星辰科技有限公司"
    assert _initial(resumed, B.KIND) == "enterprise"
    assert _initial(resumed, B.OPPOSING) == "华夏银行"
    with services.session() as session:
        actions = [e.action for e in session.execute(select(AuditEvent)).scalars()]
    assert "save_draft" in actions and "resume_draft" in actions

    # Submitting the resumed form uses the draft up and removes it.
    sent = slack.submit("U0LAWYER", resumed["id"], answers(**{B.NAME: "星辰科技有限公司"}))
    assert sent.json["response_action"] == "update"
    fake_slack.wait_for("views.update", count=2)
    fake_slack.settle()
    assert _drafts(services) == [] and requests(services)[0].form["name"] == "星辰科技有限公司"


def test_start_fresh_discards_the_draft(services, slack, fake_slack):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    view = open_form(slack, "U0LAWYER")
    slack.close("U0LAWYER", view["id"], {B.NAME: "Half done"})
    fake_slack.settle()
    open_form(slack, "U0LAWYER")
    view_id = fake_slack.wait_for("views.update")[0].params["view_id"]
    slack.click("U0LAWYER", IntakeAction.START_FRESH, view_id=view_id)
    fake_slack.wait_for("views.update", count=2)
    fake_slack.settle()
    fresh = fake_slack.views[view_id]
    assert _initial(fresh, B.NAME) is None and "Resumed" not in section_text(fresh)
    assert _drafts(services) == []


def test_one_draft_per_user_and_empty_forms_keep_nothing(services, slack, fake_slack):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Other")
    for name in ("First", "Second"):
        view = open_form(slack, "U0LAWYER")
        fake_slack.settle()
        slack.close("U0LAWYER", view["id"], {B.NAME: name})
        fake_slack.settle()
    view = open_form(slack, "U0OTHER")
    slack.close("U0OTHER", view["id"], {})
    fake_slack.settle()
    [draft] = _drafts(services)
    assert draft.data["name"] == "Second"


def _closed_draft(services, slack, fake_slack, answers_):
    view = open_form(slack, "U0LAWYER")
    slack.close("U0LAWYER", view["id"], answers_)
    fake_slack.settle()
    [draft] = _drafts(services)
    return draft.data


@pytest.mark.parametrize("kind", ["individual", None])
def test_a_personal_id_number_without_consent_is_dropped_from_the_draft(services, slack, fake_slack, kind):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    data = _closed_draft(services, slack, fake_slack, {B.KIND: kind, B.NAME: "张伟",
                                                      B.ID_NUMBER: "11010519491231002X"})
    assert "id_number" not in data and data["name"] == "张伟"
    with services.session() as session:
        [event] = session.execute(select(AuditEvent).where(AuditEvent.action == "save_draft")).scalars()
    assert "id_number" not in event.fields


def test_a_personal_id_number_with_consent_is_kept_in_the_draft(services, slack, fake_slack):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    data = _closed_draft(services, slack, fake_slack, {B.KIND: "individual", B.NAME: "张伟",
                                                      B.ID_NUMBER: "11010519491231002X", B.CONSENT: ["yes"]})
    assert data["id_number"] == "11010519491231002X" and data["consent"] == ["yes"]


@pytest.mark.parametrize("kind", ["enterprise", "government"])
def test_a_uscc_is_kept_in_the_draft_without_consent(services, slack, fake_slack, kind):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    data = _closed_draft(services, slack, fake_slack, {B.KIND: kind, B.NAME: "Acme",
                                                      B.ID_NUMBER: "91330100716105852F"})
    assert data["id_number"] == "91330100716105852F"


def test_a_draft_with_only_an_unconsented_id_number_keeps_nothing(services, slack, fake_slack):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    view = open_form(slack, "U0LAWYER")
    slack.close("U0LAWYER", view["id"], {B.ID_NUMBER: "11010519491231002X"})
    fake_slack.settle()
    assert _drafts(services) == []

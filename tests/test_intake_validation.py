"""/intake opens at once and validates inline; nothing is stored for a rejected form."""

from __future__ import annotations

import pytest

from bot.ids import Command, IntakeBlock, IntakeView
from tests.conftest import make_settings
from tests.intake_helpers import answers, open_form, requests
from tests.support import make_staff

B = IntakeBlock


@pytest.fixture
def lawyer(services):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    return "U0LAWYER"


def _errors(slack, user, form):
    view = open_form(slack, user)
    sent = slack.submit(user, view["id"], form)
    assert sent.json.get("response_action") == "errors", sent.json
    return sent.json["errors"]


def test_intake_opens_the_form_first(services, slack, fake_slack, lawyer):
    view = open_form(slack, lawyer)
    first = [c.method for c in fake_slack.calls if c.method != "auth.test"][0]
    assert first == "views.open"
    assert view["callback_id"] == IntakeView.FORM and view["notify_on_close"] is True
    block_ids = {b.get("block_id") for b in view["blocks"]}
    assert {B.KIND, B.NAME, B.ID_NUMBER, B.CONSENT, B.CONTACT, B.PHONE, B.EMAIL, B.SOURCE,
            B.REFERRER, B.AREA, B.NEED, B.OPPOSING, B.RELATED} <= block_ids


def test_required_fields(services, slack, lawyer):
    errors = _errors(slack, lawyer, answers(**{B.NAME: "", B.NEED: " ", B.KIND: None, B.AREA: None,
                                               B.SOURCE: None}))
    assert set(errors) >= {B.NAME, B.NEED, B.KIND, B.AREA, B.SOURCE}
    assert errors[B.NAME] == "Please fill this in."
    assert requests(services) == []


def test_phone_or_email_is_needed(services, slack, lawyer):
    errors = _errors(slack, lawyer, answers(**{B.EMAIL: "", B.PHONE: ""}))
    assert errors == {B.PHONE: "Give a phone number or an email."}


@pytest.mark.parametrize(("field", "value", "expected"), [
    (B.EMAIL, "legal@acme", "Not an email address."),
    (B.PHONE, "12345", "Not a phone number"),
    (B.PHONE, "23812345678", "Not a phone number"),
])
def test_contact_formats(services, slack, lawyer, field, value, expected):
    errors = _errors(slack, lawyer, answers(**{field: value}))
    assert list(errors) == [field] and errors[field].startswith(expected)


def test_resident_id_check_character(services, slack, lawyer):
    errors = _errors(slack, lawyer, answers(**{B.KIND: "individual", B.NAME: "张伟",
                                               B.ID_NUMBER: "110105194912310021", B.CONSENT: ["yes"]}))
    assert list(errors) == [B.ID_NUMBER] and "check character" in errors[B.ID_NUMBER]


def test_uscc_check_character(services, slack, lawyer):
    errors = _errors(slack, lawyer, answers(**{B.ID_NUMBER: "91330100716105852G", B.CONSENT: ["yes"]}))
    assert list(errors) == [B.ID_NUMBER] and "credit code" in errors[B.ID_NUMBER]


def test_an_id_number_needs_the_consent_checkbox(services, slack, fake_slack, lawyer):
    errors = _errors(slack, lawyer, answers(**{B.KIND: "individual", B.NAME: "张伟",
                                               B.ID_NUMBER: "11010519491231002X"}))
    assert list(errors) == [B.CONSENT] and "written consent" in errors[B.CONSENT]
    view = open_form(slack, lawyer)
    sent = slack.submit(lawyer, view["id"], answers(**{B.KIND: "individual", B.NAME: "张伟",
                                                       B.ID_NUMBER: "11010519491231002X",
                                                       B.CONSENT: ["yes"]}))
    assert sent.json["response_action"] == "update"
    fake_slack.settle()
    [req] = requests(services)
    assert req.form["id_number"] == "11010519491231002X" and req.form["consent"] is True
    assert req.id_number_bidx


def test_referrer_required_for_referrals(services, slack, lawyer):
    errors = _errors(slack, lawyer, answers(**{B.SOURCE: "referral"}))
    assert errors == {B.REFERRER: "Who referred the client?"}


def test_errors_in_chinese_for_a_chinese_user(services, slack):
    make_staff(services, "U0ZH", "lawyer", "李雷", locale="zh-CN")
    errors = _errors(slack, "U0ZH", answers(**{B.NAME: ""}))
    assert errors[B.NAME] == "此项必填。"


@pytest.mark.parametrize("role", ["admin", "client_service"])
def test_roles_without_intake_are_refused(services, slack, fake_slack, role):
    make_staff(services, "U0OTHER", role, "Someone")
    slack.command("U0OTHER", Command.INTAKE)
    reply = fake_slack.wait_for("response_url")[0].params
    assert reply["response_type"] == "ephemeral" and "role" in reply["text"]
    assert not fake_slack.of("views.open")


def test_no_review_channel_is_a_clear_error(db_url, fake_slack, tmp_path, test_keyring, clock):
    from bot.app import create_app
    from bot.console.driver import SlackDriver
    from bot.services import Services
    from storage.db import make_engine, make_session_factory
    from tests.conftest import SIGNING_SECRET

    settings = make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path, partner_review_channel=None)
    engine = make_engine(settings.resolved_database_url, keyring=test_keyring)
    services = Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                        keyring=test_keyring, clock=clock)
    try:
        make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
        app, _ = create_app(services=services)
        SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack).command("U0LAWYER", Command.INTAKE)
        reply = fake_slack.wait_for("response_url")[0].params
        assert "PARTNER_REVIEW_CHANNEL" in reply["text"] and "administrator" in reply["text"]
        fake_slack.settle()
        assert not fake_slack.of("views.open")
    finally:
        engine.dispose()


# --- issue 8: resident IDs must pass their check; issue 7: consent only for personal ID numbers ---

@pytest.mark.parametrize("value", ["11010519491231002Y", "11010519491231002A", "110105194912310021"])
def test_a_mistyped_resident_id_is_not_taken_for_a_passport(services, slack, fake_slack, lawyer, value):
    errors = _errors(slack, lawyer, answers(**{B.KIND: "individual", B.NAME: "张伟",
                                               B.ID_NUMBER: value, B.CONSENT: ["yes"]}))
    assert list(errors) == [B.ID_NUMBER] and "check character" in errors[B.ID_NUMBER]
    fake_slack.settle()
    assert requests(services) == []


def test_born_in_the_future_is_judged_on_the_app_clock(services, slack, fake_slack, lawyer, clock):
    from datetime import UTC, datetime

    from bot.flows.identifiers import resident_id_check_char

    body = "11010520261124001"                                  # born on 2026-11-24
    value = body + resident_id_check_char(body)
    form = answers(**{B.KIND: "individual", B.NAME: "张小伟", B.ID_NUMBER: value, B.CONSENT: ["yes"]})
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))         # 2026-11-23 17:00 in Shanghai
    assert list(_errors(slack, lawyer, form)) == [B.ID_NUMBER]
    clock.set(datetime(2026, 11, 23, 16, 30, tzinfo=UTC))       # already the 24th in Shanghai
    view = open_form(slack, lawyer)
    assert slack.submit(lawyer, view["id"], form).json["response_action"] == "update"


def test_a_uscc_needs_no_consent(services, slack, fake_slack, lawyer):
    view = open_form(slack, lawyer)
    sent = slack.submit(lawyer, view["id"], answers(**{B.ID_NUMBER: "91330100716105852F"}))
    assert sent.json["response_action"] == "update", sent.json
    fake_slack.settle()
    [req] = requests(services)
    assert req.form["id_number"] == "91330100716105852F" and req.form["consent"] is False


def test_a_consent_ticked_for_a_company_is_not_recorded_as_personal_consent(services, slack, fake_slack,
                                                                            lawyer):
    view = open_form(slack, lawyer)
    sent = slack.submit(lawyer, view["id"], answers(**{B.KIND: "government", B.CONSENT: ["yes"],
                                                       B.ID_NUMBER: "91330100716105852F"}))
    assert sent.json["response_action"] == "update", sent.json
    fake_slack.settle()
    assert requests(services)[0].form["consent"] is False


def test_the_consent_box_speaks_of_personal_id_numbers_only(services, slack, lawyer):
    view = open_form(slack, lawyer)
    block = next(b for b in view["blocks"] if b.get("block_id") == B.CONSENT)
    label = block["label"]["text"]
    [opt] = block["element"]["options"]
    assert "personal id number" in label.lower() and "personal ID number" in opt["text"]["text"]
    assert "unified social credit code" in opt["description"]["text"]
    assert len(opt["text"]["text"]) <= 75 and not opt["text"]["text"].endswith("…")
    assert len(opt["description"]["text"]) <= 150 and not opt["description"]["text"].endswith("…")

    from bot.i18n import t

    for key in ("intake.field.consent_option", "intake.field.consent_hint"):
        assert "个人" in t(key, "zh-CN") or "信用代码" in t(key, "zh-CN")
    assert len(t("intake.field.consent_option", "zh-CN")) <= 75

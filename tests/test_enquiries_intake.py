"""/enquiry and "Log as enquiry": validation, the intake-channel card, Take and Assign, encryption."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from bot.ids import EnquiryAction, EnquiryBlock, EnquiryView
from bot.settings import SettingsError, load_settings
from storage.models import AuditEvent, Enquiry, Notification
from tests.conftest import REVIEW_CHANNEL, make_settings
from tests.enquiry_support import INTAKE, answers, buttons, card, click, enquiry, log_enquiry, shortcut, wait_until
from tests.support import make_staff


@pytest.fixture
def settings(db_url, fake_slack, tmp_path):
    """Test settings with an intake channel of its own."""
    return make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path, intake_channel=INTAKE)


def _people(services):
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0LAWYER2", "lawyer", "Sun Li", locale="zh-CN")
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")


def test_client_service_logs_an_enquiry_posted_with_take_and_assign(services, slack, fake_slack, clock):
    _people(services)
    sent = log_enquiry(slack, "U0CS", answers())
    assert sent.status == 200 and not sent.json.get("errors")
    posted = card(fake_slack, INTAKE)
    assert buttons(posted) == [EnquiryAction.TAKE, EnquiryAction.ASSIGN]
    body = str(posted["blocks"])
    assert "Chen Jing &lt;b&gt;" in body and "Wang Wei (Acme Ltd)" in body and "2026-11-23 17:00" in body
    assert "138" not in body  # contact details stay out of the channel
    assert not fake_slack.messages_to(REVIEW_CHANNEL)
    assert "Enquiry #1 was logged" in fake_slack.messages_to("U0CS")[-1]["text"]
    with services.session() as session:
        row = session.execute(select(Notification).where(Notification.key == "enquiry:1:post")).scalar_one()
        assert row.status == "sent"
        raw = session.execute(text("SELECT who, contact, need, referrer FROM enquiries")).one()
        assert not any(s in " ".join(raw) for s in ("Chen", "138", "supplier", "Wang"))
        assert session.execute(select(AuditEvent.action).where(AuditEvent.entity == "enquiry")).scalars().all() \
            == ["record_enquiry"]
    assert enquiry(services).contact == "+86 138 1234 5678; chen@example.cn"


def test_resubmitting_the_same_form_records_once(services, slack, fake_slack):
    _people(services)
    slack.command("U0CS", "/enquiry")
    view = slack.opened_view()
    slack.submit("U0CS", view["id"], answers())
    slack.submit("U0CS", view["id"], answers())
    fake_slack.settle()
    with services.session() as session:
        assert session.execute(select(Enquiry.id)).scalars().all() == [1]
    assert len([m for m in fake_slack.messages_to(INTAKE) if not m.get("thread_ts")]) == 1


@pytest.mark.parametrize("overrides, block, message", [
    ({EnquiryBlock.WHO: "  "}, EnquiryBlock.WHO, "Please fill this in."),
    ({EnquiryBlock.CONTACT: ""}, EnquiryBlock.CONTACT, "Please fill this in."),
    ({EnquiryBlock.NEED: "a\x00b"}, EnquiryBlock.NEED, None),
    ({EnquiryBlock.SOURCE: None}, EnquiryBlock.SOURCE, "Choose where the enquiry came from."),
    ({EnquiryBlock.REFERRER: " "}, EnquiryBlock.REFERRER, "Who referred them?"),
    ({EnquiryBlock.WHO: "Chen\u202eJing"}, EnquiryBlock.WHO, None),
])
def test_bad_input_is_shown_inline_and_nothing_is_recorded(services, slack, fake_slack, overrides, block, message):
    _people(services)
    sent = log_enquiry(slack, "U0CS", answers(**overrides))
    assert sent.json["response_action"] == "errors" and block in sent.json["errors"]
    if message:
        assert sent.json["errors"][block] == message
    with services.session() as session:
        assert session.execute(select(Enquiry.id)).first() is None
        assert session.execute(select(Notification.id)).first() is None


def test_a_referrer_is_kept_only_for_a_referral(services, slack, fake_slack):
    _people(services)
    log_enquiry(slack, "U0CS", answers(**{EnquiryBlock.SOURCE: "website"}))
    assert enquiry(services).referrer is None


def test_message_shortcut_prefills_the_need_from_the_message(services, slack, fake_slack):
    _people(services)
    sent = shortcut(slack, "U0LAWYER", "Hi, my company needs help with a trademark <dispute>")
    assert sent.status == 200
    view = slack.opened_view()
    assert view["callback_id"] == EnquiryView.NEW
    need = next(b for b in view["blocks"] if b.get("block_id") == EnquiryBlock.NEED)
    assert need["element"]["initial_value"] == "Hi, my company needs help with a trademark <dispute>"
    slack.submit("U0LAWYER", view["id"], answers(**{EnquiryBlock.NEED: need["element"]["initial_value"]}))
    wait_until(lambda: fake_slack.messages_to(INTAKE))
    fake_slack.settle()
    assert enquiry(services).need.startswith("Hi, my company")


def test_unknown_user_cannot_log_an_enquiry(services, slack, fake_slack):
    slack.command("U0STRANGER", "/enquiry")
    fake_slack.settle()
    assert not fake_slack.of("views.open")


def test_a_lawyer_takes_it_and_gets_the_contact_details_first_click_wins(services, slack, fake_slack, clock):
    _people(services)
    log_enquiry(slack, "U0CS", answers())
    clock.advance(minutes=25)  # 17:25 in Shanghai, a Monday
    click(slack, "U0LAWYER", EnquiryAction.TAKE, "1")
    row = enquiry(services)
    assert row.stage == "assigned" and row.response_minutes == 25
    updated = card(fake_slack, INTAKE)
    assert EnquiryAction.TAKE not in buttons(updated)
    assert "<@U0LAWYER>" in str(updated["blocks"]) and "25 working minutes" in str(updated["blocks"])
    wait_until(lambda: fake_slack.messages_to("U0LAWYER"))
    dm = str(fake_slack.messages_to("U0LAWYER")[-1]["blocks"])
    assert "+86 138 1234 5678" in dm and EnquiryAction.STAGE in dm
    click(slack, "U0LAWYER2", EnquiryAction.TAKE, "1")
    assert "该咨询已有人接手" in str([c.params for c in fake_slack.of("response_url")][-1])
    assert enquiry(services).assignee_id == row.assignee_id


def test_client_service_cannot_take_but_can_assign_a_lawyer(services, slack, fake_slack, clock):
    _people(services)
    log_enquiry(slack, "U0CS", answers())
    click(slack, "U0CS", EnquiryAction.TAKE, "1")
    assert enquiry(services).stage == "new"
    click(slack, "U0CS", EnquiryAction.ASSIGN, "1")
    view = slack.opened_view()
    assert view["callback_id"] == EnquiryView.ASSIGN
    refused = slack.submit("U0CS", view["id"], {EnquiryBlock.LAWYER: "U0CS"})
    assert refused.json["errors"] == {EnquiryBlock.LAWYER: "Choose an active lawyer or partner."}
    assert enquiry(services).stage == "new"
    clock.advance(minutes=10)
    accepted = slack.submit("U0CS", view["id"], {EnquiryBlock.LAWYER: "U0LAWYER2"})
    assert not accepted.json.get("errors")
    wait_until(lambda: fake_slack.messages_to("U0LAWYER2"))
    row = enquiry(services)
    assert row.stage == "assigned" and row.response_minutes == 10
    assert "由您跟进" in fake_slack.messages_to("U0LAWYER2")[-1]["text"]


def test_without_an_intake_channel_it_falls_back_to_partner_review(services, fake_slack, tmp_path, db_url):
    settings = make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path)
    assert settings.enquiry_channel == REVIEW_CHANNEL
    assert make_settings(db_url=db_url, fake=fake_slack, tmp_path=tmp_path,
                         intake_channel=INTAKE).enquiry_channel == INTAKE


@pytest.mark.parametrize("env, name", [
    ({"INTAKE_CHANNEL": "#intake"}, "INTAKE_CHANNEL"),
    ({"WORKING_HOURS_START": "18:00", "WORKING_HOURS_END": "09:00"}, "WORKING_HOURS_END"),
    ({"ENQUIRY_NUDGE_MINUTES": "60"}, "ENQUIRY_NUDGE_MINUTES"),
])
def test_bad_enquiry_settings_stop_with_a_line_naming_them(monkeypatch, env, name):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError, match=name):
        load_settings(_env_file=None)


def test_the_intake_channel_is_checked_at_start(services, fake_slack):
    from bot.channels import configured_channels

    assert configured_channels(services.settings)["INTAKE_CHANNEL"] == INTAKE


def test_the_manifest_declares_the_command_and_the_message_shortcut():
    from pathlib import Path

    import yaml

    from bot.ids import EnquiryShortcut

    manifest = yaml.safe_load((Path(__file__).resolve().parents[1] / "manifest.yml").read_text())
    assert "/enquiry" in {c["command"] for c in manifest["features"]["slash_commands"]}
    shortcuts = {s["callback_id"]: s["type"] for s in manifest["features"]["shortcuts"]}
    assert shortcuts == {EnquiryShortcut.LOG.value: "message"}

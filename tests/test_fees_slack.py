"""Fees on matters in Slack: `/lawcrm fees`, who sees them, the terms and entry modals, approval -> terms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from bot.flows import directory
from bot.ids import Command, FeeAction, FeeView
from bot.ids import FeeBlock as B
from bot.ids import IntakeAction
from bot.settings import SettingsError, load_settings
from storage.models import AuditEvent, FeeEntry, Matter
from tests.intake_helpers import answers, review_ref, send_for_approval, submit_form
from tests.support import make_staff
from tests.upkeep_support import make_client, make_matter, staff_id


@pytest.fixture
def people(services):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LEAD", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Chen Jie")
    make_staff(services, "U0ASSIST", "assistant", "Han Meimei")
    make_staff(services, "U0HELPER", "assistant", "Zhou Xun")
    make_staff(services, "U0STRAY", "assistant", "Sun Li")
    make_staff(services, "U0SERVICE", "client_service", "Ma Lin")
    with services.session() as session:
        directory.assign_assistant(session, by="test", assistant_slack_id="U0HELPER", lawyer_slack_id="U0LEAD")


@pytest.fixture
def matter(services, people):
    """A matter of Acme whose client team is the lead lawyer and an assistant; its number."""
    cid = make_client(services, "Acme Trading Ltd", team={"U0LEAD": "lead_lawyer", "U0ASSIST": "assistant"})
    mid = make_matter(services, cid, lead="U0LEAD")
    with services.session() as session:
        return session.get(Matter, mid).number


def fees_reply(slack, fake_slack, user, number):
    """Type `/lawcrm fees NUMBER`; the private answer."""
    before = len(fake_slack.of("response_url"))
    slack.command(user, Command.LAWCRM, f"fees {number}")
    return fake_slack.wait_for("response_url", count=before + 1)[-1].params


def buttons(reply):
    """The action ids of a reply's buttons."""
    return [e["action_id"] for b in reply.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def reply_text(reply):
    """Every section and context text of a reply."""
    out = []
    for b in reply.get("blocks") or []:
        if b["type"] == "section":
            out.append(b["text"]["text"])
        elif b["type"] == "context":
            out += [e["text"] for e in b["elements"]]
    return "\n".join(out) or reply.get("text", "")


def open_modal(slack, fake_slack, user, action, number, message=None):
    """Click a fee button; the modal as Slack shows it once filled in."""
    before = len(fake_slack.of("views.update"))
    slack.click(user, action, number, message=message)
    fake_slack.wait_for("views.update", count=before + 1)
    return fake_slack.views[fake_slack.of("views.update")[-1].answer["view"]["id"]]


def fee_reads(services):
    """(actor, entity_id, fields) of every audited read of fees."""
    with services.session() as session:
        return [(e.actor, e.entity_id, e.fields) for e in session.execute(
            select(AuditEvent).where(AuditEvent.action == "read", AuditEvent.entity == "matter")
            .order_by(AuditEvent.seq)).scalars()]


def entries(services):
    with services.session() as session:
        return list(session.execute(select(FeeEntry).order_by(FeeEntry.id)).scalars())


def test_partners_and_the_clients_team_see_fees_others_are_refused_and_reads_are_audited(
        services, slack, fake_slack, matter):
    partner = fees_reply(slack, fake_slack, "U0PARTNER", matter)
    assert buttons(partner) == [FeeAction.SET_TERMS, FeeAction.RECORD_INVOICE, FeeAction.RECORD_PAYMENT]
    assert "No fee terms yet" in reply_text(partner) and "confidential" in reply_text(partner).lower()
    assert "Invoiced *CNY 0.00* · Collected *CNY 0.00* · Outstanding *CNY 0.00*" in reply_text(partner)
    for user in ("U0LEAD", "U0ASSIST", "U0HELPER"):     # lead, assistant on the team, the lead's assistant
        reply = fees_reply(slack, fake_slack, user, matter)
        assert buttons(reply) == [FeeAction.RECORD_INVOICE, FeeAction.RECORD_PAYMENT], user
    for user in ("U0OTHER", "U0STRAY", "U0SERVICE"):    # not on the client's team
        reply = fees_reply(slack, fake_slack, user, matter)
        assert not buttons(reply) and "only partners and the client's team" in reply["text"], user
    missing = fees_reply(slack, fake_slack, "U0PARTNER", "2099-NOPE-1")
    assert "No matter numbered" in missing["text"]
    usage = fees_reply(slack, fake_slack, "U0PARTNER", "")
    assert "/lawcrm fees NUMBER" in usage["text"]
    fake_slack.settle()
    with services.session() as session:
        mid = session.execute(select(Matter.id).where(Matter.number == matter)).scalar_one()
    readers = [actor for actor, eid, _f in fee_reads(services) if eid == str(mid)]
    assert readers == [f"staff:{staff_id(services, u)}" for u in ("U0PARTNER", "U0LEAD", "U0ASSIST", "U0HELPER")]
    assert all(f == ["agreed_amount", "fee_entry.amount", "fee_entry.reference"] for _a, _e, f in fee_reads(services))


def test_recording_an_invoice_validates_inline_and_writes_nothing_until_valid(services, slack, fake_slack,
                                                                             matter, clock):
    view = open_modal(slack, fake_slack, "U0ASSIST", FeeAction.RECORD_INVOICE, matter)
    assert view["callback_id"] == FeeView.ENTRY and "CNY" in str(view["blocks"])
    today = date(2026, 11, 23)
    base = {B.AMOUNT: "120,000", B.ON_DATE: today.isoformat(), B.REFERENCE: "INV-0001"}
    for bad, block in (({B.AMOUNT: "lots"}, B.AMOUNT), ({B.AMOUNT: "0"}, B.AMOUNT), ({B.AMOUNT: "-5"}, B.AMOUNT),
                       ({B.AMOUNT: "2000000000000"}, B.AMOUNT), ({B.ON_DATE: "2026-11-24"}, B.ON_DATE),
                       ({B.REFERENCE: "INV\x07"}, B.REFERENCE), ({B.REFERENCE: "R" * 101}, B.REFERENCE)):
        sent = slack.submit("U0ASSIST", view["id"], {**base, **bad})
        assert sent.json.get("response_action") == "errors" and set(sent.json["errors"]) == {block}, bad
    assert entries(services) == []
    sent = slack.submit("U0ASSIST", view["id"], {**base, B.AMOUNT: "12万"})
    assert sent.status == 200 and "response_action" not in sent.json, sent.json
    dm = fake_slack.wait_for("chat.postMessage")[0].params
    assert dm["channel"] == "U0ASSIST" and "CNY 120,000.00" in dm["text"] and matter in dm["text"]
    [entry] = entries(services)
    assert (entry.kind, entry.amount, entry.currency, entry.on_date, entry.reference, entry.source) == (
        "invoiced", "120000.00", "CNY", today, "INV-0001", "slack")
    assert entry.recorded_by_id == staff_id(services, "U0ASSIST") and entry.import_key
    with services.session() as session:
        raw = session.execute(text("SELECT amount, reference FROM fee_entries")).one()
        assert "120000" not in str(raw) and "INV-0001" not in str(raw)       # encrypted at rest
        created = session.execute(select(AuditEvent).where(AuditEvent.entity == "fee_entry")).scalar_one()
        assert (created.action, created.fields) == ("create", ["amount", "currency", "kind", "on_date", "reference"])
    # the same invoice twice is refused beside the amount
    view = open_modal(slack, fake_slack, "U0LEAD", FeeAction.RECORD_INVOICE, matter)
    sent = slack.submit("U0LEAD", view["id"], {**base, B.AMOUNT: "120000.00"})
    assert set(sent.json["errors"]) == {B.AMOUNT} and "already recorded" in sent.json["errors"][B.AMOUNT]
    assert len(entries(services)) == 1


def test_payments_make_the_outstanding_and_the_summary_shows_them(services, slack, fake_slack, matter):
    for action, amount, day, ref in ((FeeAction.RECORD_INVOICE, "1,200,000", "2026-10-01", "INV-1"),
                                     (FeeAction.RECORD_PAYMENT, "450000.5", "2026-11-02", ""),
                                     (FeeAction.RECORD_PAYMENT, "¥49,999.50", "2026-11-20", "RCPT-7")):
        view = open_modal(slack, fake_slack, "U0LEAD", action, matter)
        sent = slack.submit("U0LEAD", view["id"], {B.AMOUNT: amount, B.ON_DATE: day, B.REFERENCE: ref})
        assert "response_action" not in sent.json, sent.json
    fake_slack.wait_for("chat.postMessage", count=3)
    shown = reply_text(fees_reply(slack, fake_slack, "U0PARTNER", matter))
    assert "Invoiced *CNY 1,200,000.00*" in shown and "Collected *CNY 500,000.00*" in shown
    assert "Outstanding *CNY 700,000.00*" in shown
    assert "2026-11-20 · Collected · CNY 49,999.50 · ref. RCPT-7" in shown
    assert shown.index("2026-11-20") < shown.index("2026-11-02") < shown.index("2026-10-01")  # latest first
    assert [e.kind for e in entries(services)] == ["invoiced", "collected", "collected"]
    make_staff(services, "U0ZH", "partner", "Zhao Min", locale="zh-CN")
    zh = reply_text(fees_reply(slack, fake_slack, "U0ZH", matter.lower()))    # the number in any case
    assert "已开票 *CNY 1,200,000.00*" in zh and "未收 *CNY 700,000.00*" in zh and "票据号 RCPT-7" in zh


def test_someone_off_the_team_cannot_record_even_with_a_forged_click(services, slack, fake_slack, matter):
    view = open_modal(slack, fake_slack, "U0OTHER", FeeAction.RECORD_PAYMENT, matter)
    assert view["callback_id"] == FeeView.NOTICE and "only partners and the client's team" in str(view["blocks"])
    # a modal opened by someone on the team, then submitted by someone who is not
    view = open_modal(slack, fake_slack, "U0LEAD", FeeAction.RECORD_PAYMENT, matter)
    sent = slack.submit("U0OTHER", view["id"], {B.AMOUNT: "100", B.ON_DATE: "2026-11-23"})
    assert sent.json["response_action"] == "update"
    assert "only partners and the client's team" in str(sent.json["view"]["blocks"])
    assert entries(services) == []


def test_only_partners_set_terms_with_inline_validation_and_an_audit(services, slack, fake_slack, matter, clock):
    view = open_modal(slack, fake_slack, "U0LEAD", FeeAction.SET_TERMS, matter)
    assert view["callback_id"] == FeeView.NOTICE and "Only partners" in str(view["blocks"])
    view = open_modal(slack, fake_slack, "U0PARTNER", FeeAction.SET_TERMS, matter)
    assert view["callback_id"] == FeeView.TERMS
    sent = slack.submit("U0PARTNER", view["id"], {B.AGREED: "a lot"})
    assert set(sent.json["errors"]) == {B.ARRANGEMENT, B.AGREED, B.COMPLEXITY}
    sent = slack.submit("U0PARTNER", view["id"], {B.ARRANGEMENT: "contingency", B.AGREED: "50万",
                                                 B.COMPLEXITY: "9"})
    assert set(sent.json["errors"]) == {B.COMPLEXITY}
    with services.session() as session:
        assert session.execute(select(Matter.fee_arrangement)).scalar_one() is None
    sent = slack.submit("U0PARTNER", view["id"], {B.ARRANGEMENT: "contingency", B.AGREED: "50万",
                                                 B.COMPLEXITY: "4"})
    assert "response_action" not in sent.json, sent.json
    assert "saved" in fake_slack.wait_for("chat.postMessage")[0].params["text"]
    partner = staff_id(services, "U0PARTNER")
    with services.session() as session:
        m = session.execute(select(Matter)).scalar_one()
        assert (m.fee_arrangement, m.agreed_amount, m.complexity) == ("contingency", "500000.00", 4)
        assert m.fees_set_by_id == partner and m.fees_set_at == clock.now
        raw = session.execute(text("SELECT agreed_amount FROM matters")).scalar_one()
        assert "500000" not in raw
        update = session.execute(select(AuditEvent).where(AuditEvent.action == "update",
                                                          AuditEvent.entity == "matter")).scalar_one()
        assert update.fields == ["agreed_amount", "complexity", "fee_arrangement", "fees_set_at", "fees_set_by_id"]
    # the modal opens with the terms as they are; clearing the amount is a change
    view = open_modal(slack, fake_slack, "U0PARTNER", FeeAction.SET_TERMS, matter)
    agreed = next(b for b in view["blocks"] if b.get("block_id") == B.AGREED)
    assert agreed["element"]["initial_value"] == "500000.00"
    slack.submit("U0PARTNER", view["id"], {B.AGREED: ""})
    fake_slack.wait_for("chat.postMessage", count=2)
    with services.session() as session:
        m = session.execute(select(Matter)).scalar_one()
        assert (m.fee_arrangement, m.agreed_amount, m.complexity) == ("contingency", None, 4)
    shown = reply_text(fees_reply(slack, fake_slack, "U0LEAD", matter))
    assert "Arrangement: *Contingency*" in shown and "Complexity: *4*" in shown and "<@U0PARTNER>" in shown


def test_after_approving_an_intake_the_partner_sets_fees_and_complexity(services, slack, fake_slack):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    results = submit_form(slack, fake_slack, "U0LAWYER", answers())
    send_for_approval(slack, fake_slack, "U0LAWYER", results)
    ref = review_ref(services)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    update = fake_slack.wait_for("chat.update")[0].params
    [offer] = [b["accessory"] for b in update["blocks"] if b.get("accessory", {}).get("action_id") == FeeAction.SET_TERMS]
    assert offer["value"] == "2026-LIT-0001"
    fake_slack.settle()
    # the requester (a lawyer) cannot use it; the partner can
    view = open_modal(slack, fake_slack, "U0LAWYER", FeeAction.SET_TERMS, offer["value"], message=ref)
    assert view["callback_id"] == FeeView.NOTICE
    view = open_modal(slack, fake_slack, "U0PARTNER", FeeAction.SET_TERMS, offer["value"], message=ref)
    assert view["callback_id"] == FeeView.TERMS and "2026-LIT-0001" in str(view["blocks"])
    sent = slack.submit("U0PARTNER", view["id"], {B.ARRANGEMENT: "fixed", B.AGREED: "80000", B.COMPLEXITY: "2"})
    assert "response_action" not in sent.json, sent.json
    fake_slack.settle()
    with services.session() as session:
        m = session.execute(select(Matter).where(Matter.number == "2026-LIT-0001")).scalar_one()
        assert (m.fee_arrangement, m.agreed_amount, m.complexity) == ("fixed", "80000.00", 2)


def test_a_declined_intake_offers_no_fee_terms(services, slack, fake_slack):
    from bot.ids import IntakeBlock

    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    results = submit_form(slack, fake_slack, "U0LAWYER", answers())
    send_for_approval(slack, fake_slack, "U0LAWYER", results)
    ref = review_ref(services)
    slack.click("U0PARTNER", IntakeAction.DECLINE, str(ref["id"]), message=ref)
    view = slack.opened_view()
    slack.submit("U0PARTNER", view["id"], {IntakeBlock.REASON: "conflict of interest"})
    update = fake_slack.wait_for("chat.update")[0].params
    assert FeeAction.SET_TERMS not in str(update["blocks"])


def test_the_currency_setting_is_used_and_checked(services, fake_slack, matter, monkeypatch):
    from bot.app import create_app
    from bot.console.driver import SlackDriver
    from tests.conftest import SIGNING_SECRET

    services.settings = services.settings.model_copy(update={"currency": "USD"})
    app, _ = create_app(services=services)
    driver = SlackDriver(app, signing_secret=SIGNING_SECRET, fake=fake_slack)
    view = open_modal(driver, fake_slack, "U0LEAD", FeeAction.RECORD_PAYMENT, matter)
    driver.submit("U0LEAD", view["id"], {B.AMOUNT: "3k", B.ON_DATE: "2026-11-23"})
    assert "USD 3,000.00" in fake_slack.wait_for("chat.postMessage")[0].params["text"]
    fake_slack.settle()
    assert [(e.currency, Decimal(e.amount)) for e in entries(services)] == [("USD", Decimal("3000.00"))]
    assert load_settings(_env_file=None).currency == "CNY"
    monkeypatch.setenv("CURRENCY", "hkd")
    assert load_settings(_env_file=None).currency == "HKD"
    for bad in ("RMB1", "元", "US"):
        monkeypatch.setenv("CURRENCY", bad)
        with pytest.raises(SettingsError) as caught:
            load_settings(_env_file=None)
        assert str(caught.value).startswith("invalid setting CURRENCY: ")

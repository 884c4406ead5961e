"""Editing a client from its card: details, contacts, dates, aliases, audit, who may edit."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from bot.flows.conflicts import search_conflicts
from bot.ids import ClientEditAction as CE
from bot.ids import ClientEditBlock as B
from bot.ids import ClientEditView as V
from bot.ids import Command
from bot.blocks.client_edit import contact_block, date_block
from storage.models import AuditEvent, Client, ClientContact, ImportantDate, Party
from tests.support import make_staff
from tests.upkeep_support import make_client, staff_id

USCC = "91330100716105852F"
RESIDENT_ID = "11010519491231002X"


@pytest.fixture
def people(services):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LEAD", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Chen Jie")
    make_staff(services, "U0ADMIN", "admin", "Records")


@pytest.fixture
def acme(services, people):
    return make_client(services, "Acme Trading Ltd", team={"U0LEAD": "lead_lawyer"})


def open_edit(slack, fake_slack, user, client_id):
    """Click Edit on the card; the form as Slack shows it once filled in."""
    before = len(fake_slack.of("views.update"))
    slack.click(user, CE.EDIT, str(client_id))
    fake_slack.wait_for("views.update", count=before + 1)
    return fake_slack.views[fake_slack.of("views.update")[-1].answer["view"]["id"]]


def enterprise_answers(**overrides):
    base = {B.NAME: "Acme Trading Ltd", B.ID_NUMBER: USCC, B.LEGAL_REP: "Zhang Sanfeng",
            B.ADDRESS: "88 Nanjing Road, Shanghai", B.INDUSTRY: "Retail", B.SIZE: "medium",
            B.DECISION_MAKER: "Li Sixiang", B.PHONE: "138 1234 5678", B.EMAIL: "gc@acme.cn",
            B.SOURCE: "website", B.REFERRER: "", B.CHANNEL: "wechat", B.VALUES: ["speed", "cost"],
            B.TAGS: "IP, urgent，IP", B.ALIASES: "艾克米贸易\nACME HK"}
    base.update(overrides)
    return base


def audit_rows(services):
    with services.session() as session:
        return list(session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())


def test_the_team_edits_an_enterprise_and_the_audit_names_fields_never_values(services, slack, fake_slack,
                                                                                acme, clock):
    view = open_edit(slack, fake_slack, "U0LEAD", acme)
    assert view["callback_id"] == V.MAIN
    blocks = {b.get("block_id") for b in view["blocks"]}
    assert {B.LEGAL_REP, B.SIZE, B.DECISION_MAKER, B.ID_NUMBER, B.ALIASES, B.TAGS} <= blocks
    assert B.GENDER not in blocks and B.CONSENT not in blocks
    assert len(view["blocks"]) <= 100
    globex = make_client(services, "Globex Ltd", team={"U0LEAD": "lead_lawyer"})
    hidden = make_client(services, "Hidden Ltd", team={"U0OTHER": "lead_lawyer"})
    sent = slack.submit("U0LEAD", view["id"], enterprise_answers(**{B.SOURCE: "referral",
                                                                    B.REFERRER_CLIENT: str(acme)}))
    assert sent.json["errors"] == {B.REFERRER_CLIENT: "A client can't refer itself."}
    sent = slack.submit("U0LEAD", view["id"], enterprise_answers(**{B.REFERRER_CLIENT: str(hidden)}))
    assert set(sent.json["errors"]) == {B.REFERRER_CLIENT}
    sent = slack.submit("U0LEAD", view["id"], enterprise_answers(**{B.REFERRER_STAFF: "U0NOBODY"}))
    assert set(sent.json["errors"]) == {B.REFERRER_STAFF}
    sent = slack.submit("U0LEAD", view["id"], enterprise_answers(**{
        B.REFERRER_STAFF: "U0PARTNER", B.SOURCE: "referral", B.REFERRER: "Mr Zhou at the chamber",
        B.REFERRER_CLIENT: str(globex)}))
    assert sent.status == 200 and "response_action" not in sent.json, sent.json
    dm = fake_slack.wait_for("chat.postMessage")[0].params
    assert dm["channel"] == "U0LEAD" and "Saved *Acme Trading Ltd*" in dm["text"]
    partner, lead = staff_id(services, "U0PARTNER"), staff_id(services, "U0LEAD")
    with services.session() as session:
        c = session.get(Client, acme)
        assert (c.legal_representative, c.address, c.industry, c.company_size, c.decision_maker) == (
            "Zhang Sanfeng", "88 Nanjing Road, Shanghai", "Retail", "medium", "Li Sixiang")
        assert (c.phone, c.email, c.id_number, c.preferred_channel) == ("+86 13812345678", "gc@acme.cn",
                                                                        USCC, "wechat")
        assert c.preferences == {"values": ["speed", "cost"]} and c.tags == ["IP", "urgent"]
        assert c.referrer_staff_id == partner and c.id_number_bidx and c.referrer_client_id == globex
        assert (c.source_channel, c.referrer) == ("referral", "Mr Zhou at the chamber")
        assert c.details_changed_at == clock.now and c.details_confirmed_at == clock.now
        raw = session.execute(text("SELECT legal_representative, decision_maker, phone FROM clients "
                                   "WHERE id = :id"), {"id": acme}).one()
        assert "Zhang" not in str(raw) and "13812345678" not in str(raw)       # encrypted at rest
    [update] = [e for e in audit_rows(services) if e.action == "update" and e.entity == "client"]
    assert update.actor == f"staff:{lead}"
    assert {"legal_representative", "phone", "id_number", "tags", "aliases", "referrer_staff_id",
            "preferences"} <= set(update.fields)
    dump = json.dumps([[e.actor, e.action, e.entity, e.entity_id, e.fields] for e in audit_rows(services)],
                      ensure_ascii=False)
    for value in ("Zhang", "13812345678", "gc@acme", USCC, "艾克米", "Retail", "urgent"):
        assert value not in dump, value


def test_aliases_go_into_the_conflict_index_and_conflict_finds_the_client(services, slack, fake_slack, acme):
    view = open_edit(slack, fake_slack, "U0LEAD", acme)
    slack.submit("U0LEAD", view["id"], enterprise_answers())
    fake_slack.wait_for("chat.postMessage")
    with services.session() as session:
        hits = search_conflicts(session, names=["艾克米贸易"], cache=services.cache)[0].hits
        assert acme in {session.get(Party, h.party_id).client_id for h in hits}
    slack.command("U0OTHER", Command.CONFLICT, "艾克米贸易")
    reply = fake_slack.wait_for("response_url")[0].params
    shown = "\n".join(b["text"]["text"] for b in reply["blocks"] if b["type"] == "section")
    assert "no hits" not in shown and "client" in shown
    # removing an alias takes it out of the index; a new name keeps the old one as an alias
    view = open_edit(slack, fake_slack, "U0LEAD", acme)
    assert "艾克米贸易" in view["blocks"][-1]["element"].get("initial_value", "")
    slack.submit("U0LEAD", view["id"], enterprise_answers(**{B.NAME: "Acme Group Ltd", B.ALIASES: "ACME HK"}))
    fake_slack.wait_for("chat.postMessage", count=2)
    with services.session() as session:
        aliases = sorted(session.execute(select(Party.name).where(
            Party.client_id == acme, Party.source == "client_alias")).scalars())
        assert aliases == ["ACME HK", "Acme Trading Ltd"]
        hits = search_conflicts(session, names=["艾克米贸易"], cache=services.cache)[0].hits
        assert acme not in {session.get(Party, h.party_id).client_id for h in hits}
        hits = search_conflicts(session, names=["Acme Group"], cache=services.cache)[0].hits
        assert acme in {session.get(Party, h.party_id).client_id for h in hits}


@pytest.mark.parametrize("answers, errors", [
    ({B.ID_NUMBER: "91330100716105852A"}, {B.ID_NUMBER}),
    ({B.PHONE: "12345"}, {B.PHONE}),
    ({B.EMAIL: "not-an-email"}, {B.EMAIL}),
    ({B.SOURCE: "referral", B.REFERRER: ""}, {B.REFERRER}),
    ({B.NAME: "  "}, {B.NAME}),
    ({B.NAME: "Acme \u202eLtd"}, {B.NAME}),
    ({B.TAGS: ", ".join(f"t{i}" for i in range(25))}, {B.TAGS}),
    ({B.PHONE: "1", B.EMAIL: "x@"}, {B.PHONE, B.EMAIL}),
])
def test_bad_input_is_answered_inline_and_nothing_is_written(services, slack, fake_slack, acme, answers,
                                                             errors):
    view = open_edit(slack, fake_slack, "U0LEAD", acme)
    sent = slack.submit("U0LEAD", view["id"], enterprise_answers(**answers))
    assert sent.json["response_action"] == "errors" and set(sent.json["errors"]) == errors, sent.json
    with services.session() as session:
        c = session.get(Client, acme)
        assert c.name == "Acme Trading Ltd" and c.phone is None and c.details_changed_at is None
        assert not session.execute(select(Party)).first()
    assert not [e for e in audit_rows(services) if e.action == "update"]


def test_an_id_number_of_another_client_is_refused_inline(services, slack, fake_slack, acme):
    other = make_client(services, "Globex Ltd", team={"U0LEAD": "lead_lawyer"})
    view = open_edit(slack, fake_slack, "U0LEAD", other)
    slack.submit("U0LEAD", view["id"], enterprise_answers(**{B.NAME: "Globex Ltd", B.ALIASES: ""}))
    fake_slack.wait_for("chat.postMessage")
    view = open_edit(slack, fake_slack, "U0LEAD", acme)
    sent = slack.submit("U0LEAD", view["id"], enterprise_answers())
    assert sent.json["response_action"] == "errors" and B.ID_NUMBER in sent.json["errors"]
    with services.session() as session:
        assert session.get(Client, acme).id_number is None and not session.execute(
            select(Party).where(Party.client_id == acme)).first()


def test_people_not_on_the_team_are_refused(services, slack, fake_slack, acme):
    for user in ("U0OTHER", "U0ADMIN"):
        view = open_edit(slack, fake_slack, user, acme)
        assert view["callback_id"] == V.NOTICE and "No client you serve" in json.dumps(view["blocks"])
    # a form opened by the lead, submitted by someone else (a forged payload), changes nothing
    view = open_edit(slack, fake_slack, "U0LEAD", acme)
    sent = slack.submit("U0OTHER", view["id"], enterprise_answers(**{B.NAME: "Hijacked"}))
    assert sent.json["response_action"] == "update"
    assert "No client you serve" in json.dumps(sent.json["view"]["blocks"])
    with services.session() as session:
        assert session.get(Client, acme).name == "Acme Trading Ltd"
    # partners may edit any client
    view = open_edit(slack, fake_slack, "U0PARTNER", acme)
    assert view["callback_id"] == V.MAIN


def test_an_individual_id_number_needs_consent_shows_masked_and_goes_when_consent_is_withdrawn(
        services, slack, fake_slack, people):
    with services.session() as session:
        client = Client(kind="individual", name="Zhang Wei", tier="potential", status="active",
                        created_at=datetime(2025, 1, 1, tzinfo=UTC))
        session.add(client)
        session.flush()
        cid = client.id
    view = open_edit(slack, fake_slack, "U0PARTNER", cid)
    blocks = {b.get("block_id") for b in view["blocks"]}
    assert {B.GENDER, B.CONSENT, B.ID_NUMBER, B.ADDRESS} <= blocks and B.LEGAL_REP not in blocks
    base = {B.NAME: "Zhang Wei", B.GENDER: "male", B.ID_NUMBER: RESIDENT_ID, B.PHONE: "13912345678",
            B.ADDRESS: "1 Chang'an Ave"}
    sent = slack.submit("U0PARTNER", view["id"], base)
    assert sent.json["response_action"] == "errors" and set(sent.json["errors"]) == {B.CONSENT}
    sent = slack.submit("U0PARTNER", view["id"], {**base, B.ID_NUMBER: "110105194912310021"})
    assert set(sent.json["errors"]) == {B.ID_NUMBER}
    sent = slack.submit("U0PARTNER", view["id"], {**base, B.CONSENT: ["yes"]})
    assert "response_action" not in sent.json
    with services.session() as session:
        c = session.get(Client, cid)
        assert c.id_number == RESIDENT_ID and c.gender == "male" and c.sensitive_consent_at is not None
    view = open_edit(slack, fake_slack, "U0PARTNER", cid)
    shown = json.dumps(view, ensure_ascii=False)
    assert RESIDENT_ID not in shown and "002X" in shown            # only a masked hint
    reads = [e for e in audit_rows(services) if e.action == "read" and e.entity == "client"]
    assert reads and "id_number" in reads[-1].fields
    # a blank ID keeps it; unticking consent removes it
    slack.submit("U0PARTNER", view["id"], {**base, B.ID_NUMBER: "", B.CONSENT: ["yes"]})
    fake_slack.settle()  # the listener goes on after the ack
    with services.session() as session:
        assert session.get(Client, cid).id_number == RESIDENT_ID
    slack.submit("U0PARTNER", view["id"], {**base, B.ID_NUMBER: "", B.CONSENT: []})
    fake_slack.settle()  # the listener goes on after the ack
    with services.session() as session:
        c = session.get(Client, cid)
        assert c.id_number is None and c.id_number_bidx is None and c.sensitive_consent_at is None


def test_submitting_unchanged_details_confirms_them(services, slack, fake_slack, acme, clock):
    view = open_edit(slack, fake_slack, "U0LEAD", acme)
    sent = slack.submit("U0LEAD", view["id"], {B.NAME: "Acme Trading Ltd"})
    assert "response_action" not in sent.json
    assert "confirmed" in fake_slack.wait_for("chat.postMessage")[0].params["text"]
    with services.session() as session:
        c = session.get(Client, acme)
        assert c.details_confirmed_at == clock.now and c.details_changed_at is None
    assert [e.fields for e in audit_rows(services) if e.action == "confirm"] == [["details_confirmed_at"]]


def test_contacts_in_a_pushed_view(services, slack, fake_slack, acme):
    view = open_edit(slack, fake_slack, "U0LEAD", acme)
    slack.click("U0LEAD", CE.CONTACTS, str(acme), view_id=view["id"])
    fake_slack.wait_for("views.push")
    fake_slack.wait_for("views.update", count=2)
    pushed = fake_slack.views[fake_slack.of("views.push")[0].answer["view"]["id"]]
    assert pushed["callback_id"] == V.CONTACTS and len(pushed["blocks"]) <= 100
    bad = {contact_block(0, "name"): "Wang Wu", contact_block(0, "email"): "ww@",
           contact_block(1, "phone"): "13912345678"}
    sent = slack.submit("U0LEAD", pushed["id"], bad)
    assert sent.json["response_action"] == "errors"
    assert set(sent.json["errors"]) == {contact_block(0, "email"), contact_block(1, "name")}
    good = {contact_block(0, "name"): "Wang Wu", contact_block(0, "title"): "General counsel",
            contact_block(0, "phone"): "139-1234-5678", contact_block(0, "email"): "ww@acme.cn",
            contact_block(0, "wechat"): "wangwu88", contact_block(1, "name"): "Zhao Liu",
            contact_block(1, "title"): "CFO"}
    sent = slack.submit("U0LEAD", pushed["id"], good)
    assert "response_action" not in sent.json
    with services.session() as session:
        rows = session.execute(select(ClientContact).order_by(ClientContact.id)).scalars().all()
        assert [(c.name, c.title, c.phone, c.wechat, c.is_primary) for c in rows] == [
            ("Wang Wu", "General counsel", "+86 13912345678", "wangwu88", True),
            ("Zhao Liu", "CFO", None, None, False)]
        assert session.get(Client, acme).details_changed_at is not None
    created = [e.fields for e in audit_rows(services) if e.entity == "client_contact" and e.action == "create"]
    assert created == [["email", "name", "phone", "title", "wechat"], ["name", "title"]]
    # opened again, the contacts are filled in; clearing one removes it
    slack.click("U0LEAD", CE.CONTACTS, str(acme), view_id=view["id"])
    fake_slack.wait_for("views.push", count=2)
    fake_slack.wait_for("views.update", count=3)
    pushed = fake_slack.views[fake_slack.of("views.push")[1].answer["view"]["id"]]
    assert "Wang Wu" in json.dumps(pushed)
    slack.submit("U0LEAD", pushed["id"], {contact_block(0, n): "" for n in ("name", "title", "phone",
                                                                          "email", "wechat")})
    with services.session() as session:
        assert [(c.name, c.is_primary) for c in session.execute(select(ClientContact)).scalars()] == [
            ("Zhao Liu", True)]
    assert [e for e in audit_rows(services) if e.entity == "client_contact" and e.action == "delete"]


def test_yearly_dates_in_a_pushed_view_reach_the_card(services, slack, fake_slack, acme, clock):
    view = open_edit(slack, fake_slack, "U0LEAD", acme)
    slack.click("U0LEAD", CE.DATES, str(acme), view_id=view["id"])
    fake_slack.wait_for("views.push")
    fake_slack.wait_for("views.update", count=2)
    pushed = fake_slack.views[fake_slack.of("views.push")[0].answer["view"]["id"]]
    assert pushed["callback_id"] == V.DATES
    sent = slack.submit("U0LEAD", pushed["id"], {B.YEARLY: "2030-01-01",
                                                 date_block(0, "label"): "Chairman's birthday"})
    assert set(sent.json["errors"]) == {B.YEARLY, date_block(0, "label")}
    sent = slack.submit("U0LEAD", pushed["id"], {B.YEARLY: "2008-12-02",
                                                 date_block(0, "label"): "Chairman's birthday",
                                                 date_block(0, "on"): "1970-12-20"})
    assert "response_action" not in sent.json
    with services.session() as session:
        rows = session.execute(select(ImportantDate).order_by(ImportantDate.id)).scalars().all()
        assert [(d.kind, d.on_date, d.label, d.yearly) for d in rows] == [
            ("anniversary", date(2008, 12, 2), None, True),
            ("yearly", date(1970, 12, 20), "Chairman's birthday", True)]
    slack.command("U0LEAD", Command.CLIENT, "Acme Trading")
    card = json.dumps(fake_slack.wait_for("response_url")[0].params["blocks"])
    assert "2026-12-02 company anniversary" in card and "2026-12-20" in card


def test_a_typed_referrer_is_linked_to_the_one_colleague_or_client_it_names(services, slack, fake_slack, acme):
    globex = make_client(services, "Globex Trading Co., Ltd.", team={"U0LEAD": "lead_lawyer"})
    partner = staff_id(services, "U0PARTNER")
    view = open_edit(slack, fake_slack, "U0LEAD", acme)
    slack.submit("U0LEAD", view["id"], enterprise_answers(**{B.SOURCE: "referral", B.REFERRER: "wang fang"}))
    fake_slack.settle()  # the listener goes on after the ack
    with services.session() as session:
        c = session.get(Client, acme)
        assert (c.referrer, c.referrer_staff_id, c.referrer_client_id) == ("wang fang", partner, None)
    slack.submit("U0LEAD", view["id"], enterprise_answers(**{B.SOURCE: "referral", B.REFERRER: "GLOBEX TRADING"}))
    fake_slack.settle()  # the listener goes on after the ack
    with services.session() as session:
        c = session.get(Client, acme)
        assert (c.referrer_staff_id, c.referrer_client_id) == (None, globex)
    # a name nobody has stays free text only
    slack.submit("U0LEAD", view["id"], enterprise_answers(**{B.SOURCE: "referral", B.REFERRER: "Mr Zhou"}))
    fake_slack.settle()  # the listener goes on after the ack
    with services.session() as session:
        c = session.get(Client, acme)
        assert (c.referrer, c.referrer_staff_id, c.referrer_client_id) == ("Mr Zhou", None, None)


"""/intake end to end: form → check → review channel → partner decision → numbered matter."""

from __future__ import annotations

from sqlalchemy import select

from bot.ids import IntakeAction
from storage.models import (AuditEvent, Client, ClientTeamMember, Matter, MatterTeamMember, Party)
from tests.intake_helpers import (REVIEW, answers, requests, review_ref, section_text,
                                  send_for_approval, submit_form)
from tests.support import make_staff


def _people(services):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0ASSIST", "assistant", "Han Meimei")
    make_staff(services, "U0PARTNER", "partner", "Wang Fang", locale="zh-CN")
    from bot.flows import directory
    with services.session() as session:
        directory.assign_assistant(session, by="test", assistant_slack_id="U0ASSIST",
                                   lawyer_slack_id="U0LAWYER")


def test_happy_path_from_intake_to_an_approved_numbered_matter(services, slack, fake_slack):
    _people(services)
    results = submit_form(slack, fake_slack, "U0LAWYER", answers())
    text = section_text(results)
    assert "Acme Robotics Ltd" in text and "Globex Corporation" in text and "Initech LLC" in text
    assert text.count("no hits") == 3
    post = send_for_approval(slack, fake_slack, "U0LAWYER", results, note="Urgent: hearing soon")
    assert post["channel"] == REVIEW
    body = section_text(post)
    assert "<@U0LAWYER>" in body and "Acme Robotics Ltd" in body and "Globex Corporation" in body
    assert "Litigation — civil" in body and "Urgent: hearing soon" in body
    ref = review_ref(services)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    update = fake_slack.wait_for("chat.update")[0].params
    assert update["channel"] == REVIEW and update["ts"] == ref["ts"]
    assert "2026-LIT-0001" in section_text(update) and "<@U0PARTNER>" in section_text(update)
    assert not [b for b in update["blocks"] if b["type"] == "actions"]
    dm = fake_slack.wait_for("chat.postMessage", count=2)
    dm = [c.params for c in dm if c.params["channel"] == "U0LAWYER"][0]
    assert "2026-LIT-0001" in dm["text"] and "approved" in dm["text"]
    fake_slack.settle()
    with services.session() as session:
        client = session.execute(select(Client)).scalar_one()
        matter = session.execute(select(Matter)).scalar_one()
        assert (client.name, client.kind, client.status, client.email) == (
            "Acme Robotics Ltd", "enterprise", "active", "legal@acme.example")
        assert (matter.number, matter.client_id, matter.practice_area) == ("2026-LIT-0001", client.id, "lit_civil")
        lawyer_id = matter.lead_lawyer_id
        team = {(m.staff_id, m.role) for m in session.execute(select(MatterTeamMember)).scalars()}
        assert (lawyer_id, "lead_lawyer") in team and len(team) == 2
        assert {r.role for r in session.execute(select(ClientTeamMember)).scalars()} == {"lead_lawyer", "assistant"}
        parties = {(p.name, p.role, p.matter_id) for p in session.execute(select(Party)).scalars()}
        assert parties == {("Acme Robotics Ltd", "client", matter.id), ("Globex Corporation", "adverse", matter.id),
                           ("Initech LLC", "adverse", matter.id)}
        actions = {(e.action, e.entity) for e in session.execute(select(AuditEvent)).scalars()}
        assert {("create", "intake_request"), ("check", "intake_request"), ("submit", "intake_request"),
                ("decide", "intake_request"), ("create", "client"), ("create", "matter"),
                ("create", "party")} <= actions
    [req] = requests(services)
    assert (req.status, req.decision, req.matter_id) == ("approved", "approved", matter.id)


def test_sensitive_fields_are_encrypted_and_the_audit_log_holds_field_names_only(services, slack, fake_slack):
    import re

    from sqlalchemy import text

    from bot.ids import IntakeBlock as B

    _people(services)
    form = answers(**{B.KIND: "individual", B.NAME: "张伟", B.ID_NUMBER: "11010519491231002X",
                      B.CONSENT: ["yes"], B.PHONE: "13812345678", B.NEED: "劳动争议，需要代理仲裁"})
    results = submit_form(slack, fake_slack, "U0LAWYER", form)
    send_for_approval(slack, fake_slack, "U0LAWYER", results, note="客户很着急")
    post = fake_slack.messages_to(REVIEW)[-1]
    assert "11010519491231002X" not in str(post) and "002X" in section_text(post)
    ref = review_ref(services)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    fake_slack.wait_for("chat.update")
    fake_slack.settle()
    with services.engine.connect() as conn:
        raw = " ".join(str(row) for table in ("intake_requests", "clients", "parties", "audit_events")
                       for row in conn.execute(text(f"SELECT * FROM {table}")).all())
    for secret in ("11010519491231002X", "13812345678", "劳动争议", "客户很着急"):
        assert secret not in raw
    with services.session() as session:
        client = session.execute(select(Client)).scalar_one()
        assert client.id_number == "11010519491231002X" and client.sensitive_consent_at is not None
        assert client.phone == "+86 13812345678"
        for event in session.execute(select(AuditEvent)).scalars():
            assert all(re.fullmatch(r"[a-z_]+", f) for f in event.fields or []), event.fields


def test_a_company_approved_with_its_uscc_records_no_personal_consent(services, slack, fake_slack):
    from bot.ids import IntakeBlock as B

    _people(services)
    results = submit_form(slack, fake_slack, "U0LAWYER",
                          answers(**{B.ID_NUMBER: "91330100716105852F", B.CONSENT: ["yes"]}))
    send_for_approval(slack, fake_slack, "U0LAWYER", results)
    ref = review_ref(services)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    fake_slack.wait_for("chat.update")
    fake_slack.settle()
    with services.session() as session:
        client = session.execute(select(Client)).scalar_one()
        assert client.id_number == "91330100716105852F" and client.sensitive_consent_at is None

"""Recording a complaint: who may record it about which client, and one complaint per submitted form."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.flows import complaints as flow
from bot.flows.directory import find_actor
from bot.ids import ComplaintAction, ComplaintBlock
from storage.crypto import Keyring
from storage.models import AuditEvent, Client, Complaint
from tests.complaint_support import REVIEW_CHANNEL, answers, file_complaint, make_client, make_matter, make_staff

SECRET_PHONE = "+86 139 1111 2222"
SECRET_ID = "91310000MA1FL8XQ3B"


def _firm(services):
    """Partners, a lawyer who serves the client, and staff on no team of it."""
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    make_staff(services, "U0CS_ZH", "client_service", "Qian Li", locale="zh-CN")
    make_staff(services, "U0OTHERLAW", "lawyer", "Sun Qiang")
    make_staff(services, "U0ASSIST", "assistant", "Han Meimei")
    make_staff(services, "U0ADMIN", "admin", "Records")
    client_id = make_client(services, "华夏科技有限公司", team={"U0LAWYER": "lead_lawyer"})
    with services.session() as session:
        client = session.get(Client, client_id)
        client.phone, client.id_number, client.email = SECRET_PHONE, SECRET_ID, "boss@huaxia.example"
    make_matter(services, client_id, "2026-LIT-0001", lead="U0LAWYER")
    make_client(services, "Other Ltd", team={"U0LAWYER": "lead_lawyer"})
    return client_id


def _suggest(slack, user, text):
    slack.command(user, "/complaint")
    view = slack.opened_view()
    return slack.suggest(user, ComplaintAction.CLIENT, text, view_id=view["id"], block_id=ComplaintBlock.CLIENT)


@pytest.fixture
def decrypted(monkeypatch):
    """Every plaintext the keyring decrypts from now on."""
    seen: list[str] = []
    real = Keyring.decrypt

    def spy(self, token):  # type: ignore[no-untyped-def]
        value = real(self, token)
        seen.append(value)
        return value

    monkeypatch.setattr(Keyring, "decrypt", spy)
    return seen


@pytest.mark.parametrize("user", ["U0CS", "U0OTHERLAW", "U0ASSIST"])
def test_staff_on_no_team_find_any_client_by_name_and_only_its_name(services, slack, fake_slack, decrypted, user):
    client_id = _firm(services)
    answer = _suggest(slack, user, "华夏")
    [option] = answer.json["options"]
    assert (option["value"], option["text"]["text"]) == (str(client_id), "华夏科技有限公司")
    assert set(option) == {"text", "value"}  # the name, nothing else
    assert SECRET_PHONE not in decrypted and SECRET_ID not in decrypted


def test_admin_is_offered_no_client_and_cannot_record(services, slack, fake_slack):
    client_id = _firm(services)
    sent = slack.command("U0ADMIN", "/complaint")
    assert sent.status == 200
    fake_slack.settle()
    assert not fake_slack.of("views.open")
    with services.session() as session:
        admin = find_actor(session, slack_user_id="U0ADMIN", default_locale="en")
        draft = flow.ComplaintDraft(client_id=client_id, complainant_name="x", complainant_contact="y",
                                    against_user_id="U0LAWYER", matter_number=None, description="d",
                                    request="r", received_via="phone", received_at=services.now())
        assert flow.validate_draft(session, actor=admin, draft=draft, now=services.now()).errors["client_id"] \
            == "complaint.error.client_unknown"


def test_client_service_on_no_team_records_a_complaint_without_seeing_the_client(services, slack, fake_slack,
                                                                                   clock, decrypted):
    client_id = _firm(services)
    sent = file_complaint(slack, "U0CS", answers(client_id, against="U0LAWYER", received_at=clock.now - timedelta(hours=1),
                                                 **{ComplaintBlock.MATTER: "2026-LIT-0001"}))
    assert sent.status == 200 and not sent.json.get("errors")
    fake_slack.wait_for("chat.postMessage", 2)
    fake_slack.settle()
    with services.session() as session:
        [complaint] = session.execute(select(Complaint)).scalars()
        assert (complaint.client_id, complaint.matter_id is not None) == (client_id, True)
        reads = session.execute(select(AuditEvent.action, AuditEvent.entity)
                                .where(AuditEvent.entity.in_(("client", "client_contact")))).all()
    assert reads == []
    card = next(p.params for p in fake_slack.of("chat.postMessage") if p.params["channel"] == REVIEW_CHANNEL)
    assert "华夏科技有限公司" in card["text"]
    to_recorder = " ".join(m.get("text") or "" for m in fake_slack.messages_to("U0CS"))
    assert "#1" in to_recorder and "华夏" not in to_recorder
    everything = str([c.params for c in fake_slack.calls])
    assert SECRET_PHONE not in everything and SECRET_ID not in everything
    assert SECRET_PHONE not in decrypted and SECRET_ID not in decrypted

    # the client's details stay restricted to those who serve it
    before = len(fake_slack.of("response_url"))
    slack.command("U0CS", "/client", "华夏科技有限公司")
    reply = fake_slack.wait_for("response_url", before + 1)[-1].params["text"]
    assert "No client you serve matches" in reply and SECRET_PHONE not in reply


def test_a_client_that_does_not_exist_is_refused_inline(services, slack, fake_slack, clock):
    _firm(services)
    sent = file_complaint(slack, "U0CS_ZH", answers(9999, against="U0LAWYER", received_at=clock.now))
    assert sent.json["errors"] == {ComplaintBlock.CLIENT: "请从列表中选择客户。"}
    with services.session() as session:
        assert session.execute(select(Complaint)).first() is None


# --- one complaint per submitted form ------------------------------------------------------------

def _count(services, model=Complaint):
    with services.session() as session:
        return len(session.execute(select(model.id)).all())


def test_a_form_submitted_twice_records_one_complaint_one_card_and_one_thank_you(services, slack, fake_slack, clock):
    client_id = _firm(services)
    values = answers(client_id, against="U0LAWYER", received_at=clock.now)
    slack.command("U0CS", "/complaint")
    view = slack.opened_view()
    first = slack.submit("U0CS", view["id"], values)
    fake_slack.wait_for("chat.postMessage", 2)
    second = slack.submit("U0CS", view["id"], values)  # a new trigger id, the same view
    assert first.status == second.status == 200 and not second.json.get("errors")
    fake_slack.settle()
    assert _count(services) == 1
    assert len(fake_slack.messages_to(REVIEW_CHANNEL)) == 1 and len(fake_slack.messages_to("U0CS")) == 1
    with services.session() as session:
        creates = session.execute(select(AuditEvent.id).where(AuditEvent.entity == "complaint",
                                                              AuditEvent.action == "create")).all()
    assert len(creates) == 1


def test_a_form_submitted_twice_at_once_records_one_complaint(services, slack, fake_slack, clock):
    client_id = _firm(services)
    values = answers(client_id, against="U0LAWYER", received_at=clock.now)
    slack.command("U0CS", "/complaint")
    view = slack.opened_view()
    barrier = threading.Barrier(3)
    statuses = []

    def submit() -> None:
        barrier.wait()
        statuses.append(slack.submit("U0CS", view["id"], values).status)

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    fake_slack.wait_for("chat.postMessage", 2)
    fake_slack.settle()
    assert statuses == [200] * 3 and _count(services) == 1
    assert len(fake_slack.messages_to(REVIEW_CHANNEL)) == 1 and len(fake_slack.messages_to("U0CS")) == 1


def test_two_forms_with_the_same_answers_are_two_complaints(services, slack, fake_slack, clock):
    client_id = _firm(services)
    values = answers(client_id, against="U0LAWYER", received_at=clock.now)
    file_complaint(slack, "U0CS", values)
    file_complaint(slack, "U0CS", values)
    assert _count(services) == 2


def test_record_complaint_is_idempotent_per_submission_key(services, clock):
    client_id = _firm(services)
    draft = flow.ComplaintDraft(client_id=client_id, complainant_name="张伟", complainant_contact="+86 1",
                                against_user_id="U0LAWYER", matter_number=None, description="late",
                                request="a call", received_via="email", received_at=clock.now)
    results = []
    for _ in range(2):
        with services.session() as session:
            actor = find_actor(session, slack_user_id="U0CS", default_locale="en")
            results.append(flow.record_complaint(session, actor=actor, draft=draft, now=clock.now,
                                                 submission_key="V0SAME"))
    assert results == [(1, True), (1, False)]
    with services.session() as session:
        actor = find_actor(session, slack_user_id="U0CS", default_locale="en")
        assert flow.record_complaint(session, actor=actor, draft=draft, now=clock.now,
                                     submission_key="V0OTHER") == (2, True)

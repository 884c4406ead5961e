"""/note one-liner and form, the client type-ahead, /client card, encryption and audit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from bot.ids import TeamAction
from bot.ids import ClientEditAction as CE
from bot.ids import UpkeepAction as A
from bot.ids import UpkeepBlock as B
from storage.models import AuditEvent, ContactNote, FollowUp, PendingNote
from tests.support import make_staff
from tests.upkeep_support import add_date, add_follow_up, add_note, make_client, make_matter


def _seed(services):
    make_staff(services, "U0LAW1", "lawyer", "Li Lei")
    make_staff(services, "U0LAW2", "lawyer", "Han Meimei")
    acme = make_client(services, "Acme Trading Ltd", team={"U0LAW1": "lead_lawyer"})
    hua = make_client(services, "华为技术有限公司", tier="strategic", team={"U0LAW1": "lead_lawyer"})
    other = make_client(services, "Acme Holdings", team={"U0LAW2": "lead_lawyer"})
    return acme, hua, other


def _notes(services):
    with services.session() as session:
        return session.execute(select(ContactNote).order_by(ContactNote.id)).scalars().all()


def test_one_liner_records_note_and_follow_up_for_the_only_visible_match(services, slack, fake_slack):
    acme, _, other = _seed(services)
    slack.command("U0LAW1", "/note",
                  "acme: call, discussed the labour dispute; next: send handbook draft fri")
    reply = fake_slack.wait_for("response_url")[0].params
    assert reply["response_type"] == "ephemeral"
    assert "Acme Trading Ltd" in reply["text"] and "2026-11-27" in reply["text"]
    [note] = _notes(services)
    assert (note.client_id, note.channel) == (acme, "call")   # Acme Holdings is not visible to U0LAW1
    assert note.text == "call, discussed the labour dispute"
    with services.session() as session:
        [f] = session.execute(select(FollowUp)).scalars().all()
    assert (f.title, f.due_on, f.client_id, f.source_note_id) == (
        "send handbook draft", date(2026, 11, 27), acme, note.id)


def test_chinese_name_and_date(services, slack, fake_slack):
    _, hua, _ = _seed(services)
    slack.command("U0LAW1", "/note", "華為：拜访了总部，讨论合规；下一步：下周五发送方案")
    reply = fake_slack.wait_for("response_url")[0].params["text"]
    assert "华为技术有限公司" in reply and "2026-12-04" in reply
    [note] = _notes(services)
    assert (note.client_id, note.channel) == (hua, "visit")


def test_ambiguous_name_offers_a_pick_list_and_keeps_the_text_server_side(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner", "Wang")
    make_staff(services, "U0LAW1", "lawyer")
    a = make_client(services, "Acme Trading Ltd")
    b = make_client(services, "Acme Holdings")
    long_text = "meeting about the merger " + "x" * 2500
    slack.command("U0PARTNER", "/note", f"Acme: {long_text}")
    reply = fake_slack.wait_for("response_url")[0].params
    buttons = [el for blk in reply["blocks"] if blk["type"] == "actions" for el in blk["elements"]]
    assert sorted(int(el["value"].split(":")[1]) for el in buttons) == sorted([a, b])
    assert all(len(el["value"]) < 40 for el in buttons)      # the text is not in the buttons
    assert _notes(services) == []
    chosen = next(el for el in buttons if el["value"].endswith(f":{b}"))
    slack.click("U0PARTNER", chosen["action_id"], chosen["value"])
    done = fake_slack.wait_for("response_url", 2)[1].params
    assert done["replace_original"] in (True, "true") and "Acme Holdings" in done["text"]
    [note] = _notes(services)
    assert note.client_id == b and note.text == long_text and note.channel == "meeting"
    # a second click (double click or retry) records nothing more
    slack.click("U0PARTNER", chosen["action_id"], chosen["value"])
    fake_slack.wait_for("response_url", 3)
    assert len(_notes(services)) == 1
    with services.session() as session:
        assert session.execute(select(PendingNote)).first() is None


def test_another_user_cannot_use_someone_elses_pending_note(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner")
    make_staff(services, "U0PARTNER2", "partner")
    make_client(services, "Acme Trading Ltd")
    b = make_client(services, "Acme Holdings")
    slack.command("U0PARTNER", "/note", "Acme: secret meeting")
    buttons = [el for blk in fake_slack.wait_for("response_url")[0].params["blocks"]
               if blk["type"] == "actions" for el in blk["elements"]]
    chosen = next(el for el in buttons if el["value"].endswith(f":{b}"))
    slack.click("U0PARTNER2", chosen["action_id"], chosen["value"])
    answer = fake_slack.wait_for("response_url", 2)[1].params["text"]
    assert "already recorded or has expired" in answer and "secret" not in answer
    assert _notes(services) == []


def test_no_match_says_so_and_shows_the_text_back_then_the_form_keeps_it(services, slack, fake_slack):
    acme, _, _ = _seed(services)
    slack.command("U0LAW1", "/note", "Globex: call about <the> contract at 10:30; next: send memo 3天后")
    reply = fake_slack.wait_for("response_url")[0].params
    assert "Globex" in reply["text"] and "call about &lt;the&gt; contract at 10:30" in reply["text"]
    assert _notes(services) == []
    retry = next(el for blk in reply["blocks"] if blk["type"] == "actions" for el in blk["elements"])
    slack.click("U0LAW1", retry["action_id"], retry["value"])
    fake_slack.wait_for("views.update")          # opened blank at once, then filled in
    view = slack.opened_view()
    initial = {b["block_id"]: b["element"].get("initial_value") or b["element"].get("initial_date")
               or (b["element"].get("initial_option") or {}).get("value")
               for b in view["blocks"] if b.get("type") == "input"}
    assert initial[B.TEXT] == "call about <the> contract at 10:30"
    assert (initial[B.NEXT], initial[B.DUE], initial[B.CHANNEL]) == ("send memo", "2026-11-26", "call")
    # (the test driver does not carry datepicker initial dates into the state, Slack does)
    slack.submit("U0LAW1", view["id"], {B.CLIENT: str(acme), B.DUE: initial[B.DUE]})
    fake_slack.wait_for("chat.postMessage")
    [note] = _notes(services)
    assert note.client_id == acme and note.text == "call about <the> contract at 10:30"
    with services.session() as session:
        [f] = session.execute(select(FollowUp)).scalars().all()
    assert (f.title, f.due_on) == ("send memo", date(2026, 11, 26))
    with services.session() as session:
        assert session.execute(select(PendingNote)).first() is None


def test_note_form_with_type_ahead_and_validation(services, slack, fake_slack):
    acme, hua, other = _seed(services)
    slack.command("U0LAW1", "/note", "")
    view = slack.opened_view()
    options = slack.suggest("U0LAW1", A.CLIENT_SELECT, "acme", view_id=view["id"], block_id=B.CLIENT).json
    assert [o["value"] for o in options["options"]] == [str(acme)]     # other Acme not visible
    zh = slack.suggest("U0LAW1", A.CLIENT_SELECT, "华为", view_id=view["id"], block_id=B.CLIENT).json
    assert [o["value"] for o in zh["options"]] == [str(hua)]
    stranger = slack.suggest("U0NOBODY", A.CLIENT_SELECT, "acme", view_id=view["id"], block_id=B.CLIENT).json
    assert stranger["options"] == []
    bad = slack.submit("U0LAW1", view["id"], {B.CLIENT: str(acme), B.TEXT: "  ", B.DATE: "2026-12-30",
                                               B.NEXT: "send memo"}).json
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {B.TEXT, B.DATE, B.DUE}
    assert _notes(services) == []
    ok = slack.submit("U0LAW1", view["id"], {B.CLIENT: str(acme), B.CHANNEL: "email",
                                              B.DATE: "2026-11-20", B.TEXT: "sent the memo",
                                              B.NEXT: "follow up 3天后"})
    assert ok.json == {}
    dm = fake_slack.wait_for("chat.postMessage")[0].params
    assert dm["channel"] == "U0LAW1" and "2026-11-26" in dm["text"]
    [note] = _notes(services)
    assert (note.client_id, note.channel, note.occurred_at.date()) == (acme, "email", date(2026, 11, 20))


def test_form_submit_for_a_client_not_served_is_refused(services, slack, fake_slack):
    acme, _, other = _seed(services)
    slack.command("U0LAW1", "/note", "")
    view = slack.opened_view()
    slack.submit("U0LAW1", view["id"], {B.CLIENT: str(other), B.TEXT: "sneaky"})
    answer = fake_slack.wait_for("chat.postMessage")[0].params
    assert answer["channel"] == "U0LAW1" and "No client you serve" in answer["text"]
    assert _notes(services) == []


def test_note_text_is_encrypted_at_rest_and_audited(services, slack, fake_slack):
    _seed(services)
    slack.command("U0LAW1", "/note", "Acme: 电话 讨论了保密的并购价格")
    fake_slack.wait_for("response_url")
    with services.engine.connect() as conn:
        raw = conn.execute(text("SELECT text FROM contact_notes")).scalar_one()
    assert "并购" not in raw and raw.startswith("gAAAA")
    with services.session() as session:
        events = session.execute(select(AuditEvent.action, AuditEvent.entity, AuditEvent.fields)).all()
    assert ("create", "contact_note", ["channel", "occurred_at", "text"]) in [tuple(e) for e in events]


def test_client_card_shows_profile_and_audits_the_reads(services, slack, fake_slack, clock):
    acme, _, _ = _seed(services)
    make_staff(services, "U0ASSIST", "assistant")
    add_note(services, acme, "U0LAW1", clock.now.replace(day=20), text="talked about <fees>")
    add_follow_up(services, acme, "U0LAW1", date(2026, 11, 30), title="send engagement letter")
    m = make_matter(services, acme, lead="U0LAW1")
    add_date(services, kind="hearing", on=date(2026, 11, 26), matter_id=m, label="Court 3")
    add_date(services, kind="anniversary", on=date(2010, 12, 1), client_id=acme, yearly=True)
    slack.command("U0LAW1", "/client", "acme trading")
    reply = fake_slack.wait_for("response_url")[0].params
    assert reply["response_type"] == "ephemeral"
    body = str(reply["blocks"])
    for expected in ("Acme Trading Ltd", "talked about &lt;fees&gt;", "send engagement letter",
                     "2026-11-30", "2026-LIT-", "2026-11-26", "Court 3", "2026-12-01", "<@U0LAW1>"):
        assert expected in body, expected
    buttons = {el["action_id"]: el["value"] for blk in reply["blocks"] if blk["type"] == "actions"
               for el in blk["elements"]}
    assert {A.LOG_CONTACT, A.ADD_FOLLOWUP, TeamAction.OPEN, CE.EDIT, CE.HEARING, CE.TIER} <= set(buttons)
    assert set(buttons.values()) == {str(acme)}
    with services.session() as session:
        reads = session.execute(select(AuditEvent.entity).where(AuditEvent.action == "read")).scalars().all()
    assert sorted(reads) == ["contact_note", "follow_up", "important_date"]
    # log contact opens the form with the client preselected
    slack.click("U0LAW1", A.LOG_CONTACT, str(acme))
    fake_slack.wait_for("views.update")          # opened blank at once, then filled in
    view = slack.opened_view()
    client_el = next(b for b in view["blocks"] if b.get("block_id") == B.CLIENT)["element"]
    assert client_el["initial_option"]["value"] == str(acme)
    # add follow-up: form validates, then stores
    slack.click("U0LAW1", A.ADD_FOLLOWUP, str(acme))
    fake_slack.wait_for("views.open", 2)
    fview = slack.opened_view()
    bad = slack.submit("U0LAW1", fview["id"], {B.TITLE: "", B.DUE: "2026-11-01"}).json
    assert set(bad["errors"]) == {B.TITLE, B.DUE}
    slack.submit("U0LAW1", fview["id"], {B.TITLE: "call the GC", B.DUE: "2026-12-02"})
    fake_slack.wait_for("chat.postMessage")
    with services.session() as session:
        titles = session.execute(select(FollowUp.title)).scalars().all()
    assert sorted(titles) == ["call the GC", "send engagement letter"]


def test_client_card_refused_without_revealing_existence(services, slack, fake_slack):
    _seed(services)
    slack.command("U0LAW1", "/client", "Acme Holdings")     # exists, but served by U0LAW2 only
    refused = fake_slack.wait_for("response_url")[0].params["text"]
    slack.command("U0LAW1", "/client", "Nonexistent Corp")
    missing = fake_slack.wait_for("response_url", 2)[1].params["text"]
    assert refused == missing and "Acme Holdings" not in refused
    # a forged button for a client not served is refused too
    with services.session() as session:
        from storage.models import Client
        other = session.execute(select(Client.id).where(Client.name == "Acme Holdings")).scalar_one()
    slack.click("U0LAW1", f"{A.PICK_CARD_CLIENT}-0", str(other))
    forged = fake_slack.wait_for("response_url", 3)[2].params["text"]
    assert "Acme Holdings" not in forged and "No client you serve" in forged


def test_assistant_sees_the_clients_of_the_lawyer_they_assist(services, slack, fake_slack):
    _seed(services)
    make_staff(services, "U0ASSIST", "assistant")
    from bot.flows import directory
    with services.session() as session:
        directory.assign_assistant(session, by="test", assistant_slack_id="U0ASSIST",
                                   lawyer_slack_id="U0LAW2")
    slack.command("U0ASSIST", "/client", "acme")
    reply = fake_slack.wait_for("response_url")[0].params
    assert "Acme Holdings" in str(reply["blocks"]) and "Acme Trading" not in str(reply["blocks"])


def test_a_refused_one_liner_shows_the_text_back(services, slack, fake_slack):
    _seed(services)
    slack.command("U0LAW1", "/note", "Acme call without a colon")
    first = fake_slack.wait_for("response_url")[0].params["text"]
    assert "/note CLIENT" in first and "Acme call without a colon" in first
    long_text = "Acme: " + "很长的记录" * 1000
    slack.command("U0LAW1", "/note", long_text)
    second = fake_slack.wait_for("response_url", 2)[1].params["text"]
    assert "at most 4000" in second and "很长的记录" in second
    assert _notes(services) == []


def test_forms_open_at_once_and_name_the_client_after(services, slack, fake_slack):
    acme, _, other = _seed(services)
    slack.click("U0LAW1", A.ADD_FOLLOWUP, str(acme))
    opened = fake_slack.wait_for("views.open")[0].params["view"]
    assert "Acme" not in str(opened)                      # nothing read before views.open
    update = fake_slack.wait_for("views.update")[0].params
    assert "Acme Trading Ltd" in str(update["view"]) and update["hash"]
    # a client the actor does not serve: the blank form opened, then the refusal, no name
    slack.click("U0LAW1", A.ADD_FOLLOWUP, str(other))
    fake_slack.wait_for("views.open", 2)
    refused = fake_slack.wait_for("response_url")[0].params["text"]
    assert "No client you serve" in refused
    assert len(fake_slack.of("views.update")) == 1
    assert "Acme Holdings" not in str([c.params for c in fake_slack.of("views.open")])


def test_card_reads_only_the_dates_it_shows_and_orders_the_active_team_lead_first(
        services, slack, fake_slack):
    from storage.models import Staff

    make_staff(services, "U0PARTNER", "partner")
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0GONE", "lawyer")
    c = make_client(services, "Dated Co", team={"U0GONE": "lawyer", "U0PARTNER": "partner",
                                                "U0LEAD": "lead_lawyer"})
    with services.session() as session:
        session.execute(Staff.__table__.update().where(Staff.slack_user_id == "U0GONE")
                        .values(active=False))
    for day in range(1, 8):
        add_date(services, kind="anniversary", on=date(2026, 12, day), client_id=c,
                 label=f"label {day}")
    slack.command("U0PARTNER", "/client", "Dated Co")
    body = str(fake_slack.wait_for("response_url")[0].params["blocks"])
    assert "label 5" in body and "label 6" not in body
    assert body.index("<@U0LEAD>") < body.index("<@U0PARTNER>") and "U0GONE" not in body
    with services.session() as session:
        reads = session.execute(select(AuditEvent.entity_id).where(
            AuditEvent.action == "read", AuditEvent.entity == "important_date")).scalars().all()
    assert len(reads) == 5


def test_purge_pending_forgets_only_old_unfinished_notes(services, clock):
    from datetime import timedelta

    from bot.flows import notes
    from bot.flows.actor import Actor
    from storage.models.enums import Role
    from tests.upkeep_support import staff_id

    make_staff(services, "U0LAW1", "lawyer")
    actor = Actor(staff_id=staff_id(services, "U0LAW1"), slack_user_id="U0LAW1", name="L",
                  role=Role.LAWYER, locale="en")
    with services.session() as session:
        old = notes.save_pending(session, actor=actor, raw="Acme: old", now=clock.now - timedelta(days=8))
        new = notes.save_pending(session, actor=actor, raw="Acme: new", now=clock.now)
    with services.session() as session:
        assert notes.purge_pending(session, before=clock.now - timedelta(days=7)) == 1
        assert notes.purge_pending(session, before=clock.now - timedelta(days=7)) == 0
    with services.session() as session:
        assert session.execute(select(PendingNote.id)).scalars().all() == [new] and old != new


def test_client_card_shows_the_value_score_the_label_and_a_strategic_mark(services, slack, fake_slack):
    from storage.models import Client
    acme, _, _ = _seed(services)
    slack.command("U0LAW1", "/client", "acme trading")
    plain = str(fake_slack.wait_for("response_url")[0].params["blocks"])
    assert "Value score" not in plain and "Golden" not in plain      # never re-tiered: nothing to show
    with services.session() as session:
        client = session.get(Client, acme)
        client.value_score, client.value_label, client.strategic_marked = 71.6, "golden", True
    slack.command("U0LAW1", "/client", "acme trading")
    body = str(fake_slack.wait_for("response_url", 2)[1].params["blocks"])
    assert "Value score 72/100" in body and "Golden client" in body and "Marked strategic by a partner" in body
    with services.session() as session:
        client = session.get(Client, acme)
        client.value_label, client.strategic_marked = "big", False
    slack.command("U0LAW1", "/client", "acme trading")
    body = str(fake_slack.wait_for("response_url", 3)[2].params["blocks"])
    assert "Big client (rare, large matters)" in body and "Marked strategic" not in body

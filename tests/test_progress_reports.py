"""Client progress reports: due by tier, DOCX in the client's language, one DM upload, "Sent to the client"."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from docx import Document
from sqlalchemy import select, update

from bot.ids import ProgressReportAction as A
from bot.ids import ProgressReportBlock as PB
from jobs.tasks.delivery import deliver
from jobs.tasks.progress_reports import plan_progress_reports
from storage.ledger import ChannelPacer
from storage.models import AuditEvent, Client, ContactNote, Matter, Notification, ProgressReport
from tests.support import make_staff
from tests.upkeep_support import (add_date, add_follow_up, add_note, job_context, make_client, make_matter,
                                  staff_id)

# 2026-12-01 is a Tuesday, the first working day of December; 09:00 in Shanghai.
DEC_1 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def _run(services):
    """One planner pass and one delivery pass; (drafted, sent)."""
    ctx = job_context(services)
    drafted = plan_progress_reports(ctx)
    return drafted, deliver(ctx, pacer=ChannelPacer(interval=0)).sent


def _docs(fake_slack, channel):
    """The DOCX files uploaded to a DM, opened with python-docx."""
    return [Document(io.BytesIO(f["content"])) for f in fake_slack.files_shared(channel)]


def _text(doc):
    return "\n".join(p.text for p in doc.paragraphs)


def _headings(doc):
    return [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def _set_language(services, client_id, language):
    with services.session() as session:
        session.execute(update(Client).where(Client.id == client_id).values(language=language))


def _seed_strategic(services):
    """A zh-CN strategic client of U0LEAD with notes, dates and follow-ups; another lawyer's data around it."""
    make_staff(services, "U0LEAD", "lawyer", "Li Lei")
    make_staff(services, "U0OTHER", "lawyer", "Han Meimei")
    hua = make_client(services, "华为技术有限公司", tier="strategic", team={"U0LEAD": "lead_lawyer",
                                                                       "U0OTHER": "lawyer"})
    _set_language(services, hua, "zh-CN")
    matter = make_matter(services, hua, lead="U0LEAD")
    with services.session() as session:
        session.execute(update(Matter).where(Matter.id == matter).values(title="股权纠纷案"))
    add_note(services, hua, "U0LEAD", datetime(2026, 11, 10, 3, 0, tzinfo=UTC), channel="meeting",
             text="与法务总监讨论了和解方案")
    add_note(services, hua, "U0LEAD", datetime(2026, 10, 10, 3, 0, tzinfo=UTC), text="OCTOBER-NOTE")
    add_date(services, kind="hearing", on=date(2026, 11, 18), matter_id=matter, label="一审开庭")
    add_date(services, kind="hearing", on=date(2026, 12, 15), matter_id=matter, label="二次开庭")
    add_date(services, kind="birthday", on=date(1970, 11, 12), client_id=hua, yearly=True,
             label="BIRTHDAY-PRIVATE")
    add_follow_up(services, hua, "U0LEAD", date(2026, 12, 8), title="提交答辩状")
    add_follow_up(services, hua, "U0OTHER", date(2026, 12, 9), title="OTHER-LAWYER-TASK")
    other = make_client(services, "Acme Holdings", tier="strategic", team={"U0OTHER": "lead_lawyer"})
    make_matter(services, other, lead="U0OTHER")
    add_note(services, other, "U0OTHER", datetime(2026, 11, 12, 3, 0, tzinfo=UTC), text="OTHER-CLIENT-SECRET")
    return hua, other


def test_monthly_report_in_chinese_with_only_what_the_lead_may_see_sent_once(services, fake_slack, clock):
    clock.set(DEC_1)
    hua, other = _seed_strategic(services)
    drafted, sent = _run(services)
    assert drafted == 2 and sent == 4                      # two clients: a file and a DM each
    [doc] = _docs(fake_slack, "D0LEAD")
    headings = _headings(doc)
    assert headings[0] == "月度进展报告"
    assert {"案件概况", "本期工作与沟通", "本期庭审与期限", "近期安排", "下一步工作"} <= set(headings)
    body = _text(doc)
    assert "与法务总监讨论了和解方案" in body and "会议" in body       # the client's content as written
    assert "一审开庭" in body and "二次开庭" in body and "提交答辩状" in body and "股权纠纷案" in body
    assert "报告期间：2026-11-01 至 2026-11-30" in body
    for private in ("OCTOBER-NOTE", "OTHER-LAWYER-TASK", "OTHER-CLIENT-SECRET", "BIRTHDAY-PRIVATE"):
        assert private not in body
    [dm] = fake_slack.messages_to("U0LEAD")
    [button] = [el for b in dm["blocks"] if b["type"] == "actions" for el in b["elements"]]
    assert button["action_id"] == A.SENT and "华为技术有限公司" in dm["text"]
    [other_doc] = _docs(fake_slack, "D0OTHER")
    assert "OTHER-CLIENT-SECRET" in _text(other_doc) and "与法务总监" not in _text(other_doc)
    assert _headings(other_doc)[0] == "Monthly progress report"   # no language: the firm default

    clock.advance(hours=3)                                  # a rerun, then a "restarted" process
    assert _run(services) == (0, 0)
    clock.set(datetime(2026, 12, 20, 1, 0, tzinfo=UTC))
    assert _run(services) == (0, 0)
    assert len(fake_slack.files_shared("D0LEAD")) == 1 and len(fake_slack.messages_to("U0LEAD")) == 1
    with services.session() as session:
        keys = set(session.execute(select(Notification.key)).scalars())
        reads = session.execute(select(AuditEvent).where(AuditEvent.action == "read")).scalars().all()
    assert f"progress:{hua}:month:2026-11:file" in keys and f"progress:{hua}:month:2026-11:dm" in keys
    read = {(e.entity, tuple(e.fields or ())) for e in reads}
    assert {("contact_note", ("text",)), ("follow_up", ("title",)), ("important_date", ("label",)),
            ("matter", ("title",))} <= read
    assert all("和解" not in str(e.fields) for e in reads)  # field names, never values


def test_monthly_reports_wait_for_the_first_working_day_and_need_an_open_matter(services, fake_slack, clock):
    make_staff(services, "U0LEAD", "lawyer")
    core = make_client(services, "Core Ltd", tier="core", team={"U0LEAD": "lead_lawyer"})
    make_matter(services, core, lead="U0LEAD")
    idle = make_client(services, "Idle Ltd", tier="core", team={"U0LEAD": "lead_lawyer"})
    make_matter(services, idle, lead="U0LEAD", status="closed")
    potential = make_client(services, "Small Co", tier="potential", team={"U0LEAD": "lead_lawyer"})
    make_matter(services, potential, lead="U0LEAD")
    clock.set(datetime(2026, 11, 1, 2, 0, tzinfo=UTC))     # Sunday 1 November: not a working day
    assert _run(services) == (0, 0)
    clock.set(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))     # Monday 2 November: October's report
    assert _run(services) == (1, 2)
    [doc] = _docs(fake_slack, "D0LEAD")
    assert "Period: 2026-10-01 to 2026-10-31" in _text(doc) and "None in this period." in _text(doc)
    with services.session() as session:
        [report] = session.execute(select(ProgressReport)).scalars().all()
    assert (report.client_id, report.kind, report.language) == (core, "monthly", "en")


def test_ordinary_clients_get_a_report_after_a_hearing_and_after_a_close_once(services, fake_slack, clock):
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0MATTER", "lawyer")
    small = make_client(services, "Small Co", tier="potential", team={"U0LEAD": "lead_lawyer"})
    _set_language(services, small, "zh-CN")
    heard = make_matter(services, small, lead="U0MATTER")
    add_date(services, kind="hearing", on=date(2026, 11, 20), matter_id=heard, label="调解庭")
    too_old = add_date(services, kind="hearing", on=date(2026, 10, 1), matter_id=heard, label="TOO-OLD")
    add_date(services, kind="hearing", on=date(2026, 11, 30), matter_id=heard, label="NOT-YET")
    add_note(services, small, "U0MATTER", datetime(2026, 11, 19, 2, 0, tzinfo=UTC), text="确认了开庭时间")
    closed = make_matter(services, small, lead="U0LEAD")
    with services.session() as session:
        session.execute(update(Matter).where(Matter.id == closed).values(
            status="closed", closed_at=datetime(2026, 11, 22, 4, 0, tzinfo=UTC)))
    big = make_client(services, "Big Co", tier="strategic", team={"U0LEAD": "lead_lawyer"})
    big_matter = make_matter(services, big, lead="U0LEAD")
    add_date(services, kind="hearing", on=date(2026, 11, 20), matter_id=big_matter)
    assert _run(services) == (2, 4)                          # Monday 23 November
    [hearing_doc] = _docs(fake_slack, "D0MATTER")             # the matter's lead gets the hearing's report
    assert _headings(hearing_doc)[0] == "案件进展报告"
    body = _text(hearing_doc)
    assert "2026-11-20 庭审后" in body and "确认了开庭时间" in body and "调解庭" in body
    [closed_doc] = _docs(fake_slack, "D0LEAD")
    assert "案件已于 2026-11-22 结案" in _text(closed_doc)
    clock.advance(days=1)
    assert _run(services) == (0, 0)
    clock.set(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))      # 30 November's hearing has passed now
    drafted, _ = _run(services)
    with services.session() as session:
        keys = sorted(session.execute(select(ProgressReport.key)).scalars())
    assert drafted == 2                                      # the new hearing, Big Co's monthly report
    assert [k.split(":", 2)[2].split(":")[0] for k in keys].count("hearing") == 2
    assert f"progress:{small}:hearing:{too_old}" not in keys   # seen only after the look-back
    assert len(_docs(fake_slack, "D0MATTER")) == 2
    assert not any(k.startswith(f"progress:{big}:hearing") for k in keys)


def test_sent_to_the_client_records_who_when_and_a_contact_once(services, slack, fake_slack, clock):
    clock.set(DEC_1)
    hua, _ = _seed_strategic(services)
    _run(services)
    [dm] = fake_slack.messages_to("U0LEAD")
    with services.session() as session:
        report_id = session.execute(select(ProgressReport.id).where(ProgressReport.client_id == hua)).scalar_one()
    message = {"channel": "D0LEAD", "ts": "1700000001.000100", "text": dm["text"], "blocks": dm["blocks"]}
    clock.advance(hours=2)
    slack.click("U0LEAD", A.SENT, str(report_id), block_id=PB.ACTIONS, message=message)
    update_call = fake_slack.wait_for("chat.update")[0].params
    assert "<@U0LEAD>" in str(update_call["blocks"]) and A.SENT not in str(update_call["blocks"])
    slack.click("U0LEAD", A.SENT, str(report_id), block_id=PB.ACTIONS, message=message)   # a double click
    fake_slack.wait_for("chat.update", count=2)
    slack.click("U0OTHER", A.SENT, str(report_id), block_id=PB.ACTIONS, message=message)
    fake_slack.settle()
    lead = staff_id(services, "U0LEAD")
    with services.session() as session:
        report = session.get(ProgressReport, report_id)
        notes = session.execute(select(ContactNote).where(ContactNote.client_id == hua,
                                                          ContactNote.channel == "email")).scalars().all()
        assert report.sent_to_client_by == lead
        assert report.sent_to_client_at == DEC_1.replace(hour=3)
        [note] = notes
        assert (note.text, note.author_id, report.contact_note_id) == ("progress report sent", lead, note.id)


def test_a_lawyer_who_does_not_serve_the_client_cannot_mark_it_sent(services, slack, fake_slack, clock):
    clock.set(DEC_1)
    make_staff(services, "U0LEAD", "lawyer")
    make_staff(services, "U0STRANGER", "lawyer")
    core = make_client(services, "Core Ltd", tier="core", team={"U0LEAD": "lead_lawyer"})
    make_matter(services, core, lead="U0LEAD")
    _run(services)
    with services.session() as session:
        report_id = session.execute(select(ProgressReport.id)).scalar_one()
    slack.click("U0STRANGER", A.SENT, str(report_id), block_id=PB.ACTIONS,
                message={"channel": "D0STRANGER", "ts": "1700000001.000100", "blocks": []})
    fake_slack.settle()
    with services.session() as session:
        assert session.get(ProgressReport, report_id).sent_to_client_at is None
        assert session.execute(select(ContactNote)).scalars().all() == []


def test_the_client_edit_form_sets_the_language_of_reports(services, slack, fake_slack):
    from bot.ids import ClientEditAction as CE
    from bot.ids import ClientEditBlock as CB

    make_staff(services, "U0LEAD", "lawyer")
    core = make_client(services, "Core Ltd", tier="core", team={"U0LEAD": "lead_lawyer"})
    slack.click("U0LEAD", CE.EDIT, str(core))
    view_id = fake_slack.wait_for("views.update")[0].answer["view"]["id"]
    view = fake_slack.views[view_id]
    assert CB.LANGUAGE in {b.get("block_id") for b in view["blocks"]}
    sent = slack.submit("U0LEAD", view_id, {CB.NAME: "Core Ltd", CB.LANGUAGE: "fr"})
    assert set(sent.json["errors"]) == {CB.LANGUAGE}
    sent = slack.submit("U0LEAD", view_id, {CB.NAME: "Core Ltd", CB.LANGUAGE: "zh-CN"})
    assert "response_action" not in sent.json, sent.json
    fake_slack.settle()
    with services.session() as session:
        assert session.get(Client, core).language == "zh-CN"


def test_a_failed_upload_is_retried_by_the_ledger_and_shared_once(services, fake_slack, clock):
    clock.set(DEC_1)
    make_staff(services, "U0LEAD", "lawyer")
    core = make_client(services, "Core Ltd", tier="core", team={"U0LEAD": "lead_lawyer"})
    make_matter(services, core, lead="U0LEAD")
    fake_slack.fail("files.completeUploadExternal", error="internal_error")
    assert _run(services) == (1, 1)                          # the DM went out, the file did not
    assert fake_slack.files_shared("D0LEAD") == []
    clock.advance(minutes=5)
    assert _run(services) == (0, 1)                          # the ledger retries the upload
    clock.advance(minutes=5)
    assert _run(services) == (0, 0)
    assert len(fake_slack.files_shared("D0LEAD")) == 1 and len(fake_slack.messages_to("U0LEAD")) == 1
    with services.session() as session:
        statuses = dict(session.execute(select(Notification.kind, Notification.status)).all())
    assert statuses == {"progress_report_file": "sent", "progress_report": "sent"}


def test_sending_one_report_is_not_news_in_the_next(services, slack, fake_slack, clock):
    make_staff(services, "U0LEAD", "lawyer")
    small = make_client(services, "Small Co", tier="potential", team={"U0LEAD": "lead_lawyer"})
    matter = make_matter(services, small, lead="U0LEAD")
    add_date(services, kind="hearing", on=date(2026, 11, 20), matter_id=matter)
    add_date(services, kind="hearing", on=date(2026, 11, 25), matter_id=matter)
    add_note(services, small, "U0LEAD", datetime(2026, 11, 24, 2, 0, tzinfo=UTC), text="explained the ruling")
    _run(services)                                             # Monday 23 November: after the 20th
    with services.session() as session:
        report_id = session.execute(select(ProgressReport.id)).scalar_one()
    slack.click("U0LEAD", A.SENT, str(report_id), block_id=PB.ACTIONS,
                message={"channel": "D0LEAD", "ts": "1700000001.000100", "blocks": []})
    fake_slack.settle()
    clock.set(datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    assert _run(services)[0] == 1                              # after the 25th
    body = _text(_docs(fake_slack, "D0LEAD")[-1])
    assert "explained the ruling" in body and "progress report sent" not in body
    with services.session() as session:
        assert session.execute(select(ContactNote.text).where(ContactNote.channel == "email")).scalars().all() \
            == ["progress report sent"]

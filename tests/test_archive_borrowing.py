"""Borrowing: who may borrow what, consents and approvals, at most 7 days, reminders, the return check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.ids import ArchiveAction, ArchiveBlock
from storage.models import ArchiveLoan, MatterTeamMember
from tests.archive_support import (REVIEW_CHANNEL, audit_rows, click, client, filed, job_context, matter, people, reply,
                                   run_archive_jobs, staff_id, wait_dm)

CLOSED = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


def _setup(services):
    people(services)
    cid = client(services)
    filed(services, cid, "2026-LIT-0001", closed_at=CLOSED, area="lit_civil")  # lead: U0LAWYER
    filed(services, cid, "2026-NLT-0002", closed_at=CLOSED, lead="U0OTHER")


def _borrow(slack, fake_slack, user, number, **answers):
    slack.command(user, "/archive", f"borrow {number}")
    view = slack.opened_view()
    values = {ArchiveBlock.DAYS: "7", **answers}
    return slack.submit(user, view["id"], values).json


def _loans(services):
    with services.session() as session:
        return list(session.execute(select(ArchiveLoan).order_by(ArchiveLoan.id)).scalars())


def test_a_partner_borrows_any_file_at_once_with_reminder_escalation_and_return_check(
        services, slack, fake_slack, clock):
    _setup(services)
    assert not _borrow(slack, fake_slack, "U0PARTNER", "2026-NLT-0002", **{ArchiveBlock.DAYS: "3"}).get("errors")
    handout = wait_dm(fake_slack, "U0RECORDS", 1)
    assert "Hand out 2026-NLT-0002" in handout[0]["text"] and "2026-11-26 17:00" in handout[0]["text"]
    loan = _loans(services)[0]
    assert loan.status == "approved" and loan.due_at == clock.now + timedelta(days=3)
    # the original is out: nobody else borrows it until it is back
    errors = _borrow(slack, fake_slack, "U0OTHER", "2026-NLT-0002")["errors"]
    assert "out on loan" in errors[ArchiveBlock.OUTSIDER]

    ctx = job_context(services, fake_slack)
    clock.advance(days=1, hours=23)
    run_archive_jobs(ctx)
    assert not [m for m in fake_slack.messages_to("U0PARTNER") if "Reminder" in m["text"]]
    clock.advance(hours=1)
    run_archive_jobs(ctx)
    run_archive_jobs(ctx)
    assert len([m for m in fake_slack.messages_to("U0PARTNER") if "Reminder" in m["text"]]) == 1
    clock.advance(days=1)
    run_archive_jobs(ctx)
    run_archive_jobs(job_context(services, fake_slack, owner="other"))
    assert len([m for m in fake_slack.messages_to("U0PARTNER") if "Overdue" in m["text"]]) == 1
    escalations = [m for m in fake_slack.messages_to(REVIEW_CHANNEL) if "has not returned" in m["text"]]
    assert len(escalations) == 1
    assert len([m for m in fake_slack.messages_to("U0RECORDS") if "has not returned" in m["text"]]) == 1

    # the return check: only a records officer; damage needs a note and goes to the partners
    assert "Only a records officer" in reply(slack, fake_slack, "U0LAWYER", "/archive", f"return {loan.id}")
    slack.click("U0RECORDS", ArchiveAction.LOAN_CHECK, str(loan.id), message={"channel": "D0R", "ts": "1.0"})
    view = slack.opened_view()
    errors = slack.submit("U0RECORDS", view["id"], {ArchiveBlock.CONDITION: "missing_pages"}).json["errors"]
    assert ArchiveBlock.NOTE in errors
    assert not slack.submit("U0RECORDS", view["id"], {ArchiveBlock.CONDITION: "missing_pages",
                                                      ArchiveBlock.NOTE: "pp. 14-16 missing"}).json.get("errors")
    fake_slack.settle()
    loan = _loans(services)[0]
    assert loan.status == "returned" and loan.condition == "missing_pages" and loan.returned_at == clock.now
    assert any("missing_pages" in m["text"] for m in fake_slack.messages_to(REVIEW_CHANNEL))
    assert [a for _, a, _, _ in audit_rows(services, "archive_loan")] == ["request", "approve", "check_return"]
    assert "pp. 14" not in str(audit_rows(services, "archive_loan"))
    clock.advance(days=5)
    run_archive_jobs(ctx)  # returned: no more notices
    assert len([m for m in fake_slack.messages_to("U0PARTNER") if "Overdue" in m["text"]]) == 1


def test_a_lawyer_borrows_own_files_and_others_with_that_lawyers_consent(services, slack, fake_slack):
    _setup(services)
    assert not _borrow(slack, fake_slack, "U0LAWYER", "2026-LIT-0001").get("errors")
    assert _loans(services)[0].status == "approved"

    assert not _borrow(slack, fake_slack, "U0LAWYER", "2026-NLT-0002").get("errors")
    ask = wait_dm(fake_slack, "U0OTHER", 1)
    assert "asks to borrow 2026-NLT-0002" in ask[0]["text"] and ArchiveAction.LOAN_APPROVE in str(ask[0]["blocks"])
    loan_id = _loans(services)[1].id
    assert _loans(services)[1].status == "waiting" and _loans(services)[1].needs == "consent"
    click(slack, fake_slack, "U0ASSIST2", ArchiveAction.LOAN_APPROVE, str(loan_id))  # not theirs to give
    assert _loans(services)[1].status == "waiting"
    click(slack, fake_slack, "U0OTHER", ArchiveAction.LOAN_APPROVE, str(loan_id))
    assert _loans(services)[1].status == "approved"
    assert any("was approved" in m["text"] for m in wait_dm(fake_slack, "U0LAWYER", 1))
    click(slack, fake_slack, "U0OTHER", ArchiveAction.LOAN_REFUSE, str(loan_id))  # decided already
    assert _loans(services)[1].status == "approved"


def test_assistants_borrow_only_files_they_worked_on(services, slack, fake_slack):
    _setup(services)
    # U0ASSIST assists the lead lawyer of 2026-LIT-0001; U0ASSIST2 is on no team
    assert not _borrow(slack, fake_slack, "U0ASSIST", "2026-LIT-0001").get("errors")
    assert _loans(services)[0].status == "approved"
    errors = _borrow(slack, fake_slack, "U0ASSIST2", "2026-LIT-0001")["errors"]
    assert "only the files they worked on" in errors[ArchiveBlock.OUTSIDER]
    with services.session() as session:
        session.add(MatterTeamMember(matter_id=2, staff_id=staff_id(services, "U0ASSIST2"), role="assistant"))
    assert not _borrow(slack, fake_slack, "U0ASSIST2", "2026-NLT-0002").get("errors")
    assert [loan.status for loan in _loans(services)] == ["approved", "approved"]
    assert "cannot borrow" in reply(slack, fake_slack, "U0CS", "/archive", "borrow 2026-LIT-0001")


def test_someone_outside_the_firm_needs_the_directors_approval_and_copies_a_partners(
        services, slack, fake_slack):
    _setup(services)
    assert not _borrow(slack, fake_slack, "U0LAWYER", "2026-LIT-0001",
                       **{ArchiveBlock.OUTSIDER: "Auditor Ma"}).get("errors")
    ask = wait_dm(fake_slack, "U0MP", 1)
    assert "Auditor Ma" in ask[0]["text"] and "managing partner" in ask[0]["text"]
    loan_id = _loans(services)[0].id
    click(slack, fake_slack, "U0PARTNER", ArchiveAction.LOAN_APPROVE, str(loan_id))  # a partner, not the director
    click(slack, fake_slack, "U0LAWYER", ArchiveAction.LOAN_APPROVE, str(loan_id))
    assert _loans(services)[0].status == "waiting"
    click(slack, fake_slack, "U0MP", ArchiveAction.LOAN_REFUSE, str(loan_id))
    assert _loans(services)[0].status == "refused"
    assert any("was refused" in m["text"] for m in wait_dm(fake_slack, "U0LAWYER", 1))

    assert not _borrow(slack, fake_slack, "U0LAWYER", "2026-LIT-0001", **{ArchiveBlock.COPY: ["yes"]}).get("errors")
    fake_slack.settle()
    copy_ask = [m for m in fake_slack.messages_to(REVIEW_CHANNEL) if "asks to borrow" in m["text"]]
    assert len(copy_ask) == 1 and "A copy." in copy_ask[0]["text"]
    copy_id = _loans(services)[1].id
    click(slack, fake_slack, "U0PARTNER", ArchiveAction.LOAN_APPROVE, str(copy_id))
    assert _loans(services)[1].status == "approved"
    # a partner's own copy needs nobody's approval
    assert not _borrow(slack, fake_slack, "U0PARTNER", "2026-LIT-0001", **{ArchiveBlock.COPY: ["yes"]}).get("errors")
    assert _loans(services)[2].status == "approved"


def test_days_are_at_most_seven_and_unfiled_matters_cannot_be_borrowed(services, slack, fake_slack, clock):
    _setup(services)
    slack.command("U0PARTNER", "/archive", "borrow 2026-LIT-0001")
    view = slack.opened_view()
    days = [b for b in view["blocks"] if b.get("block_id") == ArchiveBlock.DAYS][0]
    assert [o["value"] for o in days["element"]["options"]] == [str(d) for d in range(1, 8)]
    errors = slack.submit("U0PARTNER", view["id"], {ArchiveBlock.DAYS: "9"}).json["errors"]
    assert "From 1 to 7 days" in errors[ArchiveBlock.DAYS]
    assert not _loans(services)
    assert "No matter 2099-X-1" in reply(slack, fake_slack, "U0PARTNER", "/archive", "borrow 2099-X-1")
    matter(services, 1, "2026-LIT-0009")
    assert "no accepted filing" in reply(slack, fake_slack, "U0PARTNER", "/archive", "borrow 2026-LIT-0009")
    status = reply(slack, fake_slack, "U0PARTNER", "/archive", "status 2026-LIT-0001")
    assert "filed" in status
    assert "/archive borrow" in reply(slack, fake_slack, "U0PARTNER", "/archive", "help")
    assert "I don't know `burn`" in reply(slack, fake_slack, "U0PARTNER", "/archive", "burn it")

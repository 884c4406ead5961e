"""Filing a closed matter: the task for the lead's assistant, 3 working days, review, reopen, digest."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ids import ArchiveAction, ArchiveBlock
from jobs.tasks.delivery import deliver
from jobs.tasks.upkeep import plan_daily
from storage.ledger import ChannelPacer
from storage.models import ArchiveFiling, Matter
from tests.archive_support import (REVIEW_CHANNEL, audit_rows, click, client, filing_of, job_context, matter,
                                   people, reply, run_archive_jobs, wait_dm)

GOOD = {ArchiveBlock.ARCHIVE_NUMBER: "2026-A-017", ArchiveBlock.CATALOGUE: "1. complaint\n2. judgment",
        ArchiveBlock.VOLUMES: "3", ArchiveBlock.LOCATION: "Room 2, cabinet 5",
        ArchiveBlock.JUDGMENT: "2026-11-20"}


def _late(fake):
    return [m for m in fake.messages_to(REVIEW_CHANNEL) if "Escalation" in m["text"]]


def test_closing_opens_a_filing_task_for_the_assistant_with_a_clock_that_skips_holidays(
        services, slack, fake_slack, clock):
    # closed Wed 2026-09-30 10:00 Shanghai: Oct 1-7 are the National Day holidays; Oct 8, 9 and the
    # make-up working Saturday Oct 10 count, so the filing is due Sat Oct 10 10:00 (02:00 UTC)
    people(services)
    matter(services, client(services), "2026-LIT-0001")
    clock.set(datetime(2026, 9, 30, 2, 0, tzinfo=UTC))
    done = reply(slack, fake_slack, "U0LAWYER", "/lawcrm", "matter close 2026-LIT-0001")
    assert "Filing task for <@U0ASSIST>: file by 2026-10-10" in done
    task = wait_dm(fake_slack, "U0ASSIST", 1)
    assert len(task) == 1 and "2026-LIT-0001" in task[0]["text"] and "2026-10-10" in task[0]["text"]
    assert ArchiveAction.FILE_OPEN in str(task[0]["blocks"])
    filing = filing_of(services, "2026-LIT-0001")
    assert filing.status == "open" and filing.due_at == datetime(2026, 10, 10, 2, 0, tzinfo=UTC)

    ctx = job_context(services, fake_slack)
    clock.set(datetime(2026, 10, 7, 12, 0, tzinfo=UTC))  # late without the holidays
    run_archive_jobs(ctx)
    clock.set(datetime(2026, 10, 10, 1, 59, tzinfo=UTC))
    run_archive_jobs(ctx)
    assert not _late(fake_slack)
    clock.set(datetime(2026, 10, 10, 2, 0, tzinfo=UTC))
    run_archive_jobs(ctx)
    run_archive_jobs(job_context(services, fake_slack, owner="second"))
    late = _late(fake_slack)
    assert len(late) == 1 and "2026-LIT-0001" in late[0]["text"] and "<@U0ASSIST>" in late[0]["text"]
    assert ("staff:3", "open", str(filing.id), ["assignee_id", "due_at"]) in audit_rows(services, "archive_filing")


def test_the_lead_lawyer_files_when_there_is_no_assistant_and_is_not_told_twice(services, slack, fake_slack):
    people(services)
    matter(services, client(services), "2026-NLT-0002", lead="U0OTHER", area="nl_other")
    done = reply(slack, fake_slack, "U0OTHER", "/lawcrm", "matter close 2026-NLT-0002")
    assert "Filing task for <@U0OTHER>: file by 2026-11-26" in done  # Monday + 3 working days
    fake_slack.settle()
    assert not [m for m in fake_slack.messages_to("U0OTHER") if "file it by" in m["text"]]
    assert filing_of(services, "2026-NLT-0002").assignee_id is not None


def _open_filing_modal(slack, fake_slack, user, filing_id):
    slack.click(user, ArchiveAction.FILE_OPEN, str(filing_id), message={"channel": "D0X", "ts": "1.0"})
    return slack.opened_view()


def test_filing_record_is_validated_reviewed_returned_with_a_reason_and_accepted(services, slack, fake_slack):
    people(services)
    cid = client(services)
    matter(services, cid, "2026-LIT-0001")
    reply(slack, fake_slack, "U0LAWYER", "/lawcrm", "matter close 2026-LIT-0001")
    filing_id = filing_of(services, "2026-LIT-0001").id

    # someone else's task cannot be opened
    assert "Only the filer" in reply(slack, fake_slack, "U0OTHER", "/archive", "file 2026-LIT-0001")

    view = _open_filing_modal(slack, fake_slack, "U0ASSIST", filing_id)
    assert view["callback_id"] == "archive-filing"
    bad = slack.submit("U0ASSIST", view["id"], {**GOOD, ArchiveBlock.VOLUMES: "three", ArchiveBlock.LOCATION: " ",
                                                 ArchiveBlock.JUDGMENT: "2027-01-01"}).json
    assert set(bad["errors"]) == {ArchiveBlock.VOLUMES, ArchiveBlock.LOCATION, ArchiveBlock.JUDGMENT}
    assert filing_of(services, "2026-LIT-0001").status == "open"  # nothing half-written

    assert not slack.submit("U0ASSIST", view["id"], GOOD).json.get("errors")
    review = wait_dm(fake_slack, "U0RECORDS", 1)
    assert "2026-A-017" in review[0]["text"] and ArchiveAction.ACCEPT in str(review[0]["blocks"])
    filing = filing_of(services, "2026-LIT-0001")
    assert filing.status == "submitted" and filing.volumes == 3 and str(filing.judgment_date) == "2026-11-20"

    # only a records officer reviews
    click(slack, fake_slack, "U0PARTNER", ArchiveAction.ACCEPT, str(filing_id))
    assert filing_of(services, "2026-LIT-0001").status == "submitted"

    slack.click("U0RECORDS", ArchiveAction.RETURN, str(filing_id), message={"channel": "D0R", "ts": "1.0"})
    ret = slack.opened_view()
    assert slack.submit("U0RECORDS", ret["id"], {ArchiveBlock.REASON: "  "}).json["errors"]
    assert not slack.submit("U0RECORDS", ret["id"], {ArchiveBlock.REASON: "Catalogue lacks page counts"}
                            ).json.get("errors")
    returned = [m for m in wait_dm(fake_slack, "U0ASSIST", 2) if "Catalogue lacks page counts" in m["text"]]
    assert len(returned) == 1
    assert filing_of(services, "2026-LIT-0001").status == "returned"

    # the filer fixes and submits again; another matter cannot take the same archive number
    view = _open_filing_modal(slack, fake_slack, "U0ASSIST", filing_id)
    assert "Catalogue lacks page counts" in str(view["blocks"])
    assert not slack.submit("U0ASSIST", view["id"], {**GOOD, ArchiveBlock.CATALOGUE: "1. complaint (4 pp)"}
                            ).json.get("errors")
    assert len(wait_dm(fake_slack, "U0RECORDS", 2)) == 2
    click(slack, fake_slack, "U0RECORDS", ArchiveAction.ACCEPT, str(filing_id))
    filing = filing_of(services, "2026-LIT-0001")
    assert filing.status == "accepted" and filing.catalogue == "1. complaint (4 pp)"
    actions = [a for _, a, eid, _ in audit_rows(services, "archive_filing") if eid == str(filing_id)]
    assert actions == ["open", "submit", "return", "read", "submit", "accept"]
    # the audit trail names fields, never their contents
    assert "Catalogue lacks" not in str(audit_rows(services, "archive_filing"))

    matter(services, cid, "2026-LIT-0003")
    reply(slack, fake_slack, "U0LAWYER", "/lawcrm", "matter close 2026-LIT-0003")
    other = filing_of(services, "2026-LIT-0003").id
    view = _open_filing_modal(slack, fake_slack, "U0ASSIST", other)
    errors = slack.submit("U0ASSIST", view["id"], GOOD).json["errors"]
    assert "该档案号已被其他案卷使用" in errors[ArchiveBlock.ARCHIVE_NUMBER]


def test_reopening_cancels_the_open_filing_task_and_its_escalation(services, slack, fake_slack, clock):
    people(services)
    matter(services, client(services), "2026-LIT-0001")
    reply(slack, fake_slack, "U0LAWYER", "/lawcrm", "matter close 2026-LIT-0001")
    reopened = reply(slack, fake_slack, "U0LAWYER", "/lawcrm", "matter reopen 2026-LIT-0001")
    assert "filing task not yet accepted was cancelled" in reopened
    assert filing_of(services, "2026-LIT-0001").status == "cancelled"
    clock.advance(days=10)
    run_archive_jobs(job_context(services, fake_slack))
    assert not _late(fake_slack)
    assert "的归档已取消" in reply(slack, fake_slack, "U0ASSIST", "/archive", "file 2026-LIT-0001")
    # closing again opens a new task
    reply(slack, fake_slack, "U0LAWYER", "/lawcrm", "matter close 2026-LIT-0001")
    with services.session() as session:
        assert [f.status for f in session.query(ArchiveFiling).order_by(ArchiveFiling.id)] == ["cancelled", "open"]


def test_the_morning_digest_reminds_the_filer(services, slack, fake_slack, clock):
    people(services)
    matter(services, client(services), "2026-LIT-0001")
    reply(slack, fake_slack, "U0LAWYER", "/lawcrm", "matter close 2026-LIT-0001")
    wait_dm(fake_slack, "U0ASSIST", 1)
    ctx = job_context(services, fake_slack)
    clock.set(datetime(2026, 11, 24, 0, 30, tzinfo=UTC))  # Tuesday 08:30 Shanghai
    plan_daily(ctx)
    deliver(ctx, pacer=ChannelPacer(interval=0))
    digest = fake_slack.messages_to("U0ASSIST")[-1]
    assert "2026-LIT-0001" in str(digest["blocks"]) and "2026-11-26" in str(digest["blocks"])
    assert ArchiveAction.FILE_OPEN in str(digest["blocks"])


def test_a_matter_closed_another_way_gets_its_filing_task_from_the_job(services, slack, fake_slack, clock):
    people(services)
    mid = matter(services, client(services), "2026-LIT-0001")
    with services.session() as session:
        row = session.get(Matter, mid)
        row.status, row.closed_at = "closed", clock.now  # e.g. an import, not /lawcrm matter close
    clock.advance(hours=2)
    ctx = job_context(services, fake_slack)
    run_archive_jobs(ctx)
    run_archive_jobs(ctx)
    filing = filing_of(services, "2026-LIT-0001")
    assert filing.status == "open" and filing.due_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert len(wait_dm(fake_slack, "U0ASSIST", 1)) == 1
    assert ("system:jobs", "open", str(filing.id), ["assignee_id", "due_at"]) in audit_rows(services, "archive_filing")

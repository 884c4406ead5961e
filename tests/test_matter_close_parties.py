"""Closing a client's last open matter makes it a former client in conflict checks."""

from __future__ import annotations

from bot.flows.conflicts import record_party, search_conflicts
from tests.complaint_support import make_client, make_matter, make_staff


def _reply(slack, fake_slack, user, text):
    before = len(fake_slack.of("response_url"))
    slack.command(user, "/lawcrm", text)
    return fake_slack.wait_for("response_url", before + 1)[-1].params["text"]


def _roles(services, name):
    with services.session() as session:
        result = search_conflicts(session, names=[name], cache=services.cache)[0]
    return sorted({hit.role for hit in result.hits})


def test_last_matter_closed_turns_client_into_former_client(services, slack, fake_slack):
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    client_id = make_client(services, "星辰科技有限公司")
    make_matter(services, client_id, "2026-LIT-0001", lead="U0PARTNER")
    make_matter(services, client_id, "2026-NLT-0002", lead="U0PARTNER")
    with services.session() as session:
        record_party(session, name="星辰科技有限公司", role="client", client_id=client_id)
        record_party(session, name="华夏传媒有限公司", role="adverse")
    assert _roles(services, "星辰科技有限公司") == ["client"]  # the index is built now

    _reply(slack, fake_slack, "U0PARTNER", "matter close 2026-LIT-0001")
    assert _roles(services, "星辰科技有限公司") == ["client"]  # another matter is still open

    _reply(slack, fake_slack, "U0PARTNER", "matter close 2026-NLT-0002")
    assert _roles(services, "星辰科技有限公司") == ["former_client"]
    assert _roles(services, "华夏传媒有限公司") == ["adverse"]  # other parties untouched

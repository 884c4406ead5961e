"""The conflict check against a close that cancels the request while the search runs."""

from __future__ import annotations

import pytest

from bot.flows import intake
from bot.flows.actor import Actor
from bot.flows.intake_form import IntakeForm
from tests.intake_helpers import answers, open_form, requests
from tests.support import make_staff


def _lawyer(services) -> Actor:
    staff = make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    return Actor.from_staff(staff, default_locale="en")


def test_a_cancel_committed_during_the_check_stays_cancelled(services, monkeypatch):
    if services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes the write lock when a unit of work begins: no cancel can interleave")
    actor = _lawyer(services)
    form = IntakeForm(kind="enterprise", name="Acme Robotics Ltd", source="website", area="lit_civil",
                      need="A need", email="legal@acme.example", opposing=("Globex Corporation",))
    with services.session() as session:
        rid, _ = intake.open_request(session, actor=actor, form=form, submission_key="V1",
                                     now=services.now())
    real_search = intake.search_conflicts

    def search_while_the_user_closes(session, **kwargs):
        """The search runs; meanwhile another listener commits the cancel."""
        found = real_search(session, **kwargs)
        with services.session() as other:
            assert intake.cancel_request(other, actor=actor, submission_key="V1")
        return found

    monkeypatch.setattr(intake, "search_conflicts", search_while_the_user_closes)
    with services.session() as session:
        view = intake.run_check(session, actor=actor, request_id=rid, cache=None)
    assert view.status == "cancelled"
    [req] = requests(services)
    assert req.status == "cancelled" and not req.results


def test_a_modal_gone_before_the_results_cancels_the_request(services, slack, fake_slack):
    _lawyer(services)
    view = open_form(slack, "U0LAWYER")
    fake_slack.fail("views.update", error="not_found")
    slack.submit("U0LAWYER", view["id"], answers())
    fake_slack.wait_for("views.update")
    fake_slack.settle()
    assert requests(services)[0].status == "cancelled"
    assert not fake_slack.of("chat.postMessage")

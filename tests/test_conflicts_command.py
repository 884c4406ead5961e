"""/conflict as typed: separators, each name shown as searched, ranked bands and the cap."""

from __future__ import annotations

import pytest

from bot.flows.conflicts import record_party
from bot.flows.intake_form import split_names
from bot.ids import Command
from tests.support import make_staff


@pytest.mark.parametrize(("text", "names"), [
    ("王芳，Globex Corporation", ["王芳", "Globex Corporation"]),
    ("王芳、Globex Corporation", ["王芳", "Globex Corporation"]),
    ("王芳；Globex Corporation;Acme\nHicks Ltd", ["王芳", "Globex Corporation", "Acme", "Hicks Ltd"]),
    ("Smith, John", ["Smith, John"]),
    ("Acme, Inc.", ["Acme, Inc."]),
    ("Acme, Inc.，Smith, John、 张伟 ", ["Acme, Inc.", "Smith, John", "张伟"]),
    ("，、；", []),
])
def test_full_width_commas_separate_names_and_the_ascii_comma_does_not(text: str, names: list[str]) -> None:
    assert split_names(text) == names


def _reply(fake_slack):  # type: ignore[no-untyped-def]
    call = fake_slack.wait_for("response_url")[0].params
    fake_slack.settle()
    return call


def _sections(reply: dict) -> str:
    return "\n".join(b["text"]["text"] for b in reply["blocks"] if b["type"] == "section")


def test_conflict_splits_on_full_width_commas_and_shows_each_name_as_searched(services, slack, fake_slack) -> None:
    with services.session() as session:
        record_party(session, name="王芳", role="client", kind="person")
        record_party(session, name="Globex Corporation", role="adverse", kind="organization")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    slack.command("U0LAWYER", Command.CONFLICT, "王芳，Globex Corporation、Smith, John")
    text = _sections(_reply(fake_slack))
    assert "*王芳*" in text and "*Globex Corporation*" in text and "*Smith, John*" in text
    assert "current client" in text.split("*Globex Corporation*")[0]
    assert "opposing party" in text.split("*Globex Corporation*")[1].split("*Smith, John*")[0]


def test_cut_hits_are_counted_and_all_lists_them(services, slack, fake_slack) -> None:
    with services.session() as session:
        record_party(session, name="Globex Ltd", role="adverse", kind="organization")
        for i in range(30):
            record_party(session, name=f"Globex Unit{i:02d} Trading Ltd", role="adverse", kind="organization")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    slack.command("U0LAWYER", Command.CONFLICT, "Globex")
    text = _sections(_reply(fake_slack))
    assert text.index("Globex Ltd") < text.index("Globex Unit")
    assert "+21 weaker hits — `/conflict --all Globex` lists them all" in text
    slack.command("U0LAWYER", Command.CONFLICT, "--all\nGlobex")
    every = _sections(fake_slack.wait_for("response_url", 2)[1].params)
    assert "weaker hits" not in every
    assert all(f"Globex Unit{i:02d} Trading Ltd" in every for i in range(30))

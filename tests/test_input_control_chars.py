"""Typed text with control characters, lone surrogates or (in names) bidi overrides is refused at
the edge, the same way on SQLite and PostgreSQL: modals inline, commands with a reply, the CLI by line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import build_cli
from bot.flows.text_rules import text_problem
from bot.ids import ComplaintAction, ComplaintBlock, IntakeAction, IntakeBlock
from bot.ids import UpkeepAction as UA
from bot.ids import UpkeepBlock as UB
from storage.models import Complaint, ContactNote, IntakeDraft, Party, PendingNote
from tests.complaint_support import answers as complaint_answers
from tests.complaint_support import file_complaint
from tests.intake_helpers import (answers, open_form, requests, review_ref, send_for_approval,
                                  submit_form)
from tests.support import make_staff, write_key_file
from tests.upkeep_support import make_client

B = IntakeBlock
NUL_NAME = "Acme\x00 Robotics Ltd"
BAD_TEXTS = ["a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f", "c1\x85", "lone \ud800 surrogate",
             "vertical\x0btab", "form\x0cfeed"]
OK_TEXTS = ["tab\there", "two\nlines", "windows\r\nlines", "中文名称 有限公司", "emoji 😀", "Ünïcödé"]
BIDI_NAME = "Acme \u202egnp.exe"


@pytest.fixture
def lawyer(services):
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    return "U0LAWYER"


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_control_characters_and_lone_surrogates_are_refused(text):
    assert text_problem(text) is not None
    assert text_problem(text, name=True) is not None


@pytest.mark.parametrize("text", OK_TEXTS)
def test_ordinary_text_tabs_and_newlines_are_kept(text):
    assert text_problem(text) is None and text_problem(text, name=True) is None


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                                  "\u2068", "\u2069"])
def test_bidi_controls_are_refused_in_names_only(char):
    assert text_problem(f"Acme{char}Ltd", name=True) == "text.error.bidi"
    assert text_problem(f"Acme{char}Ltd") is None


def _form_errors(slack, user, form):
    view = open_form(slack, user)
    sent = slack.submit(user, view["id"], form)
    assert sent.json.get("response_action") == "errors", sent.json
    return sent.json["errors"]


def test_a_nul_in_the_client_name_is_refused_inline_and_nothing_is_stored(services, slack, fake_slack,
                                                                          lawyer):
    errors = _form_errors(slack, lawyer, answers(**{B.NAME: NUL_NAME}))
    assert list(errors) == [B.NAME] and "control character" in errors[B.NAME]
    fake_slack.settle()
    assert requests(services) == [] and not fake_slack.of("chat.postMessage")


@pytest.mark.parametrize(("block", "value"), [
    (B.NEED, "Contract\x00 dispute"), (B.OPPOSING, "Globex\nIni\x00tech"), (B.CONTACT, "Mr\x07 Li"),
    (B.RELATED, "lone \udfff"), (B.EMAIL, "legal\x00@acme.example"), (B.ID_NUMBER, "E123\x004567"),
    (B.OPPOSING, BIDI_NAME), (B.NAME, BIDI_NAME),
])
def test_every_free_text_field_of_the_intake_form_is_checked(services, slack, fake_slack, lawyer,
                                                             block, value):
    errors = _form_errors(slack, lawyer, answers(**{block: value}))
    assert block in errors
    fake_slack.settle()
    assert requests(services) == []


def test_bidi_controls_in_a_free_text_field_are_not_a_name_problem(services, slack, fake_slack, lawyer):
    results = submit_form(slack, fake_slack, lawyer, answers(**{B.NEED: "Arabic \u202bنص\u202c quoted"}))
    assert results["callback_id"] == "intake-results"


def test_the_message_is_in_chinese_for_a_chinese_user(services, slack, fake_slack):
    make_staff(services, "U0ZH", "lawyer", "李雷", locale="zh-CN")
    errors = _form_errors(slack, "U0ZH", answers(**{B.NAME: NUL_NAME}))
    assert "控制字符" in errors[B.NAME]
    errors = _form_errors(slack, "U0ZH", answers(**{B.NAME: BIDI_NAME}))
    assert "文字方向" in errors[B.NAME]


def test_a_clean_name_still_goes_all_the_way_to_approval(services, slack, fake_slack, lawyer):
    """The path the NUL used to block on PostgreSQL: submit, review post, approve."""
    make_staff(services, "U0PARTNER", "partner", "Wang")
    results = submit_form(slack, fake_slack, lawyer, answers(**{B.NEED: "tab\tand\nnewline kept"}))
    send_for_approval(slack, fake_slack, lawyer, results)
    ref = review_ref(services)
    slack.click("U0PARTNER", IntakeAction.APPROVE, str(ref["id"]), message=ref)
    fake_slack.wait_for("chat.update")
    fake_slack.settle()
    [req] = requests(services)
    assert req.status == "approved" and req.form["need"] == "tab\tand\nnewline kept"


def test_a_closed_form_keeps_no_text_with_control_characters(services, slack, fake_slack, lawyer):
    view = open_form(slack, lawyer)
    slack.close(lawyer, view["id"], {B.NAME: NUL_NAME, B.PHONE: "13812345678"})
    fake_slack.settle()
    with services.session() as session:
        [draft] = session.execute(select(IntakeDraft)).scalars().all()
    assert "name" not in draft.data and draft.data["phone"] == "13812345678"


@pytest.mark.parametrize(("command", "text"), [
    ("/note", "acme: call\x00 about the contract"), ("/note", "acme\x07: visit"),
    ("/client", "Acme\x00"), ("/client", "Acme \u202eLtd"), ("/conflict", "Globex\x00 Corp"),
    ("/conflict", "Globex \u2066Corp"), ("/complaint", "list\x00"), ("/intake", "\x1b"),
    ("/lawcrm", "help\x00"), ("/note", "acme: unit\x1fseparator"),
])
def test_slash_command_text_is_refused_with_a_reply(services, slack, fake_slack, lawyer, command, text):
    make_client(services, "Acme Trading Ltd", team={lawyer: "lead_lawyer"})
    sent = slack.command(lawyer, command, text)
    assert sent.status == 200
    assert sent.json["response_type"] == "ephemeral"
    assert sent.json["text"].startswith("Nothing was done:")
    fake_slack.settle()
    assert not fake_slack.of("views.open") and not fake_slack.of("response_url")
    with services.session() as session:
        assert session.execute(select(func.count()).select_from(ContactNote)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(PendingNote)).scalar_one() == 0


def test_bidi_in_a_note_text_is_not_refused(services, slack, fake_slack, lawyer):
    make_client(services, "Acme Trading Ltd", team={lawyer: "lead_lawyer"})
    slack.command(lawyer, "/note", "acme: call, quoted \u202bنص\u202c")
    reply = fake_slack.wait_for("response_url")[0].params
    assert "Acme Trading Ltd" in reply["text"]


def test_note_form_text_and_type_ahead(services, slack, fake_slack, lawyer):
    acme = make_client(services, "Acme Trading Ltd", team={lawyer: "lead_lawyer"})
    slack.command(lawyer, "/note", "")
    view = slack.opened_view()
    answer = slack.suggest(lawyer, UA.CLIENT_SELECT, "Ac\x00me", view_id=view["id"], block_id=UB.CLIENT)
    assert answer.json == {"options": []}
    sent = slack.submit(lawyer, view["id"], {UB.CLIENT: str(acme), UB.TEXT: "call\x00ed",
                                             UB.NEXT: "send\x1b draft"})
    assert sent.json["response_action"] == "errors"
    assert set(sent.json["errors"]) == {UB.TEXT, UB.NEXT}
    fake_slack.settle()
    with services.session() as session:
        assert session.execute(select(func.count()).select_from(ContactNote)).scalar_one() == 0


def test_complaint_modal_fields(services, slack, fake_slack):
    make_staff(services, "U0CS", "client_service", "Zhao Min")
    make_staff(services, "U0LAWYER", "lawyer", "Li Lei")
    make_staff(services, "U0PARTNER", "partner", "Wang Fang")
    from tests.complaint_support import make_client as make_complaint_client

    client_id = make_complaint_client(services, "华夏科技有限公司", team={"U0CS": "client_service"})
    sent = file_complaint(slack, "U0CS", complaint_answers(
        client_id, against="U0LAWYER", received_at=None,
        **{ComplaintBlock.COMPLAINANT: "Zhang \u202eWei", ComplaintBlock.WHAT: "late\x00",
           ComplaintBlock.REQUEST: "a call \udc00"}))
    errors = sent.json["errors"]
    assert {ComplaintBlock.COMPLAINANT, ComplaintBlock.WHAT, ComplaintBlock.REQUEST} <= set(errors)
    assert "text-direction" in errors[ComplaintBlock.COMPLAINANT]
    slack.command("U0CS", "/complaint")
    view = slack.opened_view()
    answer = slack.suggest("U0CS", ComplaintAction.CLIENT, "华夏\x00", view_id=view["id"],
                           block_id=ComplaintBlock.CLIENT)
    assert answer.json == {"options": []}
    fake_slack.settle()
    with services.session() as session:
        assert session.execute(select(Complaint)).first() is None


@pytest.fixture
def cli(db_url: str, tmp_path: Path, test_keyring):  # type: ignore[no-untyped-def]
    write_key_file(tmp_path / "keys.json", test_keyring)
    runner = CliRunner()
    env = {"DATABASE_URL": db_url, "DATA_DIR": str(tmp_path)}
    return lambda *args: runner.invoke(build_cli(), list(args), env=env, catch_exceptions=False)


def _parties(services) -> list[str]:
    with services.session() as session:
        return list(session.execute(select(Party.name).order_by(Party.name)).scalars())


def test_conflicts_import_refuses_rows_with_control_characters(services, cli, tmp_path: Path):
    path = tmp_path / "legacy.csv"
    path.write_text("name,role,kind,matter,id_number\n"
                    "Good Co,adverse,organization,M-1,\n"
                    "Bad\x00 Co,adverse,organization,,\n"
                    "Bell Co,client,,M\x07-2,\n"
                    "Evil \u202eoC,client,,,\n"
                    "Quoted Matter,related,,\u202bM-3\u202c,\n"
                    "Tabbed\tName,client,,,\n", encoding="utf-8")
    result = cli("conflicts", "import", str(path))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "line 3: column name holds a control character" in out
    assert "line 4: column matter holds a control character" in out
    assert "line 5: column name holds" in out
    assert "refused: 3" in out and "imported: 3" in out
    assert _parties(services) == ["Good Co", "Quoted Matter", "Tabbed Name"]


def test_conflicts_check_refuses_names_with_control_characters(services, cli):
    result = cli("conflicts", "check", "Good Co", "Bad\x00 Co")
    assert result.exit_code != 0 and "name 2" in result.output and "control character" in result.output


def test_a_refused_command_is_answered_in_chinese_for_a_chinese_user(services, slack, fake_slack):
    make_staff(services, "U0ZH", "lawyer", "李雷", locale="zh-CN")
    sent = slack.command("U0ZH", "/note", "华为：电话\x00沟通")
    assert sent.json["response_type"] == "ephemeral"
    assert sent.json["text"].startswith("未执行任何操作") and "控制字符" in sent.json["text"]


def test_parse_form_refuses_control_characters_itself():
    from datetime import date

    from bot.flows.intake_form import parse_form

    form, errors = parse_form({"kind": "enterprise", "name": "Acme\x00", "source": "website",
                               "area": "lit_civil", "need": "n\x85", "email": "a@b.example",
                               "opposing": "Glo\u202ebex"}, today=date(2026, 11, 23))
    assert form is None
    assert errors == {"name": "text.error.control", "need": "text.error.control",
                      "opposing": "text.error.bidi"}

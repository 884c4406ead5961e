"""The terminal console: scripted input through the real app and the local fake Slack."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import bot.console.session as console_session
from bot.app import create_app
from bot.blocks.common import actions, button, modal, section, static_select, option, text_input
from bot.console.repl import run_console
from bot.console.terminal import Terminal
from storage.models import Staff
from tests.support import make_staff

FORM = "test-console-form"


def console(services: Any, *lines: str, as_user: str | None = None, slack_credentials: bool = False) -> str:
    """Run the console on scripted input and return everything it printed.

    Without `slack_credentials`, the settings hold no Slack tokens, as on a fresh clone.
    """
    if not slack_credentials:
        services = replace(services, settings=services.settings.model_copy(update={
            "slack_bot_token": None, "slack_signing_secret": None, "slack_app_token": None}))
    out = io.StringIO()
    run_console(services, as_user=as_user, stdin=io.StringIO("".join(f"{line}\n" for line in lines)),
                stdout=out)
    return out.getvalue()


def after(text: str, marker: str) -> str:
    """The transcript after the last occurrence of a prompt line."""
    return text.rsplit(marker, 1)[1]


# -- the foundation's commands -------------------------------------------------------------------------
def test_fresh_directory_seeds_the_console_user_as_partner(services):
    out = console(services, "/lawcrm whoami", ":quit")
    assert "was added as a partner" in out
    assert "SQLite file" in out or "postgresql" in out
    reply = after(out, "U0CONSOLE> /lawcrm whoami")
    assert "▶ reply in #general (C0GENERAL) (only you see this)" in reply
    assert "role: *Partner*" in reply and "@U0CONSOLE" in reply
    assert out.rstrip().endswith("bye")
    with services.session() as session:
        assert session.execute(select(func.count()).select_from(Staff)).scalar_one() == 1


def test_existing_directory_is_not_seeded(services):
    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    out = console(services, "/lawcrm whoami", as_user="U0LAWYER1")
    assert "was added" not in out
    assert "role: *Lawyer*" in after(out, "U0LAWYER1> /lawcrm whoami")
    with services.session() as session:
        assert session.execute(select(func.count()).select_from(Staff)).scalar_one() == 1


def test_help_lists_the_commands(services):
    out = console(services, "/lawcrm help")
    reply = after(out, "> /lawcrm help")
    assert "*/intake*" in reply and "*/lawcrm whoami*" in reply


def test_whoami_in_chinese_renders_chinese(services):
    make_staff(services, "U0PARTNER", "partner", "admin-seed")
    out = console(services, ':staff add U0WANG "王芳" lawyer zh-CN', ":as U0WANG", "/lawcrm whoami")
    assert "✓ U0WANG — 王芳, 律师, language zh-CN" in out
    reply = after(out, "U0WANG> /lawcrm whoami")
    assert "您是 *王芳*（@U0WANG），角色：*律师*。语言：zh-CN。" in reply


def test_unknown_user_is_told_to_ask_an_administrator(services):
    make_staff(services, "U0PARTNER", "partner", "P")
    out = console(services, ":as U0NOBODY", "/lawcrm whoami", as_user="U0PARTNER")
    assert "U0NOBODY, who is not in the staff directory" in out
    reply = after(out, "U0NOBODY> /lawcrm whoami")
    assert "ask an administrator" in reply and "role:" not in reply


def test_user_text_is_shown_literally_not_as_a_ping(services):
    out = console(services, ':staff add U0ODD "<!channel> & co" lawyer', ":as U0ODD", "/lawcrm whoami")
    assert "You are *<!channel> & co*" in after(out, "U0ODD> /lawcrm whoami")


def test_console_commands_and_bad_input(services):
    out = console(services, ":help", ":bogus", "hello", ":as nobody", ":staff add U0X", ":click 3",
                  ":staff add U0Y \"Y\" wizard", ":channel C0OTHER", "/lawcrm whoami", ":whoami",
                  "/nosuchcommand")
    assert ":click N" in out and "✗ Unknown console command :bogus" in out
    assert "Type a slash command" in out and "✗ Usage: :as U0123ABCD" in out
    assert "Usage: :staff add" in out and "There is no button 3" in out
    assert "✗ Unknown role `wizard`" in out
    assert "▶ reply in C0OTHER (only you see this)" in out
    assert "Acting as U0CONSOLE — Console User, Partner (managing partner), language en" in out
    assert "(no handler for /nosuchcommand" in out


def test_a_failing_line_does_not_end_the_session(services, monkeypatch):
    import bot.console.repl as repl

    def broken(*_args: Any) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(repl, "staff_command", broken)
    out = console(services, ":staff list", "/lawcrm whoami")
    assert "✗ The console failed on that line (RuntimeError); see the log." in out
    assert "role: *Partner*" in after(out, "> /lawcrm whoami")


def test_jobs_runs_every_job_and_delivers_due_notices(services):
    from storage.ledger import enqueue

    make_staff(services, "U0LAWYER1", "lawyer", "Li Lei")
    with services.session() as session:
        enqueue(session, key="test:console:1", kind="test", channel="U0LAWYER1",
                payload={"text": "Follow up with *Acme* today",
                         "blocks": [section("Follow up with *Acme* today")]},
                due_at=services.now())
    out = console(services, ":jobs", ":jobs", as_user="U0LAWYER1")
    first, second = out.split("U0LAWYER1> :jobs")[1:]
    assert "deliver" in first and "▶ DM to U0LAWYER1 (you)" in first
    assert "Follow up with *Acme* today" in first
    assert "(no notices were due)" in second


def test_jobs_refuse_to_take_a_real_workspaces_notices(services):
    from pydantic import SecretStr

    from storage.ledger import enqueue

    real = replace(services, settings=services.settings.model_copy(
        update={"slack_bot_token": SecretStr("xoxb-real")}))
    with services.session() as session:
        enqueue(session, key="test:console:real", kind="test", channel="U0LAWYER1",
                payload={"text": "real notice"}, due_at=services.now())
    out = console(real, ":jobs", slack_credentials=True)
    assert "console never talks to Slack" in out and "Run `lawcrm jobs`" in out
    assert "real notice" not in out


def test_end_of_input_and_closed_stdin_end_cleanly(services):
    out = console(services)
    assert out.rstrip().endswith("bye")
    closed = io.StringIO("/lawcrm whoami\n")
    closed.close()
    out2 = io.StringIO()
    run_console(services, stdin=closed, stdout=out2)
    assert out2.getvalue().rstrip().endswith("bye")


def test_terminal_raises_eof_on_a_closed_stream():
    stream = io.StringIO()
    stream.close()
    with pytest.raises(EOFError):
        Terminal(stream, io.StringIO()).ask("> ")


# -- a modal, generic: a test-only command registered on the real app --------------------------------
def register_test_form(app, deps) -> None:  # type: ignore[no-untyped-def]
    """A small form using every input kind the console prompts for."""

    def form_view() -> dict[str, Any]:
        return modal(title="Test form", callback_id=FORM, submit="Save", close="Cancel",
                     notify_on_close=True, blocks=[
                         section("Fill *this* in"),
                         text_input("Name", block_id="name", action_id="v", max_length=20),
                         text_input("Notes", block_id="notes", action_id="v", multiline=True, optional=True),
                         static_select("Kind", block_id="kind", action_id="v", options=[
                             option("Individual", "individual"), option("Enterprise", "enterprise")]),
                         {"type": "input", "block_id": "tags", "label": {"type": "plain_text", "text": "Tags"},
                          "element": {"type": "checkboxes", "action_id": "v", "options": [
                              option("VIP", "vip"), option("New", "new"), option("Referral", "ref")]}},
                         {"type": "input", "block_id": "due", "label": {"type": "plain_text", "text": "Due"},
                          "element": {"type": "datepicker", "action_id": "v"}},
                         {"type": "input", "block_id": "when", "label": {"type": "plain_text", "text": "When"},
                          "element": {"type": "datetimepicker", "action_id": "v"}},
                         {"type": "input", "block_id": "owner", "label": {"type": "plain_text", "text": "Owner"},
                          "element": {"type": "users_select", "action_id": "v"}},
                         {"type": "input", "block_id": "client", "label": {"type": "plain_text", "text": "Client"},
                          "element": {"type": "external_select", "action_id": "client-search",
                                      "min_query_length": 2}},
                         actions(button("Add hint", action_id="test-form-hint")),
                     ])

    @app.command("/testform")
    def open_form(ack, body, client):  # type: ignore[no-untyped-def]
        ack()
        opened = client.views_open(trigger_id=body["trigger_id"], view=form_view())
        if body["text"] == "draft":  # like /intake resuming a draft: open at once, then fill in
            view = form_view()
            view["blocks"].insert(0, section("draft resumed"))
            client.views_update(view_id=opened["view"]["id"], hash=opened["view"]["hash"], view=view)

    @app.options("client-search")
    def search(ack, payload):  # type: ignore[no-untyped-def]
        names = ["Acme Ltd", "Acme 中国", "Beta LLC"]
        ack(options=[option(n, f"id-{i}") for i, n in enumerate(names)
                     if payload["value"].lower() in n.lower()])

    @app.action("test-form-hint")
    def hint(ack, body, client):  # type: ignore[no-untyped-def]
        ack()
        view = form_view()
        view["blocks"].insert(1, section(f"hint for {body['user']['id']}"))
        client.views_update(view_id=body["view"]["id"], view=view)

    @app.view(FORM)
    def save(ack, body, view, client):  # type: ignore[no-untyped-def]
        values = {bid: next(iter(v.values())) for bid, v in view["state"]["values"].items()}
        if values["name"]["value"] == "bad":
            ack(response_action="errors", errors={"name": "Not that name"})
            return
        if values["name"]["value"] == "push":
            ack(response_action="push", view=modal(
                title="Why?", callback_id=FORM + "-pushed", submit="Go",
                blocks=[text_input("Reason", block_id="why", action_id="v")]))
            return
        if values["name"]["value"] == "slow":  # like /intake: "checking…" now, the results later
            ack(response_action="update", view=modal(title="Checking", callback_id=FORM + "-checking",
                                                     blocks=[section("Checking…")]))
            client.views_update(view_id=body["view"]["id"], view=modal(
                title="Results", callback_id=FORM + "-results", submit="Send",
                blocks=[section("No conflicts"), text_input("Note", block_id="note", action_id="v")]))
            return
        if values["name"]["value"] == "update":
            ack(response_action="update", view=modal(title="Thanks", callback_id=FORM + "-done",
                                                     blocks=[section("All *saved*")], close="OK"))
            return
        ack()
        summary = json.dumps({
            "name": values["name"]["value"], "notes": values["notes"]["value"],
            "kind": values["kind"]["selected_option"]["value"],
            "tags": [o["value"] for o in values["tags"]["selected_options"]],
            "due": values["due"]["selected_date"], "owner": values["owner"]["selected_user"],
            "when": values["when"]["selected_date_time"],
            "client": values["client"]["selected_option"],
        }, ensure_ascii=False)
        client.chat_postMessage(channel=body["user"]["id"], text=summary, blocks=[
            section(summary), actions(button("Done", action_id="test-form-done", value="42"))])

    @app.view(FORM + "-pushed")
    def pushed(ack, view, client, body):  # type: ignore[no-untyped-def]
        reason = view["state"]["values"]["why"]["v"]["value"]
        ack(response_action="clear")
        client.chat_postMessage(channel=body["user"]["id"], text=f"because {reason}")

    @app.view(FORM + "-results")
    def results(ack, view, client, body):  # type: ignore[no-untyped-def]
        ack()
        client.chat_postMessage(channel=body["user"]["id"],
                                text=f"sent {view['state']['values']['note']['v']['value']}")

    def home(session, actor, locale):  # type: ignore[no-untyped-def]
        return [
            section("Welcome *home* :white_check_mark: :no_such_emoji:"),
            actions(button("Ping", action_id="test-home-ping", value="p")),
            actions({"type": "users_select", "action_id": "test-home-user"}),
            actions({"type": "static_select", "action_id": "test-home-pick",
                     "placeholder": {"type": "plain_text", "text": "Pick"},
                     "options": [option("Red", "red"), option("Blue", "blue")]})]

    deps.home_sections.append(home)  # the App Home (bot/handlers/home.py) shows this section

    @app.action("test-home-ping")
    def ping(ack, body, client):  # type: ignore[no-untyped-def]
        ack()
        client.chat_postMessage(channel=body["user"]["id"], text=f"pong from {body['view']['type']}")

    @app.action("test-home-user")
    def user_picked(ack, body, client):  # type: ignore[no-untyped-def]
        ack()
        client.chat_postMessage(channel=body["user"]["id"], text=f"user {body['actions'][0]['selected_user']}")

    @app.action("test-home-pick")
    def pick(ack, body, client):  # type: ignore[no-untyped-def]
        ack()
        choice = body["actions"][0]["selected_option"]["value"]
        client.chat_postMessage(channel=body["user"]["id"], text=f"picked {choice}")

    @app.view_closed(FORM)
    def closed(ack, body, client):  # type: ignore[no-untyped-def]
        ack()
        client.chat_postMessage(channel=body["user"]["id"], text="form closed")

    @app.action("test-form-done")
    def done(ack, body, respond):  # type: ignore[no-untyped-def]
        ack()
        respond(text=f"done {body['actions'][0]['value']} in {body['channel']['id']}",
                replace_original=True)


@pytest.fixture
def with_test_form(monkeypatch):
    """The console's app gets the test-only /testform listeners."""

    def create_with_form(**kwargs):  # type: ignore[no-untyped-def]
        app, deps = create_app(**kwargs)
        register_test_form(app, deps)
        return app, deps

    monkeypatch.setattr(console_session, "create_app", create_with_form)


FILLED = [
    "/testform",
    "this name is far too long for the field",  # over max_length: asked again
    "bad",
    "first line", "第二行", ".",
    "3", "2",
    "1, 9", "1,3",
    "2026-13-01", "2026-12-01",
    "tomorrow", "2026-12-01 09:30",
    "nobody", "u0lawyer1",
    "a", "zz", "acme", "2",
]


def test_modal_is_filled_in_validated_and_submitted(services, with_test_form):
    out = console(services, *FILLED, "", "bob", "", ":click 1", ":quit")
    assert "▶ modal opened" in out and "┌─ Test form ─" in out and "[ Save ]  [ Cancel ]" in out
    assert "Name* (text)" in out and "Notes (text, several lines)" in out
    assert "At most 20 characters" in out
    assert "   1) Individual" in out and "Type a number from 1 to 2." in out
    assert "Type a date as YYYY-MM-DD." in out and "Type a Slack user id like U0123ABCD." in out
    assert "(YYYY-MM-DD HH:MM, Asia/Shanghai)" in out and "Type a date and time as YYYY-MM-DD HH:MM" in out
    assert "Type at least 2 characters to search." in out and "Nothing matches" in out
    assert "   2) Acme 中国" in out
    assert "✗ Name: Not that name" in out
    retry = out.split("✗ Name: Not that name")[1]
    assert "Name* (text)" in retry and "Kind*" not in retry  # only the field in error is asked again
    assert "▶ DM to U0CONSOLE (you)" in retry
    summary = json.loads(retry.split("▶ DM to U0CONSOLE (you)\n")[1].split("\n")[0])
    assert summary == {"name": "bob", "notes": "first line\n第二行", "kind": "enterprise",
                       "tags": ["vip", "ref"], "due": "2026-12-01", "owner": "U0LAWYER1",
                       "when": int(datetime(2026, 12, 1, 1, 30, tzinfo=UTC).timestamp()),  # 09:30 in Shanghai
                       "client": {"text": {"type": "plain_text", "text": "Acme 中国", "emoji": True},
                                  "value": "id-1"}}
    assert "[1] Done" in retry
    clicked = after(out, "> :click 1")
    assert "▶ DM to U0CONSOLE (you) — the message is replaced by" in clicked
    assert "done 42 in D0CONSOLE" in clicked


def test_modal_button_updates_the_view_and_cancel_notifies(services, with_test_form):
    out = console(services, "/testform", "ann", ":click 1", ":cancel", "/lawcrm whoami")
    assert "▶ modal updated" in out and "hint for U0CONSOLE" in out
    assert "(modal closed)" in out and "form closed" in out
    assert "role: *Partner*" in after(out, "> /lawcrm whoami")


REST = ["", "1", "1", "2026-12-01", "2026-12-01 09:00", "U0A", "acme", "1"]  # notes … client, after the name


def test_modal_push_then_clear(services, with_test_form):
    out = console(services, "/testform", "push", *REST, "", "because-typed", "")
    assert "▶ modal opened on top" in out and "┌─ Why? ─" in out and "Reason* (text)" in out
    assert "(all modals closed)" in out and "because because-typed" in out


def test_a_modal_opened_then_updated_at_once_is_drawn_once(services, with_test_form):
    out = console(services, "/testform draft", ":click 1", ":cancel")
    opened = out.split("> /testform draft")[1].split("Name* (text)")[0]
    assert "▶ modal opened (then changed, below)" in opened and "▶ modal updated" in opened
    assert opened.count("┌─ Test form ─") == 1 and "draft resumed" in opened
    assert "[1] Add hint" in opened and "[2]" not in opened
    assert "hint for U0CONSOLE" in out


def test_listener_update_after_ack_wins_over_the_acked_view(services, with_test_form):
    out = console(services, "/testform", "slow", *REST, "", "n1", "")
    assert "▶ modal updated: Checking (then changed, below)" in out and "Checking…" not in out
    results = out.split("(then changed, below)")[1]
    assert "┌─ Results ─" in results and "No conflicts" in results and "Note* (text)" in results
    assert "sent n1" in results


def test_modal_update_shows_the_new_view_then_closes(services, with_test_form):
    out = console(services, "/testform", "update", *REST, "", "", "/lawcrm whoami")
    assert "▶ modal updated" in out and "┌─ Thanks ─" in out and "All *saved*" in out
    assert "[Enter] close" in out and "role: *Partner*" in after(out, "> /lawcrm whoami")


def test_app_home_is_rendered_and_its_buttons_and_menus_work(services, with_test_form):
    out = console(services, ":home", ":click 1", ":home", ":click 3", "9", "2", ":home", ":click 2", "nobody",
                  "u0lawyer1", ":click 2", "")
    assert "▶ App Home of U0CONSOLE (you)" in out and "Welcome *home* ✅ :no_such_emoji:" in out
    assert "[1] Ping" in out and "[2] ▾ users select" in out and "[3] ▾ Pick (Red / Blue)" in out
    assert "pong from home" in out
    assert "Type a number from 1 to 2." in out and "picked blue" in out
    assert "Type a Slack user id like U0123ABCD." in out and "user U0LAWYER1" in out
    assert out.count("user U0") == 1 and out.count("  choose > ") == 5  # an empty answer gives up


def test_a_second_session_on_the_same_database_is_not_taken_for_a_retry(services, with_test_form):
    for _ in range(2):
        out = console(services, "/testform", ":cancel", ":home", "/lawcrm whoami")
        assert "▶ modal opened" in out and "form closed" in out
        assert "role: *Partner*" in after(out, "> /lawcrm whoami")


def test_end_of_input_inside_a_modal_closes_it(services, with_test_form):
    out = console(services, "/testform", "ann")
    assert "form closed" in out and out.rstrip().endswith("bye")


# -- the installed command on a fresh data directory --------------------------------------------------
def test_lawcrm_console_works_on_a_fresh_clone(tmp_path: Path):
    exe = Path(sys.executable).parent / "lawcrm"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SLACK_") and k not in ("DATABASE_URL", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY",
                                                         "KEY_FILE", "PARTNER_REVIEW_CHANNEL", "ALERTS_CHANNEL")}
    env["DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run([str(exe), "console"], input="/lawcrm whoami\n:quit\n", capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "role: *Partner*" in done.stdout and "bye" in done.stdout
    assert (tmp_path / "data" / "lawcrm.db").exists() and (tmp_path / "data" / "keys.json").exists()
    assert "Traceback" not in done.stderr


# -- the console speaks the acting user's language ----------------------------------------------------
def test_prompts_and_console_messages_follow_a_chinese_users_locale(services, with_test_form):
    make_staff(services, "U0WANG", "partner", "王芳", locale="zh-CN")
    out = console(services, ":help", ":bogus", "hello", "/testform", "this name is far too long for the field",
                  "bob", "", "9", "2", "", "1", "2026-13-01", "2026-12-01", "tomorrow", "2026-12-01 09:30",
                  "nobody", "u0lawyer1", "a", "acme", "1", "oops", ":help", ":nope", ":cancel", ":as nobody",
                  as_user="U0WANG")
    assert "当前身份：U0WANG — 王芳，合伙人，语言 zh-CN" in out
    assert "控制台命令：" in out and "✗ 未知的控制台命令 :bogus" in out and "请输入斜杠命令" in out
    assert "（请填写弹窗；:help 查看说明，:cancel 关闭）" in out
    assert "Name* (文本)" in out and "Notes (多行文本)" in out and "Kind* (单选)" in out
    assert "（可输入多行；单独一行 '.' 结束；第一行留空则跳过）" in out
    assert "✗ 最多 20 个字符（已输入 39 个）。" in out and "✗ 请输入 1 到 2 之间的数字。" in out
    assert "✗ 此项为必填。" in out and "✗ 请按 YYYY-MM-DD 格式输入日期。" in out
    assert "（YYYY-MM-DD HH:MM，Asia/Shanghai）" in out and "✗ 请按 YYYY-MM-DD HH:MM（Asia/Shanghai）输入" in out
    assert "✗ 请输入 Slack 用户 ID，例如 U0123ABCD。" in out and "✗ 请至少输入 2 个字符进行搜索。" in out
    assert "弹窗（[回车] Save · :click N · :redo · :cancel）>" in out and "按回车提交" in out
    assert "在弹窗中：依次回答各项" in out and "✗ :nope 在弹窗中不可用" in out
    assert "（弹窗已关闭）" in out and "✗ 用法：:as U0123ABCD" in out and out.rstrip().endswith("再见")
    assert "▶ 弹窗已打开" in out and "▶ 私信给 U0WANG（您）" in out
    for english in ("This field is required", "Type a", "fill in the modal", "Console commands", "(modal closed)",
                    "modal opened", "DM to"):
        assert english not in out, english


def test_switching_user_switches_the_language_and_the_firm_default_applies(services, with_test_form):
    make_staff(services, "U0LI", "lawyer", "Li Lei", locale="en")
    make_staff(services, "U0WANG", "partner", "王芳", locale="zh-CN")
    out = console(services, ":as U0WANG", "/testform", ":cancel", ":as U0LI", "/testform", ":cancel", as_user="U0LI")
    chinese, english = out.split("> :as U0LI")
    assert "现在的身份：U0WANG — 王芳，合伙人，语言 zh-CN" in chinese and "Name* (文本)" in chinese
    assert "Now acting as U0LI — Li Lei, Lawyer, language en" in english and "Name* (text)" in english
    assert "（弹窗已关闭）" in chinese and "(modal closed)" in english
    zh_firm = replace(services, settings=services.settings.model_copy(update={"default_locale": "zh-CN"}))
    unknown = console(zh_firm, "/testform", ":cancel", as_user="U0NOBODY")
    assert "不在员工名录中" in unknown and "（弹窗已关闭）" in unknown


def test_staff_command_answers_in_the_users_language(services):
    make_staff(services, "U0WANG", "partner", "王芳", locale="zh-CN")
    out = console(services, ":staff add U0Y \"Y\" wizard", ":staff", ':staff add U0ZHAO "赵六" lawyer',
                  ":staff list", as_user="U0WANG")
    assert "✗ 未知角色 `wizard`" in out and "Unknown role" not in out
    assert "用法：:staff add" in out and "✓ U0ZHAO — 赵六，Lawyer，语言 en" in out
    assert "U0WANG       partner        zh-CN  王芳" in out


def test_what_slack_shows_is_described_in_the_users_language(services):
    make_staff(services, "U0WANG", "partner", "王芳", locale="zh-CN")
    out = console(services, "/lawcrm whoami", ":channel C0OTHER", as_user="U0WANG")
    assert "▶ 在 #general (C0GENERAL) 回复（仅您可见）" in after(out, "U0WANG> /lawcrm whoami")
    assert "命令现在来自 C0OTHER。" in out and "reply in" not in out

"""The local terminal console: type slash commands, see what the real app would post in Slack."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from sqlalchemy.engine import make_url

from bot.console.commands import describe, run_jobs, seed_console_user, staff_command
from bot.console.fake_slack import Call
from bot.console.modal import ModalRunner
from bot.console.prompts import USER_ID
from bot.console.session import ConsoleSlack
from bot.console.terminal import Terminal
from bot.i18n import normalize_locale, t
from bot.logging_setup import safe_stack
from bot.services import Services
from bot.settings import CHANNEL_ID

log = logging.getLogger(__name__)
DEFAULT_USER = "U0CONSOLE"


def run_console(services: Services, *, as_user: str | None = None, stdin: TextIO | None = None,
                stdout: TextIO | None = None) -> None:
    """Run the console until :quit or the end of input (stdin/stdout default to the process's)."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    for stream in (stdin, stdout):
        _tolerant(stream)
    term = Terminal(stdin, stdout)
    user = (as_user or DEFAULT_USER).strip().upper()
    if not USER_ID.match(user):
        term.write("✗ " + t("console.bad_user", normalize_locale(services.settings.default_locale),
                             user=repr(user), default=DEFAULT_USER))
        user = DEFAULT_USER
    slack = ConsoleSlack(services, term, user=user)
    try:
        Console(slack).loop()
    finally:
        slack.close()


def _tolerant(stream: TextIO) -> None:
    """Never fail on a character: pipes speak UTF-8, a terminal keeps its own encoding."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None or stream.closed:
        return
    if stream.isatty():
        reconfigure(errors="replace")
    else:
        reconfigure(encoding="utf-8", errors="replace")


def database_label(services: Services) -> str:
    """Where the data lives, without any password."""
    url = make_url(services.settings.resolved_database_url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return url.render_as_string(hide_password=True)


class Console:
    """The read–dispatch–render loop."""

    def __init__(self, slack: ConsoleSlack) -> None:
        self.slack, self.term = slack, slack.term
        self.modals = ModalRunner(slack)

    def banner(self) -> None:
        """What this is, where the data is, how to leave."""
        s = self.slack
        seeded = seed_console_user(s.services, s.user)
        locale = s.locale()
        self.term.write(t("console.banner.what", locale))
        self.term.write(t("console.banner.database", locale, database=database_label(s.services)))
        if s.real_slack:
            self.term.write(t("console.banner.real_slack", locale))
        if seeded:
            self.term.write(t("console.banner.seeded", locale, user=s.user))
        self.term.write(t("console.acting_as", locale, who=describe(s.services, s.user, locale)) + ".")
        self.term.write(t("console.banner.how", locale))

    def loop(self) -> None:
        """Read lines until :quit or the end of input."""
        self.banner()
        while True:
            try:
                line = self.term.ask(f"{self.slack.user}> ").strip()
                if not self.handle(line):
                    break
            except EOFError:
                break
            except KeyboardInterrupt:
                self.term.write("")
                break
            except Exception as exc:  # noqa: BLE001 - one bad line must not end the session
                log.error("console step failed", extra={"stack": safe_stack(exc)})
                self.term.write("✗ " + t("console.line_failed", self.locale(), error=type(exc).__name__))
        try:
            self.term.write(t("console.bye", self.locale()))
        except EOFError:  # stdout is gone too
            pass

    def locale(self) -> str:
        """The acting user's language, English if the database cannot say."""
        try:
            return self.slack.locale()
        except Exception:  # noqa: BLE001 - the goodbye and the failure notice must still print
            return "en"

    def handle(self, line: str) -> bool:
        """Do one line; False to stop."""
        if not line:
            return True
        if line.startswith("/"):
            self.slash(line)
            return True
        locale = self.slack.shown_in = self.slack.locale()
        if not line.startswith(":"):
            self.term.write(t("console.type_a_command", locale))
            return True
        cmd, _, arg = line.partition(" ")
        arg = arg.strip()
        if cmd in (":quit", ":q", ":exit"):
            return False
        handler = {
            ":help": lambda: self.term.write(t("console.help", locale)), ":as": lambda: self.act_as(arg),
            ":whoami": lambda: self.term.write(
                t("console.acting_as", locale, who=describe(self.slack.services, self.slack.user, locale))),
            ":staff": lambda: self.term.write(staff_command(self.slack.services, arg, locale)),
            ":jobs": lambda: run_jobs(self.slack), ":click": lambda: self.click(arg),
            ":home": self.home, ":channel": lambda: self.switch_channel(arg),
        }.get(cmd)
        if handler is None:
            self.term.write("✗ " + t("console.unknown_command", locale, command=cmd))
        else:
            handler()
        return True

    # -- Slack actions -------------------------------------------------------------------------------
    def slash(self, line: str) -> None:
        """A slash command, as typed in Slack's message box."""
        s = self.slack
        command, _, text = line.partition(" ")
        sent, calls = s.run(lambda: s.driver.command(s.user, command.lower(), text.strip(), channel=s.channel),
                            ack_reply=True)
        s.say_status(sent, calls, command)
        self.follow(calls)

    def click(self, arg: str) -> None:
        """Press a numbered button or menu of the last output."""
        done = self.slack.press(arg)
        if done is not None:
            self.follow(done[1])

    def home(self) -> None:
        """Open the App Home tab (app_home_opened)."""
        s = self.slack
        event = {"type": "app_home_opened", "user": s.user, "channel": "D" + s.user[1:], "tab": "home",
                 "event_ts": "0"}
        sent, calls = s.run(lambda: s.driver.event(event))
        s.say_status(sent, calls, "the App Home")

    def follow(self, calls: list[Call]) -> None:
        """Enter a modal the app opened."""
        opened = self.slack.opened_views(calls, "views.open", "views.push")
        if opened:
            self.modals.run(opened[-1])

    # -- console state -------------------------------------------------------------------------------
    def act_as(self, arg: str) -> None:
        """Switch the acting Slack user."""
        user = arg.strip().lstrip("@").upper()
        if not USER_ID.match(user):
            self.term.write("✗ " + t("console.usage", self.slack.locale(), usage=":as U0123ABCD"))
            return
        self.slack.user = user
        locale = self.slack.locale()
        self.term.write(t("console.now_acting_as", locale, who=describe(self.slack.services, user, locale)))

    def switch_channel(self, arg: str) -> None:
        """Type commands in another channel."""
        channel = arg.strip().lstrip("#").upper()
        if not CHANNEL_ID.match(channel):
            self.term.write("✗ " + t("console.usage", self.slack.locale(), usage=":channel C0123ABCD"))
            return
        self.slack.channel = channel
        self.term.write(t("console.channel_now", self.slack.locale(), where=self.slack.where(channel)))

"""The console's Slack: the real app behind a local fake Web API, and what it did, as text."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr
from slack_sdk import WebClient

from bot.app import create_app, make_web_client
from bot.console.driver import Sent, SlackDriver
from bot.console.executor import TrackingExecutor
from bot.console.fake_slack import Call, FakeSlack
from bot.console.prompts import ask_selection
from bot.console.render import Clickable, Renderer, Where
from bot.console.terminal import Terminal
from bot.flows import directory
from bot.i18n import normalize_locale, t
from bot.services import Services

CONSOLE_BOT_TOKEN = "xoxb-console-local"
GENERAL = "C0GENERAL"
VIEW_SAYS = {"views.open": "console.render.views_open", "views.push": "console.render.views_push",
             "views.update": "console.render.views_update"}
VIEW_METHODS = tuple(VIEW_SAYS)
QUIET_METHODS = ("auth.test", "conversations.open", "conversations.info", "conversations.members",
                 "conversations.list", "conversations.history", "conversations.replies", "team.info",
                 "bots.info")


def console_services(services: Services, fake: FakeSlack, signing_secret: str) -> Services:
    """The same database and keys, with Slack settings pointing at the local fake."""
    s = services.settings
    settings = s.model_copy(update={
        "slack_api_url": fake.url,
        "slack_bot_token": SecretStr(CONSOLE_BOT_TOKEN),
        "slack_signing_secret": SecretStr(signing_secret),
        "slack_app_token": None,
        "partner_review_channel": s.partner_review_channel or "C0PARTNERS",
        "alerts_channel": s.alerts_channel or "C0ALERTS",
    })
    return dataclasses.replace(services, settings=settings)


class ConsoleSlack:
    """Owns the fake Slack, the app and the driver; dispatches and renders what happened."""

    def __init__(self, services: Services, term: Terminal, *, user: str) -> None:
        self.fake = FakeSlack().start()
        # A real workspace's bot token means this database's notices belong to real Slack.
        self.real_slack = services.settings.slack_bot_token is not None
        secret = secrets.token_hex(16)
        self.services = console_services(services, self.fake, secret)
        settings = self.services.settings
        self.channel_names = {GENERAL: "general", str(settings.partner_review_channel): "partner-review",
                              str(settings.alerts_channel): "alerts"}
        for cid, name in self.channel_names.items():
            self.fake.channels[cid] = {"name": name, "is_private": cid != GENERAL}
        self.executor = TrackingExecutor(max_workers=settings.listener_threads)
        try:
            self.app, self.deps = create_app(services=self.services, listener_executor=self.executor)
        except BaseException:
            self.close()
            raise
        self.driver = SlackDriver(self.app, signing_secret=secret, fake=self.fake)
        self.term, self.user, self.channel = term, user, GENERAL
        self.reply_in = GENERAL
        self.renderer = Renderer(settings.tz)
        self.shown_in = "en"  # the language of what is being rendered: the acting user's
        self.clickables: list[Clickable] = []
        self.seen = len(self.fake.calls)

    def close(self) -> None:
        """Stop the listener pool and the fake server."""
        self.executor.shutdown(wait=True)
        self.fake.stop()

    def locale(self) -> str:
        """The acting user's language (the firm's default for someone not in the directory)."""
        default = self.services.settings.default_locale
        with self.services.session() as session:
            actor = directory.find_actor(session, slack_user_id=self.user, default_locale=default)
        return normalize_locale(actor.locale if actor else default)

    def web_client(self) -> WebClient:
        """A Web API client on the fake (what the jobs process would use)."""
        return make_web_client(self.services)

    # -- doing ---------------------------------------------------------------------------------
    def run(self, action: Callable[[], Sent | None], *, ack_reply: bool = False,
            reply_in: str | None = None,
            on_ack: Callable[[Sent, list[Call]], None] | None = None) -> tuple[Sent | None, list[Call]]:
        """Do something to the app, wait for it to settle, render and return the new calls.

        Bolt's answer takes effect before anything the listener does after `ack()`, as in
        Slack: with `ack_reply` a message in it (`ack(text=…)`) is shown first; `on_ack` (given
        the answer and the calls that followed it) applies a modal's response_action first.
        `reply_in` is where response_url replies appear (the channel of the clicked message;
        by default the channel commands are typed in).
        """
        self.reply_in = reply_in or self.channel
        self.shown_in = self.locale()
        sent = action()
        if not self.executor.wait_idle():
            self.term.write(t("console.still_working", self.locale()))
        self.fake.settle(quiet=0.05)
        calls = self.new_calls()
        self.renderer.start()
        body = sent.json if (ack_reply and sent is not None and sent.status == 200) else {}
        if body.get("text") or body.get("blocks"):
            self.render_response(body)
        if on_ack is not None and sent is not None:
            on_ack(sent, calls)
        self.render_calls(calls)
        return sent, calls

    def new_calls(self) -> list[Call]:
        """Calls the app made since the last look."""
        calls, self.seen = self.fake.calls_since(self.seen)
        return calls

    def render_calls(self, calls: list[Call]) -> None:
        """Render calls into the current rendering, print it, and make its numbers current.

        A view opened and then updated in the same step is drawn once, as it ended up.
        """
        last = {self.view_id_of(c): i for i, c in enumerate(calls) if c.method in VIEW_METHODS}
        for i, call in enumerate(calls):
            if call.method in VIEW_METHODS and last.get(self.view_id_of(call)) != i:
                self.renderer.say(t("console.render.then_changed", self.shown_in,
                                    what=t(VIEW_SAYS[call.method], self.shown_in)))
                continue
            self.render_call(call)
        text = self.renderer.take()
        if text:
            self.term.write(text)
        if self.renderer.clickables:  # numbers stay valid until new buttons are shown
            self.clickables = list(self.renderer.clickables)

    @staticmethod
    def view_id_of(call: Call) -> str:
        """The id of the view a views.* call opened or changed."""
        return str((call.answer.get("view") or {}).get("id") or call.params.get("view_id") or "")

    # -- rendering one Web API call ------------------------------------------------------------
    def where(self, channel: str | None) -> str:
        """A channel or DM as people read it."""
        if not channel:
            return "?"
        if channel.startswith(("U", "W")):
            return t("console.render.dm", self.shown_in, who=self.person(channel))
        if channel.startswith("D"):
            return t("console.render.dm", self.shown_in, who=self.person("U" + channel[1:]))
        name = self.channel_names.get(channel)
        return f"#{name} ({channel})" if name else channel

    def person(self, user: str) -> str:
        """A user id, marked when it is the console's acting user."""
        return t("console.render.you", self.shown_in, user=user) if user == self.user else user

    def render_call(self, call: Call) -> None:
        """One Web API call as text, in the acting user's language."""
        method, p, r, loc = call.method, call.params, self.renderer, self.shown_in
        if method in QUIET_METHODS or method.startswith("users."):
            return
        if call.answer and call.answer.get("ok") is False:
            r.say(t("console.render.refused", loc, method=method, error=call.answer.get("error")))
            return
        where = self.where(str(p.get("channel")))
        if method == "chat.postMessage":
            channel = str(call.answer.get("channel") or p.get("channel"))
            thread = t("console.render.in_thread", loc, ts=p["thread_ts"]) if p.get("thread_ts") else ""
            r.say(f"▶ {where}{thread}")
            r.message(p, where=Where(channel=channel, ts=call.answer.get("ts"), text=str(p.get("text") or "")))
        elif method == "chat.update":
            r.say(t("console.render.updated", loc, where=where, ts=p.get("ts")))
            r.message(p, where=Where(channel=str(p.get("channel")), ts=str(p.get("ts")),
                                     text=str(p.get("text") or "")))
        elif method == "chat.postEphemeral":
            r.say(t("console.render.ephemeral", loc, where=where, who=self.person(str(p.get("user")))))
            r.message(p, where=Where(channel=str(p.get("channel")), ts=call.answer.get("message_ts"),
                                     text=str(p.get("text") or "")))
        elif method == "response_url":
            self.render_response(p)
        elif method in VIEW_METHODS:
            r.say(t(VIEW_SAYS[method], loc))
            r.view(call.answer.get("view") or {})
        elif method == "views.publish":
            view = {**(call.answer.get("view") or {}), "type": "home"}
            self.fake.views[str(view.get("id"))] = view
            r.say(t("console.render.home", loc, who=self.person(str(p.get("user_id")))))
            r.view(view)
        elif method == "chat.delete":
            r.say(t("console.render.deleted", loc, where=where, ts=p.get("ts")))
        elif method == "reactions.add":
            r.say(t("console.render.reacted", loc, where=where, name=p.get("name")))
        else:
            r.say(t("console.render.api", loc, method=method))

    def render_response(self, p: dict[str, Any]) -> None:
        """A reply through a response_url."""
        r, loc = self.renderer, self.shown_in
        if p.get("delete_original"):
            r.say(t("console.render.original_deleted", loc))
            return
        if p.get("replace_original") in (True, "true"):
            r.say(t("console.render.replaced", loc, where=self.where(self.reply_in)))
        else:
            whom = t("console.render.in_channel" if p.get("response_type") == "in_channel"
                     else "console.render.only_you", loc)
            r.say(t("console.render.reply", loc, where=self.where(self.reply_in), whom=whom))
        r.message(p, where=Where(channel=self.reply_in, ts=None, text=str(p.get("text") or "")))

    def press(self, number: str, *, answers: dict[str, Any] | None = None,
              open_view: str | None = None) -> tuple[Sent | None, list[Call]] | None:
        """Press numbered button or menu `number` of the last output (None if nothing was done).

        Inside the open view `open_view`, `answers` are sent as the view's state.
        """
        if not number.isdigit() or not 1 <= int(number) <= len(self.clickables):
            self.term.write("  ✗ " + t("console.no_button", self.locale(),
                                       number=number or t("console.number_missing", self.locale())))
            return None
        item = self.clickables[int(number) - 1]
        fields = ask_selection(self.term, item.kind, item.options, self.locale())
        if fields is None:
            return None
        sent, calls = self.run(lambda: self.driver.click(
            self.user, item.action_id, item.value, block_id=item.block_id, message=item.message,
            view_id=item.view_id, answers=answers if item.view_id and item.view_id == open_view else None,
            action_fields=fields or None), ack_reply=True, reply_in=(item.message or {}).get("channel"))
        if sent is not None and sent.status != 200:
            self.say_status(sent, calls, f"button {item.label!r}")
        return sent, calls

    # -- helpers the REPL and the modal runner share -------------------------------------------------
    def opened_views(self, calls: list[Call], *methods: str) -> list[str]:
        """Ids of views opened (or pushed) by these calls, in order."""
        return [str((c.answer.get("view") or {}).get("id")) for c in calls
                if c.method in methods and c.answer.get("ok")]

    def say_status(self, sent: Sent | None, calls: list[Call], what: str) -> None:
        """Explain a request the app did not handle, or that showed nothing."""
        if sent is not None and sent.status == 404:
            self.term.write(t("console.no_handler", self.locale(), what=what))
        elif sent is not None and sent.status >= 400:
            self.term.write(t("console.app_answered", self.locale(), status=sent.status, what=what))
        elif not [c for c in calls if c.method not in QUIET_METHODS and not c.method.startswith("users.")]:
            body = sent.json if sent is not None else {}
            if not (body.get("text") or body.get("blocks")):
                self.term.write(t("console.nothing_visible", self.locale()))

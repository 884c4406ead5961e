"""Filling in modals at the prompt: inputs in order, buttons, submit, errors, update/push/clear."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.console.driver import Sent
from bot.console.fake_slack import Call
from bot.console.prompts import Escape, ask_input
from bot.console.render import initial_value, text_of
from bot.console.session import ConsoleSlack
from bot.i18n import t


@dataclass
class Form:
    """What the user typed into one view so far."""

    answers: dict[str, Any] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)


@dataclass
class Outcome:
    """How a view was left: closed, cleared, or replaced by another (pushed or opened) view."""

    kind: str
    view_id: str | None = None


def inputs_of(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The view's input blocks, in order."""
    return [b for b in view.get("blocks", []) if b.get("type") == "input" and b.get("block_id")]


class ModalRunner:
    """Walks the user through an open modal and any views pushed on top of it."""

    def __init__(self, slack: ConsoleSlack) -> None:
        self.slack, self.term = slack, slack.term
        self._ids = itertools.count(1)

    # -- the stack of views --------------------------------------------------------------------
    def run(self, view_id: str) -> None:
        """Until the modal is closed or cleared."""
        stack, forms = [view_id], {}
        self.term.write(t("console.modal.start", self.slack.locale()))
        while stack:
            vid = stack[-1]
            try:
                outcome = self.fill(vid, forms.setdefault(vid, Form()))
            except EOFError:
                self.close(vid, forms[vid])
                raise
            except KeyboardInterrupt:
                self.term.write("")
                self.close(vid, forms[vid])
                return
            if outcome.kind == "push" and outcome.view_id:
                stack.append(outcome.view_id)
            elif outcome.kind == "open" and outcome.view_id:
                stack = [outcome.view_id]
            elif outcome.kind == "clear":
                stack.clear()
            else:
                stack.pop()
                if stack:
                    self.show(stack[-1], t("console.modal.back", self.slack.locale()), forms[stack[-1]])

    def show(self, view_id: str, title: str, form: Form) -> None:
        """Render a view again (its numbering becomes current)."""
        r = self.slack.renderer
        r.start()
        r.say(title)
        r.view(self.slack.fake.views[view_id], answers=form.answers)
        self.term.write(r.take())
        self.slack.clickables = list(r.clickables)

    # -- one view ------------------------------------------------------------------------------
    def fill(self, vid: str, form: Form) -> Outcome:
        """Prompt the fields not yet answered, then submit (or click, or cancel)."""
        while True:
            view = self.slack.fake.views[vid]
            locale = self.slack.locale()
            asked_all = True
            for block in inputs_of(view):
                bid = block["block_id"]
                if bid in form.answered:
                    continue
                current = form.answers.get(bid, initial_value(block.get("element", {})))
                answer = ask_input(self.term, block, current=current, tz=self.slack.services.settings.tz,
                                   suggest=lambda a, b, q, v=vid: self.suggest(v, a, b, q), locale=locale)
                if isinstance(answer, Escape):
                    outcome = self.escape(vid, form, answer.line)
                    if outcome is not None:
                        return outcome
                    asked_all = False
                    break
                form.answers[bid] = answer
                form.answered.add(bid)
            if not asked_all:
                continue
            submit = text_of(view.get("submit"))
            hint = submit or t("console.modal.close", locale)
            line = self.term.ask(t("console.modal.prompt", locale, action=hint) + "> ").strip()
            if line.startswith(":"):
                outcome = self.escape(vid, form, line)
                if outcome is not None:
                    return outcome
                continue
            if line:
                self.term.write("  " + t("console.modal.press_enter", locale))
                continue
            if not submit:
                return self.close(vid, form)
            outcome = self.submit(vid, form)
            if outcome is not None:
                return outcome

    def escape(self, vid: str, form: Form, line: str) -> Outcome | None:
        """A console command typed inside a modal; an Outcome when the view was left."""
        cmd, _, arg = line.partition(" ")
        locale = self.slack.locale()
        if cmd in (":cancel", ":close"):
            return self.close(vid, form)
        if cmd == ":redo":
            form.answered.clear()
            return None
        if cmd in (":quit", ":q", ":exit"):
            raise EOFError
        if cmd == ":click":
            return self.click(vid, form, arg.strip())
        if cmd == ":help":
            self.term.write(t("console.modal.help", locale))
            return None
        self.term.write("  ✗ " + t("console.modal.not_here", locale, command=cmd))
        return None

    # -- talking to the app ------------------------------------------------------------------------
    def answers(self, vid: str, form: Form) -> dict[str, Any]:
        """Every input's value as typed (initial values for fields not reached yet)."""
        view = self.slack.fake.views[vid]
        return {b["block_id"]: form.answers.get(b["block_id"], initial_value(b.get("element", {})))
                for b in inputs_of(view)}

    def suggest(self, vid: str, action_id: str, block_id: str, query: str) -> list[dict[str, Any]]:
        """Options for an external select, from the app's block_suggestion listener."""
        slack = self.slack
        sent = slack.driver.suggest(slack.user, action_id, query, view_id=vid, block_id=block_id)
        slack.executor.wait_idle()
        body = sent.json if sent.status == 200 else {}
        options = list(body.get("options") or [])
        for group in body.get("option_groups") or []:
            options.extend(group.get("options", []))
        return options

    def click(self, vid: str, form: Form, arg: str) -> Outcome | None:
        """Press a numbered button (in this modal or in a message)."""
        slack = self.slack
        before = slack.fake.views.get(vid, {}).get("hash")
        done = slack.press(arg, answers=self.answers(vid, form), open_view=vid)
        if done is None:
            return None
        calls = done[1]
        pushed = slack.opened_views(calls, "views.push")
        if pushed:
            return Outcome("push", pushed[-1])
        opened = slack.opened_views(calls, "views.open")
        if opened:
            return Outcome("open", opened[-1])
        if slack.fake.views.get(vid, {}).get("hash") != before:
            current = {b["block_id"] for b in inputs_of(slack.fake.views[vid])}
            form.answered &= current
        return None

    def submit(self, vid: str, form: Form) -> Outcome | None:
        """Submit the view and follow Slack's rules for the answer."""
        slack = self.slack
        pushed: list[str] = []
        sent, calls = slack.run(lambda: slack.driver.submit(slack.user, vid, self.answers(vid, form)),
                                on_ack=lambda s, c: self.apply_answer(vid, s, c, pushed))
        assert sent is not None
        if sent.status != 200:
            slack.say_status(sent, calls, "this modal's submission")
            return Outcome("close")
        body = sent.json
        action = body.get("response_action")
        if action == "errors":
            return self.show_errors(vid, form, body.get("errors") or {})
        if action == "update":
            form.answered &= {b["block_id"] for b in inputs_of(slack.fake.views[vid])}
            return None
        if action == "push":
            return Outcome("push", pushed[0])
        if action == "clear":
            self.term.write(t("console.modal.all_closed", slack.locale()))
            return Outcome("clear")
        opened = slack.opened_views(calls, "views.open")
        if opened:
            return Outcome("open", opened[-1])
        self.term.write(t("console.modal.closed", slack.locale()))
        return Outcome("close")

    def apply_answer(self, vid: str, sent: Sent, calls: list[Call], pushed: list[str]) -> None:
        """A view in the submission's answer takes effect first (what the listener did after
        `ack()` comes later, so a views.update it made in the meantime wins)."""
        if sent.status != 200:
            return
        body = sent.json
        action, view = body.get("response_action"), body.get("view") or {}
        r = self.slack.renderer
        if action == "update":
            changed_later = any(c.method == "views.update" and self.slack.view_id_of(c) == vid for c in calls)
            if changed_later:
                r.say(t("console.render.then_changed", self.slack.shown_in,
                        what=t("console.render.views_update_titled", self.slack.shown_in,
                               title=text_of(view.get("title")))))
                return
            self.slack.fake.views[vid] = {**view, "id": vid, "hash": f"c{next(self._ids)}"}
            r.say(t("console.render.views_update", self.slack.shown_in))
            r.view(self.slack.fake.views[vid])
        elif action == "push":
            new_id = f"VCONSOLE{next(self._ids):04d}"
            self.slack.fake.views[new_id] = {**view, "id": new_id, "hash": f"c{next(self._ids)}"}
            pushed.append(new_id)
            r.say(t("console.render.views_push", self.slack.shown_in))
            r.view(self.slack.fake.views[new_id])

    def show_errors(self, vid: str, form: Form, errors: Mapping[str, str]) -> Outcome | None:
        """Show Slack's field errors and forget those answers so only they are asked again."""
        labels = {b["block_id"]: text_of(b.get("label")) for b in inputs_of(self.slack.fake.views[vid])}
        for block_id, message in errors.items():
            self.term.write(f"  ✗ {labels.get(block_id, block_id)}: {message}")
            form.answered.discard(block_id)
        if not set(errors) & set(labels):
            form.answered.clear()
        return None

    def close(self, vid: str, form: Form) -> Outcome:
        """Close the view; the app hears of it when the view asked (notify_on_close)."""
        slack = self.slack
        view = slack.fake.views.get(vid, {})
        if view.get("notify_on_close"):
            slack.run(lambda: slack.driver.close(slack.user, vid, self.answers(vid, form)))
        self.term.write(t("console.modal.closed", slack.locale()))
        return Outcome("close")

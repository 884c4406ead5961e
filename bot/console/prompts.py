"""Asking for one modal input at the prompt, the way Slack's client would collect it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.console.render import all_options, answer_text, element_kind, option_label, text_of
from bot.console.terminal import Terminal
from bot.i18n import t

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Suggest = Callable[[str, str, str], list[dict[str, Any]]]


@dataclass
class Escape:
    """A console command typed at a field prompt instead of an answer (`:cancel`, `:click 2`)."""

    line: str


class Invalid(Exception):
    """An answer Slack's client would not accept; its message key (and parameters) say why."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params

    def text(self, locale: str) -> str:
        """Why, in the user's language."""
        return t(self.key, locale, **self.params)


SKIP = object()


def ask_input(term: Terminal, block: Mapping[str, Any], *, current: Any, suggest: Suggest,
              tz: tzinfo = UTC, locale: str = "en") -> Any:
    """Prompt until a valid answer (or an Escape); None means left empty (moments are in `tz`).

    What the prompt says is in `locale`, the acting user's language.
    """
    el = block.get("element", {})
    kind = str(el.get("type", "plain_text_input"))
    label = text_of(block.get("label"))
    optional = bool(block.get("optional"))
    hint = text_of(block.get("hint"))
    head = f"{label}{'' if optional else '*'} ({element_kind(el, locale)})"
    if hint:
        head += f" — {hint}"
    term.write(head)
    if kind in ("static_select", "radio_buttons", "multi_static_select", "checkboxes"):
        _list_options(term, all_options(el))
    if kind == "datetimepicker":
        term.write("  " + t("console.prompt.datetime_format", locale, tz=str(tz)))
    keep = "" if current in (None, "", []) else \
        "  " + t("console.prompt.keep", locale, value=answer_text(el, current, tz))
    if kind == "plain_text_input" and el.get("multiline") or kind == "rich_text_input":
        term.write("  " + t("console.prompt.multiline", locale))
    if keep:
        term.write(keep)
    while True:
        try:
            value = _ask_once(term, el, kind, current=current, suggest=suggest, block=block, tz=tz,
                              locale=locale)
        except Invalid as exc:
            term.write(f"  ✗ {exc.text(locale)}")
            continue
        if isinstance(value, Escape):
            return value
        if value is SKIP:
            value = current
        if value in (None, "", []):
            if not optional:
                term.write("  ✗ " + t("console.input.required", locale))
                continue
            return None
        return value


def _list_options(term: Terminal, options: list[dict[str, Any]]) -> None:
    """Show options numbered from 1."""
    for i, opt in enumerate(options, 1):
        term.write(f"   {i}) {option_label(opt)}")


def _read(term: Terminal, prompt: str = "  > ") -> str | Escape | object:
    """One line: an Escape for console commands, SKIP for an empty line, '' for '-'."""
    line = term.ask(prompt).strip()
    if line.startswith(":"):
        return Escape(line)
    if line == "":
        return SKIP
    if line == "-":
        return ""
    return line


def _ask_once(term: Terminal, el: Mapping[str, Any], kind: str, *, current: Any, suggest: Suggest,
              block: Mapping[str, Any], tz: tzinfo, locale: str) -> Any:
    """Read and check one answer for an element kind."""
    if kind == "plain_text_input" and el.get("multiline") or kind == "rich_text_input":
        return _multiline(term, el)
    line = _read(term)
    if isinstance(line, Escape) or line is SKIP or line == "":
        return line
    assert isinstance(line, str)
    if kind in ("plain_text_input", "email_text_input", "url_text_input"):
        return _text(el, kind, line)
    if kind == "number_input":
        return _number(el, line)
    if kind in ("static_select", "radio_buttons"):
        return _choose(all_options(el), line)["value"]
    if kind in ("multi_static_select", "checkboxes"):
        picked = _choose_many(all_options(el), line, el.get("max_selected_items"))
        return [o["value"] for o in picked]
    if kind in ("external_select", "multi_external_select"):
        return _external(term, el, kind, line, suggest=suggest, block=block, locale=locale)
    if kind == "datepicker":
        try:
            return date.fromisoformat(line).isoformat()
        except ValueError:
            raise Invalid("console.input.date") from None
    if kind == "timepicker":
        m = TIME.match(line)
        if not m:
            raise Invalid("console.input.time")
        return f"{int(m.group(1)):02d}:{m.group(2)}"
    if kind == "datetimepicker":
        try:
            moment = datetime.fromisoformat(line)
        except ValueError:
            raise Invalid("console.input.datetime", tz=str(tz)) from None
        return int((moment if moment.tzinfo else moment.replace(tzinfo=tz)).timestamp())
    if kind == "users_select":
        return _ids(line, USER_ID, "console.input.user_id", many=False)
    if kind == "multi_users_select":
        return _ids(line, USER_ID, "console.input.user_ids", many=True)
    if kind in ("conversations_select", "channels_select"):
        return _ids(line, CHANNEL_ID, "console.input.channel_id", many=False)
    if kind in ("multi_conversations_select", "multi_channels_select"):
        return _ids(line, CHANNEL_ID, "console.input.channel_ids", many=True)
    raise Invalid("console.input.unsupported", kind=kind)


def _multiline(term: Terminal, el: Mapping[str, Any]) -> Any:
    """Lines until a line holding only '.'; a console command is recognised on the first line."""
    lines: list[str] = []
    while True:
        line = term.ask("  | ")
        if not lines and line.strip().startswith(":"):
            return Escape(line.strip())
        if not lines and not line.strip():
            return SKIP
        if line.strip() == ".":
            break
        lines.append(line)
    if not lines:
        return SKIP
    text = "\n".join(lines).strip("\n")
    if text.strip() == "-":
        return ""
    return _text(el, "plain_text_input", text)


def _text(el: Mapping[str, Any], kind: str, text: str) -> str:
    """Length and format checks Slack's client applies."""
    if el.get("min_length") and len(text) < int(el["min_length"]):
        raise Invalid("console.input.min_length", min=el["min_length"])
    if el.get("max_length") and len(text) > int(el["max_length"]):
        raise Invalid("console.input.max_length", max=el["max_length"], typed=len(text))
    if kind == "email_text_input" and not EMAIL.match(text):
        raise Invalid("console.input.email")
    if kind == "url_text_input" and not text.startswith(("http://", "https://")):
        raise Invalid("console.input.url")
    return text


def _number(el: Mapping[str, Any], text: str) -> str:
    """A number within the element's bounds (decimals only when allowed)."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Invalid("console.input.number") from None
    if not el.get("is_decimal_allowed") and number != number.to_integral_value():
        raise Invalid("console.input.whole_number")
    if el.get("min_value") is not None and number < Decimal(str(el["min_value"])):
        raise Invalid("console.input.min_value", min=el["min_value"])
    if el.get("max_value") is not None and number > Decimal(str(el["max_value"])):
        raise Invalid("console.input.max_value", max=el["max_value"])
    return text


def _choose(options: list[dict[str, Any]], line: str) -> dict[str, Any]:
    """One option by its number (or its exact label)."""
    if line.isdigit() and 1 <= int(line) <= len(options):
        return options[int(line) - 1]
    for opt in options:
        if option_label(opt).lower() == line.lower() or text_of(opt.get("text")).lower() == line.lower():
            return opt
    if not options:
        raise Invalid("console.input.nothing_to_choose")
    raise Invalid("console.input.choose_number", last=len(options))


def _choose_many(options: list[dict[str, Any]], line: str, limit: Any) -> list[dict[str, Any]]:
    """Several options by comma-separated numbers."""
    picked: list[dict[str, Any]] = []
    for part in (p.strip() for p in line.replace("，", ",").split(",")):
        if part:
            opt = _choose(options, part)
            if opt not in picked:
                picked.append(opt)
    if limit and len(picked) > int(limit):
        raise Invalid("console.input.choose_at_most", max=limit)
    return picked


def _ids(line: str, pattern: re.Pattern[str], what: str, *, many: bool) -> str | list[str]:
    """Slack ids typed by the user (`what` is the message key asking for them)."""
    parts = [p.strip().lstrip("@#").upper() for p in line.replace("，", ",").split(",") if p.strip()]
    if not parts or any(not pattern.match(p) for p in parts) or (len(parts) > 1 and not many):
        raise Invalid(what)
    return parts if many else parts[0]


def _external(term: Terminal, el: Mapping[str, Any], kind: str, query: str, *, suggest: Suggest,
              block: Mapping[str, Any], locale: str) -> Any:
    """Search the app's options (block_suggestion) with the typed text, then choose."""
    min_len = int(el.get("min_query_length", 3) or 0)
    if len(query) < min_len:
        raise Invalid("console.input.search_min", min=min_len)
    options = suggest(str(el.get("action_id", "")), str(block.get("block_id", "")), query)
    if not options:
        raise Invalid("console.input.no_match")
    _list_options(term, options)
    many = kind == "multi_external_select"
    while True:
        line = _read(term, "  choose > ")
        if isinstance(line, Escape):
            return line
        if line is SKIP:
            raise Invalid("console.input.nothing_chosen")
        try:
            if many:
                return _choose_many(options, str(line), el.get("max_selected_items"))
            return _choose(options, str(line))
        except Invalid as exc:
            term.write(f"  ✗ {exc.text(locale)}")


SELECTION_KEYS = {"users_select": ("selected_user", USER_ID, "console.input.user_id"),
                  "conversations_select": ("selected_conversation", CHANNEL_ID, "console.input.channel_id"),
                  "channels_select": ("selected_channel", CHANNEL_ID, "console.input.channel_id")}


def ask_selection(term: Terminal, kind: str, options: list[dict[str, Any]],
                  locale: str = "en") -> dict[str, Any] | None:
    """What the user picks in a menu outside a form, as the action's fields; None to give up."""
    if kind == "button":
        return {}
    if kind in ("static_select", "overflow"):
        _list_options(term, options)
    while True:
        line = _read(term, "  choose > ")
        if isinstance(line, Escape) or line is SKIP or line == "":
            return None
        assert isinstance(line, str)
        try:
            if kind in ("static_select", "overflow"):
                return {"type": kind, "selected_option": _choose(options, line)}
            if kind == "datepicker":
                try:
                    return {"type": kind, "selected_date": date.fromisoformat(line).isoformat()}
                except ValueError:
                    raise Invalid("console.input.date") from None
            key, pattern, what = SELECTION_KEYS[kind]
            return {"type": kind, key: _ids(line, pattern, what, many=False)}
        except Invalid as exc:
            term.write(f"  ✗ {exc.text(locale)}")

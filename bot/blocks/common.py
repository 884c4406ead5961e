"""Small Block Kit helpers shared by all features (lengths clamped to Slack's limits)."""

from __future__ import annotations

from typing import Any

from bot.slack_text import Mrkdwn, clamp, escape, unescape

Block = dict[str, Any]


def plain(text: str, limit: int = 3000) -> dict[str, Any]:
    """A plain_text object (Slack shows it as it is: escaped `Mrkdwn` is turned back first)."""
    shown = unescape(text) if isinstance(text, Mrkdwn) else text
    return {"type": "plain_text", "text": clamp(shown, limit), "emoji": True}


def mrkdwn(text: str, limit: int = 3000) -> dict[str, Any]:
    """A mrkdwn text object; text not marked `Mrkdwn` (user data) is escaped."""
    return {"type": "mrkdwn", "text": clamp(escape(text), limit)}


def section(text: str, *, block_id: str | None = None, accessory: dict[str, Any] | None = None) -> Block:
    """A section block with mrkdwn text."""
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def header(text: str) -> Block:
    """A header block."""
    return {"type": "header", "text": plain(text, 150)}


def context(text: str) -> Block:
    """A context block with one mrkdwn element."""
    return {"type": "context", "elements": [mrkdwn(text, 2000)]}


def divider() -> Block:
    """A divider."""
    return {"type": "divider"}


def button(text: str, *, action_id: str, value: str = "", style: str | None = None) -> dict[str, Any]:
    """A button element."""
    el: dict[str, Any] = {"type": "button", "text": plain(text, 75), "action_id": action_id}
    if value:
        el["value"] = value[:2000]
    if style:
        el["style"] = style
    return el


def confirm_dialog(*, title: str, text: str, confirm: str, deny: str,
                   danger: bool = False) -> dict[str, Any]:
    """A Block Kit confirmation dialog for a button (shown by Slack before the click is sent)."""
    dialog: dict[str, Any] = {"title": plain(title, 100), "text": plain(text, 300),
                              "confirm": plain(confirm, 30), "deny": plain(deny, 30)}
    if danger:
        dialog["style"] = "danger"
    return dialog


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    """An actions block."""
    block: Block = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def text_input(label: str, *, block_id: str, action_id: str, multiline: bool = False,
               optional: bool = False, initial: str | None = None, placeholder: str | None = None,
               max_length: int | None = None) -> Block:
    """A plain-text input block."""
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "multiline": multiline}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    if max_length:
        element["max_length"] = max_length
    return {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element,
            "optional": optional}


def option(text: str, value: str) -> dict[str, Any]:
    """A select option."""
    return {"text": plain(text, 75), "value": value[:150]}


def static_select(label: str, *, block_id: str, action_id: str, options: list[dict[str, Any]],
                  initial: str | None = None, optional: bool = False) -> Block:
    """An input block with a static select."""
    element: dict[str, Any] = {"type": "static_select", "action_id": action_id, "options": options[:100]}
    if initial:
        match = [o for o in options if o["value"] == initial]
        if match:
            element["initial_option"] = match[0]
    return {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element,
            "optional": optional}


def modal(*, title: str, callback_id: str, blocks: list[Block], submit: str | None = None,
          close: str | None = None, private_metadata: str = "", notify_on_close: bool = False,
          external_id: str | None = None) -> dict[str, Any]:
    """A modal view (title, submit and close clamped to 24 characters)."""
    if len(private_metadata) > 3000:
        raise ValueError("private_metadata over 3000 characters: store a reference instead")
    view: dict[str, Any] = {
        "type": "modal", "callback_id": callback_id, "title": plain(title, 24),
        "blocks": blocks[:100], "private_metadata": private_metadata,
        "notify_on_close": notify_on_close,
    }
    if submit:
        view["submit"] = plain(submit, 24)
    if close:
        view["close"] = plain(close, 24)
    if external_id:
        view["external_id"] = external_id
    return view


def view_values(view: dict[str, Any]) -> dict[str, Any]:
    """Flatten `view.state.values` to {block_id: value} (text, selected value(s), date)."""
    out: dict[str, Any] = {}
    for block_id, actions_ in view.get("state", {}).get("values", {}).items():
        for el in actions_.values():
            kind = el.get("type")
            if kind in ("static_select", "external_select", "radio_buttons"):
                sel = el.get("selected_option")
                out[block_id] = sel["value"] if sel else None
            elif kind in ("multi_static_select", "checkboxes", "multi_external_select"):
                out[block_id] = [o["value"] for o in el.get("selected_options") or []]
            elif kind == "users_select":
                out[block_id] = el.get("selected_user")
            elif kind == "multi_users_select":
                out[block_id] = el.get("selected_users") or []
            elif kind == "datepicker":
                out[block_id] = el.get("selected_date")
            elif kind == "timepicker":
                out[block_id] = el.get("selected_time")
            elif kind == "datetimepicker":
                out[block_id] = el.get("selected_date_time")
            else:
                out[block_id] = el.get("value")
    return out

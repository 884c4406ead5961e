"""Block Kit as terminal text, with every clickable element numbered for `:click N`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.i18n import catalog, t

CLICKABLE = ("button", "static_select", "overflow", "users_select", "conversations_select",
             "channels_select", "datepicker")
EMOJI = {"white_check_mark": "✅", "heavy_check_mark": "✔", "x": "❌", "warning": "⚠️", "no_entry": "⛔",
         "hourglass": "⏳", "hourglass_flowing_sand": "⏳", "bell": "🔔", "memo": "📝", "lock": "🔒",
         "rotating_light": "🚨", "calendar": "📅", "date": "📅", "bust_in_silhouette": "👤",
         "busts_in_silhouette": "👥", "mag": "🔍", "star": "⭐", "exclamation": "❗", "tada": "🎉",
         "clipboard": "📋", "pushpin": "📌", "telephone_receiver": "📞", "email": "📧", "red_circle": "🔴",
         "large_green_circle": "🟢", "large_yellow_circle": "🟡", "arrow_right": "➡️", "scales": "⚖️",
         "briefcase": "💼", "speech_balloon": "💬", "fire": "🔥", "zzz": "💤", "sparkles": "✨",
         "alarm_clock": "⏰"}
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
_LINK = re.compile(r"<([^<>]*)>")


@dataclass
class Clickable:
    """A button or menu the user can press with `:click N`."""

    number: int
    kind: str
    action_id: str
    block_id: str
    label: str
    value: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    url: str | None = None
    message: dict[str, Any] | None = None
    view_id: str | None = None


@dataclass
class Where:
    """The container of rendered blocks: a message (channel, ts, text) or a view."""

    channel: str | None = None
    ts: str | None = None
    text: str = ""
    view_id: str | None = None
    blocks: list[dict[str, Any]] = field(default_factory=list)


def _link(match: re.Match[str]) -> str:
    """One Slack `<…>` token as readable text."""
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return f"@{label or target[1:]}"
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        if label:
            return label
        return "@" + target[1:].split("^")[0]
    return f"{label} ({target})" if label and label != target else target


def mrkdwn_text(text: str) -> str:
    """Slack mrkdwn as plain terminal text: links, mentions and escapes resolved."""
    text = _LINK.sub(_link, text)
    text = _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def text_of(obj: Any) -> str:
    """The text of a text object (plain_text or mrkdwn), or of a plain string."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    text = str(obj.get("text", ""))
    if obj.get("type") == "mrkdwn":
        return mrkdwn_text(text)
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text) if obj.get("emoji", True) else text


def option_label(option: Mapping[str, Any]) -> str:
    """An option's visible text (with its description when it has one)."""
    label = text_of(option.get("text"))
    desc = text_of(option.get("description"))
    return f"{label} — {desc}" if desc else label


def all_options(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An element's options, flattened out of option groups."""
    if element.get("options"):
        return list(element["options"])
    return [o for g in element.get("option_groups") or [] for o in g.get("options", [])]


def _rich_text(elements: list[dict[str, Any]]) -> str:
    """Rich-text elements (sections, lists, quotes, preformatted) as text."""
    parts: list[str] = []
    for el in elements:
        kind = el.get("type")
        if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
            line = "".join(_rich_inline(i) for i in el.get("elements", []))
            parts.append("> " + line if kind == "rich_text_quote" else line)
        elif kind == "rich_text_list":
            for item in el.get("elements", []):
                parts.append("  • " + "".join(_rich_inline(i) for i in item.get("elements", [])))
    return "\n".join(parts)


def _rich_inline(el: Mapping[str, Any]) -> str:
    """One inline rich-text element."""
    kind = el.get("type")
    if kind == "text":
        return str(el.get("text", ""))
    if kind == "link":
        return f"{el.get('text') or el.get('url')} ({el.get('url')})" if el.get("text") else str(el.get("url"))
    if kind == "user":
        return f"@{el.get('user_id')}"
    if kind == "channel":
        return f"#{el.get('channel_id')}"
    if kind == "emoji":
        return f":{el.get('name')}:"
    if kind == "broadcast":
        return f"@{el.get('range')}"
    return ""


class Renderer:
    """Turns blocks into indented lines and numbers clickables across one rendering."""

    def __init__(self, tz: tzinfo = UTC) -> None:
        self.tz = tz
        self.lines: list[str] = []
        self.clickables: list[Clickable] = []

    def start(self) -> None:
        """Begin a new rendering: numbering restarts at 1."""
        self.lines = []
        self.clickables = []

    def say(self, line: str = "", indent: str = "") -> None:
        """Add one or more lines."""
        for part in (line.split("\n") if line else [""]):
            self.lines.append(f"{indent}{part}".rstrip())

    def take(self) -> str:
        """The lines rendered since the last take, as one string."""
        out = "\n".join(self.lines)
        self.lines = []
        return out

    # -- elements ------------------------------------------------------------------------------
    def element(self, el: Mapping[str, Any], *, block_id: str, where: Where) -> str:
        """An interactive element as text; buttons and menus get a number."""
        kind = el.get("type")
        if kind == "image":
            return f"[image: {el.get('alt_text', '')}]"
        if kind not in CLICKABLE:
            return f"[{kind}]"
        label = text_of(el.get("text")) if kind == "button" else text_of(el.get("placeholder")) or "…"
        item = Clickable(number=len(self.clickables) + 1, kind=str(kind), action_id=str(el.get("action_id", "")),
                         block_id=block_id, label=label, value=str(el.get("value", "")),
                         options=all_options(el), url=el.get("url"), view_id=where.view_id)
        if where.view_id is None:
            # as in Slack's block_actions payload: the clicked message with its blocks
            item.message = {"channel": where.channel, "ts": where.ts, "text": where.text,
                            "blocks": where.blocks}
        self.clickables.append(item)
        if kind == "button":
            style = {"primary": " ✓", "danger": " !"}.get(str(el.get("style")), "")
            link = f" → {el['url']}" if el.get("url") else ""
            return f"[{item.number}] {label}{style}{link}"
        if item.options:
            return f"[{item.number}] ▾ {label} ({' / '.join(option_label(o) for o in item.options)})"
        shown = initial_text(el, self.tz)
        return f"[{item.number}] ▾ {label if label != '…' else element_kind(el)}" + (f" ({shown})" if shown else "")

    # -- blocks --------------------------------------------------------------------------------
    def blocks(self, blocks: list[dict[str, Any]], *, where: Where, indent: str = "  ",
               answers: Mapping[str, Any] | None = None) -> None:
        """Render a list of blocks (messages, modals and the App Home)."""
        for block in blocks:
            self.block(block, where=where, indent=indent, answers=answers or {})

    def block(self, block: Mapping[str, Any], *, where: Where, indent: str,
              answers: Mapping[str, Any]) -> None:
        """Render one block."""
        kind = block.get("type")
        block_id = str(block.get("block_id", ""))
        if kind == "header":
            self.say(f"■ {text_of(block.get('text'))}", indent)
        elif kind == "section":
            if block.get("text"):
                self.say(text_of(block["text"]), indent)
            for f in block.get("fields") or []:
                self.say(f"  {text_of(f)}".replace("\n", "\n    "), indent)
            if block.get("accessory"):
                self.say("  " + self.element(block["accessory"], block_id=block_id, where=where), indent)
        elif kind == "context":
            parts = [text_of(e) if e.get("type") != "image" else f"[{e.get('alt_text', '')}]"
                     for e in block.get("elements", [])]
            self.say("  ".join(p for p in parts if p), indent + "  ")
        elif kind == "divider":
            self.say("─" * 40, indent)
        elif kind == "actions":
            self.say("  ".join(self.element(e, block_id=block_id, where=where)
                               for e in block.get("elements", [])), indent)
        elif kind == "input":
            self.say(input_summary(block, answers.get(block_id), self.tz), indent)
        elif kind == "image":
            self.say(f"[image: {block.get('alt_text', '')}]", indent)
        elif kind == "rich_text":
            self.say(_rich_text(block.get("elements", [])), indent)
        else:
            self.say(f"[{kind} block]", indent)

    # -- whole surfaces ------------------------------------------------------------------------
    def message(self, params: Mapping[str, Any], *, where: Where, indent: str = "  ") -> None:
        """A message: its blocks, or its text when it has none."""
        blocks = params.get("blocks")
        if isinstance(blocks, list) and blocks:
            if where.view_id is None and not where.blocks:
                where.blocks = blocks
            self.blocks(blocks, where=where, indent=indent)
        else:
            self.say(mrkdwn_text(str(params.get("text") or "")), indent)

    def view(self, view: Mapping[str, Any], *, answers: Mapping[str, Any] | None = None) -> None:
        """A modal or App Home view, boxed."""
        view_id = str(view.get("id", ""))
        title = text_of(view.get("title")) or ("App Home" if view.get("type") == "home" else "")
        self.say(f"┌─ {title} ─")
        self.blocks(view.get("blocks", []), where=Where(view_id=view_id), indent="│ ", answers=answers)
        footer = [f"[ {text_of(view[k])} ]" for k in ("submit", "close") if view.get(k)]
        self.say("└─" + (" " + "  ".join(footer) if footer else ""))


def input_summary(block: Mapping[str, Any], answer: Any = None, tz: tzinfo = UTC) -> str:
    """An input block as one line: label, kind, required mark and the current answer."""
    el = block.get("element", {})
    label = text_of(block.get("label"))
    mark = "" if block.get("optional") else "*"
    shown = answer_text(el, answer, tz) if answer not in (None, "", []) else initial_text(el, tz)
    return f"{label}{mark}: " + (shown if shown else f"<{element_kind(el)}>")


def element_kind(el: Mapping[str, Any], locale: str = "en") -> str:
    """A short name for an input element's kind, in `locale`."""
    kind = str(el.get("type", "plain_text_input"))
    if kind == "plain_text_input" and el.get("multiline"):
        kind = "plain_text_input_multiline"
    key = f"console.kind.{kind}"
    return t(key, locale) if key in catalog() else kind.replace("_", " ")


def answer_text(el: Mapping[str, Any], answer: Any, tz: tzinfo = UTC) -> str:
    """A typed answer as text (option labels rather than values; moments in `tz`)."""
    if el.get("type") == "datetimepicker" and str(answer).isdigit():
        return datetime.fromtimestamp(int(answer), tz).strftime("%Y-%m-%d %H:%M")
    opts = {o["value"]: option_label(o) for o in all_options(el)}

    def one(v: Any) -> str:
        """One value as its option's label."""
        if isinstance(v, Mapping):
            return option_label(v)
        return opts.get(v, str(v))

    if isinstance(answer, list):
        return ", ".join(one(v) for v in answer)
    return one(answer)


def initial_value(el: Mapping[str, Any]) -> Any:
    """The element's pre-filled value in the form the prompts use, or None."""
    if el.get("type") == "rich_text_input":
        rich = el.get("initial_value")
        return _rich_text(rich.get("elements", [])) if isinstance(rich, Mapping) else None
    if el.get("initial_option"):
        return el["initial_option"]["value"]
    if el.get("initial_options"):
        return [o["value"] for o in el["initial_options"]]
    for key in ("initial_value", "initial_date", "initial_time", "initial_user", "initial_users",
                "initial_conversation", "initial_conversations", "initial_channel", "initial_channels",
                "initial_date_time"):
        if el.get(key) not in (None, "", []):
            return el[key]
    return None


def initial_text(el: Mapping[str, Any], tz: tzinfo = UTC) -> str:
    """The pre-filled value as text, or empty."""
    value = initial_value(el)
    return "" if value in (None, "", []) else answer_text(el, value, tz)

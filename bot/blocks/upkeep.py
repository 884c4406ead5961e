"""Block Kit for contact notes, the client card, the morning digest and churn alerts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.blocks.common import (Block, actions, button, context, header, modal, option, plain,
                               section, static_select, text_input)
from bot.blocks.client_edit import card_buttons
from bot.blocks.enquiries import digest_pipeline
from bot.flows.cadence import DIGEST_ITEMS, Digest
from bot.flows.churn import LOST_REASONS, AlertView
from bot.flows.clients import ClientCard, ClientMatch
from bot.flows.notes import ParsedNote
from bot.i18n import t
from bot.labels import label
from bot.ids import ArchiveAction
from bot.ids import TeamAction
from bot.ids import UpkeepAction as A
from bot.ids import UpkeepBlock as B
from bot.ids import UpkeepView as V
from bot.slack_text import Mrkdwn, clamp, escape, join, markup, mention
from storage.models.enums import ContactChannel

MAX_DIGEST_ITEMS = DIGEST_ITEMS
ALERTS_PER_MESSAGE = 20
MAX_MESSAGE_BLOCKS = 50


def _label(prefix: str, value: str, locale: str | None, **params: Any) -> Mrkdwn:
    """A translated vocabulary word, or the value as words when there is no translation."""
    key = f"{prefix}.{value}"
    text = t(key, locale, **params)
    return escape(value.replace("_", " ")) if text == key else text


def client_option(client_id: int, name: str) -> dict[str, Any]:
    """An external-select option for a client."""
    return option(name, str(client_id))


def note_modal(*, locale: str | None, today: date, client: tuple[int, str] | None = None,
               kept: ParsedNote | None = None,
               metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `/note` form: client type-ahead, channel, date, text, next step and due date."""
    client_el: dict[str, Any] = {"type": "external_select", "action_id": A.CLIENT_SELECT,
                                 "min_query_length": 1,
                                 "placeholder": plain(t("upkeep.field.client_hint", locale))}
    if client:
        client_el["initial_option"] = client_option(*client)
    channels = [option(t(f"upkeep.channel.{c.value}", locale), c.value) for c in ContactChannel]
    date_block = {"type": "input", "block_id": B.DATE, "label": plain(t("upkeep.field.date", locale)),
                  "element": {"type": "datepicker", "action_id": A.DATE,
                              "initial_date": today.isoformat()}}
    due_block = {"type": "input", "block_id": B.DUE, "optional": True,
                 "label": plain(t("upkeep.field.due", locale)),
                 "element": {"type": "datepicker", "action_id": A.DUE}}
    if kept and kept.due_on:
        due_block["element"]["initial_date"] = kept.due_on.isoformat()
    blocks: list[Block] = [
        {"type": "input", "block_id": B.CLIENT, "label": plain(t("upkeep.field.client", locale)),
         "element": client_el},
        static_select(t("upkeep.field.channel", locale), block_id=B.CHANNEL, action_id=A.CHANNEL,
                      options=channels,
                      initial=kept.channel if kept and kept.channel != "other" else ContactChannel.CALL.value),
        date_block,
        text_input(t("upkeep.field.text", locale), block_id=B.TEXT, action_id=A.TEXT, multiline=True,
                   initial=kept.text[:4000] if kept else None, max_length=4000),
        text_input(t("upkeep.field.next", locale), block_id=B.NEXT, action_id=A.NEXT, optional=True,
                   initial=kept.next_step if kept else None, max_length=500),
        due_block,
    ]
    return modal(title=t("upkeep.modal.note_title", locale), callback_id=V.NOTE, blocks=blocks,
                 submit=t("upkeep.modal.save", locale), close=t("common.cancel", locale),
                 private_metadata=json.dumps(metadata or {}))


def followup_modal(*, locale: str | None, client_id: int, client_name: str | None,
                   today: date) -> dict[str, Any]:
    """Add a follow-up to a client (named once it has been looked up)."""
    blocks: list[Block] = [
        section(markup("*{name}*", name=client_name) if client_name is not None else "…"),
        text_input(t("upkeep.field.title", locale), block_id=B.TITLE, action_id=A.TITLE,
                   max_length=500),
        {"type": "input", "block_id": B.DUE, "label": plain(t("upkeep.field.due", locale)),
         "element": {"type": "datepicker", "action_id": A.DUE, "initial_date": today.isoformat()}},
    ]
    return modal(title=t("upkeep.modal.followup_title", locale), callback_id=V.FOLLOWUP,
                 blocks=blocks, submit=t("upkeep.modal.save", locale),
                 close=t("common.cancel", locale), private_metadata=json.dumps({"client_id": client_id}))


def lost_modal(*, locale: str | None, client_name: str | None,
               metadata: dict[str, Any]) -> dict[str, Any]:
    """Mark a client lost: the reason is required (the client named once looked up)."""
    reasons = [option(t(f"upkeep.reason.{r}", locale), r) for r in LOST_REASONS]
    blocks: list[Block] = [
        section(markup("*{name}*", name=client_name) if client_name is not None else "…"),
        static_select(t("upkeep.field.reason", locale), block_id=B.REASON, action_id=A.REASON,
                      options=reasons),
    ]
    return modal(title=t("upkeep.modal.lost_title", locale), callback_id=V.LOST, blocks=blocks,
                 submit=t("upkeep.button.lost", locale), close=t("common.cancel", locale),
                 private_metadata=json.dumps(metadata))


def pick_blocks(*, prompt: str, matches: Sequence[ClientMatch], action_id: str,
                value_of: Any) -> list[Block]:
    """An ephemeral list of clients to pick from (one button each)."""
    buttons = [button(clamp(m.name, 70), action_id=f"{action_id}-{i}", value=value_of(m))
               for i, m in enumerate(matches)]
    blocks: list[Block] = [section(prompt)]
    for i in range(0, len(buttons), 5):
        blocks.append(actions(*buttons[i:i + 5]))
    return blocks


def none_found_blocks(*, locale: str | None, query: str, text: str, pending_id: int) -> list[Block]:
    """Nothing matched: show the note back and offer the form."""
    quoted = Mrkdwn(escape(text).replace("\n", "\n>"))
    return [section(t("upkeep.note_none_found", locale, query=escape(query), text=quoted)),
            actions(button(t("upkeep.note_retry", locale), action_id=A.NOTE_RETRY,
                           value=str(pending_id)))]


def _value_line(card: ClientCard, loc: str | None) -> list[Block]:
    """The last re-tiering's value score, seed 001's label and a partner's strategic mark, when any."""
    parts = []
    if card.value_score is not None:
        parts.append(t("upkeep.card.value_score", loc, score=f"{card.value_score:.0f}"))
    if card.value_label:
        parts.append(t(f"upkeep.card.label.{card.value_label}", loc))
    if card.strategic_marked:
        parts.append(t("upkeep.card.strategic_marked", loc))
    return [context(join(" · ", parts))] if parts else []


def card_blocks(*, locale: str | None, card: ClientCard) -> list[Block]:
    """The private profile card."""
    loc = locale
    blocks: list[Block] = [
        header(card.name),
        section(t("upkeep.card.summary", loc, tier=_label("upkeep.tier", card.tier, loc),
                  status=_label("upkeep.status", card.status, loc))),
    ] + ([context(t("winback.card.key_attention", loc))] if card.key_attention else []) + _value_line(card, loc)
    if card.team:
        team = join(", ", (markup("{who} ({role})", who=mention(u),
                                  role=_label("upkeep.team_role", r, loc)) for u, r in card.team))
        blocks.append(section(t("upkeep.card.team", loc, team=team)))
    else:
        blocks.append(section(t("upkeep.card.no_team", loc)))
    if card.notes:
        lines = [markup("• {day} · {channel} · {who}: {text}", day=n.occurred_on.isoformat(),
                        channel=_label("upkeep.channel", n.channel, loc), who=mention(n.author),
                        text=clamp(n.text, 300)) for n in card.notes]
        blocks.append(section(join("\n", [t("upkeep.card.notes", loc), *lines])))
    else:
        blocks.append(section(t("upkeep.card.no_notes", loc)))
    if card.next_follow_up:
        due, title = card.next_follow_up
        blocks.append(section(t("upkeep.card.next_follow_up", loc, title=escape(title),
                                due=due.isoformat())))
    else:
        blocks.append(section(t("upkeep.card.no_follow_up", loc)))
    if card.open_matters:
        matters = join(", ", (markup("`{number}` ({area})", number=n, area=label("practice_area", a, loc))
                              for n, a in card.open_matters))
        blocks.append(section(t("upkeep.card.matters", loc, matters=matters)))
    else:
        blocks.append(section(t("upkeep.card.no_matters", loc)))
    if card.dates:
        dates = join("; ", (markup("{on} {kind}{label}", on=d.on.isoformat(),
                                   kind=_label("upkeep.kind", d.kind, loc),
                                   label=markup(" ({label})", label=d.label) if d.label else "")
                            for d in card.dates))
        blocks.append(section(t("upkeep.card.dates", loc, dates=dates)))
    else:
        blocks.append(section(t("upkeep.card.no_dates", loc)))
    blocks.append(actions(
        button(t("upkeep.button.log", loc), action_id=A.LOG_CONTACT, value=str(card.client_id),
               style="primary"),
        button(t("upkeep.button.add_followup", loc), action_id=A.ADD_FOLLOWUP,
               value=str(card.client_id)),
        button(t("teams.button", loc), action_id=TeamAction.OPEN, value=str(card.client_id)),
        *card_buttons(locale=loc, client_id=card.client_id),
    ))
    return blocks


def _rules_text(rules: Sequence[str], locale: str | None, lead_monthly: int) -> Mrkdwn:
    """What cadence rules are missed, in words."""
    return join("; ", (_label("upkeep.rule", r, locale, n=lead_monthly) for r in rules))


SECTION_SHARES = (8, 6, 6)


def section_caps(sizes: Sequence[int]) -> list[int]:
    """How many follow-ups, cadence items and dates a digest shows (20 in all, a fair share
    each, unused room going to the sections that need it, in that order)."""
    caps = [min(n, share) for n, share in zip(sizes, SECTION_SHARES)]
    left = MAX_DIGEST_ITEMS - sum(caps)
    for i, n in enumerate(sizes):
        extra = min(left, n - caps[i])
        caps[i] += extra
        left -= extra
    return caps


def digest_blocks(*, locale: str | None, digest: Digest, names: dict[int, str], today: date,
                  lead_monthly: int) -> tuple[str, list[Block]]:
    """The morning digest (at most MAX_DIGEST_ITEMS items with buttons, the rest counted)."""
    loc = locale
    total = len(digest.follow_ups) + len(digest.cadence) + digest.cadence_more + len(digest.dates)
    blocks: list[Block] = [header(t("upkeep.digest.title", loc, day=today.isoformat()))]
    caps = section_caps([len(digest.follow_ups), len(digest.cadence), len(digest.dates)])
    shown = sum(caps)

    def name(cid: int) -> str:
        """A client's escaped name."""
        return escape(names.get(cid, "?"))

    if digest.follow_ups:
        blocks.append(section(t("upkeep.digest.follow_ups", loc)))
        for f in digest.follow_ups[:caps[0]]:
            key = "upkeep.digest.overdue" if f.due_on < today else "upkeep.digest.due_today"
            blocks.append(section(t(key, loc, title=escape(clamp(f.title or "", 300)), client=name(f.client_id),
                                    due=f.due_on.isoformat())))
            blocks.append(actions(
                button(t("upkeep.button.log", loc), action_id=A.LOG_CONTACT, value=str(f.client_id)),
                button(t("upkeep.button.snooze", loc), action_id=A.FOLLOWUP_SNOOZE,
                       value=str(f.follow_up_id)),
                button(t("upkeep.button.done", loc), action_id=A.FOLLOWUP_DONE,
                       value=str(f.follow_up_id), style="primary"),
                block_id=f"{B.ITEM_PREFIX}fu-{f.follow_up_id}"))
    if digest.cadence:
        blocks.append(section(t("upkeep.digest.cadence", loc)))
        for c in digest.cadence[:caps[1]]:
            last = c.last_contact.isoformat() if c.last_contact else t("upkeep.digest.never", loc)
            blocks.append(section(t("upkeep.digest.cadence_item", loc, client=name(c.client_id),
                                    tier=_label("upkeep.tier", c.tier, loc),
                                    rules=_rules_text(c.rules, loc, lead_monthly), last=last)))
            blocks.append(actions(
                button(t("upkeep.button.log", loc), action_id=A.LOG_CONTACT, value=str(c.client_id),
                       style="primary"),
                button(t("upkeep.button.snooze", loc), action_id=A.CADENCE_SNOOZE,
                       value=str(c.client_id)),
                block_id=f"{B.ITEM_PREFIX}cad-{c.client_id}"))
    if digest.dates:
        blocks.append(section(t("upkeep.digest.dates", loc)))
        for d in digest.dates[:caps[2]]:
            said = " · ".join(x for x in (d.at_time, d.label, d.authority) if x)
            label = markup(" ({label})", label=clamp(said, 200)) if said else ""
            kind = _label("upkeep.kind", d.kind, loc)
            if d.tomorrow:
                text = t("upkeep.digest.tomorrow", loc, kind=kind, client=name(d.client_id), label=label)
            else:
                text = t("upkeep.digest.date_item", loc, on=d.on.isoformat(), kind=kind,
                         client=name(d.client_id), label=label)
            blocks.append(section(text, accessory=button(
                t("upkeep.button.log", loc), action_id=A.LOG_CONTACT, value=str(d.client_id))))
    if digest.moments:  # matter events: contact before filing, before a hearing, after the judgment
        room = MAX_MESSAGE_BLOCKS - 2 - len(blocks)  # its heading, and the "more" line
        moments = digest.moments[:max(0, min(MAX_DIGEST_ITEMS, room))]
        if moments:
            blocks.append(section(t("moments.digest.section", loc)))
        for m in moments:
            blocks.append(section(t(f"moments.digest.{m.kind}", loc, client=name(m.client_id),
                                    number=escape(m.matter_number), on=m.event_on.isoformat(),
                                    at=f" {m.at_time}" if m.at_time else ""),
                                  accessory=button(t("upkeep.button.log", loc), action_id=A.LOG_CONTACT,
                                                   value=str(m.client_id))))
        total, shown = total + len(digest.moments), shown + len(moments)
    if digest.filings:  # before the pipeline: a filing has a 3-working-day clock
        room = MAX_MESSAGE_BLOCKS - 2 - len(blocks)  # its heading, and the "more" line
        filings = digest.filings[:max(0, min(MAX_DIGEST_ITEMS, room))]
        if filings:
            blocks.append(section(t("archive.digest.section", loc)))
        for f in filings:
            key = ("archive.digest.item_returned" if f.returned else
                   "archive.digest.item_late" if f.due_on < today else "archive.digest.item")
            blocks.append(section(t(key, loc, number=f.number, due=f.due_on.isoformat()), accessory=button(
                t("archive.button.file", loc), action_id=ArchiveAction.FILE_OPEN, value=str(f.filing_id))))
        total, shown = total + len(digest.filings), shown + len(filings)
    pipeline, pipeline_total, pipeline_shown = digest_pipeline(digest, names=names, locale=loc,
                                                               room=MAX_MESSAGE_BLOCKS - 1 - len(blocks))
    blocks.extend(pipeline)
    total, shown = total + pipeline_total, shown + pipeline_shown
    if total > shown:
        blocks.append(context(t("upkeep.digest.more", loc, count=total - shown)))
    return t("upkeep.digest.text", loc, count=total), blocks


def replace_item(blocks: list[Block], *, block_id: str, text: str) -> list[Block]:
    """The message blocks with one item's buttons replaced by a status line."""
    return [context(text) if b.get("block_id") == block_id else b for b in blocks]


def _team_text(view: AlertView, locale: str | None) -> Mrkdwn:
    """Mentions of the team who should act."""
    if not view.team:
        return t("upkeep.churn.no_team", locale)
    return join(", ", (markup("{who} ({role})", who=mention(u),
                              role=_label("upkeep.team_role", r, locale)) for u, r in view.team))


def alert_blocks(*, locale: str | None, kind: str, views: Sequence[AlertView],
                 days: int) -> tuple[str, list[Block]]:
    """One grouped churn-alert or lost-proposal message, rendered from database state."""
    loc = locale
    prefix = "upkeep.churn" if kind == "churn" else "upkeep.lost"
    blocks: list[Block] = [header(t(f"{prefix}.title", loc)),
                           context(t(f"{prefix}.text", loc, count=len(views), days=days))]
    for v in views:
        last = (v.last_contact or v.basis).isoformat() if kind == "churn" else v.basis.isoformat()
        if kind == "churn" and v.last_contact is None:
            last = t("upkeep.digest.never", loc)
        blocks.append(section(t(f"{prefix}.item", loc, client=escape(v.client_name),
                                tier=_label("upkeep.tier", v.tier, loc), last=last,
                                team=_team_text(v, loc))))
        block_id = f"{B.ALERT_PREFIX}{v.alert_id}"
        if v.status == "open" and kind == "churn":
            blocks.append(actions(
                button(t("upkeep.button.log", loc), action_id=A.LOG_CONTACT, value=str(v.client_id),
                       style="primary"),
                button(t("upkeep.button.snooze14", loc), action_id=A.CHURN_SNOOZE,
                       value=str(v.alert_id)),
                button(t("upkeep.button.lost", loc), action_id=A.CHURN_LOST, value=str(v.alert_id),
                       style="danger"),
                block_id=block_id))
        elif v.status == "open":
            blocks.append(actions(
                button(t("upkeep.button.confirm_lost", loc), action_id=A.LOST_CONFIRM,
                       value=str(v.alert_id), style="danger"),
                button(t("upkeep.button.keep", loc), action_id=A.LOST_KEEP, value=str(v.alert_id)),
                block_id=block_id))
        else:
            who = mention(v.handled_by) if v.handled_by else ""
            reason = _label("upkeep.reason", v.lost_reason or "other", loc)
            blocks.append({**context(_label("upkeep.alert", v.status, loc, who=who, reason=reason)),
                           "block_id": block_id})
    return t(f"{prefix}.text", loc, count=len(views), days=days), blocks


def alert_ids_in(blocks: Sequence[Block]) -> list[int]:
    """The alert ids a grouped alert message holds (from its block ids)."""
    ids = []
    for b in blocks:
        bid = str(b.get("block_id") or "")
        if bid.startswith(B.ALERT_PREFIX) and bid[len(B.ALERT_PREFIX):].isdigit():
            ids.append(int(bid[len(B.ALERT_PREFIX):]))
    return ids

"""Block Kit for intake: the form, the conflict results, the partners' review message."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bot.blocks import fees
from bot.blocks.common import (Block, actions, button, context, divider, header, modal, option, plain,
                               section, static_select, text_input)
from bot.flows.conflicts import why_text
from bot.flows.intake import RequestView
from bot.flows.intake_form import AREAS, KINDS, MAX_NAME, SOURCES
from bot.i18n import t
from bot.ids import IntakeAction, IntakeBlock, IntakeView
from bot.slack_text import Mrkdwn, clamp, escape, join, markup, mask_identifier, mention

FIELD_BLOCKS: dict[str, IntakeBlock] = {
    "kind": IntakeBlock.KIND, "name": IntakeBlock.NAME, "id_number": IntakeBlock.ID_NUMBER,
    "consent": IntakeBlock.CONSENT, "contact": IntakeBlock.CONTACT, "phone": IntakeBlock.PHONE,
    "email": IntakeBlock.EMAIL, "source": IntakeBlock.SOURCE, "referrer": IntakeBlock.REFERRER,
    "area": IntakeBlock.AREA, "need": IntakeBlock.NEED, "opposing": IntakeBlock.OPPOSING,
    "related": IntakeBlock.RELATED,
}
SECTION_LIMIT = 2900
HITS_SHOWN = 10


def form_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Modal values by block id → form values by field name."""
    return {field: values.get(block) for field, block in FIELD_BLOCKS.items() if block in values}


def _options(prefix: str, values: Iterable[str], locale: str) -> list[dict[str, Any]]:
    """Select options for a vocabulary."""
    return [option(t(f"{prefix}.{v}", locale), v) for v in values]


def form_modal(locale: str, values: dict[str, Any] | None = None, *,
               resumed_at: str | None = None) -> dict[str, Any]:
    """The intake form, optionally prefilled from a draft (with a 'start fresh' button)."""
    v = values or {}
    blocks: list[Block] = []
    if resumed_at:
        blocks.append(section(t("intake.form.resumed", locale, when=escape(resumed_at)),
                              block_id=IntakeBlock.RESUMED,
                              accessory=button(t("intake.form.start_fresh", locale),
                                               action_id=IntakeAction.START_FRESH)))
        blocks.append(divider())

    def text(field: str, *, multiline: bool = False, optional: bool = True,
             max_length: int | None = None) -> Block:
        return text_input(t(f"intake.field.{field}", locale), block_id=FIELD_BLOCKS[field],
                          action_id=IntakeAction.INPUT, multiline=multiline, optional=optional,
                          initial=v.get(field) or None, max_length=max_length)

    def select(field: str, prefix: str, choices: Iterable[str]) -> Block:
        return static_select(t(f"intake.field.{field}", locale), block_id=FIELD_BLOCKS[field],
                             action_id=IntakeAction.INPUT, options=_options(prefix, choices, locale),
                             initial=v.get(field) or None)

    consent_option = option(t("intake.field.consent_option", locale), "yes")
    consent_option["description"] = plain(t("intake.field.consent_hint", locale), 150)
    consent_el: dict[str, Any] = {"type": "checkboxes", "action_id": IntakeAction.INPUT,
                                  "options": [consent_option]}
    if "yes" in (v.get("consent") or []):
        consent_el["initial_options"] = [consent_option]
    blocks += [
        select("kind", "intake.kind", KINDS),
        text("name", optional=False, max_length=MAX_NAME),
        text("id_number", max_length=40),
        {"type": "input", "block_id": IntakeBlock.CONSENT, "optional": True,
         "label": plain(t("intake.field.consent", locale)), "element": consent_el},
        text("contact", max_length=200),
        text("phone", max_length=40),
        text("email", max_length=254),
        context(t("intake.field.contact_hint", locale)),
        select("source", "intake.source", SOURCES),
        text("referrer", max_length=200),
        select("area", "intake.area", AREAS),
        text("need", multiline=True, optional=False, max_length=2000),
        text("opposing", multiline=True, max_length=3000),
        text("related", multiline=True, max_length=3000),
    ]
    return modal(title=t("intake.form.title", locale), callback_id=IntakeView.FORM, blocks=blocks,
                 submit=t("intake.form.submit", locale), close=t("common.cancel", locale),
                 notify_on_close=True)


def checking_modal(locale: str) -> dict[str, Any]:
    """Shown while the conflict check runs."""
    return modal(title=t("intake.checking.title", locale), callback_id=IntakeView.RESULTS,
                 blocks=[section(t("intake.checking.body", locale))], close=t("common.cancel", locale),
                 notify_on_close=True)


def notice_modal(text: str, locale: str) -> dict[str, Any]:
    """A closing notice."""
    return modal(title=t("intake.form.title", locale), callback_id=IntakeView.NOTICE,
                 blocks=[section(text)], close=t("common.close", locale))


def _score(score: float) -> str:
    """A score as shown (no trailing .0)."""
    return f"{score:.0f}" if float(score).is_integer() else f"{score:.1f}"


def query_lines(result: dict[str, Any], locale: str, shown: int | None = HITS_SHOWN) -> list[Mrkdwn]:
    """One searched name, its hits best first (or an explicit 'no hits'), and how many were cut."""
    group = t(f"intake.result.group.{result.get('group', 'name')}", locale)
    lines = [t("intake.result.heading", locale, query=escape(result["query"]), group=group)]
    hits = result.get("hits") or []
    if not hits:
        lines.append(Mrkdwn(f"• _{t('intake.result.no_hits', locale)}_"))
    for hit in hits[:shown]:
        lines.append(t("intake.result.hit", locale, name=escape(hit["name"]),
                       role=t(f"conflict.role.{hit['role']}", locale),
                       matter=escape(hit.get("matter")) or t("intake.result.no_matter", locale),
                       score=_score(hit["score"]),
                       why=escape(why_text(hit.get("reasons") or [], locale))))
    cut = len(hits[shown:] if shown is not None else []) + int(result.get("more") or 0)
    if cut:
        lines.append(t("intake.result.more", locale, count=cut, query=escape(result["query"])))
    return lines


def query_text(result: dict[str, Any], locale: str) -> Mrkdwn:
    """One searched name and its hits (or an explicit 'no hits')."""
    return clamp(join("\n", query_lines(result, locale)), SECTION_LIMIT)


def without_partners_only(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The results without the hits only partners may see (staff interests)."""
    return [{**r, "hits": [h for h in r.get("hits") or [] if not h.get("partners_only")]} for r in results]


def result_blocks(results: list[dict[str, Any]], locale: str) -> list[Block]:
    """The results packed into as few sections as fit Slack's 3000-character limit."""
    blocks: list[Block] = []
    chunk = Mrkdwn("")
    for result in results:
        text = query_text(result, locale)
        if chunk and len(chunk) + 2 + len(text) > SECTION_LIMIT:
            blocks.append(section(chunk))
            chunk = Mrkdwn("")
        chunk = join("\n\n", [chunk, text]) if chunk else text
    if chunk:
        blocks.append(section(chunk))
    return blocks


def results_modal(view: RequestView, locale: str) -> dict[str, Any]:
    """The check's results with a note field; submit sends it to the partners."""
    blocks: list[Block] = [
        section(t("intake.results.intro", locale, client=escape(view.form.name),
                  area=t(f"intake.area.{view.form.area}", locale))),
        divider(),
        *result_blocks(without_partners_only(view.results), locale)[:90],
        divider(),
        text_input(t("intake.results.note", locale), block_id=IntakeBlock.NOTE,
                   action_id=IntakeAction.INPUT, multiline=True, optional=True, max_length=1000),
    ]
    return modal(title=t("intake.checking.title", locale), callback_id=IntakeView.RESULTS, blocks=blocks,
                 submit=t("intake.results.submit", locale), close=t("common.cancel", locale),
                 private_metadata=json.dumps({"r": view.id}), notify_on_close=True)


def _names(names: Iterable[str], locale: str) -> Mrkdwn:
    """Party names joined for display."""
    return join("; ", names) or t("common.none", locale)


def _summary(view: RequestView, locale: str) -> Mrkdwn:
    """The request's facts for the review channel."""
    form = view.form
    source = t(f"intake.source.{form.source}", locale)
    if form.referrer:
        source = t("intake.review.referred", locale, source=source, referrer=escape(form.referrer))
    return clamp(t(
        "intake.review.summary", locale, requester=mention(view.requester_slack_id),
        client=escape(form.name), kind=t(f"intake.kind.{form.kind}", locale),
        id_number=mask_identifier(form.id_number) or t("common.none", locale),
        area=t(f"intake.area.{form.area}", locale), source=source, need=escape(clamp(form.need, 800)),
        opposing=_names(form.opposing, locale), related=_names(form.related, locale),
        note=escape(view.note) or t("common.none", locale),
    ), SECTION_LIMIT)


def _review_body(view: RequestView, locale: str) -> list[Block]:
    """Header, facts and hits (shared by the pending and the decided message)."""
    return [header(t("intake.review.header", locale, id=view.id)), section(_summary(view, locale)),
            divider(), section(t("intake.review.hits_title", locale)),
            *result_blocks(view.results, locale)[:38]]


def review_message(view: RequestView, locale: str) -> tuple[str, list[Block]]:
    """The pending request in the partners' channel, with the decision buttons."""
    rid = str(view.id)
    lead: dict[str, Any] = {"type": "users_select", "action_id": IntakeAction.SET_LEAD,
                            "placeholder": plain(t("intake.review.lead", locale), 150)}
    if view.default_lead_slack_id:
        lead["initial_user"] = view.default_lead_slack_id
    choices: list[dict[str, Any]] = [lead]
    if view.client_options:
        opts = [option(t("intake.review.new_client", locale), "0")]
        opts += [option(name, str(cid)) for cid, name in view.client_options]
        choices.append({"type": "static_select", "action_id": IntakeAction.LINK_CLIENT,
                        "placeholder": plain(t("intake.review.link", locale), 150), "options": opts})
    blocks = _review_body(view, locale) + [
        divider(),
        context(t("intake.review.choices", locale)),
        actions(*choices, block_id=f"{IntakeBlock.CHOICES}:{rid}"),
        actions(
            button(t("intake.review.approve", locale), action_id=IntakeAction.APPROVE, value=rid,
                   style="primary"),
            button(t("intake.review.approve_waiver", locale), action_id=IntakeAction.APPROVE_WAIVER,
                   value=rid),
            button(t("intake.review.decline", locale), action_id=IntakeAction.DECLINE, value=rid,
                   style="danger"),
            block_id=f"{IntakeBlock.DECISION}:{rid}",
        ),
    ]
    return t("intake.review.text", locale, id=view.id, client=escape(view.form.name)), blocks


def decision_line(view: RequestView, locale: str) -> str:
    """Who decided what (for the channel message)."""
    who = mention(view.decided_by_slack_id or "")
    return t(f"intake.decided.{view.decision}", locale, who=who, number=escape(view.matter_number),
             reason=escape(view.decision_reason), ref=escape(view.waiver_ref))


def decided_message(view: RequestView, locale: str) -> tuple[Mrkdwn, list[Block]]:
    """The review message once decided: no buttons, the decision and its author."""
    line = decision_line(view, locale)
    if view.self_decided:
        flag = "declined" if view.decision == "declined" else "approved"
        line += "\n" + t(f"intake.review.self_{flag}", locale, who=mention(view.decided_by_slack_id or ""))
    blocks = _review_body(view, locale) + [divider(), section(line)]
    if view.decision != "declined" and view.matter_number:
        blocks.append(fees.approval_block(number=view.matter_number, locale=locale))
    title = t("intake.review.text", locale, id=view.id, client=view.form.name)
    return join(" — ", [title, line]), blocks


def requester_dm(view: RequestView, locale: str) -> Mrkdwn:
    """The requester's DM about the decision (with the courteous refusal when declined)."""
    who = mention(view.decided_by_slack_id or "")
    client = escape(view.form.name)
    if view.decision == "declined":
        refusal_en = t("intake.refusal", "en", client=client)
        refusal_zh = t("intake.refusal", "zh-CN", client=client)
        intro = t("intake.dm.declined", locale, client=client, who=who,
                  reason=escape(view.decision_reason))
        return markup("{intro}\n```{en}```\n```{zh}```", intro=intro, en=refusal_en, zh=refusal_zh)
    linked = t("intake.dm.linked", locale) if view.linked_existing_client else ""
    return t("intake.dm.approved", locale, client=client, who=who, number=escape(view.matter_number),
             linked=linked)


def reason_modal(kind: str, *, request_id: int, channel: str, ts: str, locale: str) -> dict[str, Any]:
    """The waiver (reason + reference) or decline (reason) modal."""
    meta = json.dumps({"r": request_id, "c": channel, "ts": ts})
    blocks = [text_input(t(f"intake.{kind}.reason", locale), block_id=IntakeBlock.REASON,
                         action_id=IntakeAction.INPUT, multiline=True, max_length=1000)]
    if kind == "waiver":
        blocks.append(text_input(t("intake.waiver.ref", locale), block_id=IntakeBlock.WAIVER_REF,
                                 action_id=IntakeAction.INPUT, max_length=100))
    callback = IntakeView.WAIVER if kind == "waiver" else IntakeView.DECLINE
    return modal(title=t(f"intake.{kind}.title", locale), callback_id=callback, blocks=blocks,
                 submit=t(f"intake.{kind}.submit", locale), close=t("common.cancel", locale),
                 private_metadata=meta)


def conflict_reply(results: list[dict[str, Any]], locale: str, *, show_all: bool = False
                   ) -> tuple[str, list[Block]]:
    """The private `/conflict` answer (`show_all`: every hit, over as many sections as it takes)."""
    if show_all:
        chunks: list[Mrkdwn] = []
        for line in (ln for r in results for ln in [*query_lines(r, locale, None), Mrkdwn("")]):
            if chunks and len(chunks[-1]) + 1 + len(line) <= SECTION_LIMIT:
                chunks[-1] = Mrkdwn(f"{chunks[-1]}\n{line}")
            else:
                chunks.append(clamp(line, SECTION_LIMIT))
        blocks = [header(t("intake.conflict.header", locale)),
                  *[section(c) for c in chunks if c.strip()][:48]]
        return clamp(join("\n\n", (query_text(r, locale) for r in results)), 3000), blocks
    blocks = [header(t("intake.conflict.header", locale)), *result_blocks(results, locale)[:45]]
    text = join("\n\n", (query_text(r, locale) for r in results))
    return clamp(text, 3000), blocks

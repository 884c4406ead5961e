"""Block Kit for editing a client: the edit form and its pushed views, tier, hearings, re-confirmation."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.blocks.common import (Block, actions, button, context, header, modal, option, plain,
                               section, static_select, text_input)
from bot.flows import client_edit as ce
from bot.flows.hearings import HEARING_KINDS
from bot.i18n import t
from bot.ids import ClientEditAction as A
from bot.ids import ClientEditBlock as B
from bot.ids import ClientEditView as V
from bot.ids import RetierAction
from bot.ids import UpkeepAction
from bot.labels import label
from bot.slack_text import clamp, escape, markup

FIELD_BLOCKS = {
    "name": B.NAME, "gender": B.GENDER, "id_number": B.ID_NUMBER, "consent": B.CONSENT,
    "phone": B.PHONE, "email": B.EMAIL, "address": B.ADDRESS, "legal_representative": B.LEGAL_REP,
    "industry": B.INDUSTRY, "company_size": B.SIZE, "decision_maker": B.DECISION_MAKER,
    "source_channel": B.SOURCE, "referrer": B.REFERRER, "referrer_client_id": B.REFERRER_CLIENT,
    "referrer_staff_id": B.REFERRER_STAFF, "preferred_channel": B.CHANNEL, "values": B.VALUES,
    "tags": B.TAGS, "aliases": B.ALIASES, "language": B.LANGUAGE,
}
HEARING_BLOCKS = {"kind": B.KIND, "on": B.ON, "at": B.AT, "authority": B.AUTHORITY, "what": B.WHAT,
                  "matter": B.MATTER}
RECONFIRM_SHOWN = 20


def card_buttons(*, locale: str | None, client_id: int) -> list[dict[str, Any]]:
    """The card's Edit, Hearing, Tier and Mark strategic buttons (who may use them is checked on click)."""
    value = str(client_id)
    return [button(t("client_edit.button.edit", locale), action_id=A.EDIT, value=value),
            button(t("client_edit.button.hearing", locale), action_id=A.HEARING, value=value),
            button(t("client_edit.button.tier", locale), action_id=A.TIER, value=value),
            button(t("retier.button.mark", locale), action_id=RetierAction.MARK, value=value)]


def notice_modal(*, locale: str | None, text: str) -> dict[str, Any]:
    """A modal that only says something (opened at once, then filled in or refused)."""
    return modal(title=t("client_edit.modal.title", locale), callback_id=V.NOTICE,
                 blocks=[section(text)], close=t("common.close", locale))


def _checkboxes(label_text: str, *, block_id: str, options: list[dict[str, Any]],
                chosen: Sequence[str]) -> Block:
    """An optional checkboxes input."""
    element: dict[str, Any] = {"type": "checkboxes", "action_id": A.INPUT, "options": options}
    initial = [o for o in options if o["value"] in chosen]
    if initial:
        element["initial_options"] = initial
    return {"type": "input", "block_id": block_id, "optional": True, "label": plain(label_text),
            "element": element}


def _select(locale: str | None, label_key: str, *, block_id: str, prefix: str,
            values: Sequence[str], initial: str | None) -> Block:
    """An optional static select of translated vocabulary."""
    return static_select(t(label_key, locale), block_id=block_id, action_id=A.INPUT, optional=True,
                         options=[option(t(f"{prefix}.{v}", locale), v) for v in values], initial=initial)


def _text(locale: str | None, key: str, block_id: str, initial: str | None, *,
          multiline: bool = False, placeholder: str | None = None, max_length: int = 300) -> Block:
    """An optional text input."""
    return text_input(t(key, locale), block_id=block_id, action_id=A.INPUT, optional=True,
                      initial=initial, multiline=multiline, placeholder=placeholder,
                      max_length=max_length)


def edit_modal(*, locale: str | None, form: ce.EditForm) -> dict[str, Any]:
    """The main edit form: the kind's fields, source and referrer, preferences, tags, aliases."""
    loc, d = locale, form.details
    person = form.kind == "individual"
    blocks: list[Block] = [
        section(markup("*{name}*", name=d.name)),
        actions(button(t("client_edit.button.contacts", loc), action_id=A.CONTACTS, value=str(form.client_id)),
                button(t("client_edit.button.dates", loc), action_id=A.DATES, value=str(form.client_id))),
        text_input(t("client_edit.field.name", loc), block_id=B.NAME, action_id=A.INPUT,
                   initial=d.name, max_length=300),
    ]
    id_hint = (t("client_edit.id_on_file", loc, hint=form.id_hint) if form.id_hint
               else t("client_edit.id_none", loc))
    if person:
        blocks += [
            _select(loc, "client_edit.field.gender", block_id=B.GENDER, prefix="client_edit.gender",
                    values=ce.GENDERS, initial=d.gender),
            _text(loc, "client_edit.field.id_number", B.ID_NUMBER, None, placeholder=id_hint, max_length=40),
            _checkboxes(t("client_edit.field.consent", loc), block_id=B.CONSENT,
                        options=[option(t("client_edit.consent_yes", loc), "yes")],
                        chosen=["yes"] if d.consent else []),
            _text(loc, "client_edit.field.phone", B.PHONE, d.phone, max_length=40),
            _text(loc, "client_edit.field.email", B.EMAIL, d.email, max_length=254),
            _text(loc, "client_edit.field.address", B.ADDRESS, d.address),
            _text(loc, "client_edit.field.industry", B.INDUSTRY, d.industry, max_length=100),
        ]
    else:
        blocks += [
            _text(loc, "client_edit.field.uscc", B.ID_NUMBER, None, placeholder=id_hint, max_length=40),
            _text(loc, "client_edit.field.legal_rep", B.LEGAL_REP, d.legal_representative),
            _text(loc, "client_edit.field.registered_address", B.ADDRESS, d.address),
            _text(loc, "client_edit.field.industry", B.INDUSTRY, d.industry, max_length=100),
            _select(loc, "client_edit.field.size", block_id=B.SIZE, prefix="client_edit.size",
                    values=ce.SIZES, initial=d.company_size),
            _text(loc, "client_edit.field.decision_maker", B.DECISION_MAKER, d.decision_maker),
            _text(loc, "client_edit.field.phone", B.PHONE, d.phone, max_length=40),
            _text(loc, "client_edit.field.email", B.EMAIL, d.email, max_length=254),
        ]
    ref_client: dict[str, Any] = {"type": "external_select", "action_id": UpkeepAction.CLIENT_SELECT,
                                  "min_query_length": 1,
                                  "placeholder": plain(t("upkeep.field.client_hint", loc))}
    if d.referrer_client_id and form.referrer_client_name:
        ref_client["initial_option"] = option(form.referrer_client_name, str(d.referrer_client_id))
    ref_staff: dict[str, Any] = {"type": "users_select", "action_id": A.INPUT}
    if form.referrer_staff_slack_id:
        ref_staff["initial_user"] = form.referrer_staff_slack_id
    blocks += [
        _select(loc, "client_edit.field.source", block_id=B.SOURCE, prefix="intake.source",
                values=ce.SOURCES, initial=d.source_channel),
        _text(loc, "client_edit.field.referrer", B.REFERRER, d.referrer, max_length=200),
        {"type": "input", "block_id": B.REFERRER_CLIENT, "optional": True,
         "label": plain(t("client_edit.field.referrer_client", loc)), "element": ref_client},
        {"type": "input", "block_id": B.REFERRER_STAFF, "optional": True,
         "label": plain(t("client_edit.field.referrer_staff", loc)), "element": ref_staff},
        _select(loc, "client_edit.field.channel", block_id=B.CHANNEL, prefix="client_edit.channel",
                values=ce.CHANNELS, initial=d.preferred_channel),
        _select(loc, "client_edit.field.language", block_id=B.LANGUAGE, prefix="client_edit.language",
                values=ce.LANGUAGES, initial=d.language),
        _checkboxes(t("client_edit.field.values", loc), block_id=B.VALUES,
                    options=[option(t(f"client_edit.value.{v}", loc), v) for v in ce.VALUES],
                    chosen=d.values),
        _text(loc, "client_edit.field.tags", B.TAGS, ", ".join(d.tags) or None, max_length=1000,
              placeholder=t("client_edit.tags_hint", loc)),
        _text(loc, "client_edit.field.aliases", B.ALIASES, "\n".join(d.aliases) or None, multiline=True,
              max_length=3000, placeholder=t("client_edit.aliases_hint", loc)),
    ]
    return modal(title=t("client_edit.modal.title", loc), callback_id=V.MAIN, blocks=blocks,
                 submit=t("upkeep.modal.save", loc), close=t("common.cancel", loc),
                 private_metadata=json.dumps({"client_id": form.client_id, "kind": form.kind}))


def contact_block(i: int, name: str) -> str:
    """The block id of one field of one contact slot."""
    return f"{B.CONTACT_PREFIX}{i}-{name}"


def contacts_modal(*, locale: str | None, client_id: int, contacts: Sequence[ce.ContactEntry]) -> dict[str, Any]:
    """Several contact people (role, phone, email, WeChat); a blank slot removes its contact."""
    loc = locale
    blocks: list[Block] = [context(t("client_edit.contacts_help", loc))]
    for i in range(ce.MAX_CONTACTS):
        c = contacts[i] if i < len(contacts) else None
        blocks.append(section(t("client_edit.contact_n", loc, n=i + 1)))
        for name, key, limit in (("name", "client_edit.field.contact_name", 300),
                                 ("title", "client_edit.field.contact_role", 100),
                                 ("phone", "client_edit.field.phone", 40),
                                 ("email", "client_edit.field.email", 254),
                                 ("wechat", "client_edit.field.wechat", 100)):
            blocks.append(_text(loc, key, contact_block(i, name), getattr(c, name) if c else None,
                                max_length=limit))
    meta = {"client_id": client_id, "ids": [c.id for c in contacts]}
    return modal(title=t("client_edit.modal.contacts", loc), callback_id=V.CONTACTS, blocks=blocks,
                 submit=t("upkeep.modal.save", loc), close=t("client_edit.back", loc),
                 private_metadata=json.dumps(meta))


def date_block(i: int, name: str) -> str:
    """The block id of one field of one other yearly date."""
    return f"{B.DATE_PREFIX}{i}-{name}"


def dates_modal(*, locale: str | None, client_id: int, kind: str,
                dates: Sequence[ce.YearlyDate]) -> dict[str, Any]:
    """The birthday or founding date and other yearly dates."""
    loc = locale
    main_kind = ce.main_yearly_kind(kind)
    main = next((d for d in dates if d.kind == main_kind), None)
    others = [d for d in dates if d.kind != main_kind][:ce.MAX_OTHER_DATES]
    main_el: dict[str, Any] = {"type": "datepicker", "action_id": A.INPUT}
    if main:
        main_el["initial_date"] = main.on.isoformat()
    blocks: list[Block] = [{"type": "input", "block_id": B.YEARLY, "optional": True,
                            "label": plain(t(f"client_edit.field.{main_kind}", loc)), "element": main_el},
                           context(t("client_edit.dates_help", loc))]
    for i in range(ce.MAX_OTHER_DATES):
        d = others[i] if i < len(others) else None
        el: dict[str, Any] = {"type": "datepicker", "action_id": A.INPUT}
        if d:
            el["initial_date"] = d.on.isoformat()
        blocks.append(_text(loc, "client_edit.field.date_label", date_block(i, "label"),
                            d.label if d else None, max_length=200))
        blocks.append({"type": "input", "block_id": date_block(i, "on"), "optional": True,
                       "label": plain(t("client_edit.field.date_on", loc)), "element": el})
    return modal(title=t("client_edit.modal.dates", loc), callback_id=V.DATES, blocks=blocks,
                 submit=t("upkeep.modal.save", loc), close=t("client_edit.back", loc),
                 private_metadata=json.dumps({"client_id": client_id}))


def tier_modal(*, locale: str | None, client_id: int, name: str, tier: str) -> dict[str, Any]:
    """A partner changes the tier, with a reason."""
    loc = locale
    blocks: list[Block] = [
        section(markup("*{name}*", name=name)),
        static_select(t("client_edit.field.tier", loc), block_id=B.TIER, action_id=A.INPUT,
                      options=[option(t(f"upkeep.tier.{v}", loc), v) for v in ce.TIERS], initial=tier),
        text_input(t("client_edit.field.tier_reason", loc), block_id=B.REASON, action_id=A.INPUT,
                   multiline=True, max_length=1000),
    ]
    return modal(title=t("client_edit.modal.tier", loc), callback_id=V.TIER, blocks=blocks,
                 submit=t("upkeep.modal.save", loc), close=t("common.cancel", loc),
                 private_metadata=json.dumps({"client_id": client_id}))


def hearing_modal(*, locale: str | None, client_id: int, name: str, matters: Sequence[tuple[str, str]],
                  today: date) -> dict[str, Any]:
    """A hearing or deadline on one of the client's open matters."""
    loc = locale
    if not matters:
        return notice_modal(locale=loc, text=t("client_edit.no_open_matters", loc, client=escape(name)))
    blocks: list[Block] = [
        section(markup("*{name}*", name=name)),
        static_select(t("client_edit.field.matter", loc), block_id=B.MATTER, action_id=A.INPUT,
                      options=[option(f"{n} ({label('practice_area', a, loc)})", n) for n, a in matters],
                      initial=matters[0][0]),
        static_select(t("client_edit.field.kind", loc), block_id=B.KIND, action_id=A.INPUT,
                      options=[option(t(f"upkeep.kind.{k}", loc), k) for k in HEARING_KINDS],
                      initial="hearing"),
        {"type": "input", "block_id": B.ON, "label": plain(t("client_edit.field.on", loc)),
         "element": {"type": "datepicker", "action_id": A.INPUT, "initial_date": today.isoformat()}},
        {"type": "input", "block_id": B.AT, "optional": True, "label": plain(t("client_edit.field.at", loc)),
         "element": {"type": "timepicker", "action_id": A.INPUT}},
        _text(loc, "client_edit.field.authority", B.AUTHORITY, None),
        _text(loc, "client_edit.field.what", B.WHAT, None),
    ]
    return modal(title=t("client_edit.modal.hearing", loc), callback_id=V.HEARING, blocks=blocks,
                 submit=t("upkeep.modal.save", loc), close=t("common.cancel", loc),
                 private_metadata=json.dumps({"client_id": client_id}))


def reconfirm_blocks(*, locale: str | None, quarter: str,
                     clients: Sequence[tuple[int, str]]) -> tuple[str, list[Block]]:
    """The lead lawyer's quarterly list: each client with Still correct and Edit."""
    loc = locale
    shown = clients[:RECONFIRM_SHOWN]
    blocks: list[Block] = [header(t("client_edit.reconfirm.title", loc, quarter=quarter)),
                           context(t("client_edit.reconfirm.text", loc, count=len(clients)))]
    for cid, name in shown:
        blocks.append(section(markup("*{name}*", name=clamp(name, 200))))
        blocks.append(actions(
            button(t("client_edit.button.still_correct", loc), action_id=A.STILL_CORRECT, value=str(cid),
                   style="primary"),
            button(t("client_edit.button.edit", loc), action_id=A.EDIT, value=str(cid)),
            block_id=f"{B.RECONFIRM_PREFIX}{cid}"))
    if len(clients) > len(shown):
        blocks.append(context(t("client_edit.reconfirm.more", loc, count=len(clients) - len(shown))))
    return t("client_edit.reconfirm.text", loc, count=len(clients)), blocks

"""Block Kit for fees on matters: the summary, the terms modal, the invoice / payment modal."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.common import (Block, actions, button, context, header, modal, option, plain, section,
                               static_select, text_input)
from bot.flows.value.fees import ARRANGEMENTS, COMPLEXITIES, FeeSummary, TermsForm, Totals
from bot.i18n import t
from bot.ids import FeeAction as A
from bot.ids import FeeBlock as B
from bot.ids import FeeView as V
from bot.slack_text import Mrkdwn, join, mention

ENTRY_ACTIONS = {"invoiced": A.RECORD_INVOICE, "collected": A.RECORD_PAYMENT}
KIND_OF_ACTION = {A.RECORD_INVOICE.value: "invoiced", A.RECORD_PAYMENT.value: "collected"}
TERM_BLOCKS = {"arrangement": B.ARRANGEMENT, "agreed": B.AGREED, "complexity": B.COMPLEXITY}
ENTRY_BLOCKS = {"amount": B.AMOUNT, "on_date": B.ON_DATE, "reference": B.REFERENCE}


def money(value: Decimal, currency: str) -> str:
    """An amount as shown: the currency, thousands separators, two decimals (CNY 1,200,000.00)."""
    return f"{currency} {value:,.2f}"


def plain_amount(value: Decimal) -> str:
    """An amount as typed back into a field (no separators)."""
    return f"{value:.2f}"


def summary_blocks(summary: FeeSummary, *, locale: str | None, currency: str,
                   tz: ZoneInfo) -> tuple[str, list[Block]]:
    """The ephemeral `/lawcrm fees NUMBER` answer: terms, totals, latest entries, buttons."""
    loc, s = locale, summary
    none = t("fees.none", loc)
    blocks: list[Block] = [header(t("fees.title", loc, number=s.number)),
                           section(t("fees.client", loc, client=s.client_name))]
    if s.arrangement or s.agreed is not None or s.complexity:
        terms = t("fees.terms", loc,
                  arrangement=t(f"fees.arrangement.{s.arrangement}", loc) if s.arrangement else none,
                  agreed=money(s.agreed, currency) if s.agreed is not None else none,
                  complexity=str(s.complexity) if s.complexity else none)
        blocks.append(section(terms))
        if s.set_by_slack_id and s.set_at:
            blocks.append(context(t("fees.terms_set_by", loc, who=mention(s.set_by_slack_id),
                                    on=s.set_at.astimezone(tz).date().isoformat())))
    else:
        blocks.append(section(t("fees.terms_unset", loc)))
    for total in s.totals or [Totals(currency=currency, invoiced=Decimal(0), collected=Decimal(0))]:
        blocks.append(section(t("fees.totals", loc, invoiced=money(total.invoiced, total.currency),
                                collected=money(total.collected, total.currency),
                                outstanding=money(total.outstanding, total.currency))))
    if s.entries:
        lines = [t("fees.entry_line", loc, on=e.on_date.isoformat(), kind=t(f"fees.kind.{e.kind}", loc),
                   amount=money(e.amount, e.currency),
                   ref=t("fees.entry_ref", loc, ref=e.reference) if e.reference else "")
                 for e in s.entries]
        blocks.append(section(join("\n", lines)))
        if s.entry_count > len(s.entries):
            blocks.append(context(t("fees.entries_more", loc, count=s.entry_count - len(s.entries))))
    else:
        blocks.append(section(t("fees.no_entries", loc)))
    buttons = []
    if s.can_set_terms:
        buttons.append(button(t("fees.button.terms", loc), action_id=A.SET_TERMS, value=s.number))
    buttons += [button(t("fees.button.invoice", loc), action_id=A.RECORD_INVOICE, value=s.number),
                button(t("fees.button.payment", loc), action_id=A.RECORD_PAYMENT, value=s.number)]
    blocks += [actions(*buttons, block_id=B.SUMMARY), context(t("fees.confidential", loc))]
    return t("fees.title", loc, number=s.number), blocks


def approval_block(*, number: str, locale: str | None) -> Block:
    """The approved intake's invitation to set the new matter's terms (the button checks partners)."""
    return section(t("fees.approval.hint", locale, number=number),
                   accessory=button(t("fees.button.approval", locale), action_id=A.SET_TERMS, value=number,
                                    style="primary"))


def notice_modal(*, locale: str | None, text: str) -> dict[str, Any]:
    """A modal that only says something (opened at once, then filled in or refused)."""
    return modal(title=t("fees.modal.title", locale), callback_id=V.NOTICE, blocks=[section(text)],
                 close=t("common.close", locale))


def terms_modal(form: TermsForm, *, locale: str | None, currency: str) -> dict[str, Any]:
    """A partner sets the arrangement, the agreed amount and the complexity."""
    loc, terms = locale, form.terms
    agreed: Block = text_input(t("fees.field.agreed", loc, currency=currency), block_id=B.AGREED,
                               action_id=A.INPUT, optional=True, max_length=40,
                               initial=plain_amount(terms.agreed) if terms.agreed is not None else None,
                               placeholder=t("fees.field.agreed_hint", loc))
    blocks: list[Block] = [
        section(t("fees.modal.matter", loc, number=form.number, client=form.client_name)),
        static_select(t("fees.field.arrangement", loc), block_id=B.ARRANGEMENT, action_id=A.INPUT,
                      options=[option(t(f"fees.arrangement.{a}", loc), a) for a in ARRANGEMENTS],
                      initial=terms.arrangement),
        agreed,
        static_select(t("fees.field.complexity", loc), block_id=B.COMPLEXITY, action_id=A.INPUT,
                      options=[option(t(f"fees.complexity.{c}", loc), str(c)) for c in COMPLEXITIES],
                      initial=str(terms.complexity) if terms.complexity else None),
    ]
    return modal(title=t("fees.modal.terms", loc), callback_id=V.TERMS, blocks=blocks,
                 submit=t("fees.modal.save", loc), close=t("common.cancel", loc),
                 private_metadata=json.dumps({"number": form.number}))


def entry_modal(*, kind: str, number: str, client_name: str, locale: str | None, currency: str,
                today: date) -> dict[str, Any]:
    """Record an invoice or a payment: amount, date (today by default), reference."""
    loc = locale
    title = "fees.modal.invoice" if kind == "invoiced" else "fees.modal.payment"
    blocks: list[Block] = [
        section(t("fees.modal.matter", loc, number=number, client=client_name)),
        text_input(t("fees.field.amount", loc, currency=currency), block_id=B.AMOUNT, action_id=A.INPUT,
                   max_length=40, placeholder=t("fees.field.agreed_hint", loc)),
        {"type": "input", "block_id": B.ON_DATE, "label": plain(t("fees.field.on_date", loc)),
         "element": {"type": "datepicker", "action_id": A.INPUT, "initial_date": today.isoformat()}},
        text_input(t("fees.field.reference", loc), block_id=B.REFERENCE, action_id=A.INPUT, optional=True,
                   max_length=100),
    ]
    return modal(title=t(title, loc), callback_id=V.ENTRY, blocks=blocks, submit=t("fees.modal.save", loc),
                 close=t("common.cancel", loc), private_metadata=json.dumps({"number": number, "kind": kind}))


def recorded_text(*, kind: str, number: str, amount: Decimal, currency: str, locale: str | None) -> Mrkdwn:
    """The DM confirming an invoice or payment."""
    return t(f"fees.recorded.{kind}", locale, number=number, amount=money(amount, currency))

"""Block Kit for enquiries (modal, intake-channel card, clock notices, prospects) and win-back plans."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.blocks.common import (Block, actions, button, context, header, modal, option, plain, section,
                               static_select, text_input)
from bot.flows.enquiries.records import MAX_CONTACT, MAX_NEED, MAX_REFERRER, MAX_WHO, EnquiryView
from bot.flows.enquiries.stages import CLOSE_REASONS, STAGES, Prospect
from bot.flows.intake_form import SOURCES
from bot.flows.winback import PlanView, StepDue
from bot.flows.workdays import WorkCalendar
from bot.i18n import t
from bot.ids import EnquiryAction, EnquiryBlock, EnquiryView as V, WinbackAction, WinbackBlock, WinbackView
from bot.slack_text import Mrkdwn, clamp, join, mention

FIELD_BLOCKS = {"who": EnquiryBlock.WHO, "contact": EnquiryBlock.CONTACT, "need": EnquiryBlock.NEED,
                "source": EnquiryBlock.SOURCE, "referrer": EnquiryBlock.REFERRER,
                "lawyer": EnquiryBlock.LAWYER, "stage": EnquiryBlock.STAGE, "reason": EnquiryBlock.REASON}
INPUT = "enquiry-input"


def _local(moment: datetime, cal: WorkCalendar) -> str:
    """A firm-local 'YYYY-MM-DD HH:MM'."""
    return moment.astimezone(cal.tz).strftime("%Y-%m-%d %H:%M")


def new_modal(locale: str, *, need: str | None = None) -> dict[str, Any]:
    """The enquiry form (the need prefilled from a message when logged by the shortcut)."""
    sources = [option(t(f"intake.source.{s}", locale), s) for s in SOURCES]
    blocks: list[Block] = [
        text_input(t("enquiry.field.who", locale), block_id=EnquiryBlock.WHO, action_id=INPUT,
                   max_length=MAX_WHO),
        text_input(t("enquiry.field.contact", locale), block_id=EnquiryBlock.CONTACT, action_id=INPUT,
                   max_length=MAX_CONTACT, placeholder=t("enquiry.field.contact_hint", locale)),
        text_input(t("enquiry.field.need", locale), block_id=EnquiryBlock.NEED, action_id=INPUT,
                   multiline=True, max_length=MAX_NEED, initial=clamp(need, MAX_NEED) if need else None),
        static_select(t("enquiry.field.source", locale), block_id=EnquiryBlock.SOURCE, action_id=INPUT,
                      options=sources),
        text_input(t("enquiry.field.referrer", locale), block_id=EnquiryBlock.REFERRER, action_id=INPUT,
                   optional=True, max_length=MAX_REFERRER),
    ]
    return modal(title=t("enquiry.modal.title", locale), callback_id=V.NEW, blocks=blocks,
                 submit=t("enquiry.modal.submit", locale), close=t("common.cancel", locale))


def card(view: EnquiryView, *, locale: str, cal: WorkCalendar) -> tuple[str, list[Block]]:
    """The intake-channel card: Take and Assign while unanswered, then who responds and when."""
    source = t(f"intake.source.{view.source}", locale)
    if view.referrer:
        source = t("enquiry.card.referred_by", locale, source=source, referrer=view.referrer)
    blocks: list[Block] = [
        header(t("enquiry.card.title", locale, id=view.id)),
        section(t("enquiry.card.body", locale, who=view.who, need=clamp(view.need, 1500), source=source,
                  received=_local(view.received_at, cal), by=mention(view.recorded_by)),
                block_id=f"{EnquiryBlock.CARD}-{view.id}"),
    ]
    if view.assignee is None:
        blocks.append(actions(
            button(t("enquiry.button.take", locale), action_id=EnquiryAction.TAKE, value=str(view.id),
                   style="primary"),
            button(t("enquiry.button.assign", locale), action_id=EnquiryAction.ASSIGN, value=str(view.id))))
    else:
        blocks.append(context(t("enquiry.card.assigned", locale, who=mention(view.assignee),
                                minutes=view.response_minutes or 0,
                                stage=t(f"enquiry.stage.{view.stage}", locale))))
    return t("enquiry.card.text", locale, id=view.id, who=view.who), blocks


def assign_modal(enquiry_id: int, locale: str) -> dict[str, Any]:
    """Choose the lawyer who takes the enquiry."""
    element = {"type": "users_select", "action_id": INPUT}
    block = {"type": "input", "block_id": EnquiryBlock.LAWYER, "label": plain(t("enquiry.field.lawyer", locale)),
             "element": element}
    return modal(title=t("enquiry.modal.assign", locale), callback_id=V.ASSIGN, blocks=[block],
                 submit=t("enquiry.modal.submit", locale), close=t("common.cancel", locale),
                 private_metadata=str(enquiry_id))


def stage_modal(enquiry_id: int, who: str, locale: str) -> dict[str, Any]:
    """Move an enquiry on: consultation, proposal, engaged (opens /intake) or closed with a reason."""
    stages = [option(t(f"enquiry.stage.{s}", locale), s) for s in STAGES]
    reasons = [option(t(f"enquiry.reason.{r}", locale), r) for r in CLOSE_REASONS]
    blocks = [
        section(t("enquiry.stage_modal.for", locale, id=enquiry_id, who=who)),
        static_select(t("enquiry.field.stage", locale), block_id=EnquiryBlock.STAGE, action_id=INPUT,
                      options=stages),
        static_select(t("enquiry.field.reason", locale), block_id=EnquiryBlock.REASON, action_id=INPUT,
                      options=reasons, optional=True),
        context(t("enquiry.stage_modal.hint", locale)),
    ]
    return modal(title=t("enquiry.modal.stage", locale), callback_id=V.STAGE, blocks=blocks,
                 submit=t("enquiry.modal.submit", locale), close=t("common.cancel", locale),
                 private_metadata=str(enquiry_id))


def stage_button(enquiry_id: int, locale: str) -> dict[str, Any]:
    """The 'update stage' button of a prospect."""
    return button(t("enquiry.button.stage", locale), action_id=EnquiryAction.STAGE, value=str(enquiry_id))


def assigned_dm(view: EnquiryView, *, contact: str, locale: str) -> tuple[str, list[Block]]:
    """What the assigned lawyer gets: who, how to reach them, the need, and the stage button."""
    text = t("enquiry.assigned.text", locale, id=view.id, who=view.who)
    return text, [section(t("enquiry.assigned.body", locale, id=view.id, who=view.who, contact=contact,
                            need=clamp(view.need, 1500))),
                  actions(stage_button(view.id, locale))]


def clock_notice(kind: str, *, enquiry_id: int, locale: str, due_at: datetime, cal: WorkCalendar,
                 minutes: int) -> Mrkdwn:
    """The nudge before the hour runs out, or the escalation when it has."""
    return t(f"enquiry.clock.{kind}", locale, id=enquiry_id, due=_local(due_at, cal), minutes=minutes)


def prospects_blocks(prospects: Sequence[Prospect], *, locale: str) -> list[Block]:
    """App Home: the actor's open enquiries, each with its stage button."""
    blocks: list[Block] = [header(t("enquiry.home.title", locale))]
    if not prospects:
        return blocks + [context(t("enquiry.home.none", locale))]
    for p in prospects:
        blocks.append(section(t("enquiry.home.item", locale, id=p.enquiry_id, who=p.who,
                                stage=t(f"enquiry.stage.{p.stage}", locale), since=p.since.isoformat()),
                              accessory=stage_button(p.enquiry_id, locale)))
    return blocks


def digest_prospects(prospects: Sequence[Prospect], *, locale: str | None) -> list[Block]:
    """The digest section of prospects due their weekly contact."""
    loc = locale or "en"
    blocks: list[Block] = [section(t("enquiry.digest.title", loc))]
    for p in prospects:
        blocks.append(section(t("enquiry.digest.item", loc, id=p.enquiry_id, who=p.who,
                                stage=t(f"enquiry.stage.{p.stage}", loc), since=p.since.isoformat())))
        blocks.append(actions(button(t("enquiry.button.contacted", loc), action_id=EnquiryAction.CONTACTED,
                                     value=str(p.enquiry_id), style="primary"),
                              stage_button(p.enquiry_id, loc)))
    return blocks


def digest_winback(steps: Sequence[StepDue], *, names: dict[int, str], locale: str | None) -> list[Block]:
    """The digest section of win-back actions due."""
    loc = locale or "en"
    blocks: list[Block] = [section(t("winback.digest.title", loc))]
    for s in steps:
        blocks.append(section(t("winback.digest.item", loc, client=names.get(s.client_id, "?"),
                                action=t(f"winback.step.{s.kind}", loc), due=s.due_on.isoformat()),
                              accessory=button(t("winback.button.done", loc), action_id=WinbackAction.DONE,
                                               value=str(s.step_id))))
    return blocks


def digest_pipeline(digest: Any, *, names: dict[int, str], locale: str | None,
                    room: int) -> tuple[list[Block], int, int]:
    """The digest's prospects and win-back sections within `room` blocks: (blocks, items, items shown)."""
    out: list[Block] = []
    total = len(digest.prospects) + len(digest.winback)
    if digest.prospects and room > len(out) + 1:
        out += digest_prospects(digest.prospects, locale=locale)[:room - len(out)]
    if digest.winback and room > len(out) + 1:
        out += digest_winback(digest.winback, names=names, locale=locale)[:room - len(out)]
    shown = sum(1 for b in out if b.get("type") == "actions" or "accessory" in b)
    return out, total, shown


def plan_blocks(plan: PlanView, *, locale: str | None) -> tuple[str, list[Block]]:
    """The win-back plan as its owner sees it (actions, buttons, the outcome once recorded)."""
    loc = locale or "en"
    steps = join("\n", (t("winback.plan.step", loc, done="✅" if s.done else "▫️",
                          action=t(f"winback.step.{s.kind}", loc), due=s.due_on.isoformat())
                        for s in plan.steps))
    blocks: list[Block] = [
        header(t("winback.plan.title", loc, client=plan.client_name)),
        section(t("winback.plan.body", loc, owner=mention(plan.owner),
                  reason=t(f"winback.reason.{plan.reason}", loc), steps=steps)),
    ]
    if plan.outcome is None:
        blocks.extend(section(t("winback.plan.open_step", loc, action=t(f"winback.step.{s.kind}", loc),
                                due=s.due_on.isoformat()),
                              accessory=button(t("winback.button.done", loc), action_id=WinbackAction.DONE,
                                               value=str(s.step_id)))
                      for s in plan.steps if not s.done)
        blocks.append(actions(button(t("winback.button.edit", loc), action_id=WinbackAction.EDIT,
                                     value=str(plan.plan_id)),
                              button(t("winback.button.won", loc), action_id=WinbackAction.WON,
                                     value=str(plan.plan_id), style="primary"),
                              button(t("winback.button.not_won", loc), action_id=WinbackAction.NOT_WON,
                                     value=str(plan.plan_id))))
    else:
        who = mention(plan.won_back_by) if plan.won_back_by else ""
        blocks.append(context(t(f"winback.outcome.{plan.outcome}", loc, who=who)))
    return t("winback.plan.text", loc, client=plan.client_name), blocks


def edit_modal(plan: PlanView, *, locale: str) -> dict[str, Any]:
    """Change the owner and the due dates of the plan's actions."""
    owner = {"type": "users_select", "action_id": INPUT, "initial_user": plan.owner}
    blocks: list[Block] = [{"type": "input", "block_id": WinbackBlock.OWNER,
                            "label": plain(t("winback.field.owner", locale)), "element": owner}]
    for s in plan.steps:
        blocks.append({"type": "input", "block_id": f"{WinbackBlock.DUE_PREFIX}{s.step_id}",
                       "label": plain(t(f"winback.step.{s.kind}", locale)),
                       "element": {"type": "datepicker", "action_id": INPUT, "initial_date": s.due_on.isoformat()}})
    return modal(title=t("winback.modal.title", locale), callback_id=WinbackView.EDIT, blocks=blocks,
                 submit=t("enquiry.modal.submit", locale), close=t("common.cancel", locale),
                 private_metadata=json.dumps({"plan": plan.plan_id}))

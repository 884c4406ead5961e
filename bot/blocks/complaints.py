"""Block Kit for complaints: the intake modal, the card with its step buttons, step modals, notices."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.blocks.common import (Block, actions, button, confirm_dialog, context, header, modal, option, plain,
                               section, static_select, text_input)
from bot.flows.complaints import ROOT_CAUSES, UNDOABLE, VIA
from bot.flows.workdays import WorkCalendar
from bot.i18n import t
from bot.ids import ComplaintAction, ComplaintBlock, ComplaintView
from bot.slack_text import clamp, escape, join, markup, mention

if TYPE_CHECKING:
    from bot.flows.complaints import Listed, Snapshot

STEP_BUTTONS = {
    "acknowledge": (ComplaintAction.ACKNOWLEDGE, "primary"),
    "assess": (ComplaintAction.ASSESS, "primary"),
    "assign": (ComplaintAction.ASSIGN, "primary"),
    "propose": (ComplaintAction.PROPOSE, "primary"),
    "client_accepts": (ComplaintAction.ACCEPT, "primary"),
    "client_rejects": (ComplaintAction.REJECT, "danger"),
    "close": (ComplaintAction.CLOSE, "primary"),
    "extend": (ComplaintAction.EXTEND, None),
    "reopen": (ComplaintAction.REOPEN, None),
}


def local_time(moment: datetime, calendar: WorkCalendar) -> str:
    """An instant as firm-local 'YYYY-MM-DD HH:MM'."""
    return moment.astimezone(calendar.tz).strftime("%Y-%m-%d %H:%M")


def _input(label: str, block_id: str, element: dict[str, Any], *, optional: bool = False) -> Block:
    """An input block around any element."""
    return {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element,
            "optional": optional}


def new_complaint_modal(locale: str) -> dict[str, Any]:
    """The `/complaint` modal."""
    loc = locale
    blocks: list[Block] = [
        _input(t("complaint.field.client", loc), ComplaintBlock.CLIENT,
               {"type": "external_select", "action_id": ComplaintAction.CLIENT, "min_query_length": 1,
                "placeholder": plain(t("complaint.field.client_hint", loc), 150)}),
        text_input(t("complaint.field.complainant", loc), block_id=ComplaintBlock.COMPLAINANT,
                   action_id="value", max_length=200),
        text_input(t("complaint.field.contact", loc), block_id=ComplaintBlock.CONTACT, action_id="value",
                   max_length=300),
        _input(t("complaint.field.against", loc), ComplaintBlock.AGAINST,
               {"type": "users_select", "action_id": "value"}),
        text_input(t("complaint.field.matter", loc), block_id=ComplaintBlock.MATTER, action_id="value",
                   optional=True, max_length=50),
        text_input(t("complaint.field.what", loc), block_id=ComplaintBlock.WHAT, action_id="value",
                   multiline=True, max_length=3000),
        text_input(t("complaint.field.request", loc), block_id=ComplaintBlock.REQUEST, action_id="value",
                   multiline=True, max_length=2000),
        static_select(t("complaint.field.via", loc), block_id=ComplaintBlock.VIA, action_id="value",
                      options=[option(t(f"complaint.via.{v}", loc), v) for v in VIA]),
        _input(t("complaint.field.received_at", loc), ComplaintBlock.RECEIVED_AT,
               {"type": "datetimepicker", "action_id": "value"}),
    ]
    return modal(title=t("complaint.modal.title", loc), callback_id=ComplaintView.NEW, blocks=blocks,
                 submit=t("common.submit", loc), close=t("common.cancel", loc))


def card(snap: "Snapshot", *, locale: str, calendar: WorkCalendar, direct: bool = False) -> tuple[str, list[Block]]:
    """The complaint's root message: facts, status, next deadline and the buttons of the next steps."""
    loc = locale
    text = t("complaint.card.text", loc, id=snap.id, client=escape(snap.client_name))
    facts = [
        t("complaint.card.client", loc, client=escape(snap.client_name),
          matter=escape(snap.matter_number) if snap.matter_number else t("common.none", loc)),
        t("complaint.card.complainant", loc, name=escape(snap.complainant_name),
          contact=escape(snap.complainant_contact)),
        t("complaint.card.against", loc, user=mention(snap.against_user_id)),
        t("complaint.card.received", loc, via=t(f"complaint.via.{snap.received_via}", loc),
          at=local_time(snap.received_at, calendar), by=mention(snap.recorded_by_user_id)),
    ]
    blocks: list[Block] = [header(t("complaint.card.header", loc, id=snap.id))]
    if direct:
        blocks.append(context(t("complaint.card.direct", loc)))
    blocks += [
        section(join("\n", facts)),
        section(markup("*{label}*\n{text}", label=t("complaint.field.what", loc),
                       text=clamp(snap.description, 1400))),
        section(markup("*{label}*\n{text}", label=t("complaint.field.request", loc),
                       text=clamp(snap.request, 1000))),
    ]
    status = [t("complaint.card.status", loc, status=t(f"complaint.status.{snap.status}", loc))]
    if snap.founded is not None:
        status.append(t("complaint.card.finding", loc,
                        finding=t("complaint.finding.founded" if snap.founded else "complaint.finding.unfounded", loc),
                        reason=escape(clamp(snap.finding_reason or "", 500))))
    if snap.owner_user_id:
        status.append(t("complaint.card.owner", loc, user=mention(snap.owner_user_id)))
    if snap.solution:
        status.append(t("complaint.card.solution", loc, solution=escape(clamp(snap.solution, 800))))
    if snap.extended_until:
        status.append(t("complaint.card.extended", loc, date=snap.extended_until.isoformat(),
                        reason=escape(clamp(snap.extension_reason or "", 500))))
    if snap.root_cause:
        status.append(t("complaint.card.closed", loc, cause=t(f"complaint.cause.{snap.root_cause}", loc),
                        evaluation=escape(clamp(snap.evaluation or "", 800))))
    deadline = snap.deadline
    if deadline:
        status.append(t(f"complaint.card.deadline.{deadline[0]}", loc, at=local_time(deadline[1], calendar)))
    blocks.append(section(join("\n", status)))
    buttons = [step_button(s, complaint_id=snap.id, locale=loc) for s in snap.next_steps]
    if snap.status in UNDONE_BY_STATUS:
        buttons.append(step_button("reopen", complaint_id=snap.id, locale=loc))
    if buttons:
        blocks.append(actions(*buttons, block_id=ComplaintBlock.STEPS))
    return text, blocks


# one-click steps that cannot simply be clicked back: Slack asks first
CONFIRMED_STEPS = ("client_accepts", "reopen")
UNDONE_BY_STATUS = {status: step for step, (status, _, _) in UNDOABLE.items()}


def step_button(step: str, *, complaint_id: int, locale: str) -> dict[str, Any]:
    """A step's button on the card (behind a confirmation dialog for the confirmed steps)."""
    action_id, style = STEP_BUTTONS[step]
    el = button(t(f"complaint.button.{step}", locale), action_id=action_id, value=str(complaint_id), style=style)
    if step in CONFIRMED_STEPS:
        el["confirm"] = confirm_dialog(title=t(f"complaint.confirm.{step}.title", locale),
                                       text=t(f"complaint.confirm.{step}.text", locale, id=complaint_id),
                                       confirm=t(f"complaint.confirm.{step}.yes", locale),
                                       deny=t("common.cancel", locale), danger=step == "reopen")
    return el


def step_line(snap: "Snapshot", *, step: str, actor_user_id: str, at: datetime, locale: str,
              calendar: WorkCalendar) -> str:
    """The thread reply recording a step: who, what, when."""
    return t("complaint.event.line", locale, user=mention(actor_user_id),
             step=t(f"complaint.step.{step}", locale), at=local_time(at, calendar),
             status=t(f"complaint.status.{snap.status}", locale))


def _step_modal(*, locale: str, callback_id: str, complaint_id: int, title_key: str,
                blocks: list[Block]) -> dict[str, Any]:
    """A step modal carrying the complaint id."""
    head = [context(t("complaint.modal.for", locale, id=complaint_id))]
    return modal(title=t(title_key, locale), callback_id=callback_id, blocks=head + blocks,
                 submit=t("common.submit", locale), close=t("common.cancel", locale),
                 private_metadata=str(complaint_id))


def _confirm(label: str, block_id: str, text: str) -> Block:
    """A required one-box checkbox input."""
    return _input(label, block_id, {"type": "checkboxes", "action_id": "value",
                                    "options": [{"text": plain(text, 150), "value": "yes"}]})


def step_modal(step: str, *, complaint_id: int, locale: str) -> dict[str, Any]:
    """The modal for a step that needs input (assess, assign, propose, reject, close, extend)."""
    loc = locale
    if step == "assess":
        blocks = [static_select(t("complaint.field.finding", loc), block_id=ComplaintBlock.FINDING,
                                action_id="value",
                                options=[option(t("complaint.finding.founded", loc), "founded"),
                                         option(t("complaint.finding.unfounded", loc), "unfounded")]),
                  text_input(t("complaint.field.reason", loc), block_id=ComplaintBlock.REASON,
                             action_id="value", multiline=True, max_length=2000)]
        return _step_modal(locale=loc, callback_id=ComplaintView.ASSESS, complaint_id=complaint_id,
                           title_key="complaint.modal.assess", blocks=blocks)
    if step == "assign":
        blocks = [_input(t("complaint.field.owner", loc), ComplaintBlock.OWNER,
                         {"type": "users_select", "action_id": "value"})]
        return _step_modal(locale=loc, callback_id=ComplaintView.ASSIGN, complaint_id=complaint_id,
                           title_key="complaint.modal.assign", blocks=blocks)
    if step == "propose":
        blocks = [text_input(t("complaint.field.solution", loc), block_id=ComplaintBlock.SOLUTION,
                             action_id="value", multiline=True, max_length=2000),
                  _confirm(t("complaint.field.communicated", loc), ComplaintBlock.COMMUNICATED,
                           t("complaint.field.communicated_yes", loc))]
        return _step_modal(locale=loc, callback_id=ComplaintView.PROPOSE, complaint_id=complaint_id,
                           title_key="complaint.modal.propose", blocks=blocks)
    if step == "client_rejects":
        blocks = [text_input(t("complaint.field.negotiation", loc), block_id=ComplaintBlock.NOTE,
                             action_id="value", multiline=True, max_length=2000)]
        return _step_modal(locale=loc, callback_id=ComplaintView.REJECT, complaint_id=complaint_id,
                           title_key="complaint.modal.reject", blocks=blocks)
    if step == "close":
        blocks = [text_input(t("complaint.field.evaluation", loc), block_id=ComplaintBlock.EVALUATION,
                             action_id="value", multiline=True, max_length=2000),
                  static_select(t("complaint.field.root_cause", loc), block_id=ComplaintBlock.ROOT_CAUSE,
                                action_id="value",
                                options=[option(t(f"complaint.cause.{c}", loc), c) for c in ROOT_CAUSES])]
        return _step_modal(locale=loc, callback_id=ComplaintView.CLOSE, complaint_id=complaint_id,
                           title_key="complaint.modal.close", blocks=blocks)
    if step == "extend":
        blocks = [_input(t("complaint.field.ext_date", loc), ComplaintBlock.EXT_DATE,
                         {"type": "datepicker", "action_id": "value"}),
                  text_input(t("complaint.field.ext_reason", loc), block_id=ComplaintBlock.EXT_REASON,
                             action_id="value", multiline=True, max_length=2000),
                  _confirm(t("complaint.field.ext_told", loc), ComplaintBlock.EXT_TOLD,
                           t("complaint.field.ext_told_yes", loc))]
        return _step_modal(locale=loc, callback_id=ComplaintView.EXTEND, complaint_id=complaint_id,
                           title_key="complaint.modal.extend", blocks=blocks)
    raise ValueError(f"step {step!r} has no modal")


def list_text(items: list["Listed"], *, locale: str, now: datetime, calendar: WorkCalendar) -> str:
    """`/complaint list`: open complaints with age and next deadline."""
    if not items:
        return t("complaint.list.empty", locale)
    lines = [f"*{t('complaint.list.title', locale, count=len(items))}*"]
    for item in items:
        hours = max(0, int((now - item.received_at).total_seconds() // 3600))
        age = t("complaint.age.days", locale, days=hours // 24, hours=hours % 24) if hours >= 24 else \
            t("complaint.age.hours", locale, hours=hours)
        if item.deadline:
            kind, at = item.deadline
            overdue = t("complaint.list.overdue", locale) if at <= now else ""
            due = join("", [t(f"complaint.list.due.{kind}", locale, at=local_time(at, calendar)),
                            overdue])
        else:
            due = t("complaint.list.due.none", locale)
        lines.append(t("complaint.list.line", locale, id=item.id, client=escape(item.client_name),
                       status=t(f"complaint.status.{item.status}", locale), age=age, due=due))
    return "\n".join(lines)


def clock_notice(kind: str, *, complaint_id: int, locale: str, at: datetime, calendar: WorkCalendar,
                 client_name: str, extended: bool = False) -> str:
    """A reminder or escalation text (kind: remind, escalate_ack, escalate_answer)."""
    key = f"complaint.clock.{kind}" + (".extended" if kind == "escalate_answer" and extended else "")
    return t(key, locale, id=complaint_id, client=escape(client_name), at=local_time(at, calendar))

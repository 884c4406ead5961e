"""Block Kit of the archive: notices (rendered and recorded in the ledger) and the four modals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.common import Block, actions, button, modal, option, section, static_select, text_input
from bot.flows.archive import Notice
from bot.flows.archive.borrowing import CONDITIONS, BorrowForm
from bot.flows.archive.filing import FilingForm
from bot.i18n import t
from bot.ids import ArchiveAction as A
from bot.ids import ArchiveBlock as B
from bot.ids import ArchiveView as V
from bot.slack_text import Mrkdwn, escape, mention
from storage import ledger

BUTTONS: dict[str, tuple[tuple[str, A, str | None], ...]] = {
    "filing_task": (("archive.button.file", A.FILE_OPEN, "primary"),),
    "filing_returned": (("archive.button.file", A.FILE_OPEN, "primary"),),
    "filing_review": (("archive.button.accept", A.ACCEPT, "primary"), ("archive.button.return", A.RETURN, None)),
    "destruction_proposed": (("archive.button.approve", A.DESTROY_APPROVE, "primary"),),
    "loan_ask": (("archive.button.approve", A.LOAN_APPROVE, "primary"), ("archive.button.refuse", A.LOAN_REFUSE, None)),
    "loan_handout": (("archive.button.check_return", A.LOAN_CHECK, None),),
    "loan_overdue_officer": (("archive.button.check_return", A.LOAN_CHECK, None),),
}
MENTIONS = ("by", "who")


def notice_text(notice: Notice) -> Mrkdwn:
    """A notice's text in its locale (Slack ids become mentions, the rest is escaped)."""
    params: dict[str, Any] = {}
    for name, value in notice.params.items():
        if name in MENTIONS:
            params[name] = mention(value) if value else t("archive.nobody", notice.locale)
        elif name == "files":
            params[name] = Mrkdwn(escape(value))
        else:
            params[name] = value
    text = t(f"archive.notice.{notice.kind}", notice.locale, **params)
    extra = []
    if notice.params.get("copy"):
        extra.append(t("archive.notice.copy", notice.locale))
    if notice.params.get("outsider"):
        extra.append(t("archive.notice.outsider", notice.locale, outsider=notice.params["outsider"]))
    if notice.params.get("needs"):
        extra.append(t(f"archive.needs.{notice.params['needs']}", notice.locale))
    return Mrkdwn("\n".join([text, *extra]))


def notice_payload(notice: Notice) -> dict[str, Any]:
    """The ledger payload of a notice: text, and its buttons when it has any."""
    text = notice_text(notice)
    buttons = BUTTONS.get(notice.kind)
    if not buttons:
        return {"text": text}
    elements = [button(t(label, notice.locale), action_id=action, value=str(notice.ref), style=style)
                for label, action, style in buttons]
    return {"text": text, "blocks": [section(text), actions(*elements)]}


def enqueue(session: Session, notices: Sequence[Notice], *, now: datetime) -> list[str]:
    """Record the notices in the ledger (each key once); the keys newly recorded."""
    keys = []
    for notice in notices:
        if ledger.enqueue(session, key=notice.key, kind=f"archive.{notice.kind}", channel=notice.channel,
                          payload=notice_payload(notice), due_at=now):
            keys.append(notice.key)
    return keys


def _date_input(label: str, *, block_id: str, initial: str | None, optional: bool) -> Block:
    """A date picker input."""
    element: dict[str, Any] = {"type": "datepicker", "action_id": "value"}
    if initial:
        element["initial_date"] = initial
    return {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label},
            "element": element, "optional": optional}


def filing_modal(form: FilingForm, *, locale: str) -> dict[str, Any]:
    """The filing record: archive number, catalogue, volumes, location (and the judgment date)."""
    blocks: list[Block] = [section(t("archive.filing.modal_intro", locale, number=form.number))]
    if form.return_reason:
        blocks.append(section(t("archive.filing.returned_because", locale, reason=form.return_reason)))
    blocks += [
        text_input(t("archive.field.archive_number", locale), block_id=B.ARCHIVE_NUMBER, action_id="value",
                   initial=form.archive_number, max_length=60),
        text_input(t("archive.field.catalogue", locale), block_id=B.CATALOGUE, action_id="value", multiline=True,
                   initial=form.catalogue, max_length=3000),
        text_input(t("archive.field.volumes", locale), block_id=B.VOLUMES, action_id="value",
                   initial=str(form.volumes) if form.volumes else None, max_length=3),
        text_input(t("archive.field.location", locale), block_id=B.LOCATION, action_id="value",
                   initial=form.location, max_length=200),
    ]
    if form.litigation:
        blocks.append(_date_input(t("archive.field.judgment_date", locale), block_id=B.JUDGMENT,
                                  initial=form.judgment_date.isoformat() if form.judgment_date else None,
                                  optional=True))
    return modal(title=t("archive.filing.title", locale), callback_id=V.FILING, blocks=blocks,
                 submit=t("archive.submit", locale), close=t("common.cancel", locale),
                 private_metadata=str(form.filing_id))


def return_modal(*, filing_id: int, locale: str) -> dict[str, Any]:
    """The records officer's reason for returning a filing."""
    return modal(title=t("archive.return.title", locale), callback_id=V.RETURN,
                 blocks=[text_input(t("archive.field.reason", locale), block_id=B.REASON, action_id="value",
                                    multiline=True, max_length=2000)],
                 submit=t("archive.submit", locale), close=t("common.cancel", locale),
                 private_metadata=str(filing_id))


def borrow_modal(form: BorrowForm, *, locale: str) -> dict[str, Any]:
    """Borrow a file: days (at most the maximum), a copy, someone outside the firm."""
    days = [option(str(d), str(d)) for d in range(1, form.max_days + 1)]
    copy = {"type": "input", "block_id": B.COPY, "optional": True,
            "label": {"type": "plain_text", "text": t("archive.field.copy", locale)},
            "element": {"type": "checkboxes", "action_id": "value",
                        "options": [option(t("archive.field.copy_yes", locale), "yes")]}}
    return modal(title=t("archive.borrow.title", locale), callback_id=V.BORROW, blocks=[
        section(t("archive.borrow.intro", locale, number=form.number, max=form.max_days)),
        static_select(t("archive.field.days", locale), block_id=B.DAYS, action_id="value", options=days,
                      initial=str(form.max_days)),
        copy,
        text_input(t("archive.field.outsider", locale), block_id=B.OUTSIDER, action_id="value", optional=True,
                   max_length=200),
    ], submit=t("archive.submit", locale), close=t("common.cancel", locale), private_metadata=str(form.filing_id))


def check_modal(*, loan_id: int, number: str, locale: str) -> dict[str, Any]:
    """The return check: complete, damaged or missing pages, with a note."""
    return modal(title=t("archive.return_check.title", locale), callback_id=V.CHECK, blocks=[
        section(t("archive.return_check.intro", locale, number=number)),
        static_select(t("archive.field.condition", locale), block_id=B.CONDITION, action_id="value",
                      options=[option(t(f"archive.condition.{c}", locale), c) for c in CONDITIONS]),
        text_input(t("archive.field.note", locale), block_id=B.NOTE, action_id="value", multiline=True,
                   optional=True, max_length=2000),
    ], submit=t("archive.submit", locale), close=t("common.cancel", locale), private_metadata=str(loan_id))

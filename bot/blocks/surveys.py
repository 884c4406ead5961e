"""Block Kit for surveys: the ask with its button, the answers modal, the CSAT table."""

from __future__ import annotations

from typing import Any

from bot.blocks.improvements import told_button
from bot.blocks.common import (Block, actions, button, confirm_dialog, context, modal, plain, section,
                               text_input)
from bot.flows.surveys import CsatReport, CsatRow, SurveyInfo
from bot.blocks import table
from bot.i18n import t
from bot.labels import label
from bot.ids import SurveyAction, SurveyBlock, SurveyView
from bot.slack_text import Mrkdwn, escape, unescape

SCORE_BLOCKS = {"ability": SurveyBlock.ABILITY, "communication": SurveyBlock.COMMUNICATION,
                "attitude": SurveyBlock.ATTITUDE, "result": SurveyBlock.RESULT}


def ask_blocks(info: SurveyInfo, *, key: str, locale: str, due: str) -> tuple[str, list[Block]]:
    """The DM asking to run a survey (key: survey.ask / survey.remind / survey.overdue)."""
    text = t(key, locale, number=escape(info.matter_number), client=escape(info.client_name), due=due)
    return text, [section(text), actions(button(t("survey.button.open", locale), action_id=SurveyAction.OPEN,
                                                value=str(info.id), style="primary"))]


def review_blocks(text: str, *, review_id: int, locale: str) -> list[Block]:
    """The service-review item with its "told the client" and "reviewed" buttons."""
    return [section(text), actions(told_button(review_id, locale=locale),
                                   button(t("survey.button.reviewed", locale), action_id=SurveyAction.REVIEWED,
                                          value=str(review_id)))]


def reviewed_blocks(text: str, *, note: str) -> list[Block]:
    """The service-review item once a partner has reviewed it."""
    return [section(text), context(note)]


def closed_blocks(text: str, *, number: str, locale: str) -> list[Block]:
    """The closer's confirmation, with an undo (reopen) button behind a confirmation dialog."""
    undo = button(t("matter_close.undo", locale), action_id=SurveyAction.REOPEN_MATTER, value=number)
    undo["confirm"] = confirm_dialog(title=t("matter_close.reopen_confirm_title", locale),
                                     text=t("matter_close.reopen_confirm_text", locale, number=number),
                                     confirm=t("matter_close.reopen_confirm", locale),
                                     deny=t("common.cancel", locale))
    return [section(text), actions(undo)]


def answers_modal(info: SurveyInfo, *, locale: str) -> dict[str, Any]:
    """Four scores 1–5 and a comment."""
    loc = locale
    blocks: list[Block] = [context(t("survey.modal.intro", loc, number=escape(info.matter_number),
                                     client=escape(info.client_name)))]
    for dim, block_id in SCORE_BLOCKS.items():
        blocks.append({"type": "input", "block_id": block_id, "label": plain(t(f"survey.field.{dim}", loc)),
                       "element": {"type": "number_input", "action_id": "value", "is_decimal_allowed": False,
                                   "min_value": "1", "max_value": "5"}})
    blocks.append(text_input(t("survey.field.comment", loc), block_id=SurveyBlock.COMMENT, action_id="value",
                             multiline=True, optional=True, max_length=2000))
    return modal(title=t("survey.modal.title", loc), callback_id=SurveyView.ANSWERS, blocks=blocks,
                 submit=t("common.submit", loc), close=t("common.cancel", loc), private_metadata=str(info.id))


def _cells(row: CsatRow, name: str) -> list[str]:
    """One table row's cells (text shown as typed: the whole line is escaped after padding)."""
    return [unescape(name) if isinstance(name, Mrkdwn) else name, str(row.surveys), str(row.satisfied), f"{row.csat:.1f}%", f"{row.average:.2f}"]


CSAT_COLUMNS = ("group", "surveys", "satisfied", "csat", "avg")


def csat_text(report: CsatReport, *, locale: str) -> str:
    """The CSAT tables as preformatted text, columns aligned for Chinese and Latin text alike."""
    if report.overall is None:
        return t("stats.empty", locale)
    rows: list[list[str] | str] = [_cells(report.overall, t("stats.overall", locale))]
    for key, group_rows in (("stats.by_month", report.by_month), ("stats.by_area", report.by_area),
                            ("stats.by_lawyer", report.by_lawyer)):
        rows.append("")
        rows.append(t(key, locale))
        for r in group_rows:
            name = label("practice_area", r.group, locale) if key == "stats.by_area" else r.group
            rows.append(_cells(r, name))
    lines = table.render([t(f"stats.col.{c}", locale) for c in CSAT_COLUMNS], rows,
                         right=(False, True, True, True, True))
    # padded first, escaped after: an escaped `&amp;` still shows as one column
    return "\n".join([f"*{t('stats.title', locale)}*", "```", *map(escape, lines), "```"])

"""Block Kit for surveys: the ask with its button, the answers modal, the CSAT table."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import Block, actions, button, context, modal, plain, section, text_input
from bot.flows.surveys import CsatReport, CsatRow, SurveyInfo
from bot.i18n import catalog, t
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
    """The service-review item with its "reviewed" button."""
    return [section(text), actions(button(t("survey.button.reviewed", locale), action_id=SurveyAction.REVIEWED,
                                          value=str(review_id)))]


def reviewed_blocks(text: str, *, note: str) -> list[Block]:
    """The service-review item once a partner has reviewed it."""
    return [section(text), context(note)]


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


def _line(row: CsatRow, label: str) -> str:
    """One table row (the label, a lawyer's name or an area, escaped after padding)."""
    shown = unescape(label) if isinstance(label, Mrkdwn) else label
    return escape(f"{shown[:24]:<24}") + \
        f" | {row.surveys:>7} | {row.satisfied:>9} | {row.csat:5.1f}% | {row.average:.2f}"


def _area_label(code: str, locale: str) -> str:
    """A practice area's name as intake shows it (the code when it has none)."""
    key = f"intake.area.{code}"
    return t(key, locale) if key in catalog() else code


def csat_text(report: CsatReport, *, locale: str) -> str:
    """The CSAT tables as preformatted text."""
    if report.overall is None:
        return t("stats.empty", locale)
    head = t("stats.header", locale)
    parts = [f"*{t('stats.title', locale)}*", "```", head, _line(report.overall, t("stats.overall", locale))]
    for key, rows in (("stats.by_month", report.by_month), ("stats.by_area", report.by_area),
                      ("stats.by_lawyer", report.by_lawyer)):
        parts.append("")
        parts.append(t(key, locale))
        label = _area_label if key == "stats.by_area" else (lambda group, _locale: group)
        parts.extend(_line(r, label(r.group, locale)) for r in rows)
    parts.append("```")
    return "\n".join(parts)

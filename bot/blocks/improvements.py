"""Blocks of the service-improvement list: the list, the add form, the quarterly summary."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.common import Block, button, context, modal, plain, section, text_input
from bot.flows.improvements import CAUSES, Listed, QuarterSummary
from bot.i18n import t
from bot.ids import ImprovementAction as A
from bot.ids import ImprovementBlock as B
from bot.ids import ImprovementView as V
from bot.slack_text import Mrkdwn, clamp, escape, mention

DETAIL_KEYS = {"complaint": "complaint.cause", "lost": "upkeep.reason", "survey": "survey.dim"}


def _word(key: str, locale: str | None, fallback: str) -> Mrkdwn:
    """A translated word, or the raw value as words."""
    text = t(key, locale)
    return text if text != key else escape(fallback.replace("_", " "))


def detail_text(cause: str, detail: str | None, locale: str | None) -> Mrkdwn:
    """The translated cause detail (root cause, lost reason, low dimensions)."""
    prefix = DETAIL_KEYS.get(cause)
    if not detail or prefix is None:
        return Mrkdwn("")
    return Mrkdwn(", ".join(_word(f"{prefix}.{d}", locale, d) for d in detail.split(",") if d))


def action_text(item: Listed, locale: str | None) -> Mrkdwn:
    """The item's action: the partner's words, or the automatic one of its cause."""
    if item.action:
        return escape(clamp(item.action, 500))
    return t(f"improve.auto.{item.cause}", locale, detail=detail_text(item.cause, item.detail, locale))


def list_blocks(items: list[Listed], *, total: int, today: date, locale: str | None) -> tuple[str, list[Block]]:
    """The open items, each with its Done button."""
    if not items:
        text = t("improve.list.empty", locale)
        return text, [section(text)]
    title = t("improve.list.title", locale, count=total)
    blocks: list[Block] = [section(title)]
    for item in items:
        owner = mention(item.owner_user_id) if item.owner_user_id else t("improve.list.no_owner", locale)
        client = Mrkdwn(" · " + escape(clamp(item.client_name, 80))) if item.client_name else Mrkdwn("")
        blocks.append(section(t("improve.list.item", locale, id=item.item_id, cause=t(f"improve.cause.{item.cause}", locale),
                                due=item.due_on.isoformat(),
                                late=t("improve.list.late", locale) if item.due_on < today else Mrkdwn(""),
                                owner=owner, client=client, action=action_text(item, locale)),
                              accessory=button(t("improve.button.done", locale), action_id=A.DONE,
                                               value=str(item.item_id))))
    if total > len(items):
        blocks.append(context(t("improve.list.more", locale, count=total - len(items))))
    return title, blocks


def add_modal(*, locale: str | None, today: date) -> dict[str, Any]:
    """The partner's form: owner, action, due date."""
    blocks: list[Block] = [
        {"type": "input", "block_id": B.OWNER, "label": plain(t("improve.modal.owner", locale)), "optional": True,
         "element": {"type": "users_select", "action_id": A.OWNER}},
        text_input(t("improve.modal.action", locale), block_id=B.ACTION, action_id=A.ACTION, multiline=True,
                   max_length=500),
        {"type": "input", "block_id": B.DUE, "label": plain(t("improve.modal.due", locale)),
         "element": {"type": "datepicker", "action_id": A.DUE, "initial_date": today.isoformat()}},
    ]
    return modal(title=t("improve.modal.title", locale), callback_id=V.ADD, blocks=blocks,
                 submit=t("improve.modal.submit", locale), close=t("common.cancel", locale))


def summary_blocks(summary: QuarterSummary, *, locale: str | None) -> tuple[str, list[Block]]:
    """The quarterly summary for the partners' review channel."""
    body = t("improve.summary.body", locale, quarter=summary.quarter, new=summary.new, done=summary.done,
             overdue=summary.overdue, open=summary.open)
    if summary.by_cause:
        causes = Mrkdwn(", ".join(f"{t(f'improve.cause.{c}', locale)} {summary.by_cause[c]}"
                                  for c in CAUSES if c in summary.by_cause))
        line = t("improve.summary.by_cause", locale, causes=causes)
    else:
        line = t("improve.summary.none", locale)
    return t("improve.summary.text", locale, quarter=summary.quarter), [section(body), context(line)]


def told_button(review_id: int, *, locale: str | None) -> dict[str, Any]:
    """The service review's "Told the client" button."""
    return button(t("improve.button.told", locale), action_id=A.TOLD_CLIENT, value=str(review_id))

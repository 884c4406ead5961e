"""Block Kit of the quarterly re-tiering proposal (at most 50 blocks a message) and the strategic mark."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.common import (Block, actions, button, confirm_dialog, context, header, modal, section,
                               text_input)
from bot.flows.value.retier import PENDING, ItemLine, ReviewView
from bot.i18n import t
from bot.ids import RetierAction as A
from bot.ids import RetierBlock as B
from bot.ids import RetierView as V
from bot.slack_text import Mrkdwn, clamp, escape, mention

MOVES_SHOWN = 8
COMPONENT_KEYS = ("fees", "referrals", "complexity", "years")


def tier_word(tier: str, locale: str | None) -> Mrkdwn:
    """A tier's name in the reader's language."""
    text = t(f"upkeep.tier.{tier}", locale)
    return text if text != f"upkeep.tier.{tier}" else escape(tier)


def _percent(value: float | None) -> int:
    """A 0..1 component as a whole percentage."""
    return round(100 * float(value or 0.0))


def item_text(item: ItemLine, locale: str | None) -> Mrkdwn:
    """One client's line: old -> new, score, label and components."""
    label = f" · {t(f'retier.label.{item.label}', locale)}" if item.label else ""
    parts = t("retier.components", locale, **{k: _percent(item.components.get(k)) for k in COMPONENT_KEYS})
    return t("retier.item", locale, client=clamp(item.client_name, 150), old=tier_word(item.old_tier, locale),
             new=tier_word(item.new_tier, locale), score=f"{item.score:.1f}", label=Mrkdwn(label),
             components=parts)


def item_blocks(item: ItemLine, *, offset: int, locale: str | None) -> list[Block]:
    """The item's section, then its buttons (pending) or who decided."""
    blocks = [section(item_text(item, locale))]
    bid = f"{B.ITEM_PREFIX}{item.item_id}"
    if item.decision == PENDING:
        value = f"{item.item_id}:{offset}"
        blocks.append(actions(button(t("retier.button.approve", locale), action_id=A.APPROVE, value=value,
                                     style="primary"),
                              button(t("retier.button.keep", locale), action_id=A.KEEP, value=value),
                              block_id=bid))
    else:
        who = mention(item.decided_by) if item.decided_by else Mrkdwn("—")
        blocks.append({**context(t(f"retier.decided.{item.decision}", locale, who=who)), "block_id": bid})
    return blocks


def review_blocks(view: ReviewView, *, as_of: date, locale: str | None, page: bool = False) -> tuple[str, list[Block]]:
    """The proposal message (or a page of it): summary, moves, items, Approve all and Review the rest.

    At most 4 + 2 x items + 2 blocks: with 20 items shown, 46 of Slack's 50.
    """
    quarter = view.quarter
    text = str(t("retier.fallback", locale, quarter=quarter, count=view.total))
    blocks: list[Block] = [header(str(t("retier.page_title" if page else "retier.title", locale, quarter=quarter)))]
    if not view.total:
        blocks.append(section(t("retier.nothing", locale)))
        return text, blocks
    blocks.append(section(t("retier.summary", locale, count=view.total, scheme=view.scheme,
                            as_of=as_of.isoformat(), pending=view.pending, approved=view.approved,
                            kept=view.kept)))
    if not page:
        moves = " · ".join(f"{tier_word(o, locale)} → {tier_word(n, locale)}: {c}"
                           for o, n, c in view.moves[:MOVES_SHOWN])
        blocks.append(section(t("retier.moves", locale, moves=Mrkdwn(moves))))
    for item in view.items:
        blocks.extend(item_blocks(item, offset=view.offset, locale=locale))
    if view.more:
        blocks.append(context(t("retier.showing", locale, first=view.offset + 1,
                                last=view.offset + len(view.items), total=view.offset + len(view.items) + view.more,
                                more=view.more)))
    buttons = []
    if view.pending:
        confirm = confirm_dialog(title=str(t("retier.confirm.title", locale)),
                                 text=str(t("retier.confirm.text", locale, count=view.pending)),
                                 confirm=str(t("retier.confirm.yes", locale)), deny=str(t("retier.confirm.no", locale)))
        buttons.append({**button(t("retier.button.approve_all", locale, count=view.pending),
                                 action_id=A.APPROVE_ALL, value=str(view.review_id), style="primary"),
                        "confirm": confirm})
    if view.more:
        buttons.append(button(t("retier.button.next" if page else "retier.button.more", locale),
                              action_id=A.MORE, value=f"{view.review_id}:{view.offset + len(view.items)}"))
    if buttons:
        blocks.append(actions(*buttons, block_id=B.ALL))
    elif view.closed:
        blocks.append(context(t("retier.closed", locale)))
    return text, blocks


def strategic_modal(*, locale: str | None, client_name: str | None, query: str, metadata: str,
                    problem: Mrkdwn | None = None) -> dict[str, Any]:
    """The strategic mark: the client named, and the reason (opened at once, then filled in).

    Without a client name yet it says it is looking the client up, or `problem` (not found,
    ambiguous), and has no submit button.
    """
    if client_name is None:
        text = problem or t("retier.strategic.loading", locale, name=clamp(query, 80))
        return modal(title=str(t("retier.strategic.title", locale)), callback_id=V.STRATEGIC,
                     blocks=[section(text)], close=str(t("retier.confirm.no", locale)), private_metadata=metadata)
    blocks = [section(t("retier.strategic.client", locale, client=clamp(client_name, 150))),
              text_input(str(t("retier.strategic.reason", locale)), block_id=B.REASON, action_id=B.REASON,
                         multiline=True)]
    return modal(title=str(t("retier.strategic.title", locale)), callback_id=V.STRATEGIC, blocks=blocks,
                 submit=str(t("retier.strategic.submit", locale)), close=str(t("retier.confirm.no", locale)),
                 private_metadata=metadata)

"""Block Kit of the App Home sections: follow-ups, quiet clients, dates, intake, complaints, my book."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.common import Block, actions, button, context, divider, section
from bot.flows.home import DATE_DAYS, HomeData, Page
from bot.i18n import t
from bot.ids import HomeAction as H
from bot.ids import HomeBlock as HB
from bot.ids import UpkeepAction as A
from bot.ids import UpkeepBlock as B
from bot.labels import label
from bot.slack_text import Mrkdwn, clamp, join, markup, mention

MAX_LIST_TEXT = 2900


def _title(key: str, page: Page[Any], locale: str | None, **params: Any) -> Block:
    """A section title with the count, and the page when there are several."""
    text = t(key, locale, count=page.total, **params)
    pages = -(-page.total // page.size)
    if pages > 1:
        text = Mrkdwn(f"{text} · {t('home.page_of', locale, page=page.page + 1, pages=pages)}")
    return section(text)


def _nav(section_name: str, page: Page[Any], locale: str | None) -> list[Block]:
    """Previous / Next buttons when there are other pages (nothing otherwise)."""
    buttons = []
    if page.has_prev:
        buttons.append(button(t("home.prev", locale), action_id=f"{H.PAGE}-{section_name}-prev",
                              value=str(page.page - 1)))
    if page.has_next:
        buttons.append(button(t("home.next", locale), action_id=f"{H.PAGE}-{section_name}-next",
                              value=str(page.page + 1)))
    return [actions(*buttons, block_id=f"{HB.NAV_PREFIX}{section_name}")] if buttons else []


def _lines(lines: list[Mrkdwn]) -> Block:
    """One section holding a list (clamped whole lines under Slack's text limit)."""
    kept: list[Mrkdwn] = []
    size = 0
    for line in lines:
        size += len(line) + 1
        if size > MAX_LIST_TEXT:
            kept.append(Mrkdwn("…"))
            break
        kept.append(line)
    return section(join("\n", kept))


def home_section_blocks(*, data: HomeData, locale: str | None, today: date, churn_days: int) -> list[Block]:
    """The person's sections of the Home tab, in order (partners' queues first)."""
    blocks: list[Block] = []
    if data.intake is not None:
        blocks += [divider(), *_intake(data, locale)]
    if data.complaints is not None:
        blocks += [divider(), *_complaints(data, locale)]
    blocks += [divider(), *_follow_ups(data, locale, today)]
    blocks += [divider(), *_quiet(data, locale, churn_days)]
    blocks += [divider(), *_dates(data, locale)]
    blocks += [divider(), *_clients(data, locale)]
    return blocks


def _follow_ups(data: HomeData, locale: str | None, today: date) -> list[Block]:
    """Each follow-up with the digest's Snooze and Done buttons."""
    page = data.follow_ups
    blocks = [_title("home.follow_ups", page, locale)]
    if not page.items:
        return blocks + [context(t("home.follow_ups_none", locale))]
    for f in page.items:
        key = ("home.follow_up.overdue" if f.due_on < today else
               "home.follow_up.today" if f.due_on == today else "home.follow_up.later")
        blocks.append(section(t(key, locale, client=f.client_name, title=clamp(f.title, 300),
                                due=f.due_on.isoformat())))
        blocks.append(actions(
            button(t("upkeep.button.snooze", locale), action_id=A.FOLLOWUP_SNOOZE, value=str(f.follow_up_id)),
            button(t("upkeep.button.done", locale), action_id=A.FOLLOWUP_DONE, value=str(f.follow_up_id),
                   style="primary"),
            block_id=f"{B.ITEM_PREFIX}fu-{f.follow_up_id}"))
    return blocks + _nav("follow_ups", page, locale)


def _quiet(data: HomeData, locale: str | None, churn_days: int) -> list[Block]:
    """Quiet clients, each with a Log contact button."""
    page = data.quiet
    blocks = [_title("home.quiet", page, locale, days=churn_days)]
    if not page.items:
        return blocks + [context(t("home.quiet_none", locale))]
    for q in page.items:
        key = f"home.quiet.{'over' if q.over else 'near'}{'' if q.contacted else '_never'}"
        blocks.append(section(t(key, locale, client=q.name, tier=label("tier", q.tier, locale),
                                since=q.since.isoformat()),
                              block_id=f"{HB.QUIET_PREFIX}{q.client_id}",
                              accessory=button(t("upkeep.button.log", locale), action_id=A.LOG_CONTACT,
                                               value=str(q.client_id))))
    return blocks + _nav("quiet", page, locale)


def _dates(data: HomeData, locale: str | None) -> list[Block]:
    """Important dates and hearings of the next days."""
    page = data.dates
    blocks = [_title("home.dates", page, locale, days=DATE_DAYS)]
    if not page.items:
        return blocks + [context(t("home.dates_none", locale, days=DATE_DAYS))]
    lines = [t("home.date_item", locale, on=d.on.isoformat(), at=f" {d.at_time}" if d.at_time else "",
               kind=label("date_kind", d.kind, locale), client=d.client_name,
               matter=markup(" `{n}`", n=d.matter_number) if d.matter_number else "",
               label=markup(" ({label})", label=clamp(d.label, 200)) if d.label else "")
             for d in page.items]
    return blocks + [_lines(lines)] + _nav("dates", page, locale)


def _intake(data: HomeData, locale: str | None) -> list[Block]:
    """Intake requests waiting for a partner."""
    page = data.intake
    assert page is not None
    blocks = [_title("home.intake", page, locale)]
    if not page.items:
        return blocks + [context(t("home.intake_none", locale))]
    lines = [t("home.intake_item", locale, id=i.request_id, client=clamp(i.client_name, 150),
               area=label("practice_area", i.practice_area, locale), who=mention(i.requester),
               on=i.submitted_on.isoformat() if i.submitted_on else "?") for i in page.items]
    return blocks + [_lines(lines)] + _nav("intake", page, locale)


def _complaints(data: HomeData, locale: str | None) -> list[Block]:
    """Open complaints the partner may see."""
    page = data.complaints
    assert page is not None
    blocks = [_title("home.complaints", page, locale)]
    if not page.items:
        return blocks + [context(t("home.complaints_none", locale))]
    lines = [t("home.complaint_item", locale, id=c.complaint_id, client=clamp(c.client_name, 150),
               status=t(f"complaint.status.{c.status}", locale), on=c.received_on.isoformat())
             for c in page.items]
    return blocks + [_lines(lines)] + _nav("complaints", page, locale)


def _clients(data: HomeData, locale: str | None) -> list[Block]:
    """My clients by tier: the counts, then this page's names under their tier."""
    page = data.clients
    if not page.total:
        return [section(t("home.clients_none", locale))]
    tiers = join(" · ", (markup("{tier} {n}", tier=label("tier", tier, locale), n=str(n))
                         for tier, n in data.tiers.items()))
    blocks = [_title("home.clients", page, locale, tiers=tiers)]
    lines: list[Mrkdwn] = []
    current = None
    for c in page.items:
        if c.tier != current:
            current = c.tier
            lines.append(markup("*{tier}*", tier=label("tier", c.tier, locale)))
        lines.append(markup("• {name}", name=clamp(c.name, 150)))
    return blocks + [_lines(lines), context(t("home.clients_hint", locale))] + _nav("clients", page, locale)

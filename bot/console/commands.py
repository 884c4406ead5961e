"""What the console's own `:` commands do to the directory and the jobs."""

from __future__ import annotations

import shlex

from sqlalchemy import func, select

from bot.console.session import ConsoleSlack
from bot.flows import directory
from bot.flows.actor import Actor
from bot.flows.errors import DomainError
from bot.i18n import t_plain as t
from bot.services import Services
from jobs.registry import JobContext, discover_jobs
from jobs.scheduler import run_once
from bot.slack_sender import SlackSender
from storage.models import Staff
from storage.models.enums import Role

CONSOLE_ACTOR = "system:console"
STAFF_USAGE = ':staff add U0123ABCD "Name" partner|lawyer|assistant|client_service|admin [en|zh-CN] ' \
              "[--managing-partner]   ·   :staff list"


def seed_console_user(services: Services, user: str) -> bool:
    """Add the console user as a (managing) partner when the directory is empty; True if added."""
    with services.session() as session:
        if session.execute(select(func.count()).select_from(Staff)).scalar_one():
            return False
        directory.upsert_staff(session, by=CONSOLE_ACTOR, slack_user_id=user, name="Console User",
                               role=Role.PARTNER.value, managing_partner=True)
    return True


def actor_of(services: Services, user: str) -> Actor | None:
    """The active staff member behind a Slack user id, or None."""
    with services.session() as session:
        return directory.find_actor(session, slack_user_id=user,
                                    default_locale=services.settings.default_locale)


def describe(services: Services, user: str, locale: str = "en") -> str:
    """Who a user is in the directory, as one line in `locale` (their role in their own language)."""
    actor = actor_of(services, user)
    if actor is None:
        return t("console.describe.unknown", locale, user=user)
    mp = t("console.describe.managing_partner", locale) if actor.is_managing_partner else ""
    return t("console.describe.known", locale, user=user, name=actor.name,
             role=t(f"role.{actor.role.value}", actor.locale), mp=mp, language=actor.locale)


def staff_command(services: Services, arg: str, locale: str = "en") -> str:
    """`:staff add …` or `:staff list`, answered as text in `locale`."""
    usage = t("console.usage", locale, usage=STAFF_USAGE)
    try:
        words = shlex.split(arg)
    except ValueError as exc:
        return f"✗ {exc}. {usage}"
    if words[:1] == ["list"]:
        with services.session() as session:
            rows = directory.list_staff(session)
            lines = [f"  {s.slack_user_id:<12} {s.role:<14} {s.locale or '-':<6} {s.display_name}"
                     + (t("console.describe.managing_partner", locale) if s.is_managing_partner else "")
                     + ("" if s.active else t("console.staff.inactive", locale)) for s in rows]
        return "\n".join(lines) or "  " + t("console.staff.nobody", locale)
    if words[:1] != ["add"] or len(words) < 4:
        return usage
    user, name, role, rest = words[1].upper(), words[2], words[3], words[4:]
    managing = "--managing-partner" in rest
    locales = [w for w in rest if w != "--managing-partner"]
    if len(locales) > 1:
        return usage
    try:
        with services.session() as session:
            directory.upsert_staff(session, by=CONSOLE_ACTOR, slack_user_id=user, name=name, role=role,
                                   locale=locales[0] if locales else None, managing_partner=managing)
    except DomainError as exc:
        return "✗ " + t(exc.key, locale, **exc.params)
    return "✓ " + describe(services, user, locale)


def run_jobs(slack: ConsoleSlack) -> None:
    """Run every scheduled job once now; the notices they send appear like any other message."""
    locale = slack.locale()
    if slack.real_slack:
        slack.term.write("✗ " + t("console.jobs.real_slack", locale))
        return
    ctx = JobContext(services=slack.services, sender=SlackSender(slack.web_client()), owner="console")
    found = discover_jobs(slack.services)
    names = ", ".join(j.name for j in found)
    slack.term.write(t("console.jobs.running", locale, count=len(found), names=names))
    _, calls = slack.run(lambda: run_once(ctx, found))
    if not [c for c in calls if c.method == "chat.postMessage" or c.method == "chat.update"]:
        slack.term.write(t("console.jobs.none_due", locale))

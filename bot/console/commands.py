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
from jobs.sender import SlackSender
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


def describe(services: Services, user: str) -> str:
    """Who a user is in the directory, as one line."""
    actor = actor_of(services, user)
    if actor is None:
        return (f"{user}, who is not in the staff directory: the bot will tell them to ask an "
                f"administrator. Add them with :staff add {user} \"Name\" lawyer")
    mp = " (managing partner)" if actor.is_managing_partner else ""
    return (f"{user} — {actor.name}, {t(f'role.{actor.role.value}', actor.locale)}{mp}, "
            f"language {actor.locale}")


def staff_command(services: Services, arg: str) -> str:
    """`:staff add …` or `:staff list`, answered as text."""
    try:
        words = shlex.split(arg)
    except ValueError as exc:
        return f"✗ {exc}. Usage: {STAFF_USAGE}"
    if words[:1] == ["list"]:
        with services.session() as session:
            rows = directory.list_staff(session)
            lines = [f"  {s.slack_user_id:<12} {s.role:<14} {s.locale or '-':<6} {s.display_name}"
                     + (" (managing partner)" if s.is_managing_partner else "")
                     + ("" if s.active else " (inactive)") for s in rows]
        return "\n".join(lines) or "  (nobody yet)"
    if words[:1] != ["add"] or len(words) < 4:
        return f"Usage: {STAFF_USAGE}"
    user, name, role, rest = words[1].upper(), words[2], words[3], words[4:]
    managing = "--managing-partner" in rest
    locales = [w for w in rest if w != "--managing-partner"]
    if len(locales) > 1:
        return f"Usage: {STAFF_USAGE}"
    try:
        with services.session() as session:
            directory.upsert_staff(session, by=CONSOLE_ACTOR, slack_user_id=user, name=name, role=role,
                                   locale=locales[0] if locales else None, managing_partner=managing)
    except DomainError as exc:
        return "✗ " + t(exc.key, "en", **exc.params)
    return "✓ " + describe(services, user)


def run_jobs(slack: ConsoleSlack) -> None:
    """Run every scheduled job once now; the notices they send appear like any other message."""
    if slack.real_slack:
        slack.term.write("✗ SLACK_BOT_TOKEN is set, so this database's notices belong to your real Slack "
                         "workspace; :jobs would deliver them here instead. Run `lawcrm jobs` for that.")
        return
    ctx = JobContext(services=slack.services, sender=SlackSender(slack.web_client()), owner="console")
    found = discover_jobs(slack.services)
    slack.term.write(f"(running {len(found)} jobs once: {', '.join(j.name for j in found)})")
    _, calls = slack.run(lambda: run_once(ctx, found))
    if not [c for c in calls if c.method == "chat.postMessage" or c.method == "chat.update"]:
        slack.term.write("(no notices were due)")

"""The card's **Team** form and `/lawcrm handover @person` (a partner hands a leaver's book over)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.teams import (ROLE_BLOCKS, HandoverState, handover_modal, read_page, team_modal,
                              team_values)
from bot.deps import AppDeps, SubcommandCall
from bot.errors import require_actor
from bot.flows import handover, policy, teams
from bot.flows.actor import Actor
from bot.flows.errors import InvalidInput, PermissionDenied
from bot.i18n import t
from bot.ids import TeamAction as A
from bot.ids import TeamBlock as B
from bot.ids import TeamView as V
from bot.payloads import action_id_value
from bot.services import Services
from bot.slack_text import join, mention


def _metadata_fits(state: HandoverState) -> None:
    """Refuse a form whose individual choices no longer fit in the view's metadata."""
    if len(state.dumps()) > 3000:
        raise InvalidInput("handover.too_many_changes", field=B.HANDOVER_ALL)


def start_handover(call: SubcommandCall, services: Services) -> None:
    """`/lawcrm handover @person`: a partner opens the hand-over form."""
    actor = call.actor
    if not policy.can_hand_over(actor):
        raise PermissionDenied()
    who = call.args.split()[0] if call.args.split() else ""
    if not who:
        call.respond(text=t("handover.usage", actor.locale), response_type="ephemeral")
        return
    with services.session() as session:
        plan = handover.handover_plan(session, slack_user_id=who)
    state = HandoverState(leaver=plan.slack_user_id)
    call.client.views_open(trigger_id=call.body["trigger_id"],
                           view=handover_modal(locale=actor.locale, plan=plan, state=state))


def register(app: App, deps: AppDeps) -> None:
    """Register the Team button, its form and the hand-over form."""
    services = deps.services
    deps.subcommands["handover"] = lambda call: start_handover(call, services)

    @app.action(A.OPEN)
    def handle_open_team(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        client_id = action_id_value(body)
        with services.session() as session:   # a few indexed reads, well inside the trigger's 3 s
            form = teams.team_form(session, actor=actor, client_id=client_id)
        client.views_open(trigger_id=body["trigger_id"], view=team_modal(locale=actor.locale, form=form))

    @app.view(V.EDIT)
    def handle_team_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                               view: dict[str, Any], client: WebClient) -> None:
        actor = require_actor(context)
        wanted = team_values(view)
        client_id = int(json.loads(view.get("private_metadata") or "{}")["client_id"])
        with services.session() as session:
            problems = teams.team_problems(session, wanted=wanted)
        if problems:
            ack(response_action="errors",
                errors={ROLE_BLOCKS[role]: t(key, actor.locale) for role, key in problems.items()})
            return
        ack()
        with services.session() as session:
            name = teams.client_name(session, client_id=client_id)
            changed = teams.set_team(session, actor=actor, client_id=client_id, wanted=wanted)
        if changed:
            roles = join(", ", (t(f"teams.field.{r}", actor.locale) for r in changed))
            text = t("teams.saved", actor.locale, client=name, roles=roles)
        else:
            text = t("teams.unchanged", actor.locale, client=name)
        client.chat_postMessage(channel=actor.slack_user_id, text=text)

    def _redraw(actor: Actor, body: dict[str, Any], client: WebClient,
                change: Callable[[HandoverState], None]) -> None:
        """Read the open page, apply a change to the state, and show the form again (partners only)."""
        if not policy.can_hand_over(actor):
            raise PermissionDenied()
        view = body["view"]
        state = HandoverState.loads(view.get("private_metadata") or "")
        with services.session() as session:
            plan = handover.handover_plan(session, slack_user_id=state.leaver)
        read_page(view, plan=plan, state=state)
        change(state)
        _metadata_fits(state)
        client.views_update(view_id=view["id"], hash=view.get("hash"),
                            view=handover_modal(locale=actor.locale, plan=plan, state=state))

    @app.action(A.HANDOVER_ALL)
    def handle_all_to(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        action = body["actions"][0]
        chosen = (action.get("selected_option") or {}).get("value") or action.get("selected_user") or ""

        def everyone_to(state: HandoverState) -> None:
            state.all_to, state.picks, state.version = chosen, {}, state.version + 1

        _redraw(actor, body, client, everyone_to)

    @app.action(A.HANDOVER_NEXT)
    @app.action(A.HANDOVER_PREV)
    def handle_page(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        page = int(body["actions"][0].get("value") or 0)

        def turn(state: HandoverState) -> None:
            state.page = max(0, page)

        _redraw(actor, body, client, turn)

    @app.view(V.HANDOVER)
    def handle_handover_submission(ack: Ack, body: dict[str, Any], context: BoltContext,
                                   view: dict[str, Any], client: WebClient) -> None:
        actor = require_actor(context)
        if not policy.can_hand_over(actor):
            raise PermissionDenied()
        state = HandoverState.loads(view.get("private_metadata") or "")
        with services.session() as session:
            plan = handover.handover_plan(session, slack_user_id=state.leaver)
            read_page(view, plan=plan, state=state)
            targets = {i.key: state.target(i) for i in plan.items if state.target(i)}
            try:
                handover.resolve(plan, all_to=None, targets=targets)
            except InvalidInput as exc:
                ack(response_action="errors", errors={B.HANDOVER_ALL: t(exc.key, actor.locale, **exc.params)})
                return
        ack()
        with services.session() as session:
            result = handover.apply_handover(session, by=actor.audit_name, slack_user_id=state.leaver,
                                             targets=targets)
        who = mention(plan.slack_user_id)
        client.chat_postMessage(channel=actor.slack_user_id, text=t(
            "handover.done", actor.locale, who=who, clients=result.clients, matters=result.matters,
            follow_ups=result.follow_ups))
        with services.session() as session:
            locales = teams.locales_of(session, slack_user_ids=list(result.by_target))
        for uid, count in sorted(result.by_target.items()):
            if uid != actor.slack_user_id:
                loc = locales.get(uid) or services.settings.default_locale
                client.chat_postMessage(channel=uid, text=t("handover.received", loc, by=mention(actor.slack_user_id),
                                                            who=who, count=count))

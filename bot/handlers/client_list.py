"""`/client` with no name: the list modal (search, partners' filters, paging) and its Excel export by DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.client_list import filter_of_metadata, filter_of_state, list_modal
from bot.blocks.common import view_values
from bot.deps import AppDeps
from bot.errors import require_actor
from bot.flows import client_list
from bot.flows.actor import Actor
from bot.flows.client_list import ClientFilter
from bot.flows.workdays import calendar_of
from bot.i18n import t
from bot.ids import ClientListAction as A
from bot.services import Services
from storage.db import read_only
from storage.models.enums import Role

FILTER_ACTIONS = (A.QUERY, A.TIER, A.LAWYER, A.AREA, A.TAG)


def render(*, services: Services, client: WebClient, actor: Actor, view_id: str, flt: ClientFilter,
           page: int = 0) -> None:
    """Read one page of the list and show it in the open modal."""
    partner = actor.role == Role.PARTNER
    with services.session() as session:
        read_only(session)
        shown = client_list.list_clients(session, actor=actor, flt=flt, page=page)
        lawyers = client_list.lawyer_choices(session) if partner else []
    client.views_update(view_id=view_id, view=list_modal(locale=actor.locale, flt=flt.for_actor(actor),
                                                         page=shown, partner=partner, lawyers=lawyers))


def open_client_list(*, services: Services, client: WebClient, actor: Actor, trigger_id: str) -> None:
    """Open the modal at once (the trigger id lives 3 s), then fill in the first page."""
    flt = ClientFilter()
    opened = client.views_open(trigger_id=trigger_id, view=list_modal(
        locale=actor.locale, flt=flt, page=None, partner=actor.role == Role.PARTNER))
    render(services=services, client=client, actor=actor, view_id=opened["view"]["id"], flt=flt)
    with services.session() as session:  # while the first page is read, ready the names for a search
        read_only(session)
        client_list.prime_names(session, actor=actor)


def register(app: App, deps: AppDeps) -> None:
    """Register the list's inputs, paging and Export."""
    services = deps.services

    @app.action(A.QUERY)
    @app.action(A.TIER)
    @app.action(A.LAWYER)
    @app.action(A.AREA)
    @app.action(A.TAG)
    def handle_filter(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        view = body.get("view") or {}
        render(services=services, client=client, actor=actor, view_id=view["id"],
               flt=filter_of_state(view_values(view)))

    @app.action(A.PREV)
    @app.action(A.NEXT)
    def handle_page(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        view = body.get("view") or {}
        flt, _ = filter_of_metadata(view.get("private_metadata"))
        value = str((body.get("actions") or [{}])[0].get("value") or "0")
        render(services=services, client=client, actor=actor, view_id=view["id"], flt=flt,
               page=int(value) if value.isdigit() else 0)

    @app.action(A.EXPORT)
    def handle_export(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        actor = require_actor(context)
        flt, _ = filter_of_metadata((body.get("view") or {}).get("private_metadata"))
        with services.session() as session:
            rows = client_list.export_clients(session, actor=actor, flt=flt)
        dm = client.conversations_open(users=actor.slack_user_id)["channel"]["id"]
        if not rows:
            client.chat_postMessage(channel=dm, text=t("client_list.export_empty", actor.locale))
            return
        day = calendar_of(services.settings).local_date(services.now()).isoformat()
        client.files_upload_v2(channel=dm, filename=f"clients-{day}.xlsx",
                               content=client_list.workbook(rows, locale=actor.locale),
                               title=t("client_list.file_title", actor.locale, day=day),
                               initial_comment=t("client_list.export_done", actor.locale, count=len(rows)))

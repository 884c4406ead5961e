"""Block Kit of the client list modal (`/client` with no name)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.blocks.common import Block, actions, button, context, modal, option, plain, section
from bot.flows.client_list import ANYONE, ME, TIERS, ClientFilter, ClientPage
from bot.flows.intake_form import AREAS
from bot.i18n import t
from bot.ids import ClientListAction as A
from bot.ids import ClientListBlock as B
from bot.ids import ClientListView as V
from bot.labels import label
from bot.slack_text import Mrkdwn, clamp, join, mention

ANY = "*"
MAX_TEXT = 2900


def _input(label_text: str, *, block_id: str, element: dict[str, Any]) -> Block:
    """An optional input block whose element re-renders the list when it changes."""
    return {"type": "input", "block_id": block_id, "optional": True, "dispatch_action": True,
            "label": plain(label_text, 2000), "element": element}


def _select(action_id: str, options: list[dict[str, Any]], initial: str) -> dict[str, Any]:
    """A static select with one option chosen."""
    chosen = next((o for o in options if o["value"] == initial), options[0])
    return {"type": "static_select", "action_id": action_id, "options": options[:100], "initial_option": chosen}


def _text(action_id: str, initial: str | None, placeholder: str | None, max_length: int) -> dict[str, Any]:
    """A one-line text input that dispatches on Enter."""
    el: dict[str, Any] = {"type": "plain_text_input", "action_id": action_id, "max_length": max_length,
                          "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]}}
    if initial:
        el["initial_value"] = initial
    if placeholder:
        el["placeholder"] = plain(placeholder, 150)
    return el


def list_modal(*, locale: str | None, flt: ClientFilter, page: ClientPage | None, partner: bool,
               lawyers: Sequence[tuple[int, str]] = ()) -> dict[str, Any]:
    """The list modal: search box, partners' filters, one page of clients, paging and Export.

    `page` None: still loading. The filter the page was made with rides in private_metadata,
    so paging and Export use the list as shown.
    """
    loc = locale
    blocks: list[Block] = [_input(t("client_list.search", loc), block_id=B.QUERY,
                                  element=_text(A.QUERY, flt.query, t("client_list.search_hint", loc), 200))]
    if partner:
        tiers = [option(t("client_list.any_tier", loc), ANY)] + [option(label("tier", x, loc), x) for x in TIERS]
        people = [option(t("client_list.lawyer_me", loc), ME), option(t("client_list.lawyer_all", loc), ANYONE)]
        people += [option(name, str(sid)) for sid, name in lawyers]
        areas = [option(t("client_list.any_area", loc), ANY)] + [option(label("practice_area", a, loc), a)
                                                                 for a in AREAS]
        blocks += [
            _input(t("client_list.tier", loc), block_id=B.TIER, element=_select(A.TIER, tiers, flt.tier or ANY)),
            _input(t("client_list.lawyer", loc), block_id=B.LAWYER, element=_select(A.LAWYER, people, flt.lawyer)),
            _input(t("client_list.area", loc), block_id=B.AREA, element=_select(A.AREA, areas, flt.area or ANY)),
            _input(t("client_list.tag", loc), block_id=B.TAG, element=_text(A.TAG, flt.tag, None, 100)),
        ]
    meta = {"f": {"query": flt.query, "tier": flt.tier, "lawyer": flt.lawyer, "area": flt.area,
                  "tag": flt.tag}, "page": page.page if page else 0}
    if page is None:
        blocks.append(section("…", block_id=B.RESULTS))
    else:
        blocks += _results(page, loc)
    return modal(title=t("client_list.title", loc), callback_id=V.LIST, blocks=blocks,
                 close=t("client_list.close", loc), private_metadata=json.dumps(meta, ensure_ascii=False))


def _results(page: ClientPage, loc: str | None) -> list[Block]:
    """The count, the page's clients, and the paging and Export buttons."""
    if not page.total:
        return [section(t("client_list.none", loc), block_id=B.RESULTS)]
    lines: list[Mrkdwn] = [t("client_list.count", loc, count=page.total, page=page.page + 1, pages=page.pages)]
    size = len(lines[0])
    for c in page.items:
        leads = t("client_list.leads", loc, who=join(", ", (mention(u) for u in c.leads))) if c.leads else ""
        line = t("client_list.item", loc, name=clamp(c.name, 120), tier=label("tier", c.tier, loc), leads=leads)
        size += len(line) + 1
        if size > MAX_TEXT:
            lines.append(Mrkdwn("…"))
            break
        lines.append(line)
    blocks: list[Block] = [section(join("\n", lines), block_id=B.RESULTS)]
    if page.capped:
        blocks.append(context(t("client_list.capped", loc, count=page.total)))
    buttons = []
    if page.page > 0:
        buttons.append(button(t("client_list.prev", loc), action_id=A.PREV, value=str(page.page - 1)))
    if page.page + 1 < page.pages:
        buttons.append(button(t("client_list.next", loc), action_id=A.NEXT, value=str(page.page + 1)))
    buttons.append(button(t("client_list.export", loc), action_id=A.EXPORT, value="xlsx"))
    blocks.append(actions(*buttons, block_id=B.NAV))
    return blocks


def filter_of_metadata(raw: str | None) -> tuple[ClientFilter, int]:
    """The filter and page a rendered list was made with (defaults for anything unreadable)."""
    try:
        meta = json.loads(raw or "{}")
        f = meta.get("f") or {}
        flt = ClientFilter(query=str(f.get("query") or ""), tier=f.get("tier") or None,
                           lawyer=str(f.get("lawyer") or ME), area=f.get("area") or None,
                           tag=f.get("tag") or None)
        page = meta.get("page")
        return flt, page if isinstance(page, int) and not isinstance(page, bool) else 0
    except (ValueError, AttributeError, TypeError):
        return ClientFilter(), 0


def filter_of_state(values: dict[str, Any]) -> ClientFilter:
    """The filter as the modal's inputs stand now (view_values of the view's state)."""
    def chosen(block: str) -> str | None:
        value = values.get(block)
        return None if value in (None, "", ANY) else str(value)

    return ClientFilter(query=str(values.get(B.QUERY) or ""), tier=chosen(B.TIER),
                        lawyer=chosen(B.LAWYER) or ME, area=chosen(B.AREA), tag=chosen(B.TAG))

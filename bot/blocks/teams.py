"""Block Kit for the client Team form and the hand-over form (paginated, ≤100 blocks a page)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.blocks.common import Block, actions, button, context, modal, option, plain, section
from bot.flows.handover import Item, Plan
from bot.flows.teams import EDITED_ROLES, MULTI_ROLES, REQUIRED_ROLES, Candidate, TeamForm
from bot.i18n import t
from bot.ids import TeamAction as A
from bot.ids import TeamBlock as B
from bot.ids import TeamView as V
from bot.slack_text import clamp, mention

MAX_OPTIONS = 100
PAGE_SIZE = 40
ROLE_BLOCKS = {role: B(f"team-{role}") for role in EDITED_ROLES}
BLOCK_ROLES = {block.value: role for role, block in ROLE_BLOCKS.items()}


def _options(people: Sequence[Candidate]) -> list[dict[str, Any]]:
    """Select options: a person's name, their Slack id as the value."""
    return [option(clamp(c.name, 75), c.slack_user_id) for c in people]


def _person_select(*, people: Sequence[Candidate], action_id: str, multi: bool,
                   chosen: Sequence[str], locale: str | None) -> dict[str, Any]:
    """A static select of fitting staff, or a users select when there are none or too many to list."""
    opts = _options(people)
    allowed = {o["value"]: o for o in opts}
    picked = [allowed[u] for u in chosen if u in allowed]
    if not 0 < len(opts) <= MAX_OPTIONS:
        el: dict[str, Any] = {"type": "multi_users_select" if multi else "users_select",
                              "action_id": action_id, "placeholder": plain(t("teams.pick", locale))}
        if chosen:
            el["initial_users" if multi else "initial_user"] = list(chosen) if multi else chosen[0]
        return el
    el = {"type": "multi_static_select" if multi else "static_select", "action_id": action_id,
          "options": opts, "placeholder": plain(t("teams.pick", locale))}
    if picked:
        el["initial_options" if multi else "initial_option"] = picked if multi else picked[0]
    return el


def team_modal(*, locale: str | None, form: TeamForm) -> dict[str, Any]:
    """The Team form: one select per role, prefilled with the current team."""
    blocks: list[Block] = [section(t("teams.intro", locale, client=form.client_name))]
    for role in EDITED_ROLES:
        people = form.candidates.get(role, [])
        blocks.append({"type": "input", "block_id": ROLE_BLOCKS[role],
                       "optional": role not in REQUIRED_ROLES,
                       "label": plain(t(f"teams.field.{role}", locale)),
                       "element": _person_select(people=people, action_id=A.MEMBER,
                                                 multi=role in MULTI_ROLES,
                                                 chosen=form.current.get(role, []), locale=locale)})
        if not people:
            blocks.append(context(t("teams.none_fit", locale)))
    return modal(title=t("teams.modal_title", locale), callback_id=V.EDIT, blocks=blocks,
                 submit=t("teams.save", locale), close=t("common.cancel", locale),
                 private_metadata=json.dumps({"client_id": form.client_id}))


def team_values(view: dict[str, Any]) -> dict[str, list[str]]:
    """The chosen Slack ids per team role from a submitted Team form (any select kind)."""
    out: dict[str, list[str]] = {}
    for block_id, elements in view.get("state", {}).get("values", {}).items():
        role = BLOCK_ROLES.get(block_id)
        if role is None:
            continue
        for el in elements.values():
            if el.get("selected_option"):
                out[role] = [el["selected_option"]["value"]]
            elif el.get("selected_options"):
                out[role] = [o["value"] for o in el["selected_options"]]
            elif el.get("selected_user"):
                out[role] = [el["selected_user"]]
            elif el.get("selected_users"):
                out[role] = list(el["selected_users"])
            else:
                out.setdefault(role, [])
    return out


@dataclass
class HandoverState:
    """Where the hand-over form is: leaver, page, the 'all to' person and individual choices."""

    leaver: str
    page: int = 0
    all_to: str = ""
    version: int = 0
    picks: dict[str, str] = field(default_factory=dict)

    def dumps(self) -> str:
        """Compact private metadata."""
        return json.dumps({"u": self.leaver, "p": self.page, "a": self.all_to, "v": self.version,
                           "k": self.picks}, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str) -> "HandoverState":
        """Read it back."""
        d = json.loads(text or "{}")
        return cls(leaver=d["u"], page=int(d.get("p", 0)), all_to=d.get("a") or "",
                   version=int(d.get("v", 0)), picks=dict(d.get("k") or {}))

    def default(self, item: Item) -> str:
        """Who an item goes to unless chosen otherwise."""
        return self.all_to or item.suggested or ""

    def target(self, item: Item) -> str:
        """Who an item goes to."""
        return self.picks.get(item.key) or self.default(item)


def item_block_id(state: HandoverState, item: Item) -> str:
    """The block id of an item's select (versioned, so a new 'all to' refills every select)."""
    return f"{B.HANDOVER_ITEM_PREFIX}{item.key}-{state.version}"


def pages(plan: Plan) -> int:
    """How many pages the form has."""
    return max(1, -(-len(plan.items) // PAGE_SIZE))


def handover_modal(*, locale: str | None, plan: Plan, state: HandoverState) -> dict[str, Any]:
    """One page of the hand-over form: 'all to', then a select per client or matter."""
    count = len(plan.items)
    who = mention(plan.slack_user_id)
    blocks: list[Block] = [section(t("handover.intro" if count else "handover.nothing", locale,
                                     who=who, count=count))]
    all_el = _person_select(people=plan.candidates, action_id=A.HANDOVER_ALL, multi=False,
                            chosen=[state.all_to] if state.all_to else [], locale=locale)
    if count:
        blocks.append({"type": "input", "block_id": B.HANDOVER_ALL, "optional": True,
                       "dispatch_action": True, "label": plain(t("handover.all_to", locale)),
                       "element": all_el})
    total = pages(plan)
    page = min(state.page, total - 1)
    for item in plan.items[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]:
        el = _person_select(people=plan.candidates, action_id=A.HANDOVER_TARGET, multi=False,
                            chosen=[state.target(item)] if state.target(item) else [], locale=locale)
        kind = t(f"handover.kind.{item.kind}", locale)
        blocks.append({"type": "input", "block_id": item_block_id(state, item), "optional": True,
                       "label": plain(clamp(f"{kind} · {item.label}", 2000)), "element": el})
    if total > 1:
        nav = []
        if page > 0:
            nav.append(button(t("handover.prev", locale), action_id=A.HANDOVER_PREV, value=str(page - 1)))
        if page < total - 1:
            nav.append(button(t("handover.next", locale), action_id=A.HANDOVER_NEXT, value=str(page + 1)))
        blocks.append(context(t("handover.page", locale, page=page + 1, pages=total)))
        blocks.append(actions(*nav, block_id=B.HANDOVER_NAV))
    return modal(title=t("handover.modal_title", locale), callback_id=V.HANDOVER, blocks=blocks,
                 submit=t("handover.submit", locale), close=t("common.cancel", locale),
                 private_metadata=state.dumps())


def read_page(view: dict[str, Any], *, plan: Plan, state: HandoverState) -> None:
    """Fold the shown page's choices (and 'all to') into the state; only choices off the default are kept."""
    values = view.get("state", {}).get("values", {})
    items = {item_block_id(state, i): i for i in plan.items}
    for block_id, elements in values.items():
        for el in elements.values():
            chosen = ((el.get("selected_option") or {}).get("value") or el.get("selected_user") or "")
            if block_id == B.HANDOVER_ALL:
                state.all_to = chosen or state.all_to   # as dispatched; a lost dispatch still counts
                continue
            item = items.get(block_id)
            if item is None:
                continue
            if chosen and chosen != state.default(item):
                state.picks[item.key] = chosen
            else:
                state.picks.pop(item.key, None)

"""Words for stored codes (tier, status, practice area…) in the reader's language, never the code."""

from __future__ import annotations

from bot.i18n import catalog, t

# vocabulary -> the message-key prefix of its words
VOCABULARIES = {
    "tier": "upkeep.tier",
    "status": "upkeep.status",
    "team_role": "upkeep.team_role",
    "channel": "upkeep.channel",
    "date_kind": "upkeep.kind",
    "practice_area": "intake.area",
    "client_kind": "intake.kind",
    "source": "intake.source",
}


def label(vocabulary: str, code: str, locale: str | None) -> str:
    """The translated word for `code`; an unknown code is shown as words ('nl_other' → 'nl other')."""
    key = f"{VOCABULARIES[vocabulary]}.{code}"
    if key in catalog():
        return t(key, locale)
    return code.replace("_", " ")

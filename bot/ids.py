"""Every callback_id, action_id and block_id, in one place (one enum per feature)."""

from enum import StrEnum


class Command(StrEnum):
    """Slash commands (must match manifest.yml)."""

    LAWCRM = "/lawcrm"
    INTAKE = "/intake"
    CONFLICT = "/conflict"
    NOTE = "/note"
    CLIENT = "/client"
    COMPLAINT = "/complaint"


class CommonAction(StrEnum):
    """Actions shared by several features."""

    NOOP_LINK = "common-noop-link"


# --- intake (issue 3) ---


# --- upkeep (issue 4) ---


# --- complaints and surveys (issue 5) ---

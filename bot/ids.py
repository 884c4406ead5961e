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


class UpkeepView(StrEnum):
    """Modals of contact notes, follow-ups and churn."""

    NOTE = "upkeep-note"
    FOLLOWUP = "upkeep-followup"
    LOST = "upkeep-lost"


class UpkeepAction(StrEnum):
    """Buttons and inputs of contact notes, the card, digests and alerts."""

    CLIENT_SELECT = "upkeep-client-select"
    PICK_NOTE_CLIENT = "upkeep-pick-note-client"
    PICK_CARD_CLIENT = "upkeep-pick-card-client"
    NOTE_RETRY = "upkeep-note-retry"
    LOG_CONTACT = "upkeep-log-contact"
    ADD_FOLLOWUP = "upkeep-add-followup"
    FOLLOWUP_DONE = "upkeep-followup-done"
    FOLLOWUP_SNOOZE = "upkeep-followup-snooze"
    CADENCE_SNOOZE = "upkeep-cadence-snooze"
    CHURN_SNOOZE = "upkeep-churn-snooze"
    CHURN_LOST = "upkeep-churn-lost"
    LOST_CONFIRM = "upkeep-lost-confirm"
    LOST_KEEP = "upkeep-lost-keep"
    CHANNEL = "upkeep-channel-input"
    DATE = "upkeep-date-input"
    TEXT = "upkeep-text-input"
    NEXT = "upkeep-next-input"
    DUE = "upkeep-due-input"
    TITLE = "upkeep-title-input"
    REASON = "upkeep-reason-input"


class UpkeepBlock(StrEnum):
    """Block ids of the upkeep modals and the prefixes of per-item blocks in messages."""

    CLIENT = "upkeep-client"
    CHANNEL = "upkeep-channel"
    DATE = "upkeep-date"
    TEXT = "upkeep-text"
    NEXT = "upkeep-next"
    DUE = "upkeep-due"
    TITLE = "upkeep-title"
    REASON = "upkeep-reason"
    ITEM_PREFIX = "upk-item-"
    ALERT_PREFIX = "upk-alert-"


# --- complaints and surveys (issue 5) ---

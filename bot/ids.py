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


class IntakeView(StrEnum):
    """Callback ids of the intake and conflict modals."""

    FORM = "intake-form"
    RESULTS = "intake-results"
    WAIVER = "intake-waiver-modal"
    DECLINE = "intake-decline-modal"
    NOTICE = "intake-notice"


class IntakeAction(StrEnum):
    """Action ids of intake buttons and selects."""

    START_FRESH = "intake-start-fresh"
    APPROVE = "intake-approve"
    APPROVE_WAIVER = "intake-approve-waiver"
    DECLINE = "intake-decline"
    SET_LEAD = "intake-set-lead"
    LINK_CLIENT = "intake-link-client"
    INPUT = "intake-input"


class IntakeBlock(StrEnum):
    """Block ids of the intake modals (validation errors are keyed by these)."""

    RESUMED = "intake-resumed"
    KIND = "intake-kind"
    NAME = "intake-name"
    ID_NUMBER = "intake-id-number"
    CONSENT = "intake-consent"
    CONTACT = "intake-contact"
    PHONE = "intake-phone"
    EMAIL = "intake-email"
    SOURCE = "intake-source"
    REFERRER = "intake-referrer"
    AREA = "intake-area"
    NEED = "intake-need"
    OPPOSING = "intake-opposing"
    RELATED = "intake-related"
    NOTE = "intake-note"
    REASON = "intake-reason"
    WAIVER_REF = "intake-waiver-ref"
    DECISION = "intake-decision"
    CHOICES = "intake-choices"


# --- upkeep (issue 4) ---


# --- complaints and surveys (issue 5) ---

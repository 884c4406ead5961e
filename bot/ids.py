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
    ARCHIVE = "/archive"
    HEARING = "/hearing"
    ENQUIRY = "/enquiry"


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


class ComplaintAction(StrEnum):
    """Buttons and selects of complaints."""

    CLIENT = "complaint-client"
    ACKNOWLEDGE = "complaint-acknowledge"
    ASSESS = "complaint-assess"
    ASSIGN = "complaint-assign"
    PROPOSE = "complaint-propose"
    ACCEPT = "complaint-client-accepts"
    REJECT = "complaint-client-rejects"
    CLOSE = "complaint-close"
    EXTEND = "complaint-extend"
    REOPEN = "complaint-reopen-step"


class ComplaintView(StrEnum):
    """Modal callback ids of complaints."""

    NEW = "complaint-new"
    ASSESS = "complaint-assess-view"
    ASSIGN = "complaint-assign-view"
    PROPOSE = "complaint-propose-view"
    REJECT = "complaint-reject-view"
    CLOSE = "complaint-close-view"
    EXTEND = "complaint-extend-view"


class ComplaintBlock(StrEnum):
    """Block ids of complaint modals and messages."""

    CLIENT = "complaint-client"
    COMPLAINANT = "complaint-complainant"
    CONTACT = "complaint-contact"
    AGAINST = "complaint-against"
    MATTER = "complaint-matter"
    WHAT = "complaint-what"
    REQUEST = "complaint-request"
    VIA = "complaint-via"
    RECEIVED_AT = "complaint-received-at"
    FINDING = "complaint-finding"
    REASON = "complaint-reason"
    OWNER = "complaint-owner"
    SOLUTION = "complaint-solution"
    COMMUNICATED = "complaint-communicated"
    NOTE = "complaint-note"
    EVALUATION = "complaint-evaluation"
    ROOT_CAUSE = "complaint-root-cause"
    EXT_DATE = "complaint-ext-date"
    EXT_REASON = "complaint-ext-reason"
    EXT_TOLD = "complaint-ext-told"
    STEPS = "complaint-steps"


class SurveyAction(StrEnum):
    """Buttons of surveys."""

    OPEN = "survey-open"
    REVIEWED = "survey-service-reviewed"
    REOPEN_MATTER = "matter-reopen"


class SurveyView(StrEnum):
    """Modal callback ids of surveys."""

    ANSWERS = "survey-answers"


class SurveyBlock(StrEnum):
    """Block ids of the survey modal."""

    ABILITY = "survey-ability"
    COMMUNICATION = "survey-communication"
    ATTITUDE = "survey-attitude"
    RESULT = "survey-result"
    COMMENT = "survey-comment"


# --- the client book: App Home and the client list (issue 10) ---


class HomeAction(StrEnum):
    """Buttons of the App Home tab (page buttons are `PAGE-<section>-prev|next`)."""

    PAGE = "home-page"


class HomeBlock(StrEnum):
    """Block id prefixes of the App Home tab."""

    NAV_PREFIX = "home-nav-"
    QUIET_PREFIX = "home-quiet-"


class ClientListView(StrEnum):
    """The `/client` list modal."""

    LIST = "client-list"


class ClientListAction(StrEnum):
    """Inputs and buttons of the client list (every one re-renders the list)."""

    QUERY = "client-list-query"
    TIER = "client-list-tier"
    LAWYER = "client-list-lawyer"
    AREA = "client-list-area"
    TAG = "client-list-tag"
    PREV = "client-list-prev"
    NEXT = "client-list-next"
    EXPORT = "client-list-export"


class ClientListBlock(StrEnum):
    """Block ids of the client list modal."""

    QUERY = "client-list-query"
    TIER = "client-list-tier"
    LAWYER = "client-list-lawyer"
    AREA = "client-list-area"
    TAG = "client-list-tag"
    RESULTS = "client-list-results"
    NAV = "client-list-nav"


# --- records and archive (issue 13) ---


class ArchiveAction(StrEnum):
    """Buttons of filing, destruction and borrowing."""

    FILE_OPEN = "archive-file-open"
    ACCEPT = "archive-file-accept"
    RETURN = "archive-file-return"
    DESTROY_APPROVE = "archive-destroy-approve"
    BORROW = "archive-borrow"
    LOAN_APPROVE = "archive-loan-approve"
    LOAN_REFUSE = "archive-loan-refuse"
    LOAN_CHECK = "archive-loan-check"


class ArchiveView(StrEnum):
    """Modal callback ids of the archive."""

    FILING = "archive-filing"
    RETURN = "archive-return-reason"
    BORROW = "archive-borrow-view"
    CHECK = "archive-loan-check-view"


class ArchiveBlock(StrEnum):
    """Block ids of the archive modals."""

    ARCHIVE_NUMBER = "archive-number"
    CATALOGUE = "archive-catalogue"
    VOLUMES = "archive-volumes"
    LOCATION = "archive-location"
    JUDGMENT = "archive-judgment"
    REASON = "archive-reason"
    DAYS = "archive-days"
    COPY = "archive-copy"
    OUTSIDER = "archive-outsider"
    CONDITION = "archive-condition"
    NOTE = "archive-note"


# --- client teams and hand-over (issue 10) ---


class TeamView(StrEnum):
    """Callback ids of the Team and hand-over modals."""

    EDIT = "team-edit"
    HANDOVER = "handover-plan"


class TeamAction(StrEnum):
    """Action ids of the Team button, its selects and the hand-over form."""

    OPEN = "team-open"
    MEMBER = "team-member"
    HANDOVER_ALL = "handover-all-to"
    HANDOVER_TARGET = "handover-target"
    HANDOVER_NEXT = "handover-page-next"
    HANDOVER_PREV = "handover-page-prev"


class TeamBlock(StrEnum):
    """Block ids of the Team and hand-over modals (validation errors are keyed by these)."""

    PARTNER = "team-partner"
    LEAD_LAWYER = "team-lead_lawyer"
    ASSISTANT = "team-assistant"
    CLIENT_SERVICE = "team-client_service"
    CLIENT_MANAGER = "team-client_manager"
    HANDOVER_ALL = "handover-all"
    HANDOVER_ITEM_PREFIX = "handover-item-"
    HANDOVER_NAV = "handover-nav"


class PrivacyBlock(StrEnum):
    """Block ids of the access review and backup notices."""

    REPORT_SUMMARY = "privacy-report-summary"
    REPORT_FLAGS = "privacy-report-flags"
    REPORT_READERS = "privacy-report-readers"
    BACKUP = "privacy-backup"


# --- the client book: editing a client (issue 10) ---


class ClientEditView(StrEnum):
    """Modal callback ids of client editing."""

    MAIN = "client-edit-main"
    CONTACTS = "client-edit-contacts"
    DATES = "client-edit-dates"
    TIER = "client-edit-tier"
    HEARING = "client-edit-hearing"
    NOTICE = "client-edit-notice"


class ClientEditAction(StrEnum):
    """Action ids of client-editing buttons and inputs."""

    EDIT = "client-edit-open"
    CONTACTS = "client-edit-contacts-open"
    DATES = "client-edit-dates-open"
    TIER = "client-edit-tier-open"
    HEARING = "client-edit-hearing-open"
    STILL_CORRECT = "client-edit-still-correct"
    INPUT = "client-edit-input"


class ClientEditBlock(StrEnum):
    """Block ids of the client-editing modals (validation errors are keyed by these)."""

    NAME = "ce-name"
    GENDER = "ce-gender"
    ID_NUMBER = "ce-id-number"
    CONSENT = "ce-consent"
    PHONE = "ce-phone"
    EMAIL = "ce-email"
    ADDRESS = "ce-address"
    LEGAL_REP = "ce-legal-rep"
    INDUSTRY = "ce-industry"
    SIZE = "ce-size"
    DECISION_MAKER = "ce-decision-maker"
    SOURCE = "ce-source"
    REFERRER = "ce-referrer"
    REFERRER_CLIENT = "ce-referrer-client"
    REFERRER_STAFF = "ce-referrer-staff"
    CHANNEL = "ce-channel"
    LANGUAGE = "ce-language"
    VALUES = "ce-values"
    TAGS = "ce-tags"
    ALIASES = "ce-aliases"
    CONTACT_PREFIX = "ce-contact-"
    YEARLY = "ce-yearly"
    DATE_PREFIX = "ce-date-"
    TIER = "ce-tier"
    REASON = "ce-reason"
    MATTER = "ce-matter"
    KIND = "ce-kind"
    ON = "ce-on"
    AT = "ce-at"
    AUTHORITY = "ce-authority"
    WHAT = "ce-what"
    RECONFIRM_PREFIX = "ce-reconfirm-"


# --- enquiries and win-back (issue 12) ---


class EnquiryView(StrEnum):
    """Modal callback ids of enquiries."""

    NEW = "enquiry-new"
    ASSIGN = "enquiry-assign-view"
    STAGE = "enquiry-stage-view"


class EnquiryShortcut(StrEnum):
    """Message shortcuts of enquiries (must match manifest.yml)."""

    LOG = "enquiry-log-message"


class EnquiryAction(StrEnum):
    """Buttons of the enquiry card, the prospect list and the digest."""

    TAKE = "enquiry-take"
    ASSIGN = "enquiry-assign"
    STAGE = "enquiry-stage"
    CONTACTED = "enquiry-contacted"


class EnquiryBlock(StrEnum):
    """Block ids of the enquiry modals and messages."""

    WHO = "enquiry-who"
    CONTACT = "enquiry-contact"
    NEED = "enquiry-need"
    SOURCE = "enquiry-source"
    REFERRER = "enquiry-referrer"
    LAWYER = "enquiry-lawyer"
    STAGE = "enquiry-stage"
    REASON = "enquiry-reason"
    CARD = "enquiry-card"


class WinbackView(StrEnum):
    """Modal callback ids of win-back plans."""

    EDIT = "winback-edit-view"


class WinbackAction(StrEnum):
    """Buttons of win-back plans."""

    EDIT = "winback-edit"
    DONE = "winback-action-done"
    WON = "winback-won"
    NOT_WON = "winback-not-won"


class WinbackBlock(StrEnum):
    """Block ids of the win-back plan modal."""

    OWNER = "winback-owner"
    DUE_PREFIX = "winback-due-"


class ImprovementAction(StrEnum):
    """Buttons and inputs of the service-improvement list."""

    DONE = "improve-done"
    TOLD_CLIENT = "improve-told-client"
    OWNER = "improve-owner-input"
    ACTION = "improve-action-input"
    DUE = "improve-due-input"


class ImprovementView(StrEnum):
    """Modals of the service-improvement list."""

    ADD = "improve-add"


class ImprovementBlock(StrEnum):
    """Blocks of the improvement form."""

    OWNER = "improve-owner"
    ACTION = "improve-action"
    DUE = "improve-due"


class ProgressReportAction(StrEnum):
    """Buttons of the progress-report DM."""

    SENT = "progress-report-sent"


class ProgressReportBlock(StrEnum):
    """Block ids of the progress-report DM."""

    ACTIONS = "progress-report-actions"


# --- fees on matters (value, tiers and the partners' reports) ---


class FeeView(StrEnum):
    """Modal callback ids of fees."""

    TERMS = "fee-terms"
    ENTRY = "fee-entry"
    NOTICE = "fee-notice"


class FeeAction(StrEnum):
    """Buttons of the fee summary and the approved intake, and the modal inputs."""

    SET_TERMS = "fee-set-terms"
    RECORD_INVOICE = "fee-record-invoice"
    RECORD_PAYMENT = "fee-record-payment"
    INPUT = "fee-input"


class FeeBlock(StrEnum):
    """Block ids of the fee modals (validation errors are keyed by these)."""

    ARRANGEMENT = "fee-arrangement"
    AGREED = "fee-agreed"
    COMPLEXITY = "fee-complexity"
    AMOUNT = "fee-amount"
    ON_DATE = "fee-on-date"
    REFERENCE = "fee-reference"
    SUMMARY = "fee-summary"


class ReportBlock(StrEnum):
    """Block ids of the quarterly report (the KPI table, the dashboard, one image per chart)."""

    KPIS = "report-kpis"
    DASHBOARD = "report-dashboard"
    CHART = "report-chart"  # + "-<chart>"
    NO_DATA = "report-no-data"


class RetierAction(StrEnum):
    """Buttons of the quarterly re-tiering proposal."""

    APPROVE = "retier-approve"
    KEEP = "retier-keep"
    APPROVE_ALL = "retier-approve-all"
    MORE = "retier-more"
    MARK = "retier-mark"          # the client card's "Mark strategic"


class RetierView(StrEnum):
    """The strategic-mark modal."""

    STRATEGIC = "retier-strategic"


class RetierBlock(StrEnum):
    """Block ids of the proposal and of the strategic-mark modal."""

    ITEM_PREFIX = "retier-item-"
    ALL = "retier-all"
    REASON = "retier-reason"

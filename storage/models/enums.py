"""Vocabulary of the domain (kinds, tiers, roles, practice areas), stored as short strings."""

from enum import StrEnum


class Role(StrEnum):
    """Staff roles."""

    PARTNER = "partner"
    LAWYER = "lawyer"
    ASSISTANT = "assistant"
    CLIENT_SERVICE = "client_service"
    ADMIN = "admin"


class ClientKind(StrEnum):
    """Kinds of client."""

    INDIVIDUAL = "individual"
    ENTERPRISE = "enterprise"
    GOVERNMENT = "government"


class Tier(StrEnum):
    """Client tiers: strategic / core / potential / lost (000), or strategic / key / ordinary (004)."""

    STRATEGIC = "strategic"
    CORE = "core"
    POTENTIAL = "potential"
    LOST = "lost"
    KEY = "key"
    ORDINARY = "ordinary"


class FeeArrangement(StrEnum):
    """How a matter is charged."""

    FIXED = "fixed"
    HOURLY = "hourly"
    CONTINGENCY = "contingency"
    RETAINER = "retainer"


class FeeKind(StrEnum):
    """A fee entry is an invoice sent or a payment received."""

    INVOICED = "invoiced"
    COLLECTED = "collected"


class ValueLabel(StrEnum):
    """Seed 001's labels: golden (frequent and profitable), big (rare, large matters)."""

    GOLDEN = "golden"
    BIG = "big"


class ClientStatus(StrEnum):
    """Where a client is in its lifecycle."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    DORMANT = "dormant"
    LOST = "lost"


class TeamRole(StrEnum):
    """A staff member's role on a client or matter team."""

    PARTNER = "partner"
    LEAD_LAWYER = "lead_lawyer"
    LAWYER = "lawyer"
    ASSISTANT = "assistant"
    CLIENT_SERVICE = "client_service"
    CLIENT_MANAGER = "client_manager"
    MANAGER = "client_manager"  # the same role under its earlier name (rows said "manager" before 0009)


LEGACY_MANAGER_ROLE = "manager"


class PartyRole(StrEnum):
    """Roles a recorded party can have in the conflict index."""

    CLIENT = "client"
    FORMER_CLIENT = "former_client"
    ADVERSE = "adverse"
    RELATED = "related"


class PartyKind(StrEnum):
    """Person or organization."""

    PERSON = "person"
    ORGANIZATION = "organization"


class MatterStatus(StrEnum):
    """Matter status."""

    OPEN = "open"
    CLOSED = "closed"


class ContactChannel(StrEnum):
    """How a contact happened."""

    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    WECHAT = "wechat"
    VISIT = "visit"
    OTHER = "other"


class FollowUpStatus(StrEnum):
    """Follow-up task status."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class NotificationStatus(StrEnum):
    """Ledger row status."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ConsentMethod(StrEnum):
    """How a client gave consent to sensitive data (PIPL art. 29: separate, written)."""

    WRITTEN = "written"
    FORM = "form"
    ELECTRONIC = "electronic"


class PrivacyRequestKind(StrEnum):
    """What a data subject asked for."""

    ACCESS = "access"
    CORRECTION = "correction"
    DELETION = "deletion"


class PrivacyRequestStatus(StrEnum):
    """Where a data-subject request stands."""

    OPEN = "open"
    DONE = "done"
    REFUSED = "refused"

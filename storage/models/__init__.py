"""All models; importing this package registers every table on `Base.metadata`."""

from storage.models.audit import AuditEvent
from storage.models.base import Base, UTCDateTime, utcnow
from storage.models.clients import Client, ClientContact, ClientTeamMember, ImportantDate
from storage.models.ledger import Notification
from storage.models.matching import PartyChange
from storage.models.matters import Matter, MatterCounter, MatterTeamMember
from storage.models.notes import ContactNote, FollowUp
from storage.models.parties import Party, PartyAlias
from storage.models.slack import SlackReceipt
from storage.models.staff import Staff, StaffAssistant

__all__ = [
    "AuditEvent", "Base", "Client", "ClientContact", "ClientTeamMember", "ContactNote",
    "FollowUp", "ImportantDate", "Matter", "MatterCounter", "MatterTeamMember", "Notification",
    "Party", "PartyAlias", "PartyChange", "SlackReceipt", "Staff", "StaffAssistant", "UTCDateTime", "utcnow",
]

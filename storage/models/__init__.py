"""All models; importing this package registers every table on `Base.metadata`."""

from storage.models.archive import ArchiveDestruction, ArchiveDestructionItem, ArchiveFiling, ArchiveLoan
from storage.models.audit import AuditEvent
from storage.models.base import Base, UTCDateTime, now_of, utcnow
from storage.models.clients import Client, ClientContact, ClientTeamMember, ImportantDate
from storage.models.complaints import Complaint, ComplaintEvent, ServiceReview, Survey
from storage.models.enquiries import Enquiry, WinbackPlan, WinbackStep
from storage.models.improvements import MatterMoment, ServiceImprovement
from storage.models.intake import IntakeDraft, IntakeRequest
from storage.models.interests import StaffInterest
from storage.models.ledger import Notification
from storage.models.matching import PartyChange
from storage.models.matters import Matter, MatterCounter, MatterTeamMember
from storage.models.notes import ContactNote, FollowUp
from storage.models.parties import Party, PartyAlias
from storage.models.privacy import ConsentRecord, PrivacyRequest
from storage.models.reports import ProgressReport
from storage.models.report_charts import ReportChartFile
from storage.models.report_charts import ReportSnapshot
from storage.models.slack import SlackReceipt
from storage.models.staff import Staff, StaffAssistant
from storage.models.upkeep import CadenceSnooze, PendingNote, UpkeepAlert, UpkeepRun
from storage.models.value import FeeEntry, TierReview, TierReviewItem

__all__ = [
    "ArchiveDestruction", "ArchiveDestructionItem", "ArchiveFiling", "ArchiveLoan", "AuditEvent",
    "Base", "CadenceSnooze", "Client", "ClientContact", "ClientTeamMember", "Complaint",
    "ComplaintEvent", "ConsentRecord", "ContactNote", "Enquiry", "FeeEntry", "FollowUp",
    "ImportantDate",
    "IntakeDraft", "IntakeRequest", "Matter", "MatterCounter", "MatterMoment", "MatterTeamMember",
    "Notification", "Party", "PartyAlias", "PartyChange", "PendingNote", "PrivacyRequest",
    "ProgressReport", "ServiceImprovement", "ServiceReview", "SlackReceipt", "Staff",
    "StaffAssistant", "StaffInterest", "Survey", "TierReview", "TierReviewItem", "UTCDateTime",
    "UpkeepAlert", "UpkeepRun",
    "ReportChartFile",
    "ReportSnapshot",
    "WinbackPlan", "WinbackStep", "now_of", "utcnow",
]

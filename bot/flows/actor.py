"""Who is acting: a plain snapshot of a staff row, safe to pass between threads."""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import Staff
from storage.models.enums import Role


@dataclass(frozen=True)
class Actor:
    """The acting staff member."""

    staff_id: int
    slack_user_id: str
    name: str
    role: Role
    locale: str
    is_managing_partner: bool = False

    @property
    def audit_name(self) -> str:
        """How the actor appears in the audit log."""
        return f"staff:{self.staff_id}"

    @classmethod
    def from_staff(cls, staff: Staff, *, default_locale: str) -> "Actor":
        """Snapshot a staff row."""
        return cls(staff_id=staff.id, slack_user_id=staff.slack_user_id, name=staff.display_name,
                   role=Role(staff.role), locale=staff.locale or default_locale,
                   is_managing_partner=staff.is_managing_partner)


SYSTEM_JOBS = "system:jobs"
SYSTEM_CLI = "system:cli"

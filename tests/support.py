"""Small helpers shared by tests: a settable clock and staff seeding."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.flows import directory
from bot.services import Services
from storage.models import Staff


class Clock:
    """A clock tests can set and advance."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move forward by a timedelta's keyword arguments."""
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> None:
        """Jump to a moment."""
        self.now = moment


def make_staff(services: Services, slack_user_id: str, role: str, name: str | None = None, *,
               locale: str | None = None, managing_partner: bool = False) -> Staff:
    """Add a staff member directly through the directory flow."""
    with services.session() as session:
        return directory.upsert_staff(session, by="test", slack_user_id=slack_user_id,
                                      name=name or slack_user_id, role=role, locale=locale,
                                      managing_partner=managing_partner)



def write_key_file(path, keyring) -> None:  # type: ignore[no-untyped-def]
    """A key file holding the test keyring (what `lawcrm` reads when no keys are in the env)."""
    import base64
    import json

    path.write_text(json.dumps({"encryption_keys": list(keyring.fernet_keys),
                                "blind_index_key": base64.urlsafe_b64encode(keyring.index_key).decode()}))

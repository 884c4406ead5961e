"""The conflict index's change log: which parties were edited or deleted, in order."""

from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class PartyChange(Base):
    """One edit or deletion of a party or of its aliases (written by database triggers)."""

    __tablename__ = "party_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(Integer, index=True)

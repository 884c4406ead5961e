"""Several processes: each sees at once what another recorded, edited or deleted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, update

from bot.flows.conflicts import record_party, search_conflicts
from bot.services import Services
from bot.settings import Settings
from storage.crypto import Keyring
from storage.db import make_engine, make_session_factory
from storage.models import Party, PartyAlias
from tests.support import Clock


@pytest.fixture
def other(settings: Settings, test_keyring: Keyring, clock: Clock) -> Iterator[Services]:
    """A second process: its own engine, pool and cache on the same database."""
    engine = make_engine(settings.resolved_database_url, keyring=test_keyring, pool_size=2)
    yield Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                   keyring=test_keyring, clock=clock)
    engine.dispose()


def names_found(services: Services, query: str) -> list[str]:
    """Recorded names hit by a query, through this process's index."""
    with services.session() as session:
        return [h.name for h in search_conflicts(session, names=[query], cache=services.cache)[0].hits]


def test_a_party_recorded_by_one_process_is_seen_by_another_at_once(services: Services, other: Services) -> None:
    with services.session() as session:
        record_party(session, name="北京星辰科技有限公司", role="adverse")
    assert names_found(other, "星辰科技（北京）有限公司") == ["北京星辰科技有限公司"]
    assert names_found(services, "Zhang Wei") == []          # both indexes are built now
    with other.session() as session:
        record_party(session, name="张伟", role="client", kind="person", aliases=["Zhang David"])
    assert names_found(services, "Zhang Wei") == ["张伟"]
    assert names_found(services, "David Zhang") == ["张伟"]


def test_an_alias_added_later_is_seen(services: Services, other: Services) -> None:
    with services.session() as session:
        party = record_party(session, name="中国银行股份有限公司", role="client")
    assert names_found(other, "中行") == []
    with services.session() as session:
        session.add(PartyAlias(party_id=party.id, name="中行"))
    assert names_found(other, "中行") == ["中国银行股份有限公司"]


def test_edits_and_deletions_are_followed(services: Services, other: Services) -> None:
    with services.session() as session:
        a = record_party(session, name="Acme Holdings Ltd", role="adverse", aliases=["Acme"])
        b = record_party(session, name="Starlight Technology Inc", role="client")
    assert names_found(other, "ACME HOLDINGS") == ["Acme Holdings Ltd"]
    with services.session() as session:
        session.execute(update(Party).where(Party.id == a.id).values(name="Apex Holdings Ltd"))
        session.execute(delete(PartyAlias).where(PartyAlias.party_id == a.id))
        session.execute(delete(Party).where(Party.id == b.id))
    assert names_found(other, "ACME HOLDINGS") == []
    assert names_found(other, "Apex Holdings") == ["Apex Holdings Ltd"]
    assert names_found(other, "Starlight Technology") == []


def test_role_changes_show_in_the_next_hit(services: Services, other: Services) -> None:
    with services.session() as session:
        p = record_party(session, name="Meridian Pharmaceuticals Limited", role="client")
    with other.session() as session:
        assert search_conflicts(session, names=["Meridian Pharmaceuticals"], cache=other.cache)[0].hits[0].role == "client"
    with services.session() as session:
        session.execute(update(Party).where(Party.id == p.id).values(role="former_client"))
    with other.session() as session:
        hit = search_conflicts(session, names=["Meridian Pharmaceuticals"], cache=other.cache)[0].hits[0]
    assert hit.role == "former_client"


def test_an_uncommitted_party_is_not_indexed_and_a_rollback_leaves_no_trace(services: Services,
                                                                            other: Services) -> None:
    with pytest.raises(RuntimeError):
        with services.session() as session:
            record_party(session, name="Ghost Trading Ltd", role="adverse")
            assert names_found(other, "Ghost Trading") == []
            raise RuntimeError("rolled back")
    with services.session() as session:
        record_party(session, name="Real Trading Ltd", role="adverse")
    assert names_found(other, "Ghost Trading") == []
    assert names_found(other, "Real Trading") == ["Real Trading Ltd"]

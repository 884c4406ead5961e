"""How long one tick of the complaint-clock planner takes with many open complaints.

Usage: .venv/bin/python benchmarks/complaint_clocks.py [--open 1000] [--database-url URL]
Seeds N open, overdue complaints (every clock ran out), then times the first tick (enqueues
every notice) and a steady-state tick (everything already enqueued: no-ops).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from slack_sdk import WebClient

from bot.services import Services
from bot.settings import Settings
from jobs.registry import JobContext
from bot.slack_sender import SlackSender
from jobs.tasks.complaints import plan_complaint_clocks
from storage import migrate
from storage.crypto import Keyring, _decode_index_key, generate_key_material
from storage.db import make_engine, make_session_factory
from storage.models import Client, Complaint, Staff


def seed(services: Services, n: int, now: datetime) -> None:
    """N open complaints against five lawyers, received two weeks ago, posted to the channel."""
    with services.session() as session:
        session.add(Staff(slack_user_id="U0MP", display_name="MP", role="partner", is_managing_partner=True))
        lawyers = [Staff(slack_user_id=f"U0L{i}", display_name=f"L{i}", role="lawyer") for i in range(5)]
        session.add_all(lawyers)
        client = Client(kind="enterprise", name="Bench Ltd")
        session.add(client)
        session.flush()
        for i in range(n):
            session.add(Complaint(
                client_id=client.id, against_staff_id=lawyers[i % 5].id, recorded_by_id=lawyers[0].id,
                complainant_name="张伟", complainant_contact="138", description="x" * 200, request="y",
                received_via="phone", received_at=now - timedelta(days=14), status="received",
                routing="channel", channel="C0REVIEW", thread_ts=f"1700000000.{i:06d}", created_at=now,
            ))


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=1000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    material = generate_key_material()
    keyring = Keyring(fernet_keys=tuple(material["encryption_keys"]),
                      index_key=_decode_index_key(str(material["blind_index_key"])))
    engine = make_engine(url, keyring=keyring)
    migrate.upgrade(engine)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    settings = Settings(_env_file=None, database_url=url, data_dir=tmp,  # type: ignore[call-arg]
                        partner_review_channel="C0REVIEW")
    services = Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                        keyring=keyring, clock=lambda: now)
    seed(services, args.open, now)
    ctx = JobContext(services=services, sender=SlackSender(WebClient(token="x")), owner="bench")
    t0 = time.perf_counter()
    created = plan_complaint_clocks(ctx)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = plan_complaint_clocks(ctx)
    steady = time.perf_counter() - t0
    print(f"{engine.dialect.name}: {args.open} open overdue complaints; first tick {first:.2f}s "
          f"({created} notices), steady tick {steady:.2f}s ({again} new)")
    engine.dispose()


if __name__ == "__main__":
    main()

"""Periodic jobs, discovered from `jobs/tasks/*` (each module exposes `jobs(settings)`)."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import socket
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.flows.workdays import WorkCalendar, calendar_of
from bot.services import Services
from storage.ledger import Sender

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    """What a job gets: services, the calendar, a sender and who this process is."""

    services: Services
    sender: Sender
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")

    @property
    def calendar(self) -> WorkCalendar:
        """The firm's work calendar."""
        return calendar_of(self.services.settings)

    def now(self) -> datetime:
        """Aware UTC now (frozen in tests)."""
        return self.services.now()


@dataclass(frozen=True)
class PeriodicJob:
    """A named planner run every `every_seconds`; it must be idempotent."""

    name: str
    func: Callable[[JobContext], object]
    every_seconds: int


def discover_jobs(services: Services) -> list[PeriodicJob]:
    """Every job of every module in `jobs.tasks`."""
    import jobs.tasks as pkg

    found: list[PeriodicJob] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"jobs.tasks.{info.name}")
        factory = getattr(module, "jobs", None)
        if factory is not None:
            found.extend(factory(services.settings))
    return found

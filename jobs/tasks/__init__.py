"""Periodic job modules; each exposes `jobs(settings) -> list[PeriodicJob]`."""

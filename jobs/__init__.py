"""Scheduled work: planners decide what is due from the database; the ledger sends it once."""

"""Privacy and records use cases: access review, backups, consent and data-subject requests."""

"""Persistence: models, migrations, encryption, audit and the notification ledger."""

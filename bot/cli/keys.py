"""`lawcrm keys generate|rotate`: encryption keys."""

from __future__ import annotations

import time

import click

from bot.cli import pass_services
from bot.services import Services
from storage import audit
from storage.crypto import ReloadingKeyring, add_primary_key, generate_key_material
from storage.keys import rotate_all


def register(main: click.Group) -> None:
    """Attach the `keys` group."""

    @main.group()
    def keys() -> None:
        """Encryption keys."""

    @keys.command("generate")
    def generate() -> None:
        """Print fresh key material (for ENCRYPTION_KEYS and BLIND_INDEX_KEY)."""
        material = generate_key_material()
        click.echo(f"ENCRYPTION_KEYS={material['encryption_keys'][0]}")
        click.echo(f"BLIND_INDEX_KEY={material['blind_index_key']}")

    @keys.command("rotate")
    @click.option("--new-key/--no-new-key", default=True,
                  help="With a key file: add a new primary key first (default).")
    @click.option("--batch", default=500, show_default=True)
    @click.option("--settle", default=5.0, show_default=True,
                  help="Seconds to wait after adding the key, so running processes encrypt with it.")
    @pass_services(create_keys=False)
    def rotate(services: Services, new_key: bool, batch: int, settle: float) -> None:
        """Re-encrypt everything under the primary key, without downtime.

        With a key file, a new primary key is added first; running processes notice the
        file change and keep reading both. With ENCRYPTION_KEYS, put the new key first in
        every process's settings, then run this.
        """
        keyring = services.keyring
        if isinstance(keyring, ReloadingKeyring) and new_key:
            add_primary_key(services.settings.resolved_key_file)
            keyring.reload()
            click.echo("added a new primary key to the key file")
            # Other processes re-read the file within a few seconds; values they encrypt
            # before that would stay under the old key, so let them catch up first.
            time.sleep(max(0.0, settle))

        def progress(column: str, done: int) -> None:
            click.echo(f"  {column}: {done} values checked", err=True)

        report = rotate_all(services.engine, keyring, batch=batch, progress=progress)
        with services.session() as session:
            audit.record(session, actor="system:cli", action="rotate_keys", entity="keys",
                         fields=["encryption"])
        click.echo(f"rotated {report.rotated}, already current {report.already_current}, "
                   f"refused {sum(report.refused.values())}, in {report.seconds:.1f}s")
        for reason, count in sorted(report.refused.items()):
            click.echo(f"  refused {count}: {reason}")
        if report.refused:
            raise SystemExit(1)

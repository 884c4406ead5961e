"""`lawcrm backup DIR` and `lawcrm restore FILE`: consistent, encrypted backups."""

from __future__ import annotations

from pathlib import Path

import click
from cryptography.fernet import MultiFernet

from bot.cli import fail, pass_services
from bot.flows.actor import SYSTEM_CLI
from bot.flows.privacy.backup import BackupError, cipher_of, create_backup, restore_backup
from bot.services import Services
from storage import audit


def services_fernet(services: Services) -> MultiFernet:
    """The backup cipher: BACKUP_KEY when set, else the app's encryption keys."""
    try:
        return cipher_of(settings=services.settings, keyring=services.keyring)
    except BackupError as exc:
        fail(str(exc))


def _progress(message: str) -> None:
    """Progress on stderr, so stdout keeps only the summary."""
    click.echo(f"  {message}", err=True)


def register(main: click.Group) -> None:
    """Attach `backup` and `restore`."""

    @main.command("backup")
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
    @pass_services(create_keys=False)
    def backup(services: Services, directory: Path) -> None:
        """Write a consistent, encrypted backup of the database into DIRECTORY."""
        try:
            result = create_backup(engine=services.engine, fernet=services_fernet(services),
                                   out_dir=directory, now=services.now(), progress=_progress)
        except BackupError as exc:
            fail(str(exc))
        with services.session() as session:
            audit.record(session, actor=SYSTEM_CLI, action="backup", entity="database",
                         entity_id=result.path.name)
        m = result.manifest
        click.echo(f"backup written: {result.path} ({result.file_bytes} bytes, {len(m['tables'])} tables, "
                   f"{sum(m['tables'].values())} rows, audit head seq {m['audit_head']['seq']}, "
                   f"schema {m['schema_revision']}) in {result.seconds:.1f}s")

    @main.command("restore")
    @click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace everything in a database that is not empty.")
    @pass_services(create_keys=False, schema=False)
    def restore(services: Services, file: Path, force: bool) -> None:
        """Bring a backup back into an empty database, then upgrade its schema."""
        try:
            result = restore_backup(engine=services.engine, fernet=services_fernet(services), path=file,
                                    force=force, progress=_progress)
        except BackupError as exc:
            fail(str(exc))
        with services.session() as session:
            head = result.manifest["audit_head"]
            report = audit.verify(session, anchor=(head["seq"], head["hash"]) if head["seq"] else None)
            audit.record(session, actor=SYSTEM_CLI, action="restore", entity="database", entity_id=file.name)
        m = result.manifest
        chain = "intact" if report.ok else f"BROKEN ({len(report.problems)} problems)"
        click.echo(f"restored {file.name} taken {m['created_at']}: {len(m['tables'])} tables, "
                   f"{sum(m['tables'].values())} rows, audit chain {chain} up to seq {report.head_seq} "
                   f"in {result.seconds:.1f}s")
        if not report.ok:
            raise SystemExit(1)

"""``backcare backup`` and ``restore``: the database and uploaded documents in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backcare.cli.database import django_setup


def backup(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The archive to write (.tar.gz).")],
) -> None:
    """Back up the database (a consistent copy, while the app runs) and uploaded documents."""
    django_setup()
    from backcare import backup as backups

    manifest = backups.create(file)
    typer.echo(
        f"Backed up the {manifest['database']} database and "
        f"{len(manifest['files']) - 1} documents to {file} (mode 600: it holds health data)."
    )


def restore(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="An archive made by backup.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the data this installation already holds.")
    ] = False,
) -> None:
    """Restore a backup into an empty installation (or, with --force, over the present data)."""
    django_setup()
    from backcare import backup as backups

    manifest = backups.restore(file, force=force)
    typer.echo(
        f"Restored the backup of {manifest['created_at']} "
        f"({len(manifest['files']) - 1} documents) from {file}."
    )

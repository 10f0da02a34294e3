"""``backcare export`` and ``import``: a clinic as CSV and JSON in a zip; one client as a FHIR
R4 Bundle, and a client created from one."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from backcare.cli.database import clinic_named, django_setup, migrate
from backcare.errors import InvalidIntake, Problem


def export_command(
    target: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE.zip | fhir CLIENT_ID",
            help="The zip to write; or 'fhir' and a client's id for a FHIR R4 Bundle.",
        ),
    ],
    client: Annotated[
        int | None, typer.Option("--client", metavar="ID", help="Only this client's record.")
    ] = None,
    clinic: Annotated[
        str | None, typer.Option(help="The clinic's name; needed when several exist.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="With fhir: the file to write.")
    ] = None,
) -> None:
    """Export a clinic (or one client) as CSV and JSON in a zip with a manifest (docs/export.md),
    or, as `export fhir CLIENT_ID`, one client as a FHIR R4 Bundle (docs/fhir.md)."""
    if target[0] == "fhir":
        if len(target) != 2 or not target[1].isdigit():
            raise InvalidIntake([Problem("CLIENT_ID", "give one client's id: export fhir 12")])
        _export_fhir(int(target[1]), output, clinic)
        return
    if len(target) != 1:
        raise InvalidIntake([Problem("FILE.zip", "give one file to write, e.g. clinic.zip")])
    file = Path(target[0])
    django_setup()
    from backcare.records import export

    scope = export.scope_for(clinic=clinic_named(clinic), client_id=client)
    manifest = export.write_file(scope=scope, path=file, user=None)
    rows = sum(manifest["counts"].values())
    typer.echo(
        f"Exported {rows} rows in {len(manifest['counts'])} tables and "
        f"{sum(f['path'].startswith('documents/') for f in manifest['files'])} documents of "
        f"{scope.client or scope.clinic} to {file} (mode 600: it holds health data)."
    )


def import_command(
    file: Annotated[Path, typer.Argument(metavar="FILE.zip", help="A zip made by export.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the zip and report its counts; import nothing.")
    ] = False,
) -> None:
    """Import an export into an empty installation: the same records, with new ids."""
    django_setup()
    migrate()
    from backcare.records import importer

    done = importer.import_file(file, dry_run=dry_run)
    manifest = done.manifest
    for table, count in done.counts.items():
        typer.echo(f"{table:24} {count:>8}")
    verb = "Would import" if dry_run else "Imported"
    typer.echo(
        f"{verb} {sum(done.counts.values())} rows of {manifest['clinic']['name']!r}, exported "
        f"{manifest['created_at']} (knowledge {manifest['knowledge_version']}) from {file}."
    )
    if not dry_run:
        typer.echo("Accounts have no password yet: set one with 'backcare user passwd NAME'.")


def export_fhir_command(
    client: Annotated[int, typer.Argument(metavar="CLIENT_ID", help="The client's id.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="The file to write (default: print it).")
    ] = None,
    clinic: Annotated[
        str | None, typer.Option(help="The clinic's name; needed when several exist.")
    ] = None,
) -> None:
    """Export one client as a FHIR R4 Bundle of JSON (docs/fhir.md); the same as `export fhir`."""
    _export_fhir(client, output, clinic)


def _export_fhir(client: int, output: Path | None, clinic: str | None) -> None:
    django_setup()
    from backcare.interop.fhir import bundle_for
    from backcare.records import audit, export

    found = export.scope_for(clinic=clinic_named(clinic), client_id=client).client
    assert found is not None
    text = json.dumps(bundle_for(found), indent=2, ensure_ascii=False) + "\n"
    audit.record(user=None, action="client.export_fhir", client=found, target="command line")
    if output is None:
        typer.echo(text, nl=False)
        return
    output.touch(mode=0o600)
    output.write_text(text, encoding="utf-8")
    typer.echo(
        f"Exported {found} as a FHIR R4 Bundle to {output} (mode 600: it holds health data)."
    )


def import_fhir_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A FHIR R4 Bundle as JSON.")],
    clinic: Annotated[
        str | None, typer.Option(help="The clinic's name; needed when several exist.")
    ] = None,
) -> None:
    """Create a client from a FHIR R4 Bundle: its intake is read and assessed (docs/fhir.md)."""
    from backcare.interop.fhir.read import MAX_BYTES, load_json

    try:
        with file.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise InvalidIntake([Problem(str(file), f"cannot read it: {error.strerror}")]) from None
    bundle = load_json(raw, name=str(file))
    django_setup()
    migrate()
    from backcare.interop.fhir.importing import import_bundle

    done = import_bundle(
        clinic=clinic_named(clinic, "import into"), user=None, bundle=bundle, today=date.today()
    )
    typer.echo(
        f"Created client {done.client.pk} ({done.client}): decision "
        f"{done.assessment.decision}, {len(done.assessment.result['findings'])} findings."
    )
    for left in done.unmapped:
        typer.echo(f"Not read: {left.resource}: {left.why}")

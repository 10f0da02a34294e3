"""``backcare report``: the physician progress report of a client, as PDF or HTML."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from backcare.cli.database import django_setup
from backcare.errors import InvalidIntake, Problem


def report(
    client_id: Annotated[int, typer.Argument(metavar="CLIENT_ID", help="The client's number.")],
    by: Annotated[
        str, typer.Option("--by", help="User name of the therapist who signs (their clinic's).")
    ],
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the report as PDF.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the report as HTML.")] = None,
) -> None:
    """The physician progress report of a client, as PDF and/or HTML (the view is audited)."""
    if pdf is None and html is None:
        raise InvalidIntake([Problem("--pdf", "say where to write the report: --pdf or --html")])
    django_setup()
    from backcare.records.models import User
    from backcare.records.report import progress_report
    from backcare.reports import progress

    signer = User.objects.filter(username=by, clinic__isnull=False).first()
    if signer is None:
        raise InvalidIntake([Problem("--by", f"no clinic user {by!r}")])
    made = "PDF" if pdf is not None else "HTML"
    found = progress_report(
        user=signer, client_id=client_id, today=date.today(), purpose=f"progress report ({made})"
    )
    if pdf is not None:
        _write(pdf, "--pdf", progress.pdf(found))
    if html is not None:
        _write(html, "--html", progress.html(found).encode())


def _write(target: Path, option: str, content: bytes) -> None:
    try:
        target.write_bytes(content)
    except OSError as error:
        raise InvalidIntake([Problem(option, f"cannot write {target}: {error.strerror}")]) from None
    typer.echo(f"Wrote {target}")

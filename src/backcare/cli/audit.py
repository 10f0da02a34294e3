"""``backcare audit``: the audit trail's chains of events checked."""

from __future__ import annotations

from typing import Annotated

import typer

from backcare.cli.database import django_setup

app = typer.Typer(help="Check the audit trail.", no_args_is_help=True)


@app.command("verify")
def audit_verify(
    clinic: Annotated[
        int | None, typer.Option(help="Check only this clinic's trail (its id).")
    ] = None,
    anchor: Annotated[
        str | None,
        typer.Option(
            metavar="NUMBER:HASH",
            help="A head printed by an earlier verify (with --clinic): it must still be there.",
        ),
    ] = None,
) -> None:
    """Walk each clinic's chain of audit events; exit 1 at a broken link or missing guard."""
    django_setup()
    from backcare.records import verify

    whole = True
    pinned = verify.Anchor.parse(anchor) if anchor is not None else None
    for report in verify.verify(clinic_id=clinic, anchor=pinned):
        name = f"clinic {report.clinic_id} ({report.clinic})" if report.clinic_id else report.clinic
        if report.broken is None:
            head = f"; head {report.head[0]}:{report.head[1][:16]}" if report.head else ""
            typer.echo(f"{name}: {report.checked} events, chain whole{head}")
            continue
        whole, link = False, report.broken
        when = f"{link.at:%Y-%m-%d %H:%M:%S} UTC" if link.at else "no time"
        typer.echo(
            f"{name}: BROKEN at event {link.seq} (id {link.pk}, {when}),"
            f" after {report.checked} good events: {link.problem}"
        )
    unguarded = verify.unguarded_tables()
    if unguarded:
        whole = False
        typer.echo(
            f"guards missing: the database no longer refuses changes to {', '.join(unguarded)}"
        )
    if not whole:
        raise typer.Exit(1)

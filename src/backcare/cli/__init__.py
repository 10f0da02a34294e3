"""The ``backcare`` command line: thin over the core. Exit 0 on any decision, 2 on bad input.

Each command lives in the module of its concept and imports what it uses when it runs, so
that a command loads only its own code: ``backcare assess`` no database, no web app.
"""

from __future__ import annotations

import os

import typer

from backcare.cli import (
    assess,
    audit,
    backup,
    batch,
    cds,
    export,
    knowledge,
    report,
    server,
    tokens,
    users,
)
from backcare.errors import BackcareError, InvalidIntake

app = typer.Typer(
    help="Clinical decision support for medical back massage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: formatting it with rich takes longer than the command
)
# Registered here, in the order --help lists them.
for command in (
    assess.assess,
    assess.protocol,
    batch.batch,
    server.serve,
    server.check,
    server.demo,
    backup.backup,
    backup.restore,
):
    app.command()(command)
app.command("export")(export.export_command)
app.command("import")(export.import_command)
app.command("export-fhir")(export.export_fhir_command)
app.command("import-fhir")(export.import_fhir_command)
app.command()(report.report)
app.add_typer(knowledge.app, name="kb")
app.add_typer(users.app, name="user")
app.add_typer(audit.app, name="audit")
app.add_typer(tokens.app, name="token")
app.add_typer(cds.app, name="cds")


def main() -> None:
    """Entry point: typer handles usage errors (exit 2); backcare's own errors exit 2 here."""
    try:
        app(prog_name="backcare")
    except InvalidIntake as error:
        for problem in error.problems:
            typer.echo(f"error: {problem}", err=True)
        raise SystemExit(2) from None
    except BackcareError as error:
        typer.echo(f"error: {error}", err=True)
        raise SystemExit(2) from None
    except Exception as error:  # the last line of defence: no traceback reaches a user
        if os.environ.get("BACKCARE_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(error).__name__}: {error} (set BACKCARE_DEBUG=1 for details)",
            err=True,
        )
        raise SystemExit(1) from None

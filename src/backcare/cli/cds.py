"""``backcare cds``: who may call the CDS Hooks service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backcare.cli.database import clinic_named, django_setup, migrate
from backcare.errors import InvalidIntake, Problem

app = typer.Typer(help="Manage who may call the CDS Hooks service.", no_args_is_help=True)


Issuer = Annotated[str, typer.Argument(metavar="ISSUER", help="The tokens' iss claim.")]


@app.command("trust")
def cds_trust(
    issuer: Issuer,
    key: Annotated[
        Path, typer.Option("--key", metavar="FILE", help="Public key: PEM, JWK or JWK Set.")
    ],
    clinic: Annotated[str, typer.Option(help="The clinic its calls belong to.")],
) -> None:
    """Trust an issuer's signed tokens (ES384 or RS384), for one clinic."""
    django_setup()
    migrate()
    from backcare.records import cds_clients

    try:
        text = key.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidIntake([Problem("--key", f"cannot read {key}: {error}")]) from None
    cds_clients.trust(issuer=issuer, key=text, clinic=clinic_named(clinic))
    typer.echo(f"Trusted {issuer} for clinic {clinic!r}.")


@app.command("list")
def cds_list() -> None:
    """The trusted issuers and their clinics."""
    django_setup()
    migrate()
    from backcare.records import cds_clients

    found = cds_clients.trusted()
    for issuer in found:
        typer.echo(f"{issuer.issuer}\t{issuer.clinic.name}\tsince {issuer.added_at:%Y-%m-%d}")
    if not found:
        typer.echo("No trusted issuers: add one with 'backcare cds trust ISSUER --key FILE'.")


@app.command("untrust")
def cds_untrust(issuer: Issuer) -> None:
    """Stop trusting an issuer; its next call is refused."""
    django_setup()
    migrate()
    from backcare.records import cds_clients

    cds_clients.untrust(issuer=issuer)
    typer.echo(f"No longer trusting {issuer}.")

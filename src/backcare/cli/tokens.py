"""``backcare token``: API tokens made and revoked (docs/api.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from backcare.cli.database import django_setup, migrate
from backcare.cli.users import UserName, find_account

app = typer.Typer(help="Manage API tokens (docs/api.md).", no_args_is_help=True)


@app.command("create")
def token_create(
    username: UserName,
    scope: Annotated[str, typer.Option(help="read, or write (read and write).")] = "read",
    days: Annotated[int | None, typer.Option(help="Days until it expires.")] = None,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "command line",
) -> None:
    """Make an API token for an account and print it (shown this once; only its hash is kept)."""
    account = find_account(username)  # Django set up first
    from backcare import config
    from backcare.records import api_tokens

    token, secret = api_tokens.issue(
        user=account, name=name, scope=scope, days=config.api_token_days() if days is None else days
    )
    typer.echo(secret)
    typer.echo(
        f"{token.scope} token {token.prefix} of '{username}', expires {token.expires_at:%Y-%m-%d}",
        err=True,
    )


@app.command("revoke")
def token_revoke(
    prefix: Annotated[
        str, typer.Argument(metavar="TOKEN", help="The token, or its prefix (the part after bc_).")
    ],
) -> None:
    """Revoke an API token for good."""
    django_setup()
    migrate()
    from backcare.records import api_tokens

    parts = prefix.strip().split("_")
    token = api_tokens.find(prefix=parts[1] if len(parts) > 1 else parts[0])
    done = api_tokens.revoke(token=token, actor=None)
    state = "revoked" if done else "was revoked already"
    typer.echo(f"Token {token.prefix} of '{token.user.username}' {state}.")

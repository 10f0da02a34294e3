"""``backcare user``: accounts created, listed, stopped and restarted, their passwords set."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from backcare.cli.database import django_setup, migrate
from backcare.errors import InvalidIntake, Problem

app = typer.Typer(help="Manage accounts.", no_args_is_help=True, rich_markup_mode=None)


def read_password(from_stdin: bool) -> str:
    """A new password: one line of standard input (for scripts), or typed twice at a prompt."""
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise InvalidIntake([Problem("password", "the two passwords differ")])
    return password


PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]
UserName = Annotated[str, typer.Argument(metavar="NAME", help="The user name.")]


def find_account(username: str) -> Any:
    django_setup()
    migrate()
    from backcare.records import user_admin

    return user_admin.find(actor=None, username=username)


@app.command("create")
def user_create(
    username: Annotated[str, typer.Argument(help="The new user name.")],
    clinic: Annotated[str, typer.Option(help="Clinic name: an existing clinic, or a new one.")],
    role: Annotated[str, typer.Option(help="admin or therapist.")] = "therapist",
    email: Annotated[str, typer.Option(help="Email address.")] = "",
    full_name: Annotated[str, typer.Option(help="First and last name.")] = "",
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an account (the first one for a new clinic should be an admin)."""
    django_setup()
    migrate()
    from backcare.records import accounts
    from backcare.records.models import Clinic, User

    if role not in (User.Role.ADMIN, User.Role.THERAPIST):
        raise InvalidIntake(
            [Problem("--role", f"{role!r} is not allowed; allowed: admin, therapist")]
        )
    password = read_password(password_stdin)
    home, _ = Clinic.objects.get_or_create(name=clinic)
    user = accounts.create_user(
        clinic=home,
        username=username,
        password=password,
        role=role,
        email=email,
        full_name=full_name,
    )
    typer.echo(f"Created {user.role} '{user.username}' in clinic '{home.name}'.")


@app.command("list")
def user_list(
    clinic: Annotated[str | None, typer.Option(help="Only this clinic's users (its name).")] = None,
) -> None:
    """List the accounts: clinic, role, last sign-in, active, second factor."""
    django_setup()
    migrate()
    from backcare.records.models import Clinic, User
    from backcare.records.second_factor import with_second_factor_flag
    from backcare.terminal import print_users

    found = User.objects.select_related("clinic").order_by("clinic__name", "username")
    if clinic is not None:
        if not Clinic.objects.filter(name=clinic).exists():
            names = ", ".join(Clinic.objects.order_by("name").values_list("name", flat=True))
            raise InvalidIntake(
                [Problem("--clinic", f"no clinic named {clinic!r}; clinics: {names or 'none'}")]
            )
        found = found.filter(clinic__name=clinic)
    print_users(with_second_factor_flag(found))


@app.command("deactivate")
def user_deactivate(username: UserName) -> None:
    """Stop an account: it is signed out at once and cannot sign in (reversible: activate)."""
    from backcare.records import user_admin

    user_admin.set_active(actor=None, account=find_account(username), active=False)
    typer.echo(f"Deactivated '{username}'; their sessions ended.")


@app.command("activate")
def user_activate(username: UserName) -> None:
    """Let a deactivated account sign in again."""
    from backcare.records import user_admin

    user_admin.set_active(actor=None, account=find_account(username), active=True)
    typer.echo(f"'{username}' is active again.")


@app.command("passwd")
def user_passwd(username: UserName, password_stdin: PasswordStdin = False) -> None:
    """Set a new password for an account (its sessions end; a lockout is lifted)."""
    from backcare.records import user_admin

    account = find_account(username)
    user_admin.set_password(actor=None, account=account, password=read_password(password_stdin))
    typer.echo(f"Password of '{username}' changed; their sessions ended.")


@app.command("reset-second-factor")
def user_reset_second_factor(username: UserName) -> None:
    """Remove an account's authenticator (a lost phone): it signs in with the password alone."""
    from backcare.records import user_admin

    had = user_admin.reset_second_factor(actor=None, account=find_account(username))
    typer.echo(
        f"Second factor of '{username}' removed." if had else f"'{username}' had no second factor."
    )

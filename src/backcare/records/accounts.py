"""Clinics and their users."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from backcare.errors import InvalidIntake, Problem
from backcare.records import saving, statements
from backcare.records.models import Clinic, FirstSetup, User

SET_UP_ALREADY = Problem("setup", "this installation is set up already: log in instead")


def read_clinic(user: User) -> None:
    """Read the user's clinic with the user (``user.clinic``) by a query compiled once:
    every page of a clinic reads it."""
    if user.clinic_id is not None and not User.clinic.is_cached(user):
        user.clinic = statements.fetch(_clinic, user.clinic_id)[0]


def _clinic(clinic_id: int) -> QuerySet[Clinic]:
    return Clinic.objects.filter(pk=clinic_id)


def first_run() -> bool:
    """True while no account exists: the one-time setup page is open (web/setup_access.py)."""
    return not User.objects.exists()


def set_up(
    *, clinic_name: str, username: str, password: str, email: str = "", full_name: str = ""
) -> User:
    """The first clinic and its admin, once per installation, however many ask at once.

    The FirstSetup row (there can be only one) is written in the same transaction: on PostgreSQL
    a second setup waits on it and then fails on its key; on SQLite the second transaction starts
    only when the first has committed, and finds the account made.
    """
    try:
        return _first_clinic(
            clinic_name=clinic_name,
            username=username,
            password=password,
            email=email,
            full_name=full_name,
        )
    except IntegrityError:
        raise InvalidIntake([SET_UP_ALREADY]) from None


@saving.atomic
def _first_clinic(**account: str) -> User:
    if not first_run() or FirstSetup.objects.exists():
        raise InvalidIntake([SET_UP_ALREADY])
    FirstSetup.objects.create(id=1)
    return create_clinic_with_admin(**account)


@transaction.atomic
def create_clinic_with_admin(
    *, clinic_name: str, username: str, password: str, email: str = "", full_name: str = ""
) -> User:
    clinic = Clinic.objects.create(name=clinic_name.strip() or "My clinic")
    return create_user(
        clinic=clinic,
        username=username,
        password=password,
        email=email,
        full_name=full_name,
        role=User.Role.ADMIN,
    )


def audit_target(user: User) -> str:
    """How the audit log names an account."""
    return f"user:{user.username}"


def create_user(
    *,
    clinic: Clinic,
    username: str,
    password: str | None,
    role: str = User.Role.THERAPIST,
    email: str = "",
    full_name: str = "",
    credentials: str = "",
) -> User:
    """A new account; the password must pass the validators (web/settings.py). Without a password
    the account cannot sign in until one is set (an invitation: web/views/account.py)."""
    check_username(username)
    first, _, last = full_name.strip().partition(" ")
    user = User(
        username=username,
        email=email,
        clinic=clinic,
        role=role,
        first_name=first,
        last_name=last,
        credentials=credentials,
    )
    if password is None:
        user.set_unusable_password()
    else:
        check_password(password, user)
        user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same name taken at the same moment by another save
        raise InvalidIntake([Problem("username", f"{username!r} is taken")]) from None
    return user


def check_password(password: str, user: User) -> None:
    """Refuse a password the validators refuse, with each of their messages."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidIntake([Problem("password", message) for message in error.messages]) from None


def check_username(username: str) -> None:
    """Refuse an empty, malformed or taken user name."""
    if not username:
        raise InvalidIntake([Problem("username", "a user name is needed")])
    try:
        User.username_validator(username)
    except ValidationError:
        raise InvalidIntake(
            [Problem("username", f"{username!r} may hold only letters, digits and @ . + - _")]
        ) from None
    if len(username) > 150:
        raise InvalidIntake([Problem("username", "at most 150 characters")])
    if User.objects.filter(username=username).exists():
        raise InvalidIntake([Problem("username", f"{username!r} is taken")])

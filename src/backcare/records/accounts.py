"""Clinics and their users."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from backcare.errors import InvalidIntake, Problem
from backcare.records.models import Clinic, User


def first_run() -> bool:
    """True while no account exists: the one-time setup page is open (web/setup_access.py)."""
    return not User.objects.exists()


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


def create_user(
    *,
    clinic: Clinic,
    username: str,
    password: str,
    role: str = User.Role.THERAPIST,
    email: str = "",
    full_name: str = "",
    credentials: str = "",
) -> User:
    """A new account; the password must pass Django's validators (length, common, similarity)."""
    if User.objects.filter(username=username).exists():
        raise InvalidIntake([Problem("username", f"{username!r} is taken")])
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
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidIntake([Problem("password", message) for message in error.messages]) from None
    user.set_password(password)
    user.save()
    return user


def set_password(*, username: str, password: str) -> User:
    """A new password for an account (imported accounts have none); checked like a new one."""
    user = User.objects.filter(username=username).first()
    if user is None:
        raise InvalidIntake([Problem("username", f"no account {username!r}")])
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidIntake([Problem("password", message) for message in error.messages]) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    return user

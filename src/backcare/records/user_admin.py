"""A clinic's accounts as its admins manage them: invite, change role, deactivate, reset.

Each change names its ``actor``: a clinic admin, who may change only accounts of their own clinic
(any other is NotFound, as if it did not exist), or None for a command run on the server, which
may change any. Every change is written to the audit log.

A clinic always keeps an active admin: the last one can be neither deactivated nor made a
therapist. The clinic's row is locked while that is checked, so two admins demoting each other
at the same moment cannot both succeed.

A deactivated or reset account is signed out at once: its sessions are deleted (and Django
refuses any session of an inactive user or of a changed password anyway).
"""

from __future__ import annotations

from axes.utils import reset as clear_lockout
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from backcare.errors import InvalidIntake, NotAllowed, NotFound, Problem
from backcare.records import accounts, audit, saving, second_factor
from backcare.records.models import Clinic, User

ROLES = tuple(User.Role.values)


def users(*, admin: User) -> QuerySet[User]:
    """The admin's clinic's accounts, by user name, each with ``second_factor``."""
    _must_be_admin(admin)
    return second_factor.with_second_factor_flag(
        User.objects.filter(clinic_id=_clinic_id(admin)).order_by("username")
    )


def find(*, actor: User | None, user_id: int | None = None, username: str = "") -> User:
    """One account the actor may manage, by id (pages) or user name (the command line)."""
    found = (
        User.objects.filter(pk=user_id)
        if user_id is not None
        else User.objects.filter(username=username)
    )
    if actor is not None:
        _must_be_admin(actor)
        found = found.filter(clinic_id=_clinic_id(actor))
    match = found.select_related("clinic").first()
    if match is None:
        raise NotFound(f"no account {username or user_id!r} in this clinic")
    return match


@saving.atomic
def invite(*, actor: User, username: str, role: str, full_name: str = "", email: str = "") -> User:
    """A new account of the actor's clinic with no password yet: its one-time link sets one."""
    _must_be_admin(actor)
    assert actor.clinic is not None
    username = username.strip()
    problems = [] if role in ROLES else [_role_problem(role)]
    try:
        accounts.check_username(username)
    except InvalidIntake as error:
        problems = [*error.problems, *problems]
    if problems:
        raise InvalidIntake(problems)
    user = accounts.create_user(
        clinic=actor.clinic,
        username=username,
        password=None,
        role=role,
        email=email.strip(),
        full_name=full_name,
    )
    _audit(actor, "user_invited", user, role=user.role)
    return user


@saving.atomic
def change_role(*, actor: User | None, account: User, role: str) -> None:
    _may_change(actor, account)
    new = _role(role)
    if new == account.role:
        return
    if new != User.Role.ADMIN:
        _keep_an_admin(account, "made a therapist")
    old, account.role = account.role, new
    account.save(update_fields=["role"])
    _audit(actor, "user_role_changed", account, old=old, new=new)


@saving.atomic
def set_active(*, actor: User | None, account: User, active: bool) -> None:
    """Deactivate (signed out at once, cannot sign in) or reactivate an account."""
    _may_change(actor, account)
    if actor is not None and actor.pk == account.pk and not active:
        raise NotAllowed("you cannot deactivate your own account; ask another admin")
    if account.is_active == active:
        return
    if not active:
        _keep_an_admin(account, "deactivated")
    account.is_active = active
    account.save(update_fields=["is_active"])
    if not active:
        end_sessions(account)
    _audit(actor, "user_reactivated" if active else "user_deactivated", account)


@saving.atomic
def reset(*, actor: User | None, account: User) -> None:
    """Forget the password and the second factor: the account signs in again only through a new
    one-time link (web/set_password_link.py). Its sessions end and any lockout is lifted."""
    _may_change(actor, account)
    if actor is not None and actor.pk == account.pk:
        raise NotAllowed("you cannot reset your own account; change your password instead")
    account.set_unusable_password()
    account.save(update_fields=["password"])
    had_second_factor = second_factor.remove(account=account)
    end_sessions(account)
    clear_lockout(username=account.username)
    _audit(actor, "user_reset", account, second_factor_removed=had_second_factor)


@saving.atomic
def reset_second_factor(*, actor: User | None, account: User) -> bool:
    """Remove the account's authenticator (a lost phone); True if it had one."""
    _may_change(actor, account)
    had = second_factor.remove(account=account)
    if had:
        _audit(actor, "second_factor_reset", account)
    return had


@saving.atomic
def set_password(*, actor: User | None, account: User, password: str) -> None:
    """Give the account a new password (checked by the validators); its sessions end."""
    _may_change(actor, account)
    accounts.check_password(password, account)
    account.set_password(password)
    account.save(update_fields=["password"])
    end_sessions(account)
    clear_lockout(username=account.username)
    _audit(actor, "password_set", account)


def end_sessions(user: User) -> int:
    """Delete every live session of ``user``; how many there were."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def _role(role: str) -> str:
    if role not in ROLES:
        raise InvalidIntake([_role_problem(role)])
    return role


def _role_problem(role: str) -> Problem:
    return Problem("role", f"{role!r} is not a role; allowed: {', '.join(ROLES)}")


def _must_be_admin(actor: User) -> None:
    if not actor.is_clinic_admin or not actor.is_active:
        raise NotAllowed("only a clinic admin can manage the clinic's accounts")


def _clinic_id(user: User) -> int:
    if user.clinic_id is None:
        raise NotAllowed(f"{user.username!r} belongs to no clinic")
    return user.clinic_id


def _may_change(actor: User | None, account: User) -> None:
    if actor is None:
        return
    _must_be_admin(actor)
    if actor.clinic_id != account.clinic_id:
        raise NotFound(f"no account {account.username!r} in this clinic")


def _keep_an_admin(account: User, change: str) -> None:
    """Refuse to take away the clinic's last active admin (the clinic row is held meanwhile)."""
    if account.role != User.Role.ADMIN or not account.is_active:
        return
    clinic_id = _clinic_id(account)
    Clinic.objects.select_for_update().filter(pk=clinic_id).values_list("pk").first()
    others = User.objects.filter(clinic_id=clinic_id, role=User.Role.ADMIN, is_active=True)
    others = others.exclude(pk=account.pk)
    if not others.exists():
        raise NotAllowed(
            f"{account.username!r} is the clinic's last active admin and cannot be {change}; "
            "make another user an admin first"
        )


def _audit(actor: User | None, action: str, account: User, **detail: object) -> None:
    audit.record(
        user=actor,
        action=action,
        target=accounts.audit_target(account),
        detail={"by": "command line", **detail} if actor is None else detail,
        clinic=account.clinic,
    )

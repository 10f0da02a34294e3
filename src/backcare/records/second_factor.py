"""The second factor: a time-based one-time code (TOTP, RFC 6238) from an authenticator app.

django-otp keeps the devices and checks the codes (with its own slow-down after a wrong code);
this module is what backcare does with them: one authenticator per user, set up by the user and
confirmed with a first code, removed by the user (with a code) or by a clinic admin when the
phone is lost. Anyone who has one set up is asked for a code after the password
(web/second_factor.py).
"""

from __future__ import annotations

import time

import django_otp
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from backcare.errors import InvalidIntake, Problem
from backcare.records import audit
from backcare.records.accounts import audit_target
from backcare.records.models import User

CODE_DIGITS = 6
WRONG_CODE = (
    f"that is not the current code; enter the {CODE_DIGITS} digits the authenticator app shows "
    "now (a code lasts 30 seconds; check that the phone's clock is right)"
)


def has_second_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def with_second_factor_flag(users: QuerySet[User]) -> QuerySet[User]:
    """The users, each with ``second_factor`` (True when an authenticator is set up)."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return users.annotate(second_factor=Exists(confirmed))


def pending(user: User) -> TOTPDevice:
    """The authenticator being set up: a new secret, kept until a first code confirms it."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator app"}
    )
    return device


def confirm(*, user: User, code: str) -> TOTPDevice:
    """Turn the pending authenticator on once ``code`` shows the app holds its secret."""
    if has_second_factor(user):
        raise InvalidIntake([Problem("code", "a second factor is on already; turn it off first")])
    device = pending(user)
    if not device.verify_token(_digits(code)):
        raise InvalidIntake([Problem("code", WRONG_CODE)])
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(user=user, action="second_factor_on", target=audit_target(user))
    return device


def check(*, user: User, code: str) -> TOTPDevice | None:
    """The user's authenticator if ``code`` is its current code, else None (a failed try)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    digits = _digits(code)  # a malformed code is a clear error, not a failed try
    if device is None:
        return None
    allowed, why = device.verify_is_allowed()
    if not allowed:  # django-otp's slow-down: each wrong code doubles the wait before the next
        until = (why or {}).get("locked_until") or timezone.now()
        wait = max(1, round(until.timestamp() - time.time()))
        raise InvalidIntake(
            [
                Problem(
                    "code", f"too soon after a wrong code: wait {wait} s, then enter the new code"
                )
            ]
        )
    return django_otp.verify_token(user, device.persistent_id, digits)


def turn_off(*, user: User, code: str) -> None:
    """The user turns their own second factor off, proving it with a current code."""
    if check(user=user, code=code) is None:
        raise InvalidIntake([Problem("code", WRONG_CODE)])
    TOTPDevice.objects.filter(user=user).delete()
    audit.record(user=user, action="second_factor_off", target=audit_target(user))


def remove(*, account: User) -> bool:
    """Remove the account's authenticators (a reset; the caller audits it). True if it had one."""
    had = has_second_factor(account)
    TOTPDevice.objects.filter(user=account).delete()
    return had


def _digits(code: str) -> str:
    digits = "".join(code.split())
    if len(digits) != CODE_DIGITS or not digits.isdigit():
        raise InvalidIntake(
            [Problem("code", f"enter the {CODE_DIGITS} digits the authenticator app shows")]
        )
    return digits

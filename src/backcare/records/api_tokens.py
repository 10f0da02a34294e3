"""API tokens: a user's keys to the REST API (docs/api.md).

A token reads ``bc_<prefix>_<secret>``: the prefix (8 hex digits) is public and finds the row;
the secret is 32 random bytes, of which only the SHA-256 hash is kept, so a copy of the database
opens nothing. A token is shown once, when it is made. It works until it expires or is revoked,
and only while its user's account is active and in a clinic; a read token cannot write.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from backcare import config
from backcare.errors import InvalidIntake, NotFound, Problem
from backcare.records import audit, saving
from backcare.records.models import ApiToken, User

PREFIX = "bc"
LAST_USED_EVERY = timedelta(minutes=1)  # how stale ``last_used_at`` may be: not a write a call


def _hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _checked(name: str, scope: str, days: int) -> list[Problem]:
    problems = []
    longest = ApiToken._meta.get_field("name").max_length or 0
    if not name.strip():
        problems.append(Problem("name", "required: say what the token is for"))
    elif len(name.strip()) > longest:
        problems.append(Problem("name", f"at most {longest} characters (this has {len(name)})"))
    if scope not in ApiToken.Scope.values:
        problems.append(Problem("scope", f"allowed: {', '.join(ApiToken.Scope.values)}"))
    most = config.api_token_days()
    if not 1 <= days <= most:
        problems.append(Problem("days", f"a whole number of days from 1 to {most}"))
    return problems


@saving.atomic
def issue(
    *, user: User, name: str, scope: str, days: int, actor: User | None = None
) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns the row and the token itself (shown once, never kept).
    ``actor`` is who made it when not the user (None: a command run on the server)."""
    problems = _checked(name, scope, days)
    if user.clinic_id is None:
        problems.append(Problem("user", "this account belongs to no clinic"))
    if problems:
        raise InvalidIntake(problems)
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    while ApiToken.objects.filter(prefix=prefix).exists():  # 1 in 4 billion: try another
        prefix = secrets.token_hex(4)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        scope=scope,
        prefix=prefix,
        secret_hash=_hashed(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    _audit(actor, user, "api_token.create", token)
    return token, f"{PREFIX}_{prefix}_{secret}"


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too, marked as such)."""
    return ApiToken.objects.filter(user=user)


def find(*, prefix: str, user: User | None = None) -> ApiToken:
    """The token with this public prefix (the user's own when ``user`` is given)."""
    found = ApiToken.objects.select_related("user").filter(prefix=prefix.strip())
    if user is not None:
        found = found.filter(user=user)
    token = found.first()
    if token is None:
        raise NotFound(f"no API token {prefix!r}")
    return token


@saving.atomic
def revoke(*, token: ApiToken, actor: User | None) -> bool:
    """Revoke the token for good; False when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    _audit(actor, token.user, "api_token.revoke", token)
    return True


def state(token: ApiToken, *, now: datetime) -> str:
    """active, expired or revoked."""
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if token.expires_at <= now else "active"


def authenticate(presented: str, *, now: datetime) -> ApiToken | None:
    """The token presented, when it opens the API now; None for any token that does not (unknown,
    wrong secret, expired, revoked, or its user deactivated or in no clinic)."""
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    token = ApiToken.objects.select_related("user", "user__clinic").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hashed(parts[2])):
        return None
    user = token.user
    if state(token, now=now) != "active" or not user.is_active or user.clinic_id is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _audit(actor: User | None, user: User, action: str, token: ApiToken) -> None:
    audit.record(
        user=actor or user,
        clinic=user.clinic,
        action=action,
        target=f"token {token.prefix} of {user.username}",
        detail={"name": token.name, "scope": token.scope, "by": "web" if actor else "server"},
    )

"""Bearer tokens (records/api_tokens.py): who calls, and whether the token may write."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from backcare import config
from backcare.errors import NotAllowed
from backcare.intake_file import MAX_BYTES
from backcare.records import api_tokens
from backcare.records.models import ApiToken, User
from backcare.web.api.errors import TooLarge


class TokenAuth(HttpBearer):
    """``Authorization: Bearer bc_...``. A body larger than any the API takes is refused (413)
    here, before anything reads it."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        length = str(request.META.get("CONTENT_LENGTH") or "0")
        if not length.isdigit() or int(length) > MAX_BYTES:
            raise TooLarge(MAX_BYTES)
        return api_tokens.authenticate(token, now=timezone.now())


class TokenRate(AuthRateThrottle):
    """Requests per token (BACKCARE_API_RATE), counted in the process's cache."""

    def __init__(self) -> None:
        super().__init__(config.api_rate())


def token_of(request: HttpRequest) -> ApiToken:
    token: Any = getattr(request, "auth", None)
    assert isinstance(token, ApiToken), "every operation is behind TokenAuth"
    return token


def reader(request: HttpRequest) -> User:
    """The caller's account (any token reads)."""
    return token_of(request).user


def writer(request: HttpRequest) -> User:
    """The caller's account, when the token may write; a read token is refused (403)."""
    token = token_of(request)
    if token.scope != ApiToken.Scope.WRITE:
        raise NotAllowed(f"token {token.prefix} is a read token; writing needs a write token")
    return token.user

"""GET /api/v1/token: the token in use (whose, what it may do, until when): a check that a
token works, which shows nothing of any client."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from backcare.records.models import ApiToken
from backcare.web.api.auth import token_of
from backcare.web.api.errors import responses

router = Router(tags=["token"])


class TokenOut(Schema):
    prefix: str
    name: str
    user: str
    clinic: str
    scope: str
    expires_at: datetime


@router.get("/token", response=responses({200: TokenOut}))
def token_in_use(request: HttpRequest) -> dict[str, object]:
    token: ApiToken = token_of(request)
    clinic = token.user.clinic
    return {
        "prefix": token.prefix,
        "name": token.name,
        "user": token.user.username,
        "clinic": clinic.name if clinic else "",
        "scope": token.scope,
        "expires_at": token.expires_at,
    }

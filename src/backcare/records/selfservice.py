"""Self-service intake links: a client fills their own intake from a link, without an account.

The token is random (256 bits), shown once, stored only as a SHA-256 hash, expires, and works
once. A refused link says why in plain words but never reveals whose link it was.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from backcare.errors import LinkRefused
from backcare.records import audit, saving
from backcare.records.intakes import record_intake
from backcare.records.models import Assessment, Client, Intake, SelfServiceLink, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@saving.atomic
def create_link(*, user: User, client: Client, now: datetime, days: int = 7) -> str:
    """A new link token for this client (valid ``days``); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    SelfServiceLink.objects.create(
        clinic=client.clinic,
        client=client,
        token_hash=_hash(token),
        expires_at=now + timedelta(days=days),
        created_by=user,
    )
    audit.record(
        user=user, action="selfservice.link", client=client, target=f"expires in {days} days"
    )
    return token


def resolve(*, token: str, now: datetime) -> SelfServiceLink:
    """The link for a token, or LinkRefused (unknown, expired, used)."""
    link = SelfServiceLink.objects.select_related("client").filter(token_hash=_hash(token)).first()
    if link is None:
        raise LinkRefused("This link is not valid. Please ask your therapist for a new one.")
    if link.used_at is not None:
        raise LinkRefused(
            "This link has already been used. Please ask your therapist for a new one."
        )
    if link.expires_at <= now:
        raise LinkRefused("This link has expired. Please ask your therapist for a new one.")
    return link


@saving.atomic
def submit(*, token: str, data: dict[str, Any], now: datetime, today: date) -> Assessment:
    """Record the client's own intake through a link, once."""
    link = resolve(token=token, now=now)
    link = SelfServiceLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise LinkRefused(
            "This link has already been used. Please ask your therapist for a new one."
        )
    assessment = record_intake(
        user=None, client=link.client, data=data, today=today, source=Intake.Source.SELF_SERVICE
    )
    link.used_at = now
    link.save(update_fields=["used_at"])
    return assessment

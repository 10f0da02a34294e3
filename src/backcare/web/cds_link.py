"""The link on a CDS Hooks card to the full assessment. The service stores nothing, so the link
carries what was assessed, encrypted (Fernet, keyed from the app's secret) so that no health data
can be read from the address, and good for one hour."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from backcare.errors import NotFound

HOURS = 1


def seal(content: dict[str, Any]) -> str:
    return _fernet().encrypt(json.dumps(content, default=str).encode()).decode()


def unseal(sealed: str) -> dict[str, Any]:
    """The content of a link made in the last hour; ``NotFound`` for any other."""
    try:
        content = json.loads(_fernet().decrypt(sealed.encode(), ttl=HOURS * 3600))
    except (InvalidToken, ValueError):
        raise NotFound("this assessment link is not valid or has expired") from None
    if not isinstance(content, dict):
        raise NotFound("this assessment link is not valid")
    return content


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"backcare.cds-link:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))

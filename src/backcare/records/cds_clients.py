"""CDS Hooks clients: the issuers trusted to call backcare's CDS services, the tokens they have
used, and what their calls and feedback leave in the issuer's clinic's audit trail.

Trusted issuers are kept in the database, not in a file: every server process reads the same
list at once, each issuer belongs to a clinic like every other record, and a unique constraint
on (issuer, jti) refuses a replayed token even when two processes see it at the same moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from backcare.errors import InvalidIntake, Problem, TokenRefused
from backcare.interop.cds_hooks import token
from backcare.records import audit
from backcare.records.models import Clinic, SeenToken, TrustedIssuer


def trust(*, issuer: str, key: str, clinic: Clinic) -> TrustedIssuer:
    """Trust ``issuer``'s tokens signed with ``key`` (PEM, JWK or JWK Set) for ``clinic``."""
    problems = _key_problems(key)
    if not issuer.strip():
        problems.insert(0, Problem("ISSUER", "give the issuer (the tokens' iss claim)"))
    if problems:
        raise InvalidIntake(problems)
    with transaction.atomic():
        found, _ = TrustedIssuer.objects.update_or_create(
            issuer=issuer, defaults={"public_key": key.strip(), "clinic": clinic}
        )
        audit.record(user=None, action="cds_trust", target=issuer, clinic=clinic)
    return found


def untrust(*, issuer: str) -> None:
    """Stop trusting ``issuer``; its clinic's trail records it."""
    found = TrustedIssuer.objects.filter(issuer=issuer).select_related("clinic").first()
    if found is None:
        raise InvalidIntake([Problem("ISSUER", f"{issuer!r} is not a trusted issuer")])
    with transaction.atomic():
        audit.record(user=None, action="cds_untrust", target=issuer, clinic=found.clinic)
        found.delete()


def trusted() -> list[TrustedIssuer]:
    return list(TrustedIssuer.objects.select_related("clinic").order_by("issuer"))


def key_for(issuer: str) -> str | None:
    return TrustedIssuer.objects.filter(issuer=issuer).values_list("public_key", flat=True).first()


def clinic_of(issuer: str) -> Clinic:
    return TrustedIssuer.objects.select_related("clinic").get(issuer=issuer).clinic


def use_once(claims: token.Claims, *, now: datetime | None = None) -> None:
    """Remember the token until it expires; a token seen before is refused."""
    now = now or timezone.now()
    SeenToken.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            SeenToken.objects.create(
                issuer=claims.issuer, jti=claims.jti, expires_at=claims.expires_at
            )
    except IntegrityError:
        raise TokenRefused(f"the token's jti {claims.jti!r} was used before") from None


def record_call(*, claims: token.Claims, service: str, detail: dict[str, Any]) -> None:
    """What the caller was shown of a patient, in the issuer's clinic's trail."""
    audit.record(
        user=None,
        action="cds_call",
        target=service,
        clinic=clinic_of(claims.issuer),
        detail={"issuer": claims.issuer, "subject": claims.subject, **detail},
    )


def record_feedback(*, claims: token.Claims, service: str, feedback: list[dict[str, Any]]) -> None:
    """Each card's outcome (accepted or overridden, with the reason) as one audit event."""
    clinic = clinic_of(claims.issuer)
    with transaction.atomic():
        for item in feedback:
            audit.record(
                user=None,
                action=f"cds_{item['outcome']}",
                target=service,
                clinic=clinic,
                detail={"issuer": claims.issuer, "subject": claims.subject, **item},
            )


def _key_problems(key: str) -> list[Problem]:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    text = key.strip()
    try:
        if text.startswith("{"):
            token.public_key(text)
        else:
            load_pem_public_key(text.encode())
    except (ValueError, TypeError, TokenRefused) as error:
        return [Problem("--key", f"not a public key in PEM, JWK or JWK Set form: {error}")]
    return []

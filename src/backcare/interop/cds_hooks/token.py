"""The CDS client's signed JWT, checked (CDS Hooks 2.0, §Security and Safety: Trusting CDS
Clients).

A client sends ``Authorization: Bearer <JWT>`` signed with its private key. The token is accepted
only when its issuer is trusted, it is signed with ES384 or RS384 by that issuer's key, its
``aud`` is the endpoint called, and it carries ``exp``, ``iat`` and ``jti``. Its lifetime may be
at most five minutes, the span the specification asks clients to keep to, so that a ``jti`` needs
remembering (records/cds_clients.py) only that long. Pure: the issuer's key comes from a lookup.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt

from backcare.errors import TokenRefused

ALGORITHMS = ("ES384", "RS384")
LONGEST = 5 * 60  # seconds from iat to exp
LEEWAY = 30  # seconds of clock difference allowed
REQUIRED = ["iss", "aud", "exp", "iat", "jti"]


@dataclass(frozen=True, slots=True)
class Claims:
    """Who called, and the token's single-use id and end."""

    issuer: str
    subject: str
    jti: str
    expires_at: datetime


def check(
    header: str | None, *, audience: list[str], key_for: Callable[[str], str | None]
) -> Claims:
    """The claims of a valid bearer token whose ``aud`` is one of ``audience`` (the endpoint
    called); ``TokenRefused`` says what is wrong."""
    token = _bearer(header)
    try:
        header_ = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise TokenRefused(f"the bearer token is not a JWT: {error}") from None
    algorithm = header_.get("alg")
    if algorithm not in ALGORITHMS:
        raise TokenRefused(f"the token is signed with {algorithm!r}; allowed: ES384, RS384")
    issuer = unverified.get("iss")
    key = key_for(issuer) if isinstance(issuer, str) else None
    if key is None:
        raise TokenRefused(f"the issuer {issuer!r} is not trusted by this service")
    try:
        claims = jwt.decode(
            token,
            public_key(key, kid=header_.get("kid")),
            algorithms=[algorithm],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY,
            options={"require": REQUIRED},
        )
    except jwt.InvalidAudienceError:
        raise TokenRefused(f"the token's aud is not this endpoint ({audience[0]})") from None
    except jwt.PyJWTError as error:
        raise TokenRefused(f"the token was refused: {error}") from None
    return _claims(claims)


def public_key(text: str, *, kid: str | None = None) -> Any:
    """A PEM public key, a JWK, or a key of a JWK Set (the one named ``kid``, or the only one)."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return stripped
    try:
        data = json.loads(stripped)
        if "keys" not in data:
            return jwt.PyJWK(data).key
        keys = jwt.PyJWKSet.from_dict(data).keys
    except (ValueError, jwt.PyJWTError) as error:
        raise TokenRefused(f"the issuer's key cannot be read: {error}") from None
    chosen = [k for k in keys if kid is None or k.key_id == kid]
    if len(chosen) != 1:
        raise TokenRefused(f"the issuer's key set has no single key for kid {kid!r}")
    return chosen[0].key


def _bearer(header: str | None) -> str:
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRefused("send the signed JWT as 'Authorization: Bearer <token>'")
    return token.strip()


def _claims(claims: dict[str, Any]) -> Claims:
    exp, iat, jti = claims["exp"], claims["iat"], claims["jti"]
    if not isinstance(jti, str) or not jti:
        raise TokenRefused("the token's jti must be a non-empty string")
    if exp - iat > LONGEST:
        raise TokenRefused(f"the token lives {exp - iat} s; at most {LONGEST} s from iat to exp")
    return Claims(
        issuer=claims["iss"],
        subject=str(claims.get("sub", "")),
        jti=jti,
        expires_at=datetime.fromtimestamp(exp, tz=UTC),
    )

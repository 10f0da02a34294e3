"""Link tokens that open one thing without a login. A token is 256 bits derived from a random
nonce with the server's secret key and a purpose, so a token made for one kind of link opens
no other kind; the database keeps only the token's SHA-256 hash (to find it) and the nonce (so
the clinic can show an active link again), and a copy of the database alone opens nothing."""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.utils.crypto import salted_hmac


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def token_for(nonce: str, purpose: str) -> str:
    mac = salted_hmac(purpose, nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()

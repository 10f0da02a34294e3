"""Links a client opens without logging in: what every kind of link shares.

A kind of link (the self-service intake, the pain log) names its model, the purpose its tokens
are made for (``records/tokens.py``: a token of one kind opens no other) and whether it works
once. For every kind: one link per client is active (making a new one revokes the old), a link
works until it expires or is revoked, the clinic can copy an active link again, making and
revoking are audited, and a refused link says why in plain words but never whose it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Generic, TypeVar

from django.db.models import Q, QuerySet

from backcare.errors import LinkRefused, NotFound
from backcare.records import audit, saving, statements, tokens
from backcare.records.models import Client, PainLogLink, SelfServiceLink, User

ASK_AGAIN = "Please ask your therapist for a new one."

Link = TypeVar("Link", SelfServiceLink, PainLogLink)


@dataclass(frozen=True)
class Kind(Generic[Link]):
    model: type[Link]
    purpose: str  # what its tokens are made for
    action: str  # the prefix of its audit actions
    noun: str  # how an error names one
    days_valid: int
    single_use: bool = False

    def token(self, nonce: str) -> str:
        return tokens.token_for(nonce, self.purpose)


@dataclass(frozen=True)
class LinkRow(Generic[Link]):
    link: Link
    state: str
    token: str | None


def token_of(kind: Kind[Link], link: Link) -> str | None:
    """The link's token, to copy it again; None for a link with no nonce (made before links
    could be copied) or made under another secret key."""
    if not link.nonce:
        return None
    token = kind.token(link.nonce)
    return token if tokens.hash_token(token) == link.token_hash else None


def state(link: SelfServiceLink | PainLogLink, now: datetime) -> str:
    """used (a single-use link sent), revoked, expired or active."""
    if getattr(link, "used_at", None) is not None:
        return "used"
    if link.revoked_at is not None:
        return "revoked"
    return "expired" if link.expires_at <= now else "active"


@saving.atomic
def create_link(
    kind: Kind[Link], *, user: User, client: Client, now: datetime, days: int | None = None
) -> str:
    """A new link token for this client, valid ``days`` (the kind's own span unless given);
    any active link of theirs of the same kind is revoked."""
    days = kind.days_valid if days is None else days
    saving.lock_client(client)  # one maker at a time
    active = kind.model.objects.filter(client=client, revoked_at=None, expires_at__gt=now)
    if kind.single_use:
        active = active.filter(Q(used_at=None))  # a sent link is spent already
    revoked = active.update(revoked_at=now, revoked_by=user)
    nonce = tokens.new_nonce()
    token = kind.token(nonce)
    kind.model.objects.create(
        clinic=client.clinic,
        client=client,
        token_hash=tokens.hash_token(token),
        nonce=nonce,
        expires_at=now + timedelta(days=days),
        created_by=user,
    )
    audit.record(
        user=user,
        action=f"{kind.action}.link",
        client=client,
        target=f"expires in {days} days",
        detail={"revoked": revoked},
    )
    return token


def links(kind: Kind[Link], *, client: Client, now: datetime) -> list[LinkRow[Link]]:
    """The client's links of this kind, newest first, each with its state; the token only
    while active."""
    rows = []
    for link in statements.fetch(partial(_links_of, kind.model), client.pk):
        current = state(link, now)
        rows.append(LinkRow(link, current, token_of(kind, link) if current == "active" else None))
    return rows


def _links_of(model: type[Link], client_id: int) -> QuerySet[Link]:
    return model.objects.filter(client_id=client_id).select_related("created_by", "revoked_by")


def revoke_link(
    kind: Kind[Link], *, user: User, client: Client, link_id: int, now: datetime
) -> Link:
    """Revoke an active link of this client (a link of anyone else is NotFound)."""
    link = kind.model.objects.filter(pk=link_id, client=client, clinic=user.clinic).first()
    if link is None:
        raise NotFound(f"no {kind.noun} {link_id}")
    if state(link, now) == "active":
        link.revoked_at, link.revoked_by = now, user
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            user=user, action=f"{kind.action}.revoke", client=client, target=f"link {link.pk}"
        )
    return link


def resolve(kind: Kind[Link], *, token: str, now: datetime) -> Link:
    """The active link of a token, or LinkRefused (unknown, used, revoked, expired)."""
    link = (
        kind.model.objects.select_related("client", "clinic")
        .filter(token_hash=tokens.hash_token(token))
        .first()
    )
    if link is None:
        raise LinkRefused(f"This link is not valid. {ASK_AGAIN}")
    refused = {
        "used": "This link has already been used.",
        "revoked": "This link has been withdrawn by your therapist.",
        "expired": "This link has expired.",
    }.get(state(link, now))
    if refused:
        raise LinkRefused(f"{refused} {ASK_AGAIN}")
    return link

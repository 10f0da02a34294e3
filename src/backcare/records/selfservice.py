"""Self-service intake links: a client fills their own intake from a link, without an account.

The token is 256 bits derived from a random nonce with the server's secret key; the database
keeps only the token's SHA-256 hash and the nonce, so the clinic can copy an active link again
but a copy of the database alone opens nothing. One link per client is active: making a new one
revokes the old. A link expires, can be revoked, and works once. Every opening is audited. The
client's answers become a pending draft (``IntakeDraft``) that the therapist merges; a refused
link says why in plain words but never reveals whose link it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from backcare.clinical import assess, parse_intake
from backcare.clinical.intake import check_against
from backcare.errors import InvalidIntake, LinkRefused, NotFound
from backcare.knowledge import load_knowledge
from backcare.records import audit, draft, saving, tokens
from backcare.records.models import Client, Intake, IntakeDraft, SelfServiceLink, User

ASK_AGAIN = "Please ask your therapist for a new one."


_hash = tokens.hash_token


def _token(nonce: str) -> str:
    return tokens.token_for(nonce, "backcare.selfservice.link")


def token_of(link: SelfServiceLink) -> str | None:
    """The link's token, to copy it again; None for a link made before links could be copied
    or under another secret key."""
    if not link.nonce:
        return None
    token = _token(link.nonce)
    return token if _hash(token) == link.token_hash else None


def state(link: SelfServiceLink, now: datetime) -> str:
    """used, revoked, expired or active."""
    if link.used_at is not None:
        return "used"
    if link.revoked_at is not None:
        return "revoked"
    return "expired" if link.expires_at <= now else "active"


@saving.atomic
def create_link(*, user: User, client: Client, now: datetime, days: int = 7) -> str:
    """A new link token for this client (valid ``days``); any active link of theirs is revoked."""
    saving.lock_client(client)  # one maker at a time
    revoked = SelfServiceLink.objects.filter(
        client=client, used_at=None, revoked_at=None, expires_at__gt=now
    ).update(revoked_at=now, revoked_by=user)
    nonce = tokens.new_nonce()
    token = _token(nonce)
    SelfServiceLink.objects.create(
        clinic=client.clinic,
        client=client,
        token_hash=_hash(token),
        nonce=nonce,
        expires_at=now + timedelta(days=days),
        created_by=user,
    )
    audit.record(
        user=user,
        action="selfservice.link",
        client=client,
        target=f"expires in {days} days",
        detail={"revoked": revoked},
    )
    return token


@dataclass(frozen=True)
class LinkRow:
    link: SelfServiceLink
    state: str
    token: str | None


def links(*, client: Client, now: datetime) -> list[LinkRow]:
    """The client's links, newest first, each with its state; the token only while active."""
    rows = []
    for link in client.links.select_related("created_by", "revoked_by"):
        current = state(link, now)
        rows.append(LinkRow(link, current, token_of(link) if current == "active" else None))
    return rows


def revoke_link(*, user: User, client: Client, link_id: int, now: datetime) -> SelfServiceLink:
    """Revoke an active link of this client (a link of anyone else is NotFound)."""
    link = SelfServiceLink.objects.filter(pk=link_id, client=client, clinic=user.clinic).first()
    if link is None:
        raise NotFound(f"no link {link_id}")
    if state(link, now) == "active":
        link.revoked_at, link.revoked_by = now, user
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            user=user, action="selfservice.revoke", client=client, target=f"link {link.pk}"
        )
    return link


def resolve(*, token: str, now: datetime) -> SelfServiceLink:
    """The link for a token, or LinkRefused (unknown, used, revoked, expired)."""
    link = SelfServiceLink.objects.select_related("client").filter(token_hash=_hash(token)).first()
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


def open_link(*, token: str, now: datetime) -> SelfServiceLink:
    """Resolve a token for showing the client's form; the opening is written to the audit log."""
    link = resolve(token=token, now=now)
    if link.opened_at is None:
        link.opened_at = now
        link.save(update_fields=["opened_at"])
    audit.record(user=None, action="selfservice.open", client=link.client, target=f"link {link.pk}")
    return link


def form_start(link: SelfServiceLink) -> dict[str, Any] | None:
    """What the client's form starts from: their answers in the newest intake, if any."""
    latest = link.client.intakes.order_by("-version").first()
    return draft.form_start(latest.data) if latest else None


def preview(base: dict[str, Any] | None, answers: dict[str, Any], *, today: date) -> str:
    """The decision if every proposed change were taken ("" when they do not fit together)."""
    merged = draft.merge(base, answers, draft.proposed(draft.compare(base, answers)))
    try:
        intake = parse_intake({**merged, "assessed_on": today}, today=today)
    except InvalidIntake:
        return ""
    return assess(intake, load_knowledge()).decision.name


@saving.atomic
def submit(*, token: str, data: dict[str, Any], now: datetime, today: date) -> IntakeDraft:
    """Keep the client's answers through a link, once, as a draft for the therapist to merge.

    Only the client-editable parts are kept; the assessment date is the therapist's to set.
    Raises InvalidIntake (nothing is stored) when the answers break the contract.
    """
    link = resolve(token=token, now=now)
    link = SelfServiceLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise LinkRefused(f"This link has already been used. {ASK_AGAIN}")
    kb = load_knowledge()
    note = str(data.get("notes") or "")
    sent = parse_intake({**data, "assessed_on": today, "notes": ""}, today=today)
    check_against(sent, kb.modalities)
    answers = draft.client_view(sent.model_dump(mode="json"))
    latest = Intake.objects.filter(client=link.client).order_by("-version").first()
    base = latest.data if latest else None
    made = IntakeDraft.objects.create(
        clinic=link.clinic,
        client=link.client,
        link=link,
        based_on=latest,
        answers=answers,
        client_note=note,
        preview_decision=preview(base, answers, today=today),
    )
    link.used_at = now
    link.save(update_fields=["used_at"])
    audit.record(
        user=None, action="selfservice.submit", client=link.client, target=f"draft {made.pk}"
    )
    return made

"""The between-visit pain and sleep log: a link the client keeps and opens without logging in
to note pain today and last night's sleep. Entries feed the client's series
(``records/outcomes.py``).

The token is made for this purpose only (``records/tokens.py``): an intake link's token opens
no log and the other way round. One link per client is active (a new one revokes the old); it
works until it expires or is revoked; each opening and entry is audited; a client may log at
most ``ENTRIES_PER_DAY`` entries in any 24 hours, so a leaked link cannot flood the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from backcare.clinical.instruments import as_number
from backcare.errors import InvalidIntake, LinkRefused, NotFound, Problem
from backcare.knowledge import load_knowledge
from backcare.records import audit, saving, tokens
from backcare.records.models import Client, PainLogEntry, PainLogLink, User

PURPOSE = "backcare.painlog.link"
ENTRIES_PER_DAY = 3
DAYS_VALID = 90
ASK_AGAIN = "Please ask your therapist for a new one."


def token_of(link: PainLogLink) -> str | None:
    token = tokens.token_for(link.nonce, PURPOSE)
    return token if tokens.hash_token(token) == link.token_hash else None


def state(link: PainLogLink, now: datetime) -> str:
    """revoked, expired or active."""
    if link.revoked_at is not None:
        return "revoked"
    return "expired" if link.expires_at <= now else "active"


@saving.atomic
def create_link(*, user: User, client: Client, now: datetime, days: int = DAYS_VALID) -> str:
    """A new pain log link for this client; their active one, if any, is revoked."""
    saving.lock_client(client)
    revoked = PainLogLink.objects.filter(client=client, revoked_at=None, expires_at__gt=now).update(
        revoked_at=now, revoked_by=user
    )
    nonce = tokens.new_nonce()
    token = tokens.token_for(nonce, PURPOSE)
    PainLogLink.objects.create(
        clinic=client.clinic,
        client=client,
        token_hash=tokens.hash_token(token),
        nonce=nonce,
        expires_at=now + timedelta(days=days),
        created_by=user,
    )
    audit.record(
        user=user,
        action="painlog.link",
        client=client,
        target=f"expires in {days} days",
        detail={"revoked": revoked},
    )
    return token


@dataclass(frozen=True)
class LinkRow:
    link: PainLogLink
    state: str
    token: str | None


def links(*, client: Client, now: datetime) -> list[LinkRow]:
    """The client's pain log links, newest first; the token only while active."""
    rows = []
    for link in client.pain_log_links.select_related("created_by", "revoked_by"):
        current = state(link, now)
        rows.append(LinkRow(link, current, token_of(link) if current == "active" else None))
    return rows


def revoke_link(*, user: User, client: Client, link_id: int, now: datetime) -> PainLogLink:
    link = PainLogLink.objects.filter(pk=link_id, client=client, clinic=user.clinic).first()
    if link is None:
        raise NotFound(f"no pain log link {link_id}")
    if state(link, now) == "active":
        link.revoked_at, link.revoked_by = now, user
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(user=user, action="painlog.revoke", client=client, target=f"link {link.pk}")
    return link


def resolve(*, token: str, now: datetime) -> PainLogLink:
    """The active link of a token, or LinkRefused that never says whose link it was."""
    link = (
        PainLogLink.objects.select_related("client", "clinic")
        .filter(token_hash=tokens.hash_token(token))
        .first()
    )
    if link is None:
        raise LinkRefused(f"This link is not valid. {ASK_AGAIN}")
    refused = {
        "revoked": "This link has been withdrawn by your therapist.",
        "expired": "This link has expired.",
    }.get(state(link, now))
    if refused:
        raise LinkRefused(f"{refused} {ASK_AGAIN}")
    return link


def open_link(*, token: str, now: datetime) -> PainLogLink:
    link = resolve(token=token, now=now)
    audit.record(user=None, action="painlog.open", client=link.client, target=f"link {link.pk}")
    return link


def recent(link: PainLogLink, limit: int = 7) -> list[PainLogEntry]:
    """The client's latest entries through links, newest first, to show them what they sent."""
    return list(link.client.pain_log.order_by("-logged_on", "-pk")[:limit])


@saving.atomic
def log(*, token: str, data: dict[str, Any], now: datetime, today: date) -> PainLogEntry:
    """Keep one entry from the client's link; InvalidIntake names each field that is wrong."""
    link = resolve(token=token, now=now)
    link = PainLogLink.objects.select_for_update().get(pk=link.pk)
    entry = _checked(data, today)
    sent = link.client.pain_log.filter(created_at__gt=now - timedelta(days=1))
    if sent.count() >= ENTRIES_PER_DAY:
        raise InvalidIntake(
            [
                Problem(
                    "pain",
                    f"at most {ENTRIES_PER_DAY} entries a day; please try again tomorrow",
                )
            ]
        )
    made = PainLogEntry.objects.create(clinic=link.clinic, client=link.client, link=link, **entry)
    link.last_used_at = now
    link.save(update_fields=["last_used_at"])
    audit.record(user=None, action="painlog.entry", client=link.client, target=f"entry {made.pk}")
    return made


def _checked(data: dict[str, Any], today: date) -> dict[str, Any]:
    problems = []
    scale = load_knowledge().instruments["nprs"]
    pain = as_number(data.get("pain"))
    if pain is None or pain != int(pain) or not scale.min <= pain <= scale.max:
        problems.append(
            Problem(
                "pain",
                f"choose a whole number from {scale.min:g} (no pain) to {scale.max:g} (worst)",
            )
        )
    sleep = as_number(data.get("sleep_hours"))
    if data.get("sleep_hours") not in (None, "") and (sleep is None or not 0 <= sleep <= 24):
        problems.append(Problem("sleep_hours", "hours of sleep, from 0 to 24 (or leave it empty)"))
    logged_on = data.get("logged_on") or today
    if not isinstance(logged_on, date):
        try:
            logged_on = date.fromisoformat(str(logged_on))
        except ValueError:
            problems.append(Problem("logged_on", "a date such as 2026-12-01"))
            logged_on = today
    if logged_on > today or logged_on < today - timedelta(days=7):
        problems.append(Problem("logged_on", "today or one of the last 7 days"))
    note = str(data.get("note") or "").strip()
    if len(note) > 1000:
        problems.append(Problem("note", "at most 1000 characters"))
    if problems:
        raise InvalidIntake(problems)
    disturbed = data.get("sleep_disturbed")
    return {
        "pain": int(pain or 0),
        "sleep_hours": sleep,
        "sleep_disturbed": None if disturbed in (None, "") else bool(disturbed),
        "logged_on": logged_on,
        "note": note,
    }

"""The audit log: every view or change of a client's record, with who and when, each event
chained to the one before it in the clinic's trail (records/chain.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from backcare.errors import NotAllowed
from backcare.records import chain, saving
from backcare.records.models import AuditEvent, Client, Clinic, User


def record(
    *,
    user: User | None,
    action: str,
    client: Client | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
    clinic: Clinic | None = None,
) -> AuditEvent:
    """Write one event at the head of its clinic's chain (waiting for a writer ahead of it).
    Its clinic is the client's, else ``clinic`` (an event with no user, such as a command run
    on the server), else the user's."""
    if client is not None:
        clinic = client.clinic
    elif clinic is None and user is not None:
        clinic = user.clinic
    at, detail, actor = timezone.now(), detail or {}, user.username if user else ""
    content = {
        "at": at,
        "user": actor,
        "action": action,
        "target": target,
        "detail": detail,
    }
    with transaction.atomic():
        saving.lock_audit_chain(clinic=clinic, user=user, client=client)
        head = (
            AuditEvent.objects.filter(clinic=clinic)
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, chain.GENESIS)
        return AuditEvent.objects.create(
            clinic=clinic,
            user=user,
            actor=actor,
            client=client,
            action=action,
            target=target,
            detail=detail,
            at=at,
            seq=seq,
            prev_hash=prev_hash,
            hash=chain.digest(seq=seq, prev_hash=prev_hash, **content),
        )


@dataclass(frozen=True, slots=True)
class Filter:
    """Which events of the clinic's trail to show: every one given must match."""

    user: User | None = None
    client: str = ""  # words of the client's name
    action: str = ""
    since: date | None = None  # first day, inclusive (UTC)
    until: date | None = None  # last day, inclusive

    def as_detail(self) -> dict[str, Any]:
        """The filter as an audit event records it (only what was chosen)."""
        chosen = {
            "user": self.user.username if self.user else "",
            "client": self.client,
            "action": self.action,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {key: value for key, value in chosen.items() if value}


def trail(*, user: User, chosen: Filter) -> QuerySet[AuditEvent]:
    """The clinic's events that match, newest first; the whole trail is for clinic admins."""
    if not user.is_clinic_admin:
        raise NotAllowed("only a clinic admin can read the audit log")
    found = AuditEvent.objects.filter(clinic=user.clinic)
    if chosen.user:
        found = found.filter(user=chosen.user)
    for word in chosen.client.split():
        found = found.filter(
            Q(client__first_name__icontains=word) | Q(client__last_name__icontains=word)
        )
    if chosen.action:
        found = found.filter(action=chosen.action)
    if chosen.since:
        found = found.filter(at__date__gte=chosen.since)
    if chosen.until:
        found = found.filter(at__date__lte=chosen.until)
    return found.select_related("user", "client").order_by("-at", "-pk")


def actions(*, user: User) -> list[str]:
    """The actions that occur in the clinic's trail, for choosing one."""
    found = AuditEvent.objects.filter(clinic=user.clinic).values_list("action", flat=True)
    return sorted(set(found.distinct().order_by()))

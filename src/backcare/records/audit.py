"""The audit log: every view or change of a client's record, with who and when, each event
chained to the one before it in the clinic's trail (records/chain.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from backcare.records import chain, saving
from backcare.records.models import AuditEvent, Client, User


def record(
    *,
    user: User | None,
    action: str,
    client: Client | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one event at the head of its clinic's chain (waiting for a writer ahead of it)."""
    clinic = client.clinic if client is not None else (user.clinic if user else None)
    at, detail = timezone.now(), detail or {}
    content = {
        "at": at,
        "user": user.username if user else None,
        "action": action,
        "target": target,
        "detail": detail,
    }
    with transaction.atomic():
        saving.lock_audit_chain(clinic.pk if clinic else None)
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
            client=client,
            action=action,
            target=target,
            detail=detail,
            at=at,
            seq=seq,
            prev_hash=prev_hash,
            hash=chain.digest(seq=seq, prev_hash=prev_hash, **content),
        )


def events(*, user: User, limit: int = 200) -> QuerySet[AuditEvent]:
    """The clinic's most recent audit events (clinic admins only; checked by the caller)."""
    return (
        AuditEvent.objects.filter(clinic=user.clinic)
        .select_related("user", "client")
        .order_by("-at", "-pk")[:limit]
    )

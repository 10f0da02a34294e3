"""The audit log: every view or change of a client's record, with who and when."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backcare.records.models import AuditEvent, Client, Clinic, User


def record(
    *,
    user: User | None,
    action: str,
    client: Client | None = None,
    clinic: Clinic | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    if clinic is None:
        clinic = client.clinic if client is not None else (user.clinic if user else None)
    AuditEvent.objects.create(
        clinic=clinic, user=user, client=client, action=action, target=target, detail=detail or {}
    )


def events(*, user: User, limit: int = 200) -> QuerySet[AuditEvent]:
    """The clinic's most recent audit events (clinic admins only; checked by the caller)."""
    return (
        AuditEvent.objects.filter(clinic=user.clinic)
        .select_related("user", "client")
        .order_by("-at", "-pk")[:limit]
    )

"""Correcting a client's details: each changed field is kept with its old value, who changed
it, when and why, and the change is written to the audit log."""

from __future__ import annotations

from typing import Any

from backcare.errors import InvalidIntake, Problem
from backcare.records import audit, saving
from backcare.records.models import Client, ClientChange, User

EDITABLE = ("first_name", "last_name", "date_of_birth", "email", "phone", "physician", "notes")


@saving.atomic
def update_client(
    *, user: User, client: Client, data: dict[str, Any], reason: str = ""
) -> list[ClientChange]:
    """Apply the changed details; nothing is stored (and InvalidIntake raised) on bad input."""
    unknown = [Problem(name, "cannot be edited here") for name in data if name not in EDITABLE]
    if unknown:
        raise InvalidIntake(unknown)
    changes = []
    for name, new in data.items():
        old = getattr(client, name)
        if _shown(old) == _shown(new):
            continue
        changes.append(
            ClientChange.objects.create(
                clinic=client.clinic,
                client=client,
                changed_by=user,
                field=name,
                old=_shown(old),
                new=_shown(new),
                reason=reason.strip()[:300],
            )
        )
        setattr(client, name, new)
    if changes:
        client.save(update_fields=[c.field for c in changes])
        audit.record(
            user=user,
            action="client.update",
            client=client,
            target="details",
            detail={"fields": [c.field for c in changes]},
        )
    return changes


def history(client: Client) -> list[ClientChange]:
    """Every recorded change of the client's details, newest first."""
    return list(client.changes.select_related("changed_by"))


def _shown(value: Any) -> str:
    return "" if value is None else str(value)

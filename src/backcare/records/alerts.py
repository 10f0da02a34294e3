"""Acknowledging a dashboard alert with a note of what was done. The acknowledgement holds
for the situation that raised the alert; when that changes, the alert comes back."""

from __future__ import annotations

from backcare.errors import InvalidIntake, Problem
from backcare.records import audit, clients
from backcare.records.dashboard import current_alerts
from backcare.records.models import AlertAcknowledgement, User


def acknowledge(
    *, user: User, client_id: int, kind: str, situation: str, note: str
) -> AlertAcknowledgement:
    """Record that an open alert of a client of the user's clinic was seen and handled."""
    client = clients.get(user=user, client_id=client_id)
    problems = []
    if not note.strip():
        problems.append(Problem("note", "say what was done about the alert"))
    open_alerts = {
        (a.kind, a.situation)
        for a in current_alerts(user)
        if a.client.pk == client.pk and a.acknowledged is None
    }
    if (kind, situation) not in open_alerts:
        problems.append(Problem("alert", "this alert is no longer open; reload the dashboard"))
    if problems:
        raise InvalidIntake(problems)
    acknowledgement = AlertAcknowledgement.objects.create(
        clinic=client.clinic,
        client=client,
        kind=kind,
        situation=situation,
        note=note.strip(),
        acknowledged_by=user,
    )
    audit.record(
        user=user,
        action="alert.acknowledge",
        client=client,
        target=f"{kind}: {situation}",
        detail={"note": acknowledgement.note},
    )
    return acknowledgement

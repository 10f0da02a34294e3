"""Recording a clearance received from the client's physician."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.errors import InvalidIntake, Problem
from backcare.records import audit
from backcare.records.models import Clearance, Client, User


def record_clearance(
    *, user: User, client: Client, received_from: str, received_on: date, note: str = "",
    document: Any = None, today: date,
) -> Clearance:
    problems = []
    if not received_from.strip():
        problems.append(Problem("received_from", "who gave the clearance is required"))
    if received_on > today:
        problems.append(Problem("received_on", f"{received_on} is in the future"))
    if problems:
        raise InvalidIntake(problems)
    clearance = Clearance.objects.create(
        clinic=client.clinic, client=client, received_from=received_from.strip(),
        received_on=received_on, note=note, recorded_by=user, **({"document": document} if document else {}),
    )
    audit.record(user=user, action="clearance.record", client=client,
                 target=f"clearance {clearance.pk}")
    return clearance

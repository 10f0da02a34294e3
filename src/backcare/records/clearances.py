"""Recording a clearance received from the client's physician, and re-assessing with it."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.errors import InvalidIntake, NotFound, Problem
from backcare.records import audit, clients, documents, saving
from backcare.records.intakes import latest_data, record_intake
from backcare.records.models import Clearance, Client, User


def pending(client: Client) -> list[dict[str, Any]]:
    """The findings of the latest assessment that wait for a doctor's clearance."""
    assessment = client.assessments.first()
    if assessment is None:
        return []
    return [f for f in assessment.result["findings"] if f["decision"] in ("clearance", "refer")]


@saving.atomic
def record_clearance(
    *,
    user: User,
    client: Client,
    received_from: str,
    received_on: date,
    covers: list[str],
    note: str = "",
    document: Any = None,
    today: date,
) -> Clearance:
    """Keep the clearance, then assess the latest intake again with the findings it covers."""
    saving.lock_client(client)  # the intake read below stays the newest until this one is saved
    waiting = {f["rule"] for f in pending(client)}
    problems = []
    if not received_from.strip():
        problems.append(Problem("received_from", "who gave the clearance is required"))
    if received_on > today:
        problems.append(Problem("received_on", f"{received_on} is in the future"))
    if not covers:
        problems.append(Problem("covers", "tick the findings this clearance covers"))
    for rule in covers:
        if rule not in waiting:
            problems.append(Problem("covers", f"{rule!r} is not waiting for a clearance"))
    accepted = None
    if document:
        try:
            accepted = documents.check(document)
        except InvalidIntake as refused:
            problems.extend(refused.problems)
    if problems:
        raise InvalidIntake(problems)
    if accepted is not None:
        document.name = f"upload.{accepted.extension}"
    clearance = Clearance.objects.create(
        clinic=client.clinic,
        client=client,
        received_from=received_from.strip(),
        received_on=received_on,
        note=note,
        recorded_by=user,
        **(
            {
                "document": document,
                "document_name": accepted.display_name,
                "document_type": accepted.content_type,
            }
            if accepted
            else {}
        ),
    )
    audit.record(
        user=user,
        action="clearance.record",
        client=client,
        target=f"clearance {clearance.pk}",
        detail={"covers": covers},
    )
    data = latest_data(client) or {}
    data["clearances"] = [
        *data.get("clearances", []),
        *(
            {
                "rule": rule,
                "received_from": clearance.received_from,
                "received_on": received_on.isoformat(),
            }
            for rule in covers
        ),
    ]
    data["assessed_on"] = today.isoformat()
    record_intake(
        user=user,
        client=client,
        data=data,
        today=today,
        reason=f"clearance from {clearance.received_from}",
    )
    return clearance


def open_document(*, user: User, client_id: int, clearance_id: int) -> Clearance:
    """A clearance of a client of the user's clinic whose scanned document is kept; audited."""
    client = clients.get(user=user, client_id=client_id)
    clearance = client.clearances.filter(pk=clearance_id).first()
    if clearance is None or not clearance.document:
        raise NotFound(f"no clearance document {clearance_id}")
    audit.record(
        user=user,
        action="clearance.document.view",
        client=client,
        target=f"clearance {clearance.pk}",
    )
    return clearance

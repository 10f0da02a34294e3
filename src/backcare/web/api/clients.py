"""Clients, their intakes, assessments and plans: the clinic's own only, every call audited."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from backcare.errors import InvalidIntake, NotFound, Problem
from backcare.records import audit, clients, intakes, plans, sessions
from backcare.records.models import Assessment, Client, Intake, Plan
from backcare.web.api import paging
from backcare.web.api.auth import reader, writer
from backcare.web.api.errors import responses
from backcare.web.api.forms import checked
from backcare.web.api.schemas import (
    AssessmentOut,
    ClientIn,
    ClientOut,
    IntakeIn,
    IntakeOut,
    PlanOut,
)
from backcare.web.forms import ClientForm
from backcare.web.views.common import today

router = Router(tags=["clients"])

ClientQuery = paging.query(("last_name", "first_name", "created_at", "id"), "last_name")
IntakeQuery = paging.query(("version",), "-version")
AssessmentQuery = paging.query(("created_at",), "-created_at")


def opened(request: HttpRequest, client_id: int, what: str) -> Client:
    """The caller's clinic's client, the view written to the audit trail (``api`` and what)."""
    return clients.open_client(user=reader(request), client_id=client_id, purpose=f"api {what}")


@router.get("/clients", response=responses({200: paging.page_of(ClientOut)}))
def client_list(request: HttpRequest, q: Query[ClientQuery]) -> dict[str, Any]:  # type: ignore[valid-type]
    """The clinic's clients, a page at a time."""
    user = reader(request)
    found = paging.page(clients.search(user=user), q)
    audit.record(
        user=user,
        action="client.search",
        target="api",
        detail={"clients": sorted(c.pk for c in found["items"])},
    )
    return found


@router.post("/clients", response=responses({201: ClientOut}))
def client_create(request: HttpRequest, data: ClientIn) -> Status[Client]:
    """A new client of the caller's clinic (a write token)."""
    user = writer(request)
    fields = checked(ClientForm, data.model_dump())
    return Status(201, clients.create_client(user=user, data=fields))


@router.get("/clients/{client_id}", response=responses({200: ClientOut}))
def client_get(request: HttpRequest, client_id: int) -> Client:
    return opened(request, client_id, "client")


@router.get("/clients/{client_id}/intakes", response=responses({200: paging.page_of(IntakeOut)}))
def intake_list(request: HttpRequest, client_id: int, q: Query[IntakeQuery]) -> dict[str, Any]:  # type: ignore[valid-type]
    """The client's intake versions (each kept for good)."""
    client = opened(request, client_id, "intakes")
    return paging.page(client.intakes.all(), q)


@router.get("/clients/{client_id}/intakes/{version}", response=responses({200: IntakeOut}))
def intake_get(request: HttpRequest, client_id: int, version: int) -> Intake:
    client = opened(request, client_id, f"intake v{version}")
    found = client.intakes.filter(version=version).first()
    if found is None:
        raise NotFound(f"no intake version {version}")
    return found


@router.post("/clients/{client_id}/intakes", response=responses({201: AssessmentOut}))
def intake_create(request: HttpRequest, client_id: int, data: IntakeIn) -> Status[Assessment]:
    """A new intake version, assessed (a write token); a plan replaces the active one. With
    ``reason`` it corrects the last version, which stays on record."""
    user = writer(request)
    client = clients.open_client(user=user, client_id=client_id, purpose="api intake")
    try:
        assessment = intakes.record_intake(
            user=user, client=client, data=data.intake, today=today(), reason=data.reason
        )
    except InvalidIntake as error:  # the contract's paths, inside the request's "intake"
        raise InvalidIntake(
            [
                p if p.path == "reason" else Problem(f"intake.{p.path}".rstrip("."), p.message)
                for p in error.problems
            ]
        ) from None
    return Status(201, assessment)


@router.get(
    "/clients/{client_id}/assessments", response=responses({200: paging.page_of(AssessmentOut)})
)
def assessment_list(
    request: HttpRequest,
    client_id: int,
    q: Query[AssessmentQuery],  # type: ignore[valid-type]
) -> dict[str, Any]:
    client = opened(request, client_id, "assessments")
    return paging.page(client.assessments.all(), q)


@router.get(
    "/clients/{client_id}/assessments/{assessment_id}", response=responses({200: AssessmentOut})
)
def assessment_get(request: HttpRequest, client_id: int, assessment_id: int) -> Assessment:
    _, found, _ = clients.assessment(
        user=reader(request), client_id=client_id, assessment_id=assessment_id
    )
    return found


@router.get("/clients/{client_id}/plan", response=responses({200: PlanOut}))
def plan_current(request: HttpRequest, client_id: int) -> Plan:
    """The client's active plan; a 404 says why there is none (a hold, a referral, no intake)."""
    client = opened(request, client_id, "plan")
    plan = plans.current(client)
    if plan is None:
        stopped = sessions.stopped_by(client)
        raise NotFound(f"no active plan: {stopped}" if stopped else "no active plan")
    return plan


@router.get("/clients/{client_id}/plans/{plan_id}", response=responses({200: PlanOut}))
def plan_get(request: HttpRequest, client_id: int, plan_id: int) -> Plan:
    """One of the client's plans, the active one or an earlier one."""
    client = opened(request, client_id, f"plan {plan_id}")
    found = client.plans.filter(pk=plan_id).first()
    if found is None:
        raise NotFound(f"no plan {plan_id}")
    return found


# GET /clients/{client_id}/fhir (the client's record as a FHIR R4 bundle) belongs here, beside
# the export: it goes through backcare.interop.fhir and opens the client with opened() above.

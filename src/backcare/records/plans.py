"""Editing a plan: the therapist may change the dose and modality within the screening's
limits; every change is recorded with who, when, the old and new value and why."""

from __future__ import annotations

from typing import Any

from backcare.clinical.protocol import SessionProtocol, build_protocol
from backcare.errors import InvalidIntake, NotFound, Problem
from backcare.knowledge import Decision, load_knowledge
from backcare.records import audit, saving
from backcare.records.models import Client, Plan, PlanChange, User

EDITABLE = (
    "modality",
    "session_minutes",
    "sessions_per_week",
    "total_sessions",
    "reassess_after_sessions",
    "max_pressure",
)


def changes(plan: Plan) -> list[PlanChange]:
    """Every recorded change of a plan, newest first."""
    return list(plan.changes.select_related("changed_by"))


def current(client: Client) -> Plan | None:
    """The client's active plan, if any."""
    return client.plans.filter(active=True).first()


def active_plan(*, client: Client) -> Plan:
    plan = current(client)
    if plan is None:
        raise NotFound("this client has no active plan")
    return plan


@saving.atomic
def update_plan(*, user: User, client: Client, changes: dict[str, Any], reason: str) -> Plan:
    saving.lock_client(client)  # two edits at once: the second starts from the first's result
    plan = active_plan(client=client)
    problems = _check(plan, changes)
    if not reason.strip():
        problems.append(Problem("reason", "say why the plan changes"))
    if problems:
        raise InvalidIntake(problems)
    for field, new in changes.items():
        old = getattr(plan, field)
        if old != new:
            PlanChange.objects.create(
                clinic=plan.clinic,
                plan=plan,
                changed_by=user,
                field=field,
                old=old,
                new=new,
                reason=reason.strip(),
            )
            setattr(plan, field, new)
    plan.save()
    audit.record(
        user=user,
        action="plan.update",
        client=client,
        target=f"plan {plan.pk}",
        detail={"fields": sorted(changes)},
    )
    return plan


def _check(plan: Plan, changes: dict[str, Any]) -> list[Problem]:
    """Changes must stay inside what the assessment allows."""
    kb = load_knowledge()
    limits = plan.assessment.result["modifications"]
    excluded = {e["modality"]: e["reasons"] for e in plan.assessment.result["excluded_modalities"]}
    problems: list[Problem] = []
    for field in changes:
        if field not in EDITABLE:
            problems.append(Problem(field, f"cannot be edited; editable: {', '.join(EDITABLE)}"))
    modality = changes.get("modality")
    if modality is not None and modality not in kb.modalities:
        problems.append(Problem("modality", f"unknown; allowed: {', '.join(kb.modalities)}"))
    elif modality in excluded:
        problems.append(
            Problem("modality", "ruled out by the screening: " + "; ".join(excluded[modality]))
        )
    pressure = changes.get("max_pressure")
    cap = limits["max_pressure"]
    if pressure is not None and pressure not in kb.pressure:
        problems.append(Problem("max_pressure", f"allowed: {', '.join(kb.pressure)}"))
    elif pressure and cap and kb.pressure_rank(pressure) > kb.pressure_rank(cap):
        problems.append(Problem("max_pressure", f"the screening allows at most {cap}"))
    minutes = changes.get("session_minutes")
    if (
        minutes is not None
        and limits["max_session_minutes"]
        and minutes > limits["max_session_minutes"]
    ):
        problems.append(
            Problem(
                "session_minutes", f"the screening allows at most {limits['max_session_minutes']}"
            )
        )
    return problems


def outline(plan: Plan) -> SessionProtocol:
    """The session outline of a plan as it stands (with the therapist's edits)."""
    details = plan.details
    pain = plan.assessment.intake.data.get("pain") or {}
    return build_protocol(
        decision=Decision[plan.assessment.decision],
        modality=plan.modality,
        minutes=plan.session_minutes,
        max_pressure=plan.max_pressure,
        avoid_regions=details["avoid_regions"],
        avoid_techniques=details["avoid_techniques"],
        positioning=details["positioning"],
        painful=pain.get("regions", []),
        kb=load_knowledge(),
    )

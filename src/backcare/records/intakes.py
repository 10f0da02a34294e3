"""Recording an intake: validate it, assess it, keep both for good, and make the plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.clinical import assess, parse_intake, to_json
from backcare.clinical.intake import check_against
from backcare.errors import InvalidIntake, Problem
from backcare.knowledge import load_knowledge
from backcare.records import audit, saving
from backcare.records.consent import Consent
from backcare.records.models import Assessment, Client, Intake, Plan, User


def record_intake(
    *,
    user: User | None,
    client: Client,
    data: dict[str, Any],
    today: date,
    source: str = Intake.Source.THERAPIST,
    reason: str = "",
    consent: Consent | None = None,
) -> Assessment:
    """Store a new intake version and its assessment; a plan replaces the active one.
    ``consent`` is the client's signed consent that came with a self-service intake.

    Raises InvalidIntake (nothing is stored) when the intake breaks the contract, SaveFailed when
    the database cannot take the save. The intake is checked and assessed before the save
    starts, so the client is held (see records.saving) only while the rows are written.
    """
    kb = load_knowledge()
    longest = Intake._meta.get_field("reason").max_length or 0
    if len(reason) > longest:
        raise InvalidIntake(
            [
                Problem(
                    "reason", f"at most {longest} characters are allowed (this has {len(reason)})"
                )
            ]
        )
    intake = parse_intake(data, today=today)
    if intake.assessed_on > today:
        raise InvalidIntake([Problem("assessed_on", f"{intake.assessed_on} is in the future")])
    check_against(intake, kb.modalities)
    result = assess(intake, kb)
    return _store(
        user=user,
        client=client,
        intake=intake.model_dump(mode="json", exclude_unset=True),
        result=to_json(result),
        decision=result.decision.name,
        knowledge_version=kb.version,
        source=source,
        reason=reason,
        consent=consent,
    )


@saving.atomic
def _store(
    *,
    user: User | None,
    client: Client,
    intake: dict[str, Any],
    result: dict[str, Any],
    decision: str,
    knowledge_version: str,
    source: str,
    reason: str,
    consent: Consent | None,
) -> Assessment:
    saving.lock_client(client)
    previous = client.intakes.order_by("-version").first()
    stored = Intake.objects.create(
        clinic=client.clinic,
        client=client,
        version=(previous.version + 1) if previous else 1,
        data=intake,
        source=source,
        recorded_by=user,
        correction_of=previous if previous and reason else None,
        reason=reason,
        consent_name=consent.name if consent else "",
        consented_at=consent.at if consent else None,
    )
    assessment = Assessment.objects.create(
        clinic=client.clinic,
        client=client,
        intake=stored,
        result=result,
        decision=decision,
        knowledge_version=knowledge_version,
    )
    client.plans.filter(active=True).update(active=False)
    if assessment.result["plan"]:
        _plan_from(assessment)
    audit.record(
        user=user,
        action="intake.record",
        client=client,
        target=f"intake v{stored.version}",
        detail={"decision": assessment.decision, "source": source},
    )
    return assessment


def _plan_from(assessment: Assessment) -> Plan:
    made = assessment.result["plan"]
    pain_goal = next((g["target"] for g in made["goals"] if g["kind"] == "pain"), None)
    keys = (
        "alternatives",
        "avoid_regions",
        "avoid_techniques",
        "positioning",
        "goals",
        "home_care",
        "review_triggers",
        "notes",
        "sources",
    )
    return Plan.objects.create(
        clinic=assessment.clinic,
        client=assessment.client,
        assessment=assessment,
        modality=made["modality"],
        session_minutes=made["session_minutes"],
        sessions_per_week=made["sessions_per_week"],
        total_sessions=made["total_sessions"],
        reassess_after_sessions=made["reassess_after_sessions"],
        max_pressure=made["max_pressure"],
        details={key: made[key] for key in keys},
        pain_goal=pain_goal,
    )


def latest_data(client: Client) -> dict[str, Any] | None:
    """The newest intake's data, to start a correction from."""
    latest = client.intakes.order_by("-version").first()
    return dict(latest.data) if latest else None

"""A client's record as one FHIR R4 Bundle of type ``collection``.

HL7 FHIR R4 (4.0.1), Bundle (§2.36): a collection of the client's Patient, the newest intake
(Condition, MedicationStatement, AllergyIntolerance, QuestionnaireResponse), its assessment
(DetectedIssue, RiskAssessment, Provenance, Device), the current plan (CarePlan, Goal), referrals
(ServiceRequest), sessions (Procedure, pain Observations) and outcome measures (Observation).
``build`` is pure over the records it is given; ``bundle_for`` reads them from the database.
The caller has already found the client within the user's clinic and audits the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from backcare.clinical.intake import parse_intake
from backcare.interop.fhir import care, findings
from backcare.interop.fhir import intake as intake_fhir
from backcare.interop.fhir.ids import Ids
from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.records import plans
from backcare.records.models import Assessment, Client, Intake, Measure, Plan, Referral, SessionNote


@dataclass(frozen=True)
class Record:
    """The parts of a client's record a Bundle holds."""

    client: Client
    intake: Intake | None
    assessment: Assessment | None
    plan: Plan | None
    sessions: list[SessionNote]
    measures: list[Measure]
    referrals: list[Referral]


def bundle_for(client: Client, *, today: date | None = None) -> dict[str, Any]:
    """The client's records as a FHIR R4 collection Bundle (a JSON-ready dict)."""
    newest = client.intakes.order_by("-version").first()
    record = Record(
        client=client,
        intake=newest,
        assessment=Assessment.objects.filter(intake=newest).order_by("-pk").first()
        if newest
        else None,
        plan=plans.current(client),
        sessions=list(
            client.sessions.select_related("therapist", "plan").order_by("session_date", "pk")
        ),
        # A corrected measure is replaced by its correction; the zip export keeps both.
        measures=list(
            client.measures.filter(corrected_by__isnull=True).order_by("measured_on", "pk")
        ),
        referrals=list(client.referrals.order_by("referred_on", "pk")),
    )
    return build(record, load_knowledge(), today=today or timezone.localdate())


def build(record: Record, kb: KnowledgeBase, *, today: date) -> dict[str, Any]:
    """The Bundle of these records; the same records always give the same Bundle."""
    ids = Ids(f"client/{record.client.pk}")
    intake = parse_intake(record.intake.data, today=today) if record.intake else None
    resources = [intake_fhir.patient(ids, record.client, intake)]
    if intake is not None:
        resources += intake_fhir.intake_resources(ids, intake, kb)
    if record.assessment is not None:
        resources += findings.assessment_resources(ids, record.assessment, kb)
    if record.plan is not None:
        resources += care.plan_resources(ids, record.plan, kb)
    resources += [care.referral_resource(ids, r, today) for r in record.referrals]
    for note in record.sessions:
        modality = note.plan.modality if note.plan else None
        resources += care.session_resources(ids, note, modality, kb)
    resources += [care.measure_resource(ids, m, kb) for m in record.measures]
    return {
        "resourceType": "Bundle",
        "id": ids.id("Bundle"),
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }

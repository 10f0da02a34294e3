"""A client's course of care as FHIR resources: the plan, its goals, referrals, sessions and
outcome measures.

HL7 FHIR R4 (4.0.1): CarePlan (§9.3; one activity, the planned sessions with their timing),
Goal (§9.4; the pain target measured by the numeric pain rating), ServiceRequest (§12.7; a
referral for massage, with the diagnosis as its reason and the visits authorised as its
quantity), Procedure (§9.7; a delivered session, coded by the knowledge base's SNOMED CT code for
the modality) and Observation (§7.1; category ``survey``; each instrument's and item's LOINC code
from the knowledge base where it has one, backcare's instrument id always).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backcare.interop.fhir import systems
from backcare.interop.fhir.ids import Ids
from backcare.interop.fhir.intake import regions
from backcare.knowledge import KnowledgeBase
from backcare.records.models import Measure, Plan, Referral, SessionNote

# The instrument a session note's pain before and after is asked on, and a plan's pain goal.
PAIN = "nprs"
_SURVEY = {"coding": [{"system": systems.OBSERVATION_CATEGORY, "code": "survey"}]}


def modality_code(kb: KnowledgeBase, modality: str) -> dict[str, Any]:
    """A modality's CodeableConcept: backcare's id, and SNOMED CT where known."""
    known = kb.modalities.get(modality)
    name = known.name if known else modality
    coding = [{"system": systems.MODALITY, "code": modality, "display": name}]
    if known and known.snomed:
        coding.append({"system": systems.SNOMED, "code": known.snomed})
    return {"coding": coding, "text": name}


def plan_resources(ids: Ids, plan: Plan, kb: KnowledgeBase) -> list[dict[str, Any]]:
    subject = ids.ref("Patient")
    goals = [_goal(ids, plan, i, g, kb) for i, g in enumerate(plan.details.get("goals", []))]
    repeat: dict[str, Any] = {
        **_frequency(plan.sessions_per_week),
        "count": plan.total_sessions,
        "duration": plan.session_minutes,
        "durationUnit": "min",
    }
    care_plan = ids.resource(
        "CarePlan",
        plan.pk,
        status="active" if plan.active else "revoked",
        intent="plan",
        title=f"{modality_code(kb, plan.modality)['text']}, {plan.total_sessions} sessions",
        description=(
            f"{plan.total_sessions} sessions of {plan.session_minutes} minutes, pressure at most "
            f"{plan.max_pressure}; reassess after {plan.reassess_after_sessions} sessions."
        ),
        subject=subject,
        period={"start": plan.created_at.date().isoformat()},
        goal=[{"reference": f"urn:uuid:{g['id']}"} for g in goals],
        activity=[
            {
                "detail": {
                    "kind": "ServiceRequest",
                    "code": modality_code(kb, plan.modality),
                    "status": "in-progress" if plan.active else "stopped",
                    "scheduledTiming": {"repeat": repeat},
                    "description": _avoid(plan),
                }
            }
        ],
    )
    return [care_plan, *goals]


def _frequency(per_week: float) -> dict[str, Any]:
    """Sessions a week as a Timing's frequency and period (0.5 a week: once every 2 weeks)."""
    if per_week >= 1 and per_week == int(per_week):
        return {"frequency": int(per_week), "period": 1, "periodUnit": "wk"}
    if per_week > 0:
        return {"frequency": 1, "period": round(1 / per_week, 2), "periodUnit": "wk"}
    return {}


def _avoid(plan: Plan) -> str | None:
    avoid = [*plan.details.get("avoid_regions", []), *plan.details.get("avoid_techniques", [])]
    return f"Avoid: {', '.join(str(a) for a in avoid)}." if avoid else None


def _goal(
    ids: Ids, plan: Plan, index: int, goal: dict[str, Any], kb: KnowledgeBase
) -> dict[str, Any]:
    target = None
    if goal.get("kind") == "pain" and goal.get("target") is not None:
        target = [
            {
                "measure": _instrument_code(kb, PAIN),
                "detailRange": {"high": {"value": goal["target"]}},
            }
        ]
    return ids.resource(
        "Goal",
        f"{plan.pk}/{index}",
        lifecycleStatus="active" if plan.active else "cancelled",
        description={"text": str(goal.get("text", ""))},
        subject=ids.ref("Patient"),
        target=target,
    )


def referral_resource(ids: Ids, referral: Referral, today: date) -> dict[str, Any]:
    expired = referral.expires_on is not None and referral.expires_on < today
    reason: dict[str, Any] = {"text": referral.diagnosis}
    if referral.icd10:
        reason["coding"] = [{"system": systems.ICD10, "code": referral.icd10}]
    notes = [
        n
        for n in (f"Frequency: {referral.frequency}" if referral.frequency else "", referral.notes)
        if n
    ]
    return ids.resource(
        "ServiceRequest",
        referral.pk,
        status="completed" if expired else "active",
        intent="order",
        code={"text": "Massage therapy"},
        subject=ids.ref("Patient"),
        authoredOn=referral.referred_on.isoformat(),
        requester={"display": referral.referrer},
        reasonCode=[reason],
        quantityQuantity={"value": referral.visits_authorised, "unit": "visits"},
        occurrencePeriod={
            "start": referral.referred_on.isoformat(),
            "end": referral.expires_on.isoformat(),
        }
        if referral.expires_on
        else None,
        note=[{"text": n} for n in notes],
    )


def session_resources(
    ids: Ids, note: SessionNote, modality: str | None, kb: KnowledgeBase
) -> list[dict[str, Any]]:
    soap = (
        ("Subjective", note.subjective),
        ("Objective", note.objective),
        ("Assessment", note.analysis),
        ("Plan", note.next_steps),
    )
    therapist = note.therapist.get_full_name() or note.therapist.username
    procedure = ids.resource(
        "Procedure",
        note.pk,
        status="completed",
        code=modality_code(kb, modality) if modality else {"text": "Massage"},
        subject=ids.ref("Patient"),
        performedDateTime=note.session_date.isoformat(),
        performer=[{"actor": {"display": therapist}}],
        bodySite=regions(note.regions, kb),
        complication=[{"text": note.adverse_events}] if note.adverse_events else None,
        note=[{"text": f"{label}: {text}"} for label, text in soap if text]
        + [
            {
                "text": f"{note.minutes} minutes, {note.pressure} pressure; "
                f"techniques: {', '.join(note.techniques)}"
            }
        ],
    )
    pains = [
        ids.resource(
            "Observation",
            f"session/{note.pk}/{when}",
            status="final",
            category=[_SURVEY],
            code=_instrument_code(kb, PAIN, f"Pain {when} the session"),
            subject=ids.ref("Patient"),
            partOf=[ids.ref("Procedure", note.pk)],
            effectiveDateTime=note.session_date.isoformat(),
            valueInteger=value,
        )
        for when, value in (("before", note.pain_before), ("after", note.pain_after))
        if value is not None
    ]
    return [procedure, *pains]


def measure_resource(ids: Ids, measure: Measure, kb: KnowledgeBase) -> dict[str, Any]:
    instrument = kb.instruments.get(measure.instrument)
    items = {item.id: item for item in instrument.items} if instrument else {}
    components = [
        {
            "code": {
                "coding": [{"system": systems.LOINC, "code": items[key].loinc}],
                "text": items[key].label,
            }
        }
        | _value(answer)
        for key, answer in measure.answers.items()
        if key in items and items[key].loinc and answer is not None
    ]
    group = measure.result.get("group")
    incomplete = measure.result.get("incomplete")
    return ids.resource(
        "Observation",
        f"measure/{measure.pk}",
        status="corrected" if measure.correction_of_id else "final",
        category=[_SURVEY],
        code=_instrument_code(kb, measure.instrument),
        subject=ids.ref("Patient"),
        effectiveDateTime=measure.measured_on.isoformat(),
        valueQuantity={"value": measure.score, "unit": "score"}
        if measure.score is not None
        else None,
        dataAbsentReason={"text": str(incomplete or "not scored")}
        if measure.score is None
        else None,
        interpretation=[{"text": str(group)}] if group else None,
        component=components,
        note=[{"text": f"Taken at: {measure.point}"}],
    )


def _instrument_code(
    kb: KnowledgeBase, instrument_id: str, text: str | None = None
) -> dict[str, Any]:
    instrument = kb.instruments.get(instrument_id)
    name = instrument.name if instrument else instrument_id
    coding = [{"system": systems.INSTRUMENT, "code": instrument_id, "display": name}]
    if instrument and instrument.loinc:
        coding.insert(0, {"system": systems.LOINC, "code": instrument.loinc})
    return {"coding": coding, "text": text or name}


def _value(answer: Any) -> dict[str, Any]:
    if isinstance(answer, bool):
        return {"valueBoolean": answer}
    if isinstance(answer, int):
        return {"valueInteger": answer}
    if isinstance(answer, float):
        return {"valueQuantity": {"value": answer}}
    return {"valueString": str(answer)}

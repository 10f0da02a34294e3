"""A client and their intake as FHIR resources: what ``read.py`` reads back.

HL7 FHIR R4 (4.0.1): Patient (§8.1), Condition (§9.2), MedicationStatement (§10.6),
AllergyIntolerance (§9.1) and the intake's QuestionnaireResponse (§12.2, see
``questionnaire.py``). Condition codes come from the knowledge base: backcare's condition id
always, SNOMED CT and ICD-10 where the knowledge base records them. Medicines and allergies
travel as the text the client gave, medicines with the RxNorm code of each generic named where
the knowledge base records one (``rxnorm.yaml``).
"""

from __future__ import annotations

from typing import Any

from backcare.clinical.intake import ConditionEntry, Intake
from backcare.interop.fhir import systems
from backcare.interop.fhir.ids import Ids
from backcare.interop.fhir.questionnaire import items_of
from backcare.knowledge import KnowledgeBase
from backcare.records.models import Client

_GENDER = {"female": "female", "male": "male", "intersex": "other", "unknown": "unknown"}
_CLINICAL = {
    "active": "active",
    "controlled": "active",
    "suspected": "active",
    "history": "resolved",
}


def patient(ids: Ids, client: Client, intake: Intake | None) -> dict[str, Any]:
    telecom = [
        {"system": system, "value": value}
        for system, value in (("phone", client.phone), ("email", client.email))
        if value
    ]
    sex = intake.client.sex if intake else None
    return ids.resource(
        "Patient",
        identifier=[{"system": systems.CLIENT_ID, "value": str(client.pk)}],
        name=[{"family": client.last_name, "given": [client.first_name]}],
        telecom=telecom,
        gender=_GENDER[sex] if sex else None,
        birthDate=client.date_of_birth.isoformat() if client.date_of_birth else None,
    )


def intake_resources(ids: Ids, intake: Intake, kb: KnowledgeBase) -> list[dict[str, Any]]:
    """The conditions, medicines and allergies of an intake, and the rest as a response."""
    subject = ids.ref("Patient")
    day = intake.assessed_on.isoformat()
    resources = [_condition(ids, i, c, kb, subject) for i, c in enumerate(intake.conditions)]
    resources += [
        ids.resource(
            "MedicationStatement",
            i,
            status="active",
            medicationCodeableConcept=medication_code(kb, text),
            subject=subject,
            dateAsserted=day,
        )
        for i, text in enumerate(intake.medications)
    ]
    resources += [
        ids.resource(
            "AllergyIntolerance",
            i,
            clinicalStatus=_coded(systems.ALLERGY_CLINICAL, "active"),
            verificationStatus=_coded(systems.ALLERGY_VERIFICATION, "unconfirmed"),
            code={"text": text},
            patient=subject,
            recordedDate=day,
        )
        for i, text in enumerate(intake.allergies)
    ]
    resources.append(
        ids.resource(
            "QuestionnaireResponse",
            questionnaire=systems.INTAKE,
            status="completed",
            subject=subject,
            authored=day,
            item=items_of(intake),
        )
    )
    return resources


def condition_code(kb: KnowledgeBase, name: str) -> dict[str, Any]:
    """A condition's CodeableConcept: its knowledge-base id, SNOMED CT and ICD-10 codes, name."""
    known = kb.conditions.get(kb.condition_id(name) or "")
    if known is None:
        return {"text": name}
    coding = [{"system": systems.CONDITION, "code": known.id, "display": known.name}]
    if known.snomed:
        coding.append({"system": systems.SNOMED, "code": known.snomed})
    if known.icd10:
        coding.append({"system": systems.ICD10, "code": known.icd10})
    return {"coding": coding, "text": known.name}


def medication_code(kb: KnowledgeBase, text: str) -> dict[str, Any]:
    """A medication line as written, with the RxNorm code of each generic it names (when known)."""
    generics = kb.read_medication(text).generics
    coding = [
        {"system": systems.RXNORM, "code": kb.rxnorm.codes[g], "display": g}
        for g in generics
        if g in kb.rxnorm.codes
    ]
    return {"coding": coding, "text": text} if coding else {"text": text}


def regions(names: tuple[str, ...] | list[str], kb: KnowledgeBase) -> list[dict[str, Any]]:
    """Body sites as backcare's region codes (the intake contract's region vocabulary)."""
    return [
        {"coding": [{"system": systems.REGION, "code": name, "display": kb.regions[name].name}]}
        if name in kb.regions
        else {"coding": [{"system": systems.REGION, "code": name}]}
        for name in names
    ]


def _condition(
    ids: Ids, index: int, entry: ConditionEntry, kb: KnowledgeBase, subject: dict[str, Any]
) -> dict[str, Any]:
    status = entry.status
    return ids.resource(
        "Condition",
        index,
        extension=[{"url": systems.CONDITION_STATUS, "valueCode": status}]
        if status == "controlled"
        else None,
        clinicalStatus=_coded(systems.CLINICAL_STATUS, _CLINICAL[status]),
        verificationStatus=_coded(
            systems.VERIFICATION_STATUS, "provisional" if status == "suspected" else "confirmed"
        ),
        code=condition_code(kb, entry.id),
        bodySite=regions(entry.regions, kb),
        subject=subject,
        onsetDateTime=entry.since.isoformat() if entry.since else None,
        note=[{"text": entry.note}] if entry.note else None,
    )


def _coded(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}

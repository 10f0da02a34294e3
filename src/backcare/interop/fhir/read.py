"""Read FHIR resources into an intake (contract v1), saying what could not be read and why.

HL7 FHIR R4 (4.0.1): Bundle (§2.36), Patient (§8.1), Condition (§9.2), MedicationStatement
(§10.6), MedicationRequest (§10.3), AllergyIntolerance (§9.1) and, from backcare's own export,
the intake's QuestionnaireResponse (§12.2). Codes map through the knowledge base (SNOMED CT and
ICD-10 for conditions, backcare's own condition ids; RxNorm for a medicine with no text); a
resource with no known code is read by its text with the same matcher as typed text, so an
unknown name reaches the assessment as unrecognised. Every resource that is not read, or read
only in part, is listed in ``unmapped``. Pure: no database and no clock (``today`` dates the
intake when nothing else does).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backcare.errors import InvalidFhir, Problem
from backcare.interop.fhir import systems
from backcare.interop.fhir.questionnaire import intake_of
from backcare.knowledge import KnowledgeBase
from backcare.knowledge.contract import REGIONS
from backcare.limits import FHIR_BUNDLE_MEGABYTES


@dataclass(frozen=True, slots=True)
class Unmapped:
    """A resource, or a part of one, that did not become part of the intake, and why."""

    resource: str
    why: str


@dataclass(frozen=True, slots=True)
class Reading:
    """An intake dict (validate it with ``parse_intake``), the client's name and birth date from
    the Patient, and what was left out."""

    intake: dict[str, Any]
    name: str | None
    unmapped: tuple[Unmapped, ...]
    born: date | None = None
    family: str | None = None
    given: str | None = None


@dataclass
class _Draft:
    kb: KnowledgeBase
    intake: dict[str, Any] = field(default_factory=dict)
    name: str | None = None
    family: str | None = None
    given: str | None = None
    birth: date | None = None
    patients: int = 0
    unmapped: list[Unmapped] = field(default_factory=list)

    def skip(self, resource: str, why: str) -> None:
        self.unmapped.append(Unmapped(resource, why))


MAX_BYTES = FHIR_BUNDLE_MEGABYTES * 1024 * 1024


def load_json(raw: bytes, *, name: str = "FILE") -> Any:
    """The JSON document in ``raw``; anything too large or unreadable is InvalidFhir."""
    if len(raw) > MAX_BYTES:
        problem = f"is larger than {FHIR_BUNDLE_MEGABYTES} MiB, the most a Bundle to import may be"
        raise InvalidFhir([Problem(name, problem)])
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise InvalidFhir([Problem(name, f"is not a FHIR Bundle in JSON: {error}")]) from None


def read_bundle(bundle: Any, kb: KnowledgeBase, *, today: date) -> Reading:
    """Read a Bundle's resources (any Bundle type) into an intake."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InvalidFhir([Problem("resourceType", "must be 'Bundle' (a FHIR R4 Bundle as JSON)")])
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise InvalidFhir([Problem("entry", "must be a list of entries")])
    resources = []
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            raise InvalidFhir([Problem(f"entry[{i}].resource", "must be a FHIR resource")])
        resources.append(resource)
    return read_resources(resources, kb, today=today)


def read_resources(
    resources: Iterable[Mapping[str, Any]], kb: KnowledgeBase, *, today: date
) -> Reading:
    """Read resources (e.g. a CDS Hooks prefetch) into an intake."""
    draft = _Draft(kb)
    for resource in resources:
        kind = str(resource.get("resourceType", ""))
        reader = _READERS.get(kind)
        if reader is None:
            draft.skip(
                _label(resource), f"{kind or 'a resource without a type'} is not part of an intake"
            )
        else:
            reader(draft, resource)
    intake = draft.intake
    intake.setdefault("assessed_on", today.isoformat())
    client = intake.setdefault("client", {})
    day = _day(intake["assessed_on"])
    if draft.birth is not None and day is not None and "age" not in client:
        client["age"] = _years(draft.birth, day)
    if "age" not in client:
        draft.skip(
            "Patient", "no birthDate (or intake age) given: the intake needs the client's age"
        )
    return Reading(
        intake, draft.name, tuple(draft.unmapped), draft.birth, draft.family, draft.given
    )


def _list(value: Any) -> list[Any]:
    """A list element as a list; anything else (a hostile or broken document) as empty."""
    return value if isinstance(value, list) else []


def _label(resource: Mapping[str, Any]) -> str:
    kind = resource.get("resourceType", "resource")
    return f"{kind}/{resource['id']}" if resource.get("id") else str(kind)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _patient(draft: _Draft, resource: Mapping[str, Any]) -> None:
    draft.patients += 1
    if draft.patients > 1:
        draft.skip(_label(resource), "a second Patient: an intake is about one client")
        return
    draft.name = _name(resource.get("name"))
    first = _first(resource.get("name"))
    if first:
        draft.family = str(first.get("family") or "") or None
        draft.given = " ".join(str(g) for g in _list(first.get("given")) if g) or None
    gender = resource.get("gender")
    if gender in ("female", "male", "unknown"):
        draft.intake.setdefault("client", {}).setdefault("sex", gender)
    elif gender is not None:
        draft.skip(
            _label(resource), f"gender {gender!r} has no equal among the intake's sexes; left out"
        )
    birth = resource.get("birthDate")
    if isinstance(birth, str):
        try:
            draft.birth = date.fromisoformat(birth[:10])
        except ValueError:
            draft.skip(_label(resource), f"birthDate {birth!r} is not a full date (YYYY-MM-DD)")


def _first(names: Any) -> dict[str, Any] | None:
    if not isinstance(names, list) or not names or not isinstance(names[0], dict):
        return None
    return names[0]


def _name(names: Any) -> str | None:
    first = _first(names)
    if first is None:
        return None
    if isinstance(first.get("text"), str):
        return str(first["text"])
    parts = [*_list(first.get("given")), first.get("family", "")]
    return " ".join(str(p) for p in parts if p) or None


def _codings(concept: Any) -> list[Mapping[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in _list(concept.get("coding")) if isinstance(c, dict)]


def _text(concept: Any) -> str | None:
    """A concept's own text, else the display of its first coding that has one."""
    if (
        isinstance(concept, dict)
        and isinstance(concept.get("text"), str)
        and concept["text"].strip()
    ):
        return str(concept["text"]).strip()
    for coding in _codings(concept):
        if isinstance(coding.get("display"), str) and coding["display"].strip():
            return str(coding["display"]).strip()
    return None


def _status(resource: Mapping[str, Any], name: str) -> str | None:
    for coding in _codings(resource.get(name)):
        if isinstance(coding.get("code"), str):
            return str(coding["code"])
    return None


def condition_for(concept: Any, kb: KnowledgeBase) -> str | None:
    """The knowledge-base condition a CodeableConcept names by code, if any."""
    for coding in _codings(concept):
        code, system = coding.get("code"), coding.get("system")
        if system == systems.CONDITION and code in kb.conditions:
            return str(code)
        for condition in kb.conditions.values():
            if (system == systems.SNOMED and code == condition.snomed) or (
                system == systems.ICD10 and code == condition.icd10
            ):
                return condition.id
    return None


_CLINICAL = {
    "active": "active",
    "recurrence": "active",
    "relapse": "active",
    "remission": "history",
    "resolved": "history",
    "inactive": "history",
}


def _condition(draft: _Draft, resource: Mapping[str, Any]) -> None:
    label = _label(resource)
    verification = _status(resource, "verificationStatus")
    if verification in ("refuted", "entered-in-error"):
        draft.skip(label, f"verificationStatus {verification}: not a condition the client has")
        return
    condition = condition_for(resource.get("code"), draft.kb)
    if condition is None:
        text = _text(resource.get("code"))
        if text is None:
            draft.skip(label, "no code the knowledge base knows and no text to read")
            return
        reading = draft.kb.read_condition(text)
        # A near miss stays as written, so the assessment treats it as it treats typed text.
        condition = reading.condition if reading.how == "name" and reading.condition else text
    entry: dict[str, Any] = {
        "id": condition,
        "status": _condition_status(draft, resource, verification),
    }
    regions = _regions(draft, label, resource.get("bodySite"))
    if regions:
        entry["regions"] = regions
    onset = resource.get("onsetDateTime")
    if isinstance(onset, str):
        entry["since"] = onset[:10]
    note = " ".join(
        n["text"]
        for n in _list(resource.get("note"))
        if isinstance(n, dict) and isinstance(n.get("text"), str)
    )
    if note:
        entry["note"] = note
    draft.intake.setdefault("conditions", []).append(entry)


def _condition_status(draft: _Draft, resource: Mapping[str, Any], verification: str | None) -> str:
    for extension in _list(resource.get("extension")):
        if isinstance(extension, dict) and extension.get("url") == systems.CONDITION_STATUS:
            return str(extension.get("valueCode"))
    if verification in ("unconfirmed", "provisional", "differential"):
        return "suspected"
    clinical = _status(resource, "clinicalStatus")
    if clinical is not None and clinical not in _CLINICAL:
        draft.skip(_label(resource), f"clinicalStatus {clinical!r} is unknown; read as active")
    return _CLINICAL.get(clinical or "active", "active")


def _regions(draft: _Draft, label: str, sites: Any) -> list[str]:
    regions = []
    for site in _list(sites):
        codes = [c.get("code") for c in _codings(site) if c.get("system") == systems.REGION]
        known = [str(c) for c in codes if c in REGIONS]
        if known:
            regions.extend(known)
        else:
            draft.skip(
                label,
                f"body site {_text(site) or '(no text)'!r} is not one of the intake's regions",
            )
    return regions


_TAKEN = {
    "MedicationStatement": ("active", "intended", "on-hold", "unknown"),
    "MedicationRequest": ("active", "on-hold", "draft", "unknown"),
}


def _medication(draft: _Draft, resource: Mapping[str, Any]) -> None:
    label, kind = _label(resource), str(resource["resourceType"])
    status = resource.get("status")
    if status not in _TAKEN[kind]:
        draft.skip(label, f"status {status!r}: not a medicine the client takes now")
        return
    concept = resource.get("medicationCodeableConcept")
    text = _text(concept) or _rxnorm_generic(concept, draft.kb)
    if text is None:
        draft.skip(label, "no medicine name (medicationCodeableConcept text or display) to read")
        return
    # Kept as written: the assessment reads the name and lists an unknown one as unrecognised.
    draft.intake.setdefault("medications", []).append(text)


def _rxnorm_generic(concept: Any, kb: KnowledgeBase) -> str | None:
    """The generic an RxNorm code stands for, when the knowledge base records it."""
    by_code = {code: generic for generic, code in kb.rxnorm.codes.items()}
    for coding in _codings(concept):
        if coding.get("system") == systems.RXNORM and coding.get("code") in by_code:
            return by_code[str(coding["code"])]
    return None


def _allergy(draft: _Draft, resource: Mapping[str, Any]) -> None:
    label = _label(resource)
    verification = _status(resource, "verificationStatus")
    clinical = _status(resource, "clinicalStatus")
    if verification in ("refuted", "entered-in-error") or clinical in ("inactive", "resolved"):
        draft.skip(label, f"status {verification or clinical}: not a current allergy")
        return
    text = _text(resource.get("code"))
    if text is None:
        draft.skip(label, "no substance name (code text or display) to read")
        return
    draft.intake.setdefault("allergies", []).append(text)


def _response(draft: _Draft, resource: Mapping[str, Any]) -> None:
    label = _label(resource)
    if resource.get("questionnaire") != systems.INTAKE:
        draft.skip(label, f"answers a questionnaire other than {systems.INTAKE}")
        return
    fields, problems = intake_of(_list(resource.get("item")))
    for problem in problems:
        draft.skip(label, problem)
    draft.intake.update({k: v for k, v in fields.items() if k != "client"})
    client = fields.get("client", {})
    draft.intake.setdefault("client", {}).update(client if isinstance(client, dict) else {})
    if "assessed_on" not in fields and isinstance(resource.get("authored"), str):
        draft.intake["assessed_on"] = resource["authored"][:10]


_READERS = {
    "Patient": _patient,
    "Condition": _condition,
    "MedicationStatement": _medication,
    "MedicationRequest": _medication,
    "AllergyIntolerance": _allergy,
    "QuestionnaireResponse": _response,
}

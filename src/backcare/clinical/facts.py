"""From an intake to the facts screening rules read (names in ``knowledge.rule.FACTS``).

Reading also resolves free text against the knowledge base: condition names and synonyms to
ids, medication lines to classes. What it cannot resolve is kept, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backcare.clinical.intake import Intake
from backcare.clinical.once import per_knowledge
from backcare.knowledge import Decision, KnowledgeBase
from backcare.knowledge.contract import PROCEDURE_KINDS, RED_FLAGS, SKIN_FINDINGS, STATUSES
from backcare.knowledge.names import ConditionReading, MedicationReading


@dataclass(frozen=True, slots=True)
class KnownCondition:
    id: str
    status: str
    regions: tuple[str, ...]
    stated: bool = True


@dataclass(frozen=True, slots=True)
class Reading:
    facts: dict[str, Any]
    conditions: tuple[KnownCondition, ...]
    medication_classes: tuple[str, ...]
    unrecognised_conditions: tuple[str, ...]
    unrecognised_medications: tuple[str, ...]
    chronicity: str | None
    medication_readings: tuple[MedicationReading, ...] = ()
    condition_readings: tuple[ConditionReading, ...] = ()


def read(intake: Intake, kb: KnowledgeBase) -> Reading:
    condition_readings = tuple(kb.read_condition(entry.id) for entry in intake.conditions)
    medication_readings = tuple(kb.read_medication(line) for line in intake.medications)
    conditions = _conditions(intake, condition_readings)
    classes = tuple(dict.fromkeys(c for r in medication_readings for c in r.classes))
    unknown_conditions = tuple(r.text for r in condition_readings if r.condition is None)
    unknown_medications = tuple(r.text for r in medication_readings if r.how == "unrecognised")
    chronicity = _chronicity(intake, kb)
    flags = vars(intake.red_flags)
    facts: dict[str, Any] = {
        **_client_facts(intake),
        **_pain_facts(intake, chronicity),
        "pain.explained": intake.pain is not None and _explained(conditions, kb),
        **{key: flags[name] for name, key in _RED_FLAG_KEYS},
        "conditions": frozenset(c.id for c in conditions),
        **_by_status(conditions),
        "medication_classes": frozenset(classes),
        "conditions.unplaced": _unplaced(conditions, kb),
        **_procedure_facts(intake),
        **_skin_facts(intake),
        "temperature_c": intake.vitals.temperature_c,
        "systolic": intake.vitals.systolic,
        "diastolic": intake.vitals.diastolic,
        "allergies": frozenset(a.strip().lower() for a in intake.allergies),
        "unrecognised_conditions": len(unknown_conditions),
        "unrecognised_medications": len(unknown_medications),
    }
    return Reading(
        facts,
        conditions,
        classes,
        unknown_conditions,
        unknown_medications,
        chronicity,
        medication_readings,
        condition_readings,
    )


_RED_FLAG_KEYS = tuple((name, f"red_flags.{name}") for name in RED_FLAGS)
_STATUS_KEYS = {status: f"conditions.{status}" for status in STATUSES}
_SKIN_KEYS = {finding: f"skin.{finding}" for finding in SKIN_FINDINGS}
_PROCEDURE_KEYS = {kind: (f"{kind}.weeks_ago", f"{kind}.regions") for kind in PROCEDURE_KINDS}
_UNPLACED_KEYS = {kind: f"{kind}.unplaced_weeks_ago" for kind in PROCEDURE_KINDS}
_NOTHING: frozenset[str] = frozenset()


def _by_status(conditions: tuple[KnownCondition, ...]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {key: set() for key in _STATUS_KEYS.values()}
    for condition in conditions:
        found[_STATUS_KEYS[condition.status]].add(condition.id)
    return {key: frozenset(ids) for key, ids in found.items()}


def _skin_facts(intake: Intake) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = dict.fromkeys(_SKIN_KEYS.values(), _NOTHING)
    for item in intake.skin:
        key = _SKIN_KEYS[item.finding]
        found[key] = found[key].union(item.region)
    return found


def _client_facts(intake: Intake) -> dict[str, Any]:
    client = intake.client
    return {
        "age": client.age,
        "sex": client.sex,
        "pregnant": client.pregnant_weeks is not None,
        "pregnant_weeks": client.pregnant_weeks,
        "pregnancy_complications": frozenset(client.pregnancy_complications),
        "breastfeeding": client.breastfeeding,
        "occupation": client.occupation,
    }


def _pain_facts(intake: Intake, chronicity: str | None) -> dict[str, Any]:
    pain = intake.pain
    if pain is None:
        return {
            "pain": False,
            "pain.regions": frozenset(),
            "pain.duration_weeks": None,
            "pain.chronicity": None,
            "pain.intensity": None,
            "pain.cause": None,
            "pain.radiates_below_knee": None,
            "pain.numbness": frozenset(),
            "pain.weakness": frozenset(),
            "pain.worse_at_night": None,
            "pain.morning_stiffness_minutes": None,
            "pain.new_or_changed": None,
        }
    return {
        "pain": True,
        "pain.regions": frozenset(pain.regions),
        "pain.duration_weeks": pain.duration_weeks,
        "pain.chronicity": chronicity,
        "pain.intensity": pain.intensity,
        "pain.cause": pain.cause,
        "pain.radiates_below_knee": pain.radiates_below_knee,
        "pain.numbness": frozenset(pain.numbness),
        "pain.weakness": frozenset(pain.weakness),
        "pain.worse_at_night": pain.worse_at_night,
        "pain.morning_stiffness_minutes": pain.morning_stiffness_minutes,
        "pain.new_or_changed": pain.new_or_changed,
    }


def _procedure_facts(intake: Intake) -> dict[str, Any]:
    """Weeks since the most recent procedure of each kind, and every region any was done on."""
    facts: dict[str, Any] = {}
    for weeks_key, regions_key in _PROCEDURE_KEYS.values():
        facts[weeks_key] = None
        facts[regions_key] = _NOTHING
    facts.update(dict.fromkeys(_UNPLACED_KEYS.values()))
    for procedure in intake.procedures:
        weeks_key, regions_key = _PROCEDURE_KEYS[procedure.kind]
        weeks = (intake.assessed_on - procedure.date).days / 7
        keys = [weeks_key] if procedure.region else [weeks_key, _UNPLACED_KEYS[procedure.kind]]
        for key in keys:
            if facts[key] is None or weeks < facts[key]:
                facts[key] = weeks
        facts[regions_key] = facts[regions_key].union(procedure.region)
    return facts


def status_of(known: KnownCondition, kb: KnowledgeBase) -> str:
    """The outcome a condition is read under: its status, or "unstated" when the status was
    left out and the condition has an outcome for that."""
    return known.status if known.stated or not kb.conditions[known.id].unstated else "unstated"


def is_unplaced(known: KnownCondition, kb: KnowledgeBase) -> bool:
    """A local condition that limits the session but whose place the intake does not give."""
    return not known.regions and (known.id, status_of(known, kb)) in per_knowledge(kb, _limiting)


def _limiting(kb: KnowledgeBase) -> frozenset[tuple[str, str]]:
    """Each local condition with each status under which it limits the session."""
    return frozenset(
        (condition, status)
        for condition, outcomes in kb.condition_outcomes.items()
        if kb.conditions[condition].local
        for status, outcome in outcomes.items()
        if Decision[outcome.decision] >= Decision.modify
    )


def _unplaced(conditions: tuple[KnownCondition, ...], kb: KnowledgeBase) -> frozenset[str]:
    """Unplaced local conditions that have no usual place either."""
    return frozenset(
        c.id for c in conditions if is_unplaced(c, kb) and not kb.conditions[c.id].usual_regions
    )


def _chronicity(intake: Intake, kb: KnowledgeBase) -> str | None:
    if intake.pain is None or intake.pain.duration_weeks is None:
        return None
    weeks = intake.pain.duration_weeks
    for stage in kb.classification.chronicity:
        if weeks >= stage.min_weeks and (stage.below_weeks is None or weeks < stage.below_weeks):
            return stage.id
    return None


def _conditions(
    intake: Intake, readings: tuple[ConditionReading, ...]
) -> tuple[KnownCondition, ...]:
    """Recognised conditions; a status left out is read as active, and remembered as unstated."""
    return tuple(
        KnownCondition(
            reading.condition, entry.status, entry.regions, "status" in entry.model_fields_set
        )
        for entry, reading in zip(intake.conditions, readings, strict=True)
        if reading.condition is not None
    )


EXPLAINING = frozenset({"active", "controlled"})


def _explained(conditions: tuple[KnownCondition, ...], kb: KnowledgeBase) -> bool:
    """Whether a diagnosed (not suspected, not past) condition accounts for back pain."""
    return any(c.status in EXPLAINING and kb.conditions[c.id].explains_pain for c in conditions)

"""From an intake to the facts screening rules read (names in ``knowledge.rule.FACTS``).

Reading also resolves free text against the knowledge base: condition names and synonyms to
ids, medication lines to classes. What it cannot resolve is kept, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from backcare.clinical.intake import Intake, Pain
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
    condition_readings: tuple[ConditionReading, ...] = ()
    medication_readings: tuple[MedicationReading, ...] = ()
    conditions: tuple[KnownCondition, ...] = ()
    classes: tuple[str, ...] = ()
    unknown_conditions: tuple[str, ...] = ()
    unknown_medications: tuple[str, ...] = ()
    if intake.conditions:
        condition_readings = tuple([kb.read_condition(entry.id) for entry in intake.conditions])
        conditions = _conditions(intake, condition_readings)
        unknown_conditions = tuple([r.text for r in condition_readings if r.condition is None])
    if intake.medications:
        medication_readings = tuple(map(kb.read_medication, intake.medications))
        classes = tuple(dict.fromkeys([c for r in medication_readings for c in r.classes]))
        unknown_medications = tuple(
            [r.text for r in medication_readings if r.how == "unrecognised"]
        )
    chronicity = _chronicity(intake, kb)
    facts = dict(_UNANSWERED)  # every fact, in one order, as an intake that gives nothing
    client = intake.client
    facts["age"] = client.age
    facts["sex"] = client.sex
    if client.pregnant_weeks is not None:
        facts["pregnant"] = True
        facts["pregnant_weeks"] = client.pregnant_weeks
    if client.pregnancy_complications:
        facts["pregnancy_complications"] = frozenset(client.pregnancy_complications)
    facts["breastfeeding"] = client.breastfeeding
    facts["occupation"] = client.occupation
    if intake.pain is not None:
        _pain_facts(facts, intake.pain, chronicity)
        facts["pain.explained"] = _explained(conditions, kb)
    facts.update(zip(_RED_FLAG_FACTS, red_flag_answers(intake.red_flags), strict=True))
    if conditions:
        facts["conditions"] = frozenset(c.id for c in conditions)
        _by_status(facts, conditions)
        facts["conditions.unplaced"] = _unplaced(conditions, kb)
    if classes:
        facts["medication_classes"] = frozenset(classes)
    if intake.procedures:
        _procedure_facts(facts, intake)
    for item in intake.skin:
        key = _SKIN_KEYS[item.finding]
        facts[key] = facts[key].union(item.region)
    vitals = intake.vitals
    facts["temperature_c"] = vitals.temperature_c
    facts["systolic"] = vitals.systolic
    facts["diastolic"] = vitals.diastolic
    if intake.allergies:
        facts["allergies"] = frozenset(a.strip().lower() for a in intake.allergies)
    facts["unrecognised_conditions"] = len(unknown_conditions)
    facts["unrecognised_medications"] = len(unknown_medications)
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


_RED_FLAG_FACTS = tuple(f"red_flags.{name}" for name in RED_FLAGS)
red_flag_answers = attrgetter(*RED_FLAGS)  # every red-flag answer, in RED_FLAGS' order
_STATUS_KEYS = {status: f"conditions.{status}" for status in STATUSES}
_SKIN_KEYS = {finding: f"skin.{finding}" for finding in SKIN_FINDINGS}
_PROCEDURE_KEYS = {kind: (f"{kind}.weeks_ago", f"{kind}.regions") for kind in PROCEDURE_KINDS}
_UNPLACED_KEYS = {kind: f"{kind}.unplaced_weeks_ago" for kind in PROCEDURE_KINDS}
_NOTHING: frozenset[str] = frozenset()


def _no_procedure(weeks: str, regions: str) -> tuple[tuple[str, Any], ...]:
    return (weeks, None), (regions, _NOTHING)


_PAIN_VALUES = (
    "duration_weeks",
    "intensity",
    "cause",
    "radiates_below_knee",
    "worse_at_night",
    "morning_stiffness_minutes",
    "new_or_changed",
)
_PAIN_FACTS = tuple(f"pain.{name}" for name in _PAIN_VALUES)
_pain_answers = attrgetter(*_PAIN_VALUES)
_UNANSWERED: dict[str, Any] = {
    "age": None,
    "sex": None,
    "pregnant": False,
    "pregnant_weeks": None,
    "pregnancy_complications": _NOTHING,
    "breastfeeding": None,
    "occupation": None,
    "pain": False,
    "pain.regions": _NOTHING,
    "pain.duration_weeks": None,
    "pain.chronicity": None,
    "pain.intensity": None,
    "pain.cause": None,
    "pain.radiates_below_knee": None,
    "pain.numbness": _NOTHING,
    "pain.weakness": _NOTHING,
    "pain.worse_at_night": None,
    "pain.morning_stiffness_minutes": None,
    "pain.new_or_changed": None,
    "pain.explained": False,
    **dict.fromkeys(_RED_FLAG_FACTS),
    "conditions": _NOTHING,
    **dict.fromkeys(_STATUS_KEYS.values(), _NOTHING),
    "medication_classes": _NOTHING,
    "conditions.unplaced": _NOTHING,
    **{key: value for keys in _PROCEDURE_KEYS.values() for key, value in _no_procedure(*keys)},
    **dict.fromkeys(_UNPLACED_KEYS.values()),
    **dict.fromkeys(_SKIN_KEYS.values(), _NOTHING),
    "temperature_c": None,
    "systolic": None,
    "diastolic": None,
    "allergies": _NOTHING,
    "unrecognised_conditions": 0,
    "unrecognised_medications": 0,
}


def _by_status(facts: dict[str, Any], conditions: tuple[KnownCondition, ...]) -> None:
    found: dict[str, set[str]] = {}
    for condition in conditions:
        found.setdefault(_STATUS_KEYS[condition.status], set()).add(condition.id)
    for key, ids in found.items():
        facts[key] = frozenset(ids)


def _pain_facts(facts: dict[str, Any], pain: Pain, chronicity: str | None) -> None:
    facts["pain"] = True
    facts["pain.regions"] = frozenset(pain.regions)
    facts["pain.chronicity"] = chronicity
    facts["pain.numbness"] = frozenset(pain.numbness)
    facts["pain.weakness"] = frozenset(pain.weakness)
    facts.update(zip(_PAIN_FACTS, _pain_answers(pain), strict=True))


def _procedure_facts(facts: dict[str, Any], intake: Intake) -> None:
    """Weeks since the most recent procedure of each kind, and every region any was done on."""
    for procedure in intake.procedures:
        weeks_key, regions_key = _PROCEDURE_KEYS[procedure.kind]
        weeks = (intake.assessed_on - procedure.date).days / 7
        keys = [weeks_key] if procedure.region else [weeks_key, _UNPLACED_KEYS[procedure.kind]]
        for key in keys:
            if facts[key] is None or weeks < facts[key]:
                facts[key] = weeks
        facts[regions_key] = facts[regions_key].union(procedure.region)


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

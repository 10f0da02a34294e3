"""``assess``: screening, recommendation and plan for one intake, as one frozen result.

Pure: no I/O and no clock (the intake's ``assessed_on`` is "today"). ``to_json`` gives the
assessment of spec v1, which the CLI, the API and the batch screener all speak.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, fields
from typing import Any

import orjson
from pydantic import BaseModel

from backcare.clinical import facts, home_care, plan, recommendation, screening
from backcare.clinical.intake import Intake
from backcare.knowledge import Decision, KnowledgeBase
from backcare.knowledge import model as m
from backcare.knowledge.contract import RED_FLAGS
from backcare.knowledge.names import ConditionReading, MedicationReading


@dataclass(frozen=True, slots=True)
class Assessment:
    assessed_on: str
    decision: Decision
    summary: str
    chronicity: str | None
    findings: tuple[screening.Finding, ...]
    limits: screening.Limits
    recommendations: tuple[recommendation.Recommendation, ...]
    excluded: tuple[recommendation.Exclusion, ...]
    plan: plan.Plan | None
    unrecognised_conditions: tuple[str, ...]
    unrecognised_medications: tuple[str, ...]
    unanswered: tuple[str, ...]
    knowledge_version: str
    medication_readings: tuple[MedicationReading, ...] = ()
    condition_readings: tuple[ConditionReading, ...] = ()

    @property
    def massage_today(self) -> bool:
        return self.decision <= Decision.modify

    @property
    def to_confirm(self) -> tuple[str, ...]:
        """Names read by their spelling, or not read, to check with the client, in words."""
        notes: list[str] = []
        readings: list[MedicationReading | ConditionReading] = [
            *self.medication_readings,
            *self.condition_readings,
        ]
        for r in readings:
            if r.how == "spelling":
                notes.append(f"read '{r.text}' as {r.read_as}: confirm")
            elif r.how == "unrecognised" and r.suggestions:
                notes.append(f"'{r.text}' not recognised; did you mean {r.suggested}?")
        return tuple(notes)


def assess(intake: Intake, kb: KnowledgeBase) -> Assessment:
    """The decision for this intake, every finding behind it, and what to do next."""
    reading = facts.read(intake, kb)
    screened = screening.screen(reading, kb, _cleared(intake) if intake.clearances else None)
    ranked, excluded = recommendation.recommend(intake, reading, screened, kb)
    return Assessment(
        assessed_on=intake.assessed_on.isoformat(),
        decision=screened.decision,
        summary=kb.decision_summary(screened.decision),
        chronicity=reading.chronicity,
        findings=screened.findings,
        limits=screened.limits,
        recommendations=ranked,
        excluded=excluded,
        plan=plan.make_plan(intake, reading, screened, ranked, kb),
        unrecognised_conditions=reading.unrecognised_conditions,
        unrecognised_medications=reading.unrecognised_medications,
        unanswered=_unanswered(intake),
        knowledge_version=kb.version,
        medication_readings=reading.medication_readings,
        condition_readings=reading.condition_readings,
    )


def _cleared(intake: Intake) -> dict[str, str]:
    """Who cleared each finding (its rule id) the intake records a clearance for, and when."""
    return {c.rule: f"{c.received_from}, {c.received_on.isoformat()}" for c in intake.clearances}


def _unanswered(intake: Intake) -> tuple[str, ...]:
    """Red-flag questions an intake with pain left out, so that a form can ask them."""
    if intake.pain is None:
        return ()
    answers = facts.red_flag_answers(intake.red_flags)
    if None not in answers:  # most forms answer every question
        return ()
    return tuple([name for name, answer in zip(RED_FLAGS, answers, strict=True) if answer is None])


def to_json(assessment: Assessment) -> dict[str, Any]:
    """The assessment in the shape of spec v1 (names never change; fields may be added)."""
    return _json(assessment, _fresh)


def to_json_bytes(assessment: Assessment, *, indent: bool = False) -> bytes:
    """The assessment of spec v1 as UTF-8 JSON text (what ``to_json`` gives, encoded). Without
    indents, the parts many assessments share are written from their kept JSON text."""
    if indent:
        return orjson.dumps(to_json(assessment), option=orjson.OPT_INDENT_2)
    return orjson.dumps(_json(assessment, _kept))


# A part of the JSON: ``make(value)``, or its JSON text kept by ``key`` while ``held`` lives.
Part = Callable[[Callable[[Any], Any], Any, Hashable, object], Any]


def _fresh(make: Callable[[Any], Any], value: Any, _key: Hashable, _held: object) -> Any:
    return make(value)


_PARTS_KEPT = 8192  # of each kind
_parts: dict[Callable[[Any], Any], dict[Hashable, tuple[object, orjson.Fragment]]] = {}


def _kept(make: Callable[[Any], Any], value: Any, key: Hashable, held: object) -> Any:
    """The JSON text of ``make(value)``, written once for each ``key``: the identities of the
    immutable entries or kept results it is made of (``held``, kept with the text so that no
    other object takes those identities while the text is kept), with whatever else the value
    holds."""
    table = _parts.get(make)
    if table is None:
        table = _parts.setdefault(make, {})
    kept = table.get(key)
    if kept is None:
        if len(table) >= _PARTS_KEPT:
            table.clear()
        kept = table[key] = (held, orjson.Fragment(orjson.dumps(make(value))))
    return kept[1]


def _json(assessment: Assessment, part: Part) -> dict[str, Any]:
    ranked, excluded, limits = assessment.recommendations, assessment.excluded, assessment.limits
    return {
        "decision": assessment.decision.name,
        "summary": assessment.summary,
        "massage_today": assessment.massage_today,
        "assessed_on": assessment.assessed_on,
        "chronicity": assessment.chronicity,
        "findings": [part(_finding_json, f, id(f), f) for f in assessment.findings],
        # Limits, rankings and exclusions are kept results (clinical/kept.py), shared by the
        # assessments that reach them, so each is written once.
        "modifications": part(_limits_json, limits, id(limits), limits),
        "recommendations": part(_recommendations_json, ranked, id(ranked), ranked),
        "excluded_modalities": part(_exclusions_json, excluded, id(excluded), excluded),
        "plan": _plan_json(assessment.plan, part),
        "unrecognised": {
            "medications": list(assessment.unrecognised_medications),
            "conditions": list(assessment.unrecognised_conditions),
        },
        "unanswered": list(assessment.unanswered),
        "knowledge_version": assessment.knowledge_version,
        # A name's reading is kept and shared by the intakes that write it alike.
        "medication_readings": [
            part(_medication_reading_json, r, id(r), r) for r in assessment.medication_readings
        ],
        "condition_readings": [
            part(_condition_reading_json, r, id(r), r) for r in assessment.condition_readings
        ],
        "to_confirm": list(assessment.to_confirm),
    }


def _recommendations_json(ranked: tuple[recommendation.Recommendation, ...]) -> list[Any]:
    return [
        {"modality": r.modality, "rank": r.rank, "score": r.score, "reasons": list(r.reasons)}
        for r in ranked
    ]


def _exclusions_json(excluded: tuple[recommendation.Exclusion, ...]) -> list[Any]:
    return [{"modality": e.modality, "reasons": list(e.reasons)} for e in excluded]


def _medication_reading_json(r: MedicationReading) -> dict[str, Any]:
    return {
        "text": r.text,
        "generics": list(r.generics),
        "classes": list(r.classes),
        "how": r.how,
        "suggestions": list(r.suggestions),
    }


def _condition_reading_json(r: ConditionReading) -> dict[str, Any]:
    return {
        "text": r.text,
        "condition": r.condition,
        "how": r.how,
        "suggestions": list(r.suggestions),
    }


_LIMITS = tuple(f.name for f in fields(screening.Limits))


def _limits_json(limits: screening.Limits) -> dict[str, Any]:
    """Every field of the limits (a shallow copy: ``asdict`` would deep-copy each value)."""
    found = {name: getattr(limits, name) for name in _LIMITS}
    return {name: list(v) if isinstance(v, tuple) else v for name, v in found.items()}


def _finding_json(finding: screening.Finding) -> dict[str, Any]:
    result: dict[str, Any] = {
        "rule": finding.rule,
        "decision": finding.decision.name,
        "title": finding.title,
        "why": finding.why,
        "modifications": _flat_dump(finding.modifications),
        "sources": list(finding.sources),
        "basis": finding.basis,
    }
    if finding.action:
        result["action"] = finding.action
    if finding.questions:
        result["questions"] = list(finding.questions)
    return result


def _plan_json(made: plan.Plan | None, part: Part) -> dict[str, Any] | None:
    if made is None:
        return None
    triggers = made.review_triggers  # these, the goals and the sources are kept and shared
    chosen, frequency = made.home_care, made.frequency  # most frequencies are the policy's
    return {
        "modality": made.modality,
        "alternatives": list(made.alternatives),
        "session_minutes": made.session_minutes,
        "sessions_per_week": made.sessions_per_week,
        "frequency": part(_frequency_json, frequency, id(frequency), frequency),
        "total_sessions": made.total_sessions,
        "reassess_after_sessions": made.reassess_after_sessions,
        "max_pressure": made.max_pressure,
        "avoid_regions": list(made.avoid_regions),
        "avoid_techniques": list(made.avoid_techniques),
        "positioning": list(made.positioning),
        "goals": part(_goals_json, made.goals, id(made.goals), made.goals),
        # Routines are shared (home_care.py), and a few sets of them are chosen for most.
        "home_care": part(_home_cares_json, chosen, tuple(map(id, chosen)), chosen),
        "home_care_left_out": [
            part(_left_out_json, x, (id(x.routine), x.reason), x.routine)
            for x in made.home_care_left_out
        ],
        "review_triggers": part(_triggers_json, triggers, id(triggers), triggers),
        "notes": list(made.notes),
        "sources": part(list, made.sources, id(made.sources), made.sources),
    }


def _goals_json(goals: tuple[plan.Goal, ...]) -> list[Any]:
    return [
        {
            "kind": g.kind,
            "text": g.text,
            "baseline": g.baseline,
            "target": g.target,
            "sources": list(g.sources),
        }
        for g in goals
    ]


def _left_out_json(item: home_care.LeftOut) -> dict[str, Any]:
    return {"id": item.id, "name": item.routine.name, "reason": item.reason}


def _triggers_json(triggers: tuple[m.ReviewTrigger, ...]) -> list[Any]:
    return [_flat_dump(trigger, defaults=True) for trigger in triggers]


_DUMPS_KEPT = 4096
_dumps: dict[tuple[int, bool], tuple[BaseModel, dict[str, Any]]] = {}


def _flat_dump(entry: BaseModel, *, defaults: bool = False) -> dict[str, Any]:
    """``model_dump`` of a knowledge-base entry whose values are plain or lists of plain values
    (modifications, review triggers): entries are immutable and shared by many assessments, so
    each is dumped once and every assessment gets its own copy."""
    key = (id(entry), defaults)
    kept = _dumps.get(key)
    if kept is None or kept[0] is not entry:  # the entry is held, so its id is not reused
        if len(_dumps) >= _DUMPS_KEPT:
            _dumps.clear()
        kept = _dumps[key] = (entry, entry.model_dump(exclude_defaults=not defaults))
    return {name: list(v) if type(v) is list else v for name, v in kept[1].items()}


def _frequency_json(frequency: plan.Frequency) -> dict[str, Any]:
    return {"sessions": frequency.sessions, "per": frequency.per, "text": frequency.text}


def _home_cares_json(chosen: tuple[home_care.HomeCare, ...]) -> list[Any]:
    return [_home_care_json(item) for item in chosen]


def _home_care_json(item: home_care.HomeCare) -> dict[str, Any]:
    routine = item.routine
    return {
        "id": routine.id,
        "name": routine.name,
        "kind": routine.kind,
        "regions": list(item.regions),
        "steps": list(routine.steps),
        "minutes": routine.minutes,
        "how_often": routine.how_often,
        "avoid": list(routine.avoid),
        "stop_if": routine.stop_if,
        "pressure": item.pressure,
        "notes": list(item.notes),
        "sources": list(routine.sources),
    }


def avoided_regions(result: dict[str, Any]) -> dict[str, str]:
    """Each region an assessment (its JSON) keeps hands off, with the finding that says so."""
    reasons: dict[str, str] = {}
    for finding in result["findings"]:
        for region in finding["modifications"].get("avoid_regions", []):
            reasons.setdefault(region, finding["title"])
    for region in result["modifications"]["avoid_regions"]:
        reasons.setdefault(region, "never on the spine" if region == "spine" else "avoid")
    return reasons


def avoided_techniques(result: dict[str, Any]) -> dict[str, str]:
    """Each technique an assessment (its JSON) rules out, with the finding that says so."""
    reasons: dict[str, str] = {}
    for finding in result["findings"]:
        for technique in finding["modifications"].get("avoid_techniques", []):
            reasons.setdefault(technique, finding["title"])
    for technique in result["modifications"]["avoid_techniques"]:
        reasons.setdefault(technique, "avoid")
    return reasons

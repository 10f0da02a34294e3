"""Which kinds of massage fit: every modality either excluded by the screening, with the
findings that exclude it, or scored against the intake and ranked, with the reasons."""

from __future__ import annotations

from dataclasses import dataclass

from backcare.clinical.facts import Reading
from backcare.clinical.intake import Intake
from backcare.clinical.once import per_knowledge
from backcare.clinical.screening import Finding, Screening
from backcare.knowledge import Decision, KnowledgeBase
from backcare.knowledge import model as m


@dataclass(frozen=True, slots=True)
class Recommendation:
    modality: str
    rank: int
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Exclusion:
    modality: str
    reasons: tuple[str, ...]


def recommend(
    intake: Intake, reading: Reading, screening: Screening, kb: KnowledgeBase
) -> tuple[tuple[Recommendation, ...], tuple[Exclusion, ...]]:
    """Ranked modalities and excluded ones; nothing at all when massage cannot go ahead today."""
    if screening.decision > Decision.modify:
        return (), ()
    avoided_by = _avoided_by(screening.findings)
    cap = screening.limits.max_pressure
    cap_rank = kb.pressure_rank(cap) if cap else None
    fit = _Fit(intake, reading, kb, cap_rank)
    scored: list[tuple[int, str, tuple[str, ...]]] = []
    excluded: list[Exclusion] = []
    for known in per_knowledge(kb, _modalities):
        modality = known.modality
        if known.avoidable.isdisjoint(avoided_by) and (cap_rank is None or known.low <= cap_rank):
            against: tuple[str, ...] = ()  # nothing avoided touches it; its pressure is allowed
        else:
            against = _exclusion_reasons(modality, avoided_by, cap, kb)
        if against:
            excluded.append(Exclusion(modality.id, against))
        else:
            score, reasons = fit.score(known)
            scored.append((score, modality.id, reasons))
    scored.sort(key=lambda item: -item[0])
    ranked = tuple(
        Recommendation(modality_id, rank, score, reasons)
        for rank, (score, modality_id, reasons) in enumerate(scored, start=1)
    )
    return ranked, tuple(excluded)


@dataclass(frozen=True, slots=True)
class _Known:
    """A modality with what ranking reads of it, worked out once per knowledge base."""

    modality: m.Modality
    avoidable: frozenset[str]  # avoiding any of these excludes it: itself, a core technique
    low: int  # the ranks of its lightest and firmest pressure
    high: int
    gentle: bool  # it can be given at the lightest pressure
    causes: frozenset[str]
    chronicity: frozenset[str]
    conditions: tuple[tuple[str, str], ...]  # the conditions it suits, with their names
    experience: frozenset[str]
    occupations: frozenset[str]


def _modalities(kb: KnowledgeBase) -> tuple[_Known, ...]:
    lightest = kb.pressure_rank("light")
    found = []
    for modality in kb.modalities.values():
        suits, low = modality.suits, kb.pressure_rank(modality.pressure.min)
        found.append(
            _Known(
                modality,
                frozenset({modality.id, *modality.core_techniques}),
                low,
                kb.pressure_rank(modality.pressure.max),
                low == lightest,
                frozenset(suits.causes),
                frozenset(suits.chronicity),
                tuple((c, kb.conditions[c].name.lower()) for c in suits.conditions),
                frozenset(suits.experience),
                frozenset(suits.occupations),
            )
        )
    return tuple(found)


def _avoided_by(findings: tuple[Finding, ...]) -> dict[str, list[Finding]]:
    """Each avoided technique or modality, with the findings that ask to avoid it."""
    index: dict[str, list[Finding]] = {}
    for finding in findings:
        for technique in finding.modifications.avoid_techniques:
            index.setdefault(technique, []).append(finding)
    return index


def _exclusion_reasons(
    modality: m.Modality, avoided_by: dict[str, list[Finding]], cap: str | None, kb: KnowledgeBase
) -> tuple[str, ...]:
    named: dict[str, tuple[Finding, list[str]]] = {}
    for finding in avoided_by.get(modality.id, ()):
        named.setdefault(finding.rule, (finding, []))[1].append(modality.name)
    for technique in modality.core_techniques:
        for finding in avoided_by.get(technique, ()):
            name = kb.techniques[technique].name.lower()
            named.setdefault(finding.rule, (finding, []))[1].append(name)
    reasons = [f"{finding.title}: avoid {' and '.join(names)}" for finding, names in named.values()]
    if cap and kb.pressure_rank(modality.pressure.min) > kb.pressure_rank(cap):
        reasons.append(
            f"needs at least {modality.pressure.min} pressure, "
            f"and the screening allows at most {cap}"
        )
    return tuple(reasons)


class _Fit:
    """How well a modality fits one intake; the weights come from the knowledge base."""

    def __init__(self, intake: Intake, reading: Reading, kb: KnowledgeBase, cap: int | None):
        pain, prefs = intake.pain, intake.preferences
        weights = self.weights = kb.scoring
        self.cause = pain.cause if pain else None
        self.chronicity = reading.chronicity
        self.current = {c.id for c in reading.conditions if c.status != "history"}
        self.wanted = set(prefs.modalities)
        self.experience = prefs.massage_experience
        self.occupation = intake.client.occupation if intake.client.occupation in _WORK else None
        self.pressure_rank = kb.pressure_rank(prefs.pressure) if prefs.pressure else None
        self.cap = cap
        self.intense = bool(
            pain and pain.intensity is not None and pain.intensity >= weights.intense_pain_from
        )
        # Each reason that depends on the intake alone, written once (not once a modality),
        # and only when the intake gives what it speaks of.
        self.for_cause = _reason(
            weights.cause, self.cause, "suits pain from {}", per_knowledge(kb, _causes)
        )
        self.for_chronicity = _reason(weights.chronicity, self.chronicity, "suits {} pain")
        self.for_experience = _reason(
            weights.experience, self.experience, "suits a client with {} massage experience"
        )
        self.for_work = _reason(weights.occupation, self.occupation, "suits {}", _WORK)
        self.for_pressure = _reason(
            weights.preferred_pressure,
            prefs.pressure,
            "works at the {} pressure the client prefers",
        )

    def score(self, known: _Known) -> tuple[int, tuple[str, ...]]:
        weights = self.weights
        parts: list[tuple[int, str]] = []
        if known.modality.id in self.wanted:
            parts.append((weights.preferred_modality, "the client asked for it"))
        if self.cause in known.causes:
            parts.append(self.for_cause)
        if self.chronicity in known.chronicity:
            parts.append(self.for_chronicity)
        indicated = [name for c, name in known.conditions if c in self.current]
        if indicated:
            parts.append((weights.condition, f"indicated for {', '.join(indicated)}"))
        if self.experience in known.experience:
            parts.append(self.for_experience)
        if self.occupation in known.occupations:
            parts.append(self.for_work)
        if self.pressure_rank is not None and self._pressure_fits(known):
            parts.append(self.for_pressure)
        if self.intense and known.gentle:
            parts.append((weights.gentle_when_intense, "can be given gently while pain is intense"))
        if not parts:
            return 0, ("no specific fit with this intake; a general option",)
        return sum(weight for weight, _ in parts), tuple(reason for _, reason in parts)

    def _pressure_fits(self, known: _Known) -> bool:
        rank = self.pressure_rank
        assert rank is not None
        return known.low <= rank <= known.high and (self.cap is None or rank <= self.cap)


# Occupations a modality can suit, as a reason names them; "other" suits nothing in particular.
_WORK = {
    "desk": "a client who sits at a desk for work",
    "manual": "a client whose work is physical",
    "athlete": "a client who trains for sport",
}


def _causes(kb: KnowledgeBase) -> dict[str, str]:
    """Each cause of pain by its name in a reason."""
    return {c.id: c.name.lower() for c in kb.classification.causes}


def _reason(
    weight: int, value: str | None, text: str, names: dict[str, str] | None = None
) -> tuple[int, str]:
    """A reason with its weight; none (never given) when the intake leaves ``value`` out."""
    if value is None:
        return 0, ""
    return weight, text.format(names.get(value, value) if names else value)

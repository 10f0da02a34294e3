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
    for modality, avoidable, lightest in per_knowledge(kb, _modalities):
        if avoidable.isdisjoint(avoided_by) and (cap_rank is None or lightest <= cap_rank):
            against: tuple[str, ...] = ()  # nothing avoided touches it; its pressure is allowed
        else:
            against = _exclusion_reasons(modality, avoided_by, cap, kb)
        if against:
            excluded.append(Exclusion(modality.id, against))
        else:
            score, reasons = fit.score(modality)
            scored.append((score, modality.id, reasons))
    scored.sort(key=lambda item: -item[0])
    ranked = tuple(
        Recommendation(modality_id, rank, score, reasons)
        for rank, (score, modality_id, reasons) in enumerate(scored, start=1)
    )
    return ranked, tuple(excluded)


def _modalities(kb: KnowledgeBase) -> tuple[tuple[m.Modality, frozenset[str], int], ...]:
    """Each modality, what avoiding would exclude it (itself or a core technique) and the rank
    of its lightest pressure."""
    return tuple(
        (
            modality,
            frozenset({modality.id, *modality.core_techniques}),
            kb.pressure_rank(modality.pressure.min),
        )
        for modality in kb.modalities.values()
    )


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
        self.kb = kb
        self.weights = kb.scoring
        self.cause = pain.cause if pain else None
        self.cause_name = _cause_name(self.cause, kb) if self.cause else ""
        self.chronicity = reading.chronicity
        self.current = {c.id for c in reading.conditions if c.status != "history"}
        self.wanted = set(prefs.modalities)
        self.experience = prefs.massage_experience
        self.occupation = intake.client.occupation
        self.pressure = prefs.pressure
        self.pressure_rank = kb.pressure_rank(prefs.pressure) if prefs.pressure else None
        self.cap = cap
        self.lightest = kb.pressure_rank("light")
        self.intense = bool(
            pain and pain.intensity is not None and pain.intensity >= self.weights.intense_pain_from
        )

    def score(self, modality: m.Modality) -> tuple[int, tuple[str, ...]]:
        weights, suits, kb = self.weights, modality.suits, self.kb
        parts: list[tuple[int, str]] = []
        if modality.id in self.wanted:
            parts.append((weights.preferred_modality, "the client asked for it"))
        if self.cause and self.cause in suits.causes:
            parts.append((weights.cause, f"suits pain from {self.cause_name}"))
        if self.chronicity and self.chronicity in suits.chronicity:
            parts.append((weights.chronicity, f"suits {self.chronicity} pain"))
        indicated = [kb.conditions[c].name.lower() for c in suits.conditions if c in self.current]
        if indicated:
            parts.append((weights.condition, f"indicated for {', '.join(indicated)}"))
        if self.experience and self.experience in suits.experience:
            parts.append(
                (weights.experience, f"suits a client with {self.experience} massage experience")
            )
        if self.occupation in _WORK and self.occupation in suits.occupations:
            parts.append((weights.occupation, f"suits {_WORK[self.occupation]}"))
        if self.pressure_rank is not None and self._pressure_fits(modality):
            parts.append(
                (
                    weights.preferred_pressure,
                    f"works at the {self.pressure} pressure the client prefers",
                )
            )
        if self.intense and kb.pressure_rank(modality.pressure.min) == self.lightest:
            parts.append((weights.gentle_when_intense, "can be given gently while pain is intense"))
        if not parts:
            return 0, ("no specific fit with this intake; a general option",)
        return sum(weight for weight, _ in parts), tuple(reason for _, reason in parts)

    def _pressure_fits(self, modality: m.Modality) -> bool:
        rank, kb = self.pressure_rank, self.kb
        assert rank is not None
        low, high = kb.pressure_rank(modality.pressure.min), kb.pressure_rank(modality.pressure.max)
        return low <= rank <= high and (self.cap is None or rank <= self.cap)


# Occupations a modality can suit, as a reason names them; "other" suits nothing in particular.
_WORK = {
    "desk": "a client who sits at a desk for work",
    "manual": "a client whose work is physical",
    "athlete": "a client who trains for sport",
}


def _cause_name(cause: str, kb: KnowledgeBase) -> str:
    return next((c.name.lower() for c in kb.classification.causes if c.id == cause), cause)

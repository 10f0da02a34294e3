"""Which kinds of massage fit: every modality either excluded by the screening, with the
findings that exclude it, or scored against the intake and ranked, with the reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from backcare.clinical.facts import Reading
from backcare.clinical.intake import Intake
from backcare.clinical.kept import Kept
from backcare.clinical.once import per_knowledge
from backcare.clinical.screening import Screening
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
    """Ranked modalities and excluded ones; nothing at all when massage cannot go ahead today.

    Both depend on a few values only (what the findings avoid and the pressure cap; what the
    intake asks for), so each is kept by those values (``_EXCLUDED``, ``_RANKED``)."""
    if screening.decision > Decision.modify:
        return (), ()
    cap = screening.limits.max_pressure
    avoided = tuple(
        [
            (f.rule, f.title, tuple(f.modifications.avoid_techniques))
            for f in screening.findings
            if f.modifications.avoid_techniques
        ]
    )
    excluded, allowed, ids = _EXCLUDED.get(
        kb, (avoided, cap), lambda: _exclusions(avoided, cap, kb)
    )
    asked = _asked(intake, reading, kb, cap)
    ranked = _RANKED.get(kb, (ids, asked), lambda: _rank(allowed, asked, kb))
    return ranked, excluded


Avoided = tuple[tuple[str, str, tuple[str, ...]], ...]
"""The findings that avoid techniques or modalities: rule, title and what each avoids."""


class Asked(NamedTuple):
    """What ranking reads of an intake (a condition only when some modality suits it)."""

    cause: str | None
    chronicity: str | None
    current: frozenset[str]
    wanted: frozenset[str]
    experience: str | None
    occupation: str | None
    pressure: str | None
    cap: int | None
    intense: bool


_EXCLUDED: Kept[tuple[tuple[Exclusion, ...], tuple[_Known, ...], tuple[str, ...]]] = Kept(size=2048)
_RANKED: Kept[tuple[Recommendation, ...]] = Kept(size=8192)
_NONE: frozenset[str] = frozenset()


def _asked(intake: Intake, reading: Reading, kb: KnowledgeBase, cap: str | None) -> Asked:
    pain, prefs, occupation = intake.pain, intake.preferences, intake.client.occupation
    suited = per_knowledge(kb, _suited)
    current = (
        frozenset(c.id for c in reading.conditions if c.status != "history" and c.id in suited)
        if reading.conditions
        else _NONE
    )
    return Asked(
        pain.cause if pain else None,
        reading.chronicity,
        current,
        frozenset(prefs.modalities) if prefs.modalities else _NONE,
        prefs.massage_experience,
        occupation if occupation in _WORK else None,
        prefs.pressure,
        kb.pressure_rank(cap) if cap else None,
        bool(
            pain and pain.intensity is not None and pain.intensity >= kb.scoring.intense_pain_from
        ),
    )


def _exclusions(
    avoided: Avoided, cap: str | None, kb: KnowledgeBase
) -> tuple[tuple[Exclusion, ...], tuple[_Known, ...], tuple[str, ...]]:
    """The modalities the findings exclude, with why, and the others, in their order, with
    their ids."""
    avoided_by: dict[str, list[tuple[str, str]]] = {}
    for rule, title, techniques in avoided:
        for technique in techniques:
            avoided_by.setdefault(technique, []).append((rule, title))
    cap_rank = kb.pressure_rank(cap) if cap else None
    excluded: list[Exclusion] = []
    allowed: list[_Known] = []
    for known in per_knowledge(kb, _modalities):
        if known.avoidable.isdisjoint(avoided_by) and (cap_rank is None or known.low <= cap_rank):
            against: tuple[str, ...] = ()  # nothing avoided touches it; its pressure is allowed
        else:
            against = _exclusion_reasons(known.modality, avoided_by, cap, kb)
        if against:
            excluded.append(Exclusion(known.modality.id, against))
        else:
            allowed.append(known)
    return tuple(excluded), tuple(allowed), tuple([known.modality.id for known in allowed])


def _rank(
    allowed: tuple[_Known, ...], asked: Asked, kb: KnowledgeBase
) -> tuple[Recommendation, ...]:
    fit = _Fit(asked, kb)
    scored = [(*fit.score(known), known.modality.id) for known in allowed]
    scored.sort(key=lambda item: -item[0])
    return tuple(
        Recommendation(modality_id, rank, score, reasons)
        for rank, (score, reasons, modality_id) in enumerate(scored, start=1)
    )


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


def _exclusion_reasons(
    modality: m.Modality,
    avoided_by: dict[str, list[tuple[str, str]]],
    cap: str | None,
    kb: KnowledgeBase,
) -> tuple[str, ...]:
    named: dict[str, tuple[str, list[str]]] = {}
    for rule, title in avoided_by.get(modality.id, ()):
        named.setdefault(rule, (title, []))[1].append(modality.name)
    for technique in modality.core_techniques:
        for rule, title in avoided_by.get(technique, ()):
            name = kb.techniques[technique].name.lower()
            named.setdefault(rule, (title, []))[1].append(name)
    reasons = [f"{title}: avoid {' and '.join(names)}" for title, names in named.values()]
    if cap and kb.pressure_rank(modality.pressure.min) > kb.pressure_rank(cap):
        reasons.append(
            f"needs at least {modality.pressure.min} pressure, "
            f"and the screening allows at most {cap}"
        )
    return tuple(reasons)


class _Fit:
    """How well a modality fits one intake; the weights come from the knowledge base."""

    def __init__(self, asked: Asked, kb: KnowledgeBase):
        weights = self.weights = kb.scoring
        self.cause = asked.cause
        self.chronicity = asked.chronicity
        self.current = asked.current
        self.wanted = asked.wanted
        self.experience = asked.experience
        self.occupation = asked.occupation
        self.pressure_rank = kb.pressure_rank(asked.pressure) if asked.pressure else None
        self.cap = asked.cap
        self.intense = asked.intense
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
            asked.pressure,
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


def _suited(kb: KnowledgeBase) -> frozenset[str]:
    """Every condition some modality suits (the others never change a ranking)."""
    return frozenset(c for modality in kb.modalities.values() for c in modality.suits.conditions)


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

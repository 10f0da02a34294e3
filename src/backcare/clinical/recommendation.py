"""Which kinds of massage fit: every modality either excluded by the screening, with the
findings that exclude it, or scored against the intake and ranked, with the reasons."""

from __future__ import annotations

from dataclasses import dataclass

from backcare.clinical.facts import Reading
from backcare.clinical.intake import Intake
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
    """Ranked modalities and excluded ones; nothing at all when massage cannot go ahead today."""
    if screening.decision > Decision.modify:
        return (), ()
    scored: list[tuple[int, str, tuple[str, ...]]] = []
    excluded: list[Exclusion] = []
    for modality in kb.modalities.values():
        reasons_against = _exclusion_reasons(modality, screening, kb)
        if reasons_against:
            excluded.append(Exclusion(modality.id, reasons_against))
        else:
            score, reasons = _score(modality, intake, reading, screening, kb)
            scored.append((score, modality.id, reasons))
    scored.sort(key=lambda item: -item[0])
    ranked = tuple(
        Recommendation(modality_id, rank, score, reasons)
        for rank, (score, modality_id, reasons) in enumerate(scored, start=1)
    )
    return ranked, tuple(excluded)


def _exclusion_reasons(
    modality: m.Modality, screening: Screening, kb: KnowledgeBase
) -> tuple[str, ...]:
    reasons: list[str] = []
    for finding in screening.findings:
        avoided = finding.modifications.avoid_techniques
        named = [modality.name] if modality.id in avoided else []
        named += [kb.techniques[t].name.lower() for t in modality.core_techniques if t in avoided]
        if named:
            reasons.append(f"{finding.title} ({finding.rule}): avoid {' and '.join(named)}")
    cap = screening.limits.max_pressure
    if cap and kb.pressure_rank(modality.pressure.min) > kb.pressure_rank(cap):
        reasons.append(
            f"needs at least {modality.pressure.min} pressure; the screening allows at most {cap}"
        )
    return tuple(reasons)


def _score(
    modality: m.Modality, intake: Intake, reading: Reading, screening: Screening, kb: KnowledgeBase
) -> tuple[int, tuple[str, ...]]:
    weights, suits = kb.scoring, modality.suits
    prefs, pain = intake.preferences, intake.pain
    score = 0
    reasons: list[str] = []

    def add(weight: int, reason: str) -> None:
        nonlocal score
        score += weight
        reasons.append(reason)

    if prefs.modalities and modality.id in prefs.modalities:
        add(weights.preferred_modality, "the client asked for it")
    if pain and pain.cause and pain.cause in suits.causes:
        add(weights.cause, f"suits pain from {_cause_name(pain.cause, kb)}")
    if reading.chronicity and reading.chronicity in suits.chronicity:
        add(weights.chronicity, f"suits {reading.chronicity} pain")
    current = {c.id for c in reading.conditions if c.status != "history"}
    indicated = [kb.conditions[c].name.lower() for c in suits.conditions if c in current]
    if indicated:
        add(weights.condition, f"indicated for {', '.join(indicated)}")
    experience = prefs.massage_experience
    if experience and experience in suits.experience:
        add(weights.experience, f"suits a client with {experience} massage experience")
    occupation = intake.client.occupation
    if occupation and occupation in suits.occupations:
        add(weights.occupation, f"suits {occupation} work")
    if prefs.pressure and _pressure_fits(prefs.pressure, modality, screening, kb):
        add(
            weights.preferred_pressure, f"works at the {prefs.pressure} pressure the client prefers"
        )
    intense = (
        pain is not None
        and pain.intensity is not None
        and (pain.intensity >= weights.intense_pain_from)
    )
    if intense and kb.pressure_rank(modality.pressure.min) <= kb.pressure_rank("light"):
        add(weights.gentle_when_intense, "can be given gently while pain is intense")
    if not reasons:
        reasons.append("no specific fit with this intake; a general option")
    return score, tuple(reasons)


def _pressure_fits(
    wanted: str, modality: m.Modality, screening: Screening, kb: KnowledgeBase
) -> bool:
    rank = kb.pressure_rank(wanted)
    cap = screening.limits.max_pressure
    return kb.pressure_rank(modality.pressure.min) <= rank <= kb.pressure_rank(
        modality.pressure.max
    ) and (cap is None or rank <= kb.pressure_rank(cap))


def _cause_name(cause: str, kb: KnowledgeBase) -> str:
    return next((c.name.lower() for c in kb.classification.causes if c.id == cause), cause)

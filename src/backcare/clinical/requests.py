"""What the client asked for (a pressure, kinds of massage) that the screening overrules,
acknowledged with the findings that overrule it, so that no request is silently ignored."""

from __future__ import annotations

from collections.abc import Iterator

from backcare.clinical.home_care import capped_by
from backcare.clinical.intake import Intake
from backcare.clinical.screening import Finding, Screening
from backcare.knowledge import KnowledgeBase
from backcare.knowledge import model as m


def overruled(
    intake: Intake, screening: Screening, modality: m.Modality, kb: KnowledgeBase
) -> tuple[str, ...]:
    """One sentence per request the plan cannot honour, with the reason."""
    preferences = intake.preferences
    if preferences.pressure is None and not preferences.modalities:
        return ()  # most clients ask for neither
    return (*_pressure(intake, screening, modality, kb), *_modalities(intake, screening, kb))


def _pressure(
    intake: Intake, screening: Screening, modality: m.Modality, kb: KnowledgeBase
) -> Iterator[str]:
    wanted, cap = intake.preferences.pressure, screening.limits.max_pressure
    if wanted is None:
        return
    asked = f"You asked for {wanted} pressure"
    if cap is not None and kb.pressure_rank(wanted) > kb.pressure_rank(cap):
        yield f"{asked}: the screening limits it to {cap} because of: {_why(cap, screening)}."
    elif kb.pressure_rank(wanted) > kb.pressure_rank(modality.pressure.max):
        yield (
            f"{asked}: {modality.name} is given at {modality.pressure.max} pressure at most; "
            "ask for another kind of massage if you want firmer work."
        )


def _modalities(intake: Intake, screening: Screening, kb: KnowledgeBase) -> Iterator[str]:
    cap = screening.limits.max_pressure
    for wanted in intake.preferences.modalities:
        modality = kb.modalities.get(wanted)
        if modality is None:
            continue
        by = _avoiding(modality, screening.findings)
        if cap is not None and kb.pressure_rank(modality.pressure.min) > kb.pressure_rank(cap):
            by += [t for t in capped_by(cap, screening.findings) if t not in by]
        if by:
            yield (
                f"You asked for {modality.name}: the screening rules it out today because of: "
                f"{'; '.join(by)}."
            )


def _avoiding(modality: m.Modality, findings: tuple[Finding, ...]) -> list[str]:
    avoided = {modality.id, *modality.core_techniques}
    return list(
        dict.fromkeys(
            f.title for f in findings if avoided.intersection(f.modifications.avoid_techniques)
        )
    )


def _why(cap: str, screening: Screening) -> str:
    return "; ".join(capped_by(cap, screening.findings))

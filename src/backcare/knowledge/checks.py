"""Checks of the knowledge base as a whole: every cross-reference resolves, and every decision
fits its own words, its headline and the contract. ``check`` yields one readable line a problem."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from backcare.knowledge import contract
from backcare.knowledge import model as m
from backcare.knowledge.base import KnowledgeBase, values_named
from backcare.knowledge.outcome_checks import check_outcomes
from backcare.knowledge.rule import FACTS, values_used


def check(kb: KnowledgeBase) -> Iterator[str]:
    """Every cross-reference problem in the knowledge base, as readable lines."""
    seeds = {s.id for s in kb.sources.values() if s.kind == "seed"}
    manipulations = {*kb.techniques, *kb.modalities}
    policies = [
        ("plan", "policy", kb.plan),
        ("classification", "policy", kb.classification),
        ("scoring", "policy", kb.scoring),
        ("progress", "policy", kb.progress),
        *(("pressure", level.id, level) for level in kb.pressure.values()),
    ]
    cited: set[str] = set()
    for kind, entry_id, entry in [*kb.entries(), *policies]:
        where = f"{kind} {entry_id}"
        sources, named_seeds = (
            list(values_named(entry, "sources")),
            list(values_named(entry, "seeds")),
        )
        cited.update(sources, named_seeds)
        for source in sources:
            if source not in kb.sources:
                yield f"{where}: cites unknown source '{source}'"
        for seed in named_seeds:
            if seed not in seeds:
                yield f"{where}: names unknown seed '{seed}'"
        for mods in _all_modifications(entry):
            yield from _check_modifications(kb, mods, manipulations, where)
    for condition in kb.meta.public_check.conditions:
        if condition not in kb.conditions:
            yield f"meta public_check: unknown condition '{condition}'"
    yield from _check_contract(kb)
    yield from _check_decisions(kb)
    yield from _check_medicines(kb)
    yield from _check_rules(kb)
    yield from _check_modalities(kb)
    yield from _check_protocols(kb)
    yield from _check_coverage(kb)
    yield from _check_claims(kb)
    yield from _check_self_care(kb)
    yield from _check_positioning(kb)
    yield from check_outcomes(kb)
    for seed in sorted(seeds - cited):
        yield f"sources {seed}: no entry cites this seed article"


def _check_medicines(kb: KnowledgeBase) -> Iterator[str]:
    """Dose rules narrow a known medicine to classes it has; no-change classes say what to ask."""
    for source in kb.drug_names.sources:
        if source not in kb.sources:
            yield f"drug_names: cites unknown source '{source}'"
    generics = {g for drug in kb.medication_names.values() for g in drug.generics}
    for source in kb.rxnorm.sources:
        if source not in kb.sources:
            yield f"rxnorm: cites unknown source '{source}'"
    for generic in sorted(kb.rxnorm.codes.keys() - generics):
        yield f"rxnorm: '{generic}' is not a generic any medication class or drug name gives"
    for key, rule in kb.dose_rules.items():
        where = f"medication_doses {rule.name}"
        for source in rule.sources:
            if source not in kb.sources:
                yield f"{where}: cites unknown source '{source}'"
        drug = kb.medication_names.get(key)
        if drug is None:
            yield f"{where}: no class lists this medicine"
        elif not set(rule.only) < set(drug.classes):
            yield f"{where}: 'only' must be some, not all, of its classes {list(drug.classes)}"
    for cls in kb.medications.values():
        if cls.decision == "proceed" and not cls.questions:
            yield f"medications {cls.id}: a class that changes nothing must say what to ask"


def _check_contract(kb: KnowledgeBase) -> Iterator[str]:
    if tuple(kb.regions) != contract.REGIONS:
        yield f"regions: must be the spec's regions in order: {', '.join(contract.REGIONS)}"
    for condition in contract.CONDITION_IDS:
        if condition not in kb.conditions:
            yield f"conditions: the spec's condition id '{condition}' is missing"
    for synonym, condition in contract.CONDITION_SYNONYMS.items():
        if kb.condition_id(synonym) != condition:
            yield f"conditions: '{synonym}' must name '{condition}'"
    for cls in contract.MEDICATION_CLASSES:
        if cls not in kb.medications:
            yield f"medications: the spec's class '{cls}' is missing"


_ASKS_CLEARANCE = re.compile(
    r"\b(written|signed)\s+(clearance|approval)|\bclearance\s+(from|first)\b", re.I
)
_CONDITIONAL = re.compile(r"^\s*(if|when|where|should|once|unless)\b", re.I)


def _asks_clearance(action: str | None) -> bool:
    """Whether an action asks, unconditionally, for a physician's clearance."""
    sentences = re.split(r"(?<=[.;:])\s+", action or "")
    return any(_ASKS_CLEARANCE.search(s) and not _CONDITIONAL.match(s) for s in sentences)


def _decided(kb: KnowledgeBase) -> Iterator[tuple[str, Any, bool]]:
    """(where, outcome, passing) for every outcome, class and rule that makes a finding."""
    for condition in kb.conditions.values():
        passing = condition.kind == "systemic_state" or condition.episodic or condition.passing
        for status, outcome in kb.condition_outcomes[condition.id].items():
            yield f"conditions {condition.id} ({status})", outcome, passing
    for cls in kb.medications.values():
        yield f"medications {cls.id}", cls, False
    for compiled in kb.rules:
        yield f"rules {compiled.rule.id}", compiled.rule, compiled.rule.passing


def _check_decisions(kb: KnowledgeBase) -> Iterator[str]:
    """A decision must fit its own words and the headline it is shown under."""
    clearance = m.Decision.clearance
    for where, outcome, passing in _decided(kb):
        decision = m.Decision[outcome.decision]
        if decision < clearance and _asks_clearance(outcome.action):
            yield f"{where}: its action asks for a physician's clearance: decide at least clearance"
        if decision == m.Decision.postpone and not passing:
            yield (
                f"{where}: 'postpone' is shown as a passing illness or state; mark the entry"
                " passing (a rule's or condition's 'passing: true', an episodic condition, a"
                " systemic state) or choose another decision"
            )
    for condition in kb.conditions.values():
        unstated = condition.unstated
        if not condition.episodic:
            continue
        if unstated is None or m.Decision[unstated.decision] >= m.Decision.postpone:
            yield (
                f"conditions {condition.id}: episodic, so written without a status it needs an"
                " 'unstated' outcome that does not assume an episode (below postpone)"
            )
        elif not unstated.questions:
            yield f"conditions {condition.id}: its 'unstated' outcome must ask about an episode"


def _check_modifications(
    kb: KnowledgeBase, mods: m.Modifications, manipulations: set[str], where: str
) -> Iterator[str]:
    for region in mods.avoid_regions:
        if region not in kb.regions:
            yield f"{where}: avoids unknown region '{region}'"
    for technique in mods.avoid_techniques:
        if technique not in manipulations:
            yield f"{where}: avoids unknown technique or modality '{technique}'"
    for position in mods.positioning:
        if position not in kb.positioning:
            yield f"{where}: unknown positioning '{position}'"


def _check_rules(kb: KnowledgeBase) -> Iterator[str]:
    for compiled in kb.rules:
        for name in compiled.rule.avoid_regions_from:
            if FACTS.get(name) != "set":
                yield f"rules {compiled.rule.id}: avoid_regions_from '{name}' is not a set fact"
    known = {
        "conditions": set(kb.conditions),
        "medication_classes": set(kb.medications),
        "pain.regions": set(kb.regions),
    }
    for compiled in kb.rules:
        for fact, allowed in known.items():
            facts = [
                fact,
                *(f"{fact}.{s}" for s in ("active", "controlled", "history", "suspected")),
            ]
            for name in facts:
                for value in values_used(compiled.condition, name) - allowed:
                    yield f"rules {compiled.rule.id}: compares '{name}' with unknown '{value}'"


def _check_modalities(kb: KnowledgeBase) -> Iterator[str]:
    for modality in kb.modalities.values():
        for technique in modality.techniques:
            if technique not in kb.techniques:
                yield f"modalities {modality.id}: unknown technique '{technique}'"
        for technique in modality.core_techniques:
            if technique not in modality.techniques:
                yield f"modalities {modality.id}: core technique '{technique}' not in techniques"
        for condition in modality.suits.conditions:
            if condition not in kb.conditions:
                yield f"modalities {modality.id}: suits unknown condition '{condition}'"
        for claim in modality.claims:
            if claim not in kb.claims:
                yield f"modalities {modality.id}: unknown claim '{claim}'"


def _check_protocols(kb: KnowledgeBase) -> Iterator[str]:
    for modality_id in kb.modalities:
        if modality_id not in kb.protocols:
            yield f"protocols: no protocol for modality '{modality_id}'"
    for protocol in kb.protocols.values():
        modality = kb.modalities.get(protocol.modality)
        if modality is None:
            yield f"protocols {protocol.modality}: unknown modality"
            continue
        for step in (protocol.opening, *protocol.body, protocol.closing):
            if step.technique not in modality.techniques:
                yield f"protocols {protocol.modality}: '{step.technique}' is not its technique"
            for region in step.regions:
                if region not in kb.regions or region == "spine":
                    yield f"protocols {protocol.modality}: region '{region}' (never the spine)"


def _check_coverage(kb: KnowledgeBase) -> Iterator[str]:
    kinds = kb.kinds()
    for item in kb.coverage:
        for ref in item.covered_by:
            kind, _, entry_id = ref.partition(":")
            if entry_id not in kinds.get(kind, {}):
                yield f"coverage '{item.item}': '{ref}' does not resolve (use kind:id)"


def _check_self_care(kb: KnowledgeBase) -> Iterator[str]:
    for item in kb.self_care.values():
        for technique in item.techniques:
            if technique not in kb.techniques:
                yield f"self_care {item.id}: unknown technique '{technique}'"
        if item.kind == "self_massage" and item.pressure is None:
            yield f"self_care {item.id}: a self-massage must say what pressure it asks for"


def _check_positioning(kb: KnowledgeBase) -> Iterator[str]:
    for entry in kb.positioning.values():
        for region in entry.reaches:
            if region not in kb.regions:
                yield f"positioning {entry.id}: reaches unknown region '{region}'"
        if entry.position and not entry.reaches:
            yield f"positioning {entry.id}: a position must say which regions it reaches"
    for condition in kb.conditions.values():
        for region in condition.usual_regions:
            if region not in kb.regions:
                yield f"conditions {condition.id}: usual region '{region}' is not a region"
        if condition.usual_regions and not condition.local:
            yield f"conditions {condition.id}: usual_regions are for local conditions"
    if not any(entry.position for entry in kb.positioning.values()):
        yield "positioning: at least one entry must be a position (the standard one first)"


# How a verdict opens when it rejects the claim as stated, in whole or in part.
_REJECTING = (
    "false",
    "not supported",
    "no evidence",
    "myth",
    "partly",
    "overstated",
    "not shown",
    "true only",
)


def _check_claims(kb: KnowledgeBase) -> Iterator[str]:
    """A grade agrees with its own verdict and with the myth flag."""
    for claim in kb.claims.values():
        where = f"claims {claim.id}"
        if claim.myth != (claim.grade in ("unsupported", "contradicted")):
            yield f"{where}: myth must be true exactly for an unsupported or contradicted grade"
        opening = claim.verdict.lstrip().lower()
        if claim.grade == "supported" and opening.startswith(_REJECTING):
            yield f"{where}: graded supported, but its verdict rejects the claim as stated"


def _all_modifications(entry: Any) -> Iterator[m.Modifications]:
    if isinstance(entry, m.Modifications):
        yield entry
    elif isinstance(entry, BaseModel):
        for field_name in type(entry).model_fields:
            yield from _all_modifications(getattr(entry, field_name))
    elif isinstance(entry, list | tuple):
        for item in entry:
            yield from _all_modifications(item)

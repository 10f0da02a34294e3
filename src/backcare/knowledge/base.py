"""The loaded knowledge base: entries by kind, lookups by name, and rules compiled once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import BaseModel

from backcare.knowledge import model as m
from backcare.knowledge import outcome as o
from backcare.knowledge.names import (
    ConditionReading,
    Drug,
    MedicationReading,
    NameIndex,
    normalise,
)
from backcare.knowledge.rule import Node, Predicate


def values_named(entry: Any, name: str) -> Iterator[str]:
    """Every string in fields called ``name`` anywhere inside an entry."""
    if isinstance(entry, BaseModel):
        for field_name in type(entry).model_fields:
            value = getattr(entry, field_name)
            if field_name == name and isinstance(value, list):
                yield from value
            else:
                yield from values_named(value, name)
    elif isinstance(entry, list | tuple):
        for item in entry:
            yield from values_named(item, name)


_NAMES = {decision: decision.name for decision in m.Decision}  # ``name`` is slow to read


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: m.Rule
    condition: Node
    holds: Predicate


@dataclass(frozen=True, slots=True)
class CompiledProgressRule:
    rule: o.ProgressRule
    holds: Predicate


@dataclass(frozen=True, slots=True)
class CompiledGroup:
    group: o.RiskGroup
    holds: Predicate


@dataclass(frozen=True)
class KnowledgeBase:
    meta: m.Meta
    sources: dict[str, m.Source]
    conditions: dict[str, m.Condition]
    medications: dict[str, m.MedicationClass]
    rules: tuple[CompiledRule, ...]
    modalities: dict[str, m.Modality]
    techniques: dict[str, m.Technique]
    regions: dict[str, m.Region]
    positioning: dict[str, m.Positioning]
    pressure: dict[str, m.PressureLevel]
    classification: m.Classification
    self_care: dict[str, m.SelfCare]
    self_care_conditions: dict[str, tuple[Node | None, tuple[Node, ...]]]
    claims: dict[str, m.Claim]
    steps: dict[str, m.Step]
    coverage: tuple[m.CoverageItem, ...]
    plan: m.PlanPolicy
    scoring: m.ScoringWeights
    protocols: dict[str, m.Protocol]
    instruments: dict[str, o.Instrument]
    progress: o.ProgressPolicy
    progress_rules: tuple[CompiledProgressRule, ...]
    risk_groups: dict[str, tuple[CompiledGroup, ...]]
    condition_outcomes: dict[str, dict[str, m.Outcome]] = field(repr=False)
    condition_names: dict[str, str] = field(repr=False)
    medication_names: dict[str, Drug] = field(repr=False)
    drug_names: m.DrugNames = field(repr=False)
    dose_rules: dict[str, m.DoseRule] = field(repr=False)
    rxnorm: m.RxNorm = field(repr=False)
    matching: m.MatchingPolicy = field(repr=False)
    names: NameIndex = field(repr=False)

    @property
    def version(self) -> str:
        return self.meta.version

    def condition_id(self, name: str) -> str | None:
        """The condition id for an id or any synonym, ignoring case, spaces and hyphens."""
        return self.condition_names.get(normalise(name))

    def read_medication(self, text: str) -> MedicationReading:
        """The medicines named in a free-text line (doses and all, near misses read with care)."""
        return self.names.medication(text)

    def read_condition(self, text: str) -> ConditionReading:
        """The condition a name stands for: an id, a synonym or a near miss of one."""
        return self.names.condition(text)

    def decision_summary(self, decision: m.Decision) -> str:
        """What a decision means for the client today, in plain words."""
        return self.meta.decisions[cast(m.DecisionName, _NAMES[decision])]

    def pressure_rank(self, name: str) -> int:
        return self.pressure[name].rank

    def gentlest(self, *names: str | None) -> str:
        """The lightest of the pressure words given (``None`` sets no limit)."""
        given = [n for n in names if n is not None]
        if len(given) == 1:  # most often one limit, or the other
            return given[0]
        return min(given, key=self.pressure_rank)

    def kinds(self) -> dict[str, dict[str, Any]]:
        """Every browsable kind of entry, by the name ``backcare kb list`` uses."""
        return {
            "sources": self.sources,
            "conditions": self.conditions,
            "medications": self.medications,
            "rules": {compiled.rule.id: compiled.rule for compiled in self.rules},
            "modalities": self.modalities,
            "techniques": self.techniques,
            "regions": self.regions,
            "positioning": self.positioning,
            "self_care": self.self_care,
            "claims": self.claims,
            "steps": self.steps,
            "protocols": self.protocols,
            "instruments": self.instruments,
            "progress_rules": {compiled.rule.id: compiled.rule for compiled in self.progress_rules},
        }

    def entries(self) -> Iterator[tuple[str, str, Any]]:
        """(kind, id, entry) for every browsable entry."""
        for kind, entries in self.kinds().items():
            for entry_id, entry in entries.items():
                yield kind, entry_id, entry

    def cited(self, entry: Any) -> list[str]:
        """The sources an entry cites anywhere inside it (seed articles included), sorted."""
        found = {*values_named(entry, "sources"), *values_named(entry, "seeds")}
        return sorted(found & self.sources.keys())

    def find(self, entry_id: str) -> tuple[str, Any] | None:
        """The kind and entry with this id (conditions also by synonym)."""
        for kind, found_id, entry in self.entries():
            if found_id == entry_id:
                return kind, entry
        condition = self.condition_id(entry_id)
        return ("conditions", self.conditions[condition]) if condition else None

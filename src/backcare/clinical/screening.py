"""Screening: every finding an intake triggers, and the session limits they add up to.

Findings come from three places in the knowledge base: the condition table (by id and
status), the medication classes, and the compiled screening rules. The decision is the most
severe finding's; modifications merge so that the lowest pressure wins and avoid-lists unite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from operator import attrgetter

from backcare.clinical.facts import KnownCondition, Reading, status_of
from backcare.clinical.once import per_knowledge
from backcare.knowledge import Decision, KnowledgeBase
from backcare.knowledge import model as m
from backcare.knowledge.rule import Facts, compile_all


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    decision: Decision
    title: str
    why: str
    action: str | None
    modifications: m.Modifications
    sources: tuple[str, ...]
    basis: str
    questions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Limits:
    """What every finding together asks of a session."""

    max_pressure: str | None
    avoid_regions: tuple[str, ...]
    avoid_techniques: tuple[str, ...]
    positioning: tuple[str, ...]
    max_session_minutes: int | None
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Screening:
    decision: Decision
    findings: tuple[Finding, ...]
    limits: Limits


def screen(
    reading: Reading, kb: KnowledgeBase, cleared: Mapping[str, str] | None = None
) -> Screening:
    """Findings and limits; ``cleared`` maps a rule id to who cleared it and when."""
    tables = per_knowledge(kb, _tables)
    found = _condition_findings(reading, kb, tables)
    if reading.medication_classes:
        found += [tables.medication_findings[c] for c in reading.medication_classes]
    found += _rule_findings(reading.facts, tables)
    if cleared:
        found = [_clear(finding, cleared) for finding in found]
    if len(found) > 1:
        found.sort(key=_severity, reverse=True)  # stable: equals keep their order
    decision = found[0].decision if found else Decision.proceed
    limits = merge([tables.standard, *[f.modifications for f in found]], kb)
    return Screening(decision, tuple(found), limits)


_severity = attrgetter("decision")


def merge(every: list[m.Modifications], kb: KnowledgeBase) -> Limits:
    """The limits of these modifications together: the lightest pressure and the shortest
    session win, lists unite in their order. Worked out each time: few intakes share their
    findings' combination, so a merge kept by it was mostly missed."""
    pressures = [mods.max_pressure for mods in every if mods.max_pressure]
    minutes = [mods.max_session_minutes for mods in every if mods.max_session_minutes]
    regions: list[str] = []
    techniques: list[str] = []
    positioning: list[str] = []
    notes: list[str] = []
    for mods in every:  # most findings give one or two of the four lists
        if mods.avoid_regions:
            regions += mods.avoid_regions
        if mods.avoid_techniques:
            techniques += mods.avoid_techniques
        if mods.positioning:
            positioning += mods.positioning
        if mods.notes:
            notes += mods.notes
    return Limits(
        max_pressure=kb.gentlest(*pressures) if pressures else None,
        avoid_regions=tuple(dict.fromkeys(regions)),
        avoid_techniques=tuple(dict.fromkeys(techniques)),
        positioning=tuple(dict.fromkeys(positioning)),
        max_session_minutes=min(minutes) if minutes else None,
        notes=tuple(dict.fromkeys(notes)),
    )


Basis = m.Outcome | m.Rule | m.MedicationClass


def _base(rule: str, basis: Basis, title: str) -> Finding:
    """The finding of a rule or table row, on the regions its entry names."""
    return Finding(
        rule=rule,
        decision=Decision[basis.decision],
        title=title,
        why=basis.why,
        action=getattr(basis, "action", None),
        modifications=basis.modifications,
        sources=tuple(basis.sources),
        basis=getattr(basis, "basis", "source"),
        questions=tuple(basis.questions),
    )


_PLACED_KEPT = 16_384


def _placed(base: Finding, regions: Iterable[str]) -> Finding:
    """The finding kept away from these regions too."""
    mods = base.modifications
    extra = tuple([r for r in regions if r not in mods.avoid_regions])
    if not extra:
        return base
    placed = (id(base), extra)  # the same finding on the same regions is made once
    kept = _PLACED.get(placed)
    if kept is None or kept[0] is not base:  # the base is held, so its id is not reused
        if len(_PLACED) >= _PLACED_KEPT:
            _PLACED.clear()
        update = {"avoid_regions": [*mods.avoid_regions, *extra]}
        kept = _PLACED[placed] = (base, replace(base, modifications=mods.model_copy(update=update)))
    return kept[1]


_PLACED: dict[tuple[int, tuple[str, ...]], tuple[Finding, Finding]] = {}


CLEARABLE = (Decision.clearance, Decision.refer)
CLEARED_NOTE = "Cleared: {}. Keep to the limits of this finding."
"""The note a cleared finding adds; ``{}`` is who cleared it, then the day."""


def _clear(finding: Finding, cleared: Mapping[str, str]) -> Finding:
    """A finding that waits for a doctor (clearance or referral) goes ahead, with its limits
    kept, once the doctor's written clearance for it is recorded; its action (asking for
    that clearance) is done. An emergency never goes ahead."""
    if finding.decision not in CLEARABLE or finding.rule not in cleared:
        return finding
    note = CLEARED_NOTE.format(cleared[finding.rule])
    mods = finding.modifications
    return replace(
        finding,
        decision=Decision.modify,
        action=None,
        modifications=mods.model_copy(update={"notes": [*mods.notes, note]}),
    )


@dataclass(frozen=True, slots=True)
class _RuleFinding:
    finding: Finding
    regions_from: tuple[str, ...]  # the facts naming further regions it keeps away from


@dataclass(frozen=True, slots=True)
class _Tables:
    """What screening reads of a knowledge base, worked out once for it."""

    standard: m.Modifications  # the standard session's, merged into every screening's limits
    holding: Callable[[Facts], list[int]]  # every screening rule in one function
    rule_findings: tuple[_RuleFinding, ...]  # by the rule's position
    medication_findings: dict[str, Finding]  # by class id
    # Each condition's row, and each unplaced local condition's finding, by id, status and
    # whether the status was given: filled as met.
    rows: dict[tuple[str, str, bool], _ConditionRow]
    asking: dict[tuple[str, str, bool], Finding]


def _tables(kb: KnowledgeBase) -> _Tables:
    return _Tables(
        kb.plan.standard_session.modifications,
        compile_all([compiled.condition for compiled in kb.rules]),
        tuple(
            _RuleFinding(_base(c.rule.id, c.rule, c.rule.title), tuple(c.rule.avoid_regions_from))
            for c in kb.rules
        ),
        {
            class_id: _base(f"medication.{class_id}", cls, cls.title)
            for class_id, cls in kb.medications.items()
        },
        {},
        {},
    )


def _condition_findings(reading: Reading, kb: KnowledgeBase, tables: _Tables) -> list[Finding]:
    found: list[Finding] = []
    rows, asking = tables.rows, tables.asking
    for known in reading.conditions:
        key = (known.id, known.status, known.stated)
        row = rows.get(key) or rows.setdefault(key, _condition_row(known, kb))
        base, local, _condition = row
        if not local:
            found.append(base)
        elif known.regions:
            found.append(_placed(base, known.regions))
        else:  # where it usually is, asking where it is
            found.append(asking.get(key) or asking.setdefault(key, _unplaced_finding(row)))
    return found


def _unplaced_finding(row: _ConditionRow) -> Finding:
    """A local condition's finding when the intake does not say where it is: on its usual
    regions (without any, policy.local_condition_without_place keeps away), asking where."""
    base, _local, condition = row
    finding = _placed(base, condition.usual_regions)
    where = f"Where is the {condition.name.lower()}?"
    return replace(finding, questions=(where, *finding.questions))


_ConditionRow = tuple[Finding, bool, m.Condition]


def _condition_row(known: KnownCondition, kb: KnowledgeBase) -> _ConditionRow:
    """The finding of a condition under its status, and whether it limits the session locally
    (on its regions, or where it usually is when the intake gives none)."""
    condition = kb.conditions[known.id]
    status = status_of(known, kb)
    outcome = kb.condition_outcomes[known.id][status]
    local = condition.local and Decision[outcome.decision] >= Decision.modify
    base = _base(f"condition.{known.id}.{status}", outcome, outcome.title or condition.name)
    return base, local, condition


def _rule_findings(facts: Facts, tables: _Tables) -> list[Finding]:
    found = []
    for position in tables.holding(facts):
        entry = tables.rule_findings[position]
        if entry.regions_from:
            regions = [r for name in entry.regions_from for r in sorted(facts[name])]
            found.append(_placed(entry.finding, regions))
        else:
            found.append(entry.finding)
    return found

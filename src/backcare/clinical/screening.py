"""Screening: every finding an intake triggers, and the session limits they add up to.

Findings come from three places in the knowledge base: the condition table (by id and
status), the medication classes, and the compiled screening rules. The decision is the most
severe finding's; modifications merge so that the lowest pressure wins and avoid-lists unite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from operator import attrgetter

from backcare.clinical.facts import KnownCondition, Reading, status_of
from backcare.clinical.kept import Kept
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
    found = [
        *_condition_findings(reading, kb),
        *_medication_findings(reading, kb),
        *_rule_findings(reading, kb),
    ]
    if cleared:
        found = [_clear(finding, cleared) for finding in found]
    findings = sorted(found, key=_severity, reverse=True)  # stable: equals keep their order
    decision = findings[0].decision if findings else Decision.proceed
    every = (kb.plan.standard_session.modifications, *(f.modifications for f in findings))
    # Kept by the identities of the modifications, held with the limits (so not reused).
    _held, limits = _MERGED.get(kb, tuple(map(id, every)), lambda: (every, merge(every, kb)))
    return Screening(decision, tuple(findings), limits)


_MERGED: Kept[tuple[tuple[m.Modifications, ...], Limits]] = Kept(size=4096)
_severity = attrgetter("decision")


def merge(all_modifications: Iterable[m.Modifications], kb: KnowledgeBase) -> Limits:
    pressures: list[str] = []
    minutes: list[int] = []
    regions: dict[str, None] = {}
    techniques: dict[str, None] = {}
    positioning: dict[str, None] = {}
    notes: dict[str, None] = {}
    for mods in all_modifications:
        if mods.max_pressure:
            pressures.append(mods.max_pressure)
        if mods.max_session_minutes:
            minutes.append(mods.max_session_minutes)
        for found, given in (
            (regions, mods.avoid_regions),
            (techniques, mods.avoid_techniques),
            (positioning, mods.positioning),
            (notes, mods.notes),
        ):
            if given:  # most findings give one or two of the four
                found.update(dict.fromkeys(given))
    return Limits(
        max_pressure=kb.gentlest(*pressures) if pressures else None,
        avoid_regions=tuple(regions),
        avoid_techniques=tuple(techniques),
        positioning=tuple(positioning),
        max_session_minutes=min(minutes) if minutes else None,
        notes=tuple(notes),
    )


Basis = m.Outcome | m.Rule | m.MedicationClass
_BASE_KEPT = 16_384  # a knowledge base has a few thousand rules and table rows
_BASE: dict[tuple[str, int], Finding] = {}


def _finding(rule: str, basis: Basis, title: str, regions: Iterable[str] = ()) -> Finding:
    """The finding of a rule or table row; its base is built once per knowledge entry (an entry
    of another knowledge base at the same address has other modifications)."""
    key = (rule, id(basis))
    base = _BASE.get(key)
    if base is None or base.modifications is not basis.modifications:
        if len(_BASE) >= _BASE_KEPT:
            _BASE.clear()
        base = _BASE[key] = Finding(
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
    mods = base.modifications
    extra = tuple(r for r in regions if r not in mods.avoid_regions)
    if not extra:
        return base
    placed = (rule, id(basis), extra)  # the same finding on the same regions is made once
    kept = _PLACED.get(placed)
    if kept is None or kept[0] is not base:
        if len(_PLACED) >= _BASE_KEPT:
            _PLACED.clear()
        update = {"avoid_regions": [*mods.avoid_regions, *extra]}
        kept = _PLACED[placed] = (base, replace(base, modifications=mods.model_copy(update=update)))
    return kept[1]


_PLACED: dict[tuple[str, int, tuple[str, ...]], tuple[Finding, Finding]] = {}


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


def _condition_findings(reading: Reading, kb: KnowledgeBase) -> Iterator[Finding]:
    rows, asking = per_knowledge(kb, _condition_rows), per_knowledge(kb, _asking_where)
    for known in reading.conditions:
        key = (known.id, known.status, known.stated)
        row = rows.get(key) or rows.setdefault(key, _condition_row(known, kb))
        rule, outcome, title, local, _condition = row
        if local and not known.regions:  # where it usually is, asking where it is
            yield asking.get(key) or asking.setdefault(key, _unplaced_finding(row))
        else:
            yield _finding(rule, outcome, title, known.regions if local else ())


def _unplaced_finding(row: _ConditionRow) -> Finding:
    """A local condition's finding when the intake does not say where it is: on its usual
    regions (without any, policy.local_condition_without_place keeps away), asking where."""
    rule, outcome, title, _local, condition = row
    finding = _finding(rule, outcome, title, condition.usual_regions)
    where = f"Where is the {condition.name.lower()}?"
    return replace(finding, questions=(where, *finding.questions))


_ConditionRow = tuple[str, m.Outcome, str, bool, m.Condition]


def _condition_rows(_kb: KnowledgeBase) -> dict[tuple[str, str, bool], _ConditionRow]:
    """Each condition's row by id, status and whether the status was given, filled as met."""
    return {}


def _asking_where(_kb: KnowledgeBase) -> dict[tuple[str, str, bool], Finding]:
    """Each unplaced local condition's finding by id, status and whether the status was given,
    filled as met."""
    return {}


def _condition_row(known: KnownCondition, kb: KnowledgeBase) -> _ConditionRow:
    """The rule id, outcome and title of a condition under its status, and whether it limits
    the session locally (on its regions, or where it usually is when the intake gives none)."""
    condition = kb.conditions[known.id]
    status = status_of(known, kb)
    outcome = kb.condition_outcomes[known.id][status]
    local = condition.local and Decision[outcome.decision] >= Decision.modify
    title = outcome.title or condition.name
    return f"condition.{known.id}.{status}", outcome, title, local, condition


def _medication_findings(reading: Reading, kb: KnowledgeBase) -> Iterator[Finding]:
    for class_id in reading.medication_classes:
        cls = kb.medications[class_id]
        yield _finding(f"medication.{class_id}", cls, cls.title)


def _holding(kb: KnowledgeBase) -> Callable[[Facts], list[int]]:
    """Every screening rule in one function: the positions of those that hold."""
    return compile_all([compiled.condition for compiled in kb.rules])


def _rule_findings(reading: Reading, kb: KnowledgeBase) -> Iterator[Finding]:
    facts, rules = reading.facts, kb.rules
    for position in per_knowledge(kb, _holding)(facts):
        rule = rules[position].rule
        regions = [r for name in rule.avoid_regions_from for r in sorted(facts[name])]
        yield _finding(rule.id, rule, rule.title, regions)

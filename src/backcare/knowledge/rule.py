"""The screening-rule format: a small condition over intake facts.

A condition is one of::

    {all: [cond, ...]}        every one holds
    {any: [cond, ...]}        at least one holds
    {at_least: {count: N, of: [cond, ...]}}   N or more of them hold (signs weighed together)
    {not: cond}               it does not hold
    {FACT: VALUE}             the fact equals VALUE (``true``, a number or a word)
    {FACT: {OP: VALUE, ...}}  every comparison holds

with OP one of ``eq ne lt le gt ge`` (numbers and words), ``in`` (the fact is one of a list),
``has`` (a set fact contains a value), ``has_any`` (a set fact shares a value with a list),
``empty`` (a set fact is, or is not, empty). FACT names come from ``FACTS``.

A fact that the intake left unanswered (``None``) makes every comparison on it false, so a
question left out never counts as "yes" and ``{not: ...}`` of it is true.

``parse`` turns the YAML form into a tree of frozen nodes; back ends walk that tree.
``compile_predicate`` is the Python back end: a closure over a fact mapping.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from backcare.errors import KnowledgeError
from backcare.knowledge.contract import PROCEDURE_KINDS, RED_FLAGS, SKIN_FINDINGS, STATUSES

FactType = Literal["bool", "number", "word", "set"]
Facts = Mapping[str, Any]
Predicate = Callable[[Facts], bool]


def _fact_types() -> dict[str, FactType]:
    types: dict[str, FactType] = {
        "age": "number",
        "sex": "word",
        "pregnant": "bool",
        "pregnant_weeks": "number",
        "pregnancy_complications": "set",
        "breastfeeding": "bool",
        "occupation": "word",
        "pain": "bool",
        "pain.regions": "set",
        "pain.duration_weeks": "number",
        "pain.chronicity": "word",
        "pain.intensity": "number",
        "pain.cause": "word",
        "pain.radiates_below_knee": "bool",
        "pain.numbness": "set",
        "pain.weakness": "set",
        "pain.worse_at_night": "bool",
        "pain.morning_stiffness_minutes": "number",
        "pain.new_or_changed": "bool",
        "pain.explained": "bool",
        "conditions": "set",
        "medication_classes": "set",
        "allergies": "set",
        "temperature_c": "number",
        "systolic": "number",
        "diastolic": "number",
        "unrecognised_conditions": "number",
        "unrecognised_medications": "number",
    }
    types.update({f"red_flags.{name}": "bool" for name in RED_FLAGS})
    types.update({f"conditions.{status}": "set" for status in STATUSES})
    types["conditions.unplaced"] = "set"
    types.update({f"skin.{finding}": "set" for finding in SKIN_FINDINGS})
    for kind in PROCEDURE_KINDS:
        types[f"{kind}.weeks_ago"] = "number"
        types[f"{kind}.regions"] = "set"
        types[f"{kind}.unplaced_weeks_ago"] = "number"
    return types


FACTS: dict[str, FactType] = _fact_types()

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
_OPS_FOR: dict[FactType, frozenset[str]] = {
    "bool": frozenset({"eq", "ne"}),
    "number": frozenset({"eq", "ne", "lt", "le", "gt", "ge", "in"}),
    "word": frozenset({"eq", "ne", "in"}),
    "set": frozenset({"has", "has_any", "empty"}),
}


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AtLeast:
    count: int
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


@dataclass(frozen=True, slots=True)
class Test:
    fact: str
    op: str
    value: Any


Node = All | AnyOf | AtLeast | Not | Test


def parse(raw: Any, where: str, facts: Mapping[str, FactType] = FACTS) -> Node:
    """Read the YAML form of a condition; ``where`` names the rule in error messages.

    ``facts`` are the facts it may name: the intake's (``FACTS``) unless another table is given,
    as the progress rules and instrument scoring give theirs."""
    if not isinstance(raw, dict) or len(raw) != 1:
        raise KnowledgeError(f"{where}: a condition is a mapping with exactly one key, got {raw!r}")
    ((key, value),) = raw.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise KnowledgeError(f"{where}: '{key}' takes a non-empty list")
        items = tuple(parse(item, where, facts) for item in value)
        return All(items) if key == "all" else AnyOf(items)
    if key == "not":
        return Not(parse(value, where, facts))
    if key == "at_least":
        return _parse_at_least(value, where, facts)
    return _parse_tests(key, value, where, facts)


def _parse_at_least(value: Any, where: str, facts: Mapping[str, FactType]) -> Node:
    if not isinstance(value, dict) or set(value) != {"count", "of"}:
        raise KnowledgeError(f"{where}: 'at_least' takes {{count: N, of: [cond, ...]}}")
    count, items = value["count"], value["of"]
    if not isinstance(items, list) or not isinstance(count, int) or not 1 <= count <= len(items):
        raise KnowledgeError(f"{where}: 'at_least' needs a count from 1 to the number of 'of'")
    return AtLeast(count, tuple(parse(item, where, facts) for item in items))


def _parse_tests(fact: str, value: Any, where: str, facts: Mapping[str, FactType]) -> Node:
    kind = facts.get(fact)
    if kind is None:
        raise KnowledgeError(f"{where}: unknown fact '{fact}'; known facts: {', '.join(facts)}")
    comparisons = value if isinstance(value, dict) else {"eq": value}
    tests: list[Node] = []
    for op, operand in comparisons.items():
        if op not in _OPS_FOR[kind]:
            allowed = ", ".join(sorted(_OPS_FOR[kind]))
            raise KnowledgeError(
                f"{where}: '{op}' does not apply to {kind} fact '{fact}' (allowed: {allowed})"
            )
        _check_operand(fact, kind, op, operand, where)
        if op in ("in", "has_any"):
            operand = frozenset(operand)
        tests.append(Test(fact, op, operand))
    return tests[0] if len(tests) == 1 else All(tuple(tests))


def _check_operand(fact: str, kind: FactType, op: str, operand: Any, where: str) -> None:
    if op in ("in", "has_any"):
        ok = isinstance(operand, list) and bool(operand)
    elif op == "empty" or kind == "bool":
        ok = isinstance(operand, bool)
    elif kind == "number":
        ok = isinstance(operand, int | float) and not isinstance(operand, bool)
    else:
        ok = isinstance(operand, str)
    if not ok:
        raise KnowledgeError(f"{where}: '{op}' on {kind} fact '{fact}' got {operand!r}")


def facts_used(node: Node) -> set[str]:
    """Every fact a condition reads."""
    if isinstance(node, Test):
        return {node.fact}
    if isinstance(node, Not):
        return facts_used(node.item)
    return set().union(*(facts_used(item) for item in node.items))


def values_used(node: Node, fact: str) -> set[Any]:
    """Every value a condition compares ``fact`` with (for cross-reference checks)."""
    if isinstance(node, Test):
        if node.fact != fact or node.op == "empty":
            return set()
        return set(node.value) if isinstance(node.value, frozenset) else {node.value}
    if isinstance(node, Not):
        return values_used(node.item, fact)
    return set().union(*(values_used(item, fact) for item in node.items))


def compile_predicate(node: Node) -> Predicate:
    """Python back end: a closure that evaluates the condition over a fact mapping."""
    if isinstance(node, Not):
        inner = compile_predicate(node.item)
        return lambda facts: not inner(facts)
    if isinstance(node, Test):
        return _compile_test(node)
    if isinstance(node, AtLeast):
        return _at_least(node.count, tuple(compile_predicate(item) for item in node.items))
    items = _merge_memberships(node.items) if isinstance(node, AnyOf) else node.items
    parts = tuple(compile_predicate(item) for item in items)
    return _all(parts) if isinstance(node, All) else _any(parts)


def _merge_memberships(items: tuple[Node, ...]) -> tuple[Node, ...]:
    """Under ``any``, membership tests of one set fact are one: has a, has b = has_any {a, b}."""
    merged: dict[str, frozenset[Any]] = {}
    rest: list[Node] = []
    for item in items:
        if isinstance(item, Test) and item.op in ("has", "has_any"):
            values = item.value if item.op == "has_any" else frozenset({item.value})
            merged[item.fact] = merged.get(item.fact, frozenset()) | values
        else:
            rest.append(item)
    return (*(Test(fact, "has_any", values) for fact, values in merged.items()), *rest)


def _all(parts: tuple[Predicate, ...]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda facts: first(facts) and second(facts)

    def every(facts: Facts) -> bool:
        for part in parts:  # noqa: SIM110 - a loop beats a generator here (bench/)
            if not part(facts):
                return False
        return True

    return every


def _any(parts: tuple[Predicate, ...]) -> Predicate:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda facts: first(facts) or second(facts)

    def some(facts: Facts) -> bool:
        for part in parts:  # noqa: SIM110 - a loop beats a generator here (bench/)
            if part(facts):
                return True
        return False

    return some


def _at_least(count: int, parts: tuple[Predicate, ...]) -> Predicate:
    def enough(facts: Facts) -> bool:
        return sum(1 for part in parts if part(facts)) >= count

    return enough


def _compile_test(test: Test) -> Predicate:
    fact, value = test.fact, test.value
    if test.op == "has":
        return lambda facts: value in facts[fact]
    if test.op == "has_any":
        return lambda facts: not value.isdisjoint(facts[fact])
    if test.op == "empty":
        return lambda facts: (not facts[fact]) is value
    if test.op == "in":
        return lambda facts: facts[fact] in value
    if test.op == "eq":  # an operand is never None, so an unanswered fact never equals it
        if value is True:
            return lambda facts: facts[fact] is True
        return lambda facts: facts[fact] == value
    compare = _COMPARE[test.op]

    def check(facts: Facts) -> bool:
        actual = facts[fact]
        return actual is not None and compare(actual, value)

    return check

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
``compile_predicate`` is the Python back end: the tree written out as the source of one Python
function over a fact mapping, compiled once (``compile_all``: many conditions in one function).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
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
    """Python back end: the condition as a Python function over a fact mapping, its tree
    written out as one expression (no call per node)."""
    source = _Source()
    expression = source.of(node)
    holds: Predicate = _generated(
        ("def holds(facts):", f"    return True if {expression} else False"), "holds", source.values
    )
    return holds


def compile_when_needed(node: Node) -> Predicate:
    """``compile_predicate(node)``, compiled when first asked: a knowledge base holds many
    conditions that a process may never evaluate one by one (screening evaluates its rules all
    at once), and compiling each takes a little while."""
    compiled: list[Predicate] = []

    def holds(facts: Facts) -> bool:
        if not compiled:
            compiled.append(compile_predicate(node))
        return compiled[0](facts)

    return holds


def compile_all(nodes: Sequence[Node]) -> Callable[[Facts], list[int]]:
    """The positions of the conditions that hold, in their order: every condition in one
    function (what ``compile_predicate`` of each gives, without a call per condition). A fact
    that several conditions read is looked up once, and a condition that several positions
    hold (routines share cautions) is worked out once."""
    uses = Counter(fact for node in nodes for fact in _tests_of(node))
    source = _Source({fact: f"_f{i}" for i, fact in enumerate(f for f, n in uses.items() if n > 1)})
    lines = ["def holding(facts):"]
    lines += [f"    {name} = facts[{fact!r}]" for fact, name in source.local.items()]
    lines.append("    found = []")
    written = [repr(node) for node in nodes]  # equal text, equal meaning
    again = {text for text, n in Counter(written).items() if n > 1}
    kept: dict[str, str] = {}  # a condition met again: the name its result is kept in
    for position, (node, text) in enumerate(zip(nodes, written, strict=True)):
        if text in kept:
            test = kept[text]
        elif text in again:
            name = kept[text] = f"_c{len(kept)}"
            test = f"({name} := {source.of(node)})"
        else:
            test = source.of(node)
        lines += [f"    if {test}:", f"        found.append({position})"]
    holding: Callable[[Facts], list[int]] = _generated(
        (*lines, "    return found"), "holding", source.values
    )
    return holding


def _tests_of(node: Node) -> list[str]:
    """The fact of each test of a condition, once a test."""
    if isinstance(node, Test):
        return [node.fact]
    if isinstance(node, Not):
        return _tests_of(node.item)
    return [fact for item in node.items for fact in _tests_of(item)]


def _generated(lines: Sequence[str], name: str, values: dict[str, Any]) -> Any:
    """The function ``name`` defined by ``lines``, with ``values`` as its global names."""
    namespace = dict(values)
    exec(compile("\n".join(lines), f"<condition {name}>", "exec"), namespace)
    return namespace[name]


class _Source:
    """Python source of conditions. Fact names are written as string literals (they are the
    names of a fact table); every operand is a name bound to its value, never source text."""

    def __init__(self, local: Mapping[str, str] | None = None) -> None:
        self.values: dict[str, Any] = {}
        self.local = dict(local or {})  # facts already read into local names

    def of(self, node: Node) -> str:
        if isinstance(node, Not):
            return f"(not {self.of(node.item)})"
        if isinstance(node, Test):
            return self._test(node)
        if isinstance(node, AtLeast):  # each sign counts one (a test may give a set, not a bool)
            signs = " + ".join(f"(1 if {self.of(item)} else 0)" for item in node.items)
            return f"({signs} >= {node.count})"
        items = _merge_memberships(node.items) if isinstance(node, AnyOf) else node.items
        joiner = " and " if isinstance(node, All) else " or "
        return f"({joiner.join(self.of(item) for item in items)})"

    def _value(self, value: Any) -> str:
        name = f"_v{len(self.values)}"
        self.values[name] = value
        return name

    def _test(self, test: Test) -> str:
        local, op = self.local.get(test.fact), test.op
        fact = local or f"facts[{test.fact!r}]"
        if op == "has":
            return f"({self._value(test.value)} in {fact})"
        if op == "has_any":  # most set facts are empty: tested first, without a call
            if local:
                return f"({fact} and not {self._value(test.value)}.isdisjoint({fact}))"
            return f"((_s := {fact}) and not {self._value(test.value)}.isdisjoint(_s))"
        if op == "empty":
            return f"(not {fact})" if test.value else f"(not not {fact})"
        if op == "in":
            return f"({fact} in {self._value(test.value)})"
        if op == "eq":  # an operand is never None, so an unanswered fact never equals it
            if test.value is True:
                return f"({fact} is True)"
            return f"({fact} == {self._value(test.value)})"
        compared = f"{_OPERATORS[op]} {self._value(test.value)}"
        if local:
            return f"({fact} is not None and {fact} {compared})"
        return f"((_x := {fact}) is not None and _x {compared})"


_OPERATORS = {"ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


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

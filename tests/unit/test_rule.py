from __future__ import annotations

import operator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from backcare.clinical import parse_intake
from backcare.clinical.facts import read
from backcare.errors import KnowledgeError
from backcare.knowledge import load_knowledge
from backcare.knowledge.rule import (
    FACTS,
    All,
    AnyOf,
    AtLeast,
    Node,
    Not,
    compile_all,
    compile_predicate,
    facts_used,
    parse,
)
from tests import strategies as s

KB = load_knowledge()


def facts(**given: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        name: (frozenset() if kind == "set" else None) for name, kind in FACTS.items()
    }
    base.update({name.replace("__", "."): value for name, value in given.items()})
    return base


def holds(condition: Any, **given: Any) -> bool:
    return compile_predicate(parse(condition, "test"))(facts(**given))


def test_equality_and_comparisons_on_numbers():
    assert holds({"age": {"ge": 50}}, age=50)
    assert not holds({"age": {"gt": 50}}, age=50)
    assert holds({"age": {"ge": 18, "lt": 65}}, age=40)
    assert not holds({"age": {"ge": 18, "lt": 65}}, age=70)


def test_an_unanswered_fact_never_counts_as_yes():
    assert not holds({"red_flags.fever": True})
    assert not holds({"age": {"lt": 200}})
    assert holds({"not": {"red_flags.fever": True}})


def test_any_all_and_not_combine():
    condition = {
        "all": [
            {"pain": True},
            {"any": [{"red_flags.fever": True}, {"temperature_c": {"ge": 38.0}}]},
        ]
    }
    assert holds(condition, pain=True, temperature_c=38.4)
    assert holds(condition, pain=True, red_flags__fever=True)
    assert not holds(condition, pain=False, red_flags__fever=True)
    assert not holds(condition, pain=True, temperature_c=37.0)


def test_membership_on_sets_and_words():
    assert holds({"conditions": {"has": "osteoporosis"}}, conditions=frozenset({"osteoporosis"}))
    assert holds(
        {"conditions": {"has_any": ["cancer", "osteoporosis"]}},
        conditions=frozenset({"osteoporosis"}),
    )
    assert not holds(
        {"conditions": {"has_any": ["cancer"]}}, conditions=frozenset({"osteoporosis"})
    )
    assert holds({"pain.cause": {"in": ["fall", "trauma"]}}, pain__cause="fall")
    assert holds({"skin.bruise": {"empty": False}}, skin__bruise=frozenset({"spine"}))
    assert holds({"skin.bruise": {"empty": True}})


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"red_flag.fever": True}, "unknown fact 'red_flag.fever'"),
        ({"age": {"has": 3}}, "'has' does not apply to number fact 'age'"),
        ({"age": {"ge": "fifty"}}, "'ge' on number fact 'age'"),
        ({"all": []}, "'all' takes a non-empty list"),
        ({"age": 3, "sex": "male"}, "exactly one key"),
        ({"conditions": {"has_any": []}}, "'has_any' on set fact 'conditions'"),
    ],
)
def test_a_malformed_rule_is_refused_with_its_name_and_the_problem(condition, message):
    with pytest.raises(KnowledgeError, match="rule-x") as error:
        parse(condition, "rule-x")
    assert message in str(error.value)


def test_facts_used_lists_every_fact_a_rule_reads():
    node = parse({"all": [{"pain": True}, {"not": {"age": {"lt": 20}}}]}, "t")
    assert facts_used(node) == {"pain", "age"}


def test_membership_tests_under_any_merge_without_changing_the_answer():
    condition = {
        "any": [
            {"conditions": {"has": "osteoporosis"}},
            {"conditions": {"has": "cancer"}},
            {"medication_classes": {"has_any": ["bisphosphonate"]}},
            {"age": {"ge": 80}},
        ]
    }
    assert holds(condition, conditions=frozenset({"cancer"}))
    assert holds(condition, medication_classes=frozenset({"bisphosphonate"}))
    assert holds(condition, age=85)
    assert not holds(condition, conditions=frozenset({"diabetes"}), age=40)


SIGNS = {
    "at_least": {
        "count": 2,
        "of": [
            {"pain.worse_at_night": True},
            {"red_flags.unexplained_weight_loss": True},
            {"age": {"ge": 50}},
        ],
    }
}


def test_at_least_counts_the_signs_that_hold_together():
    assert not holds(SIGNS, age=60)
    assert holds(SIGNS, age=60, pain__worse_at_night=True)
    assert not holds(SIGNS, age=30, pain__worse_at_night=True)
    assert holds(SIGNS, age=30, pain__worse_at_night=True, red_flags__unexplained_weight_loss=True)
    assert facts_used(parse(SIGNS, "test")) == {
        "pain.worse_at_night",
        "red_flags.unexplained_weight_loss",
        "age",
    }


@pytest.mark.parametrize(
    "bad",
    [
        {"at_least": {"count": 3, "of": [{"age": {"ge": 50}}]}},
        {"at_least": {"count": 0, "of": [{"age": {"ge": 50}}]}},
        {"at_least": [{"age": {"ge": 50}}]},
    ],
)
def test_at_least_needs_a_count_within_its_signs(bad):
    with pytest.raises(KnowledgeError, match="at_least"):
        parse(bad, "test")


def evaluated(node: Node, given: dict[str, Any]) -> bool:
    """The condition's meaning, read straight off its tree (as the module docstring states it)."""
    if isinstance(node, All):
        return all(evaluated(item, given) for item in node.items)
    if isinstance(node, AnyOf):
        return any(evaluated(item, given) for item in node.items)
    if isinstance(node, Not):
        return not evaluated(node.item, given)
    if isinstance(node, AtLeast):
        return sum(evaluated(item, given) for item in node.items) >= node.count
    actual, value = given[node.fact], node.value
    if node.op == "has":
        return value in actual
    if node.op == "has_any":
        return bool(value & actual)
    if node.op == "empty":
        return (len(actual) == 0) == value
    if node.op == "in":
        return actual in value
    return actual is not None and COMPARISONS[node.op](actual, value)


COMPARISONS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


RULES = [compiled.condition for compiled in KB.rules]
HOLDING = compile_all(RULES)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s.intakes())
def test_compiled_rules_mean_what_their_trees_say_one_by_one_and_all_at_once(data):
    given_facts = read(parse_intake(data, today=s.TODAY), KB).facts
    expected = [i for i, node in enumerate(RULES) if evaluated(node, given_facts)]
    assert [i for i, node in enumerate(RULES) if compile_predicate(node)(given_facts)] == expected
    assert HOLDING(given_facts) == expected


def test_every_kind_of_test_compiles_to_its_meaning():
    conditions = [
        {"age": {"ne": 40}},
        {"age": {"le": 40}},
        {"age": {"gt": 40}},
        {"age": {"in": [40, 41]}},
        {"sex": "female"},
        {"pain": False},
        {"skin.bruise": {"empty": True}},
        {"skin.bruise": {"empty": False}},
        {"any": [{"conditions": {"has": "cancer"}}, {"age": {"lt": 30}}]},
        {"not": {"conditions": {"has_any": ["cancer", "osteoporosis"]}}},
        SIGNS,
    ]
    cases = [
        facts(),
        facts(age=40, sex="female", pain=False),
        facts(age=41, skin__bruise=frozenset({"spine"}), conditions=frozenset({"cancer"})),
        facts(age=20, pain=True, pain__worse_at_night=True),
    ]
    nodes = [parse(condition, "test") for condition in conditions]
    for given_facts in cases:
        expected = [i for i, node in enumerate(nodes) if evaluated(node, given_facts)]
        assert [i for i, n in enumerate(nodes) if compile_predicate(n)(given_facts)] == expected
        assert compile_all(nodes)(given_facts) == expected


def test_a_condition_given_at_several_positions_holds_at_each_of_them():
    shared = {"any": [{"conditions": {"has": "cancer"}}, {"age": {"ge": 70}}]}
    conditions = [shared, {"age": {"lt": 30}}, shared, {"not": shared}, shared]
    nodes = [parse(condition, "test") for condition in conditions]
    holding = compile_all(nodes)
    assert holding(facts(age=75)) == [0, 2, 4]
    assert holding(facts(age=20, conditions=frozenset({"cancer"}))) == [0, 1, 2, 4]
    assert holding(facts(age=50)) == [3]

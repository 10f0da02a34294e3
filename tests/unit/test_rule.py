from __future__ import annotations

from typing import Any

import pytest

from backcare.errors import KnowledgeError
from backcare.knowledge.rule import FACTS, compile_predicate, facts_used, parse


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

"""Properties of assess over generated intakes: safety only ever ratchets up, the result is
reproducible, and the JSON always follows the published schema."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import jsonschema
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.clinical import assess, parse_intake, to_json
from backcare.clinical.assessment import to_json_bytes
from backcare.clinical.protocol import protocol_for
from backcare.knowledge import Decision, load_knowledge
from backcare.knowledge.contract import RED_FLAGS
from backcare.knowledge.rule import facts_used
from tests import strategies as s

KB = load_knowledge()
SCHEMA = json.loads((resources.files("backcare") / "schema" / "assessment-v1.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def decision_of(data: dict[str, Any]) -> Decision:
    return assess(parse_intake(data, today=s.TODAY), KB).decision


def with_added(data: dict[str, Any], key: str, item: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    changed[key] = [*changed.get(key, []), item]
    return changed


@SETTINGS
@given(s.intakes(), st.sampled_from(RED_FLAGS))
def test_answering_yes_to_a_red_flag_never_lowers_the_decision(data, flag):
    changed = copy.deepcopy(data)
    changed["red_flags"] = {**changed.get("red_flags", {}), flag: True}
    assert decision_of(changed) >= decision_of(data)


def explains_the_pain(condition: dict[str, Any]) -> bool:
    """A diagnosis (active or controlled) that accounts for back pain, once recorded."""
    known = KB.read_condition(condition["id"]).condition
    status = condition.get("status", "active")
    return (
        known is not None
        and status in ("active", "controlled")
        and (KB.conditions[known].explains_pain)
    )


READS_EXPLAINED = {c.rule.id for c in KB.rules if "pain.explained" in facts_used(c.condition)}


@SETTINGS
@given(s.intakes(), s.condition)
def test_adding_a_condition_never_lowers_the_decision(data, condition):
    before = assess(parse_intake(data, today=s.TODAY), KB)
    after = assess(parse_intake(with_added(data, "conditions", condition), today=s.TODAY), KB)
    if not explains_the_pain(condition):
        assert after.decision >= before.decision
    else:  # a diagnosis that explains the pain only answers the "unexplained pain" rules
        kept = {f.rule for f in after.findings}
        lost = {f.rule for f in before.findings} - kept
        assert lost <= READS_EXPLAINED, lost


@SETTINGS
@given(s.intakes())
def test_saying_the_pain_is_new_or_changed_never_lowers_the_decision(data):
    if "pain" not in data:
        return
    changed = copy.deepcopy(data)
    changed["pain"] = {**changed["pain"], "new_or_changed": True}
    assert decision_of(changed) >= decision_of(data)


@SETTINGS
@given(s.intakes(), s.medication)
def test_adding_a_medication_never_lowers_the_decision(data, medication):
    assert decision_of(with_added(data, "medications", medication)) >= decision_of(data)


@SETTINGS
@given(s.intakes(), s.skin)
def test_adding_a_skin_finding_never_lowers_the_decision(data, finding):
    assert decision_of(with_added(data, "skin", finding)) >= decision_of(data)


@SETTINGS
@given(s.intakes())
def test_assessment_is_deterministic(data):
    first = to_json(assess(parse_intake(copy.deepcopy(data), today=s.TODAY), KB))
    second = to_json(assess(parse_intake(copy.deepcopy(data), today=s.TODAY), KB))
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


@SETTINGS
@given(s.intakes())
def test_assessment_json_always_follows_the_schema(data):
    result = to_json(assess(parse_intake(data, today=s.TODAY), KB))
    errors = sorted(VALIDATOR.iter_errors(result), key=str)
    assert not errors, errors[0].message
    json.dumps(result)  # plain JSON all the way down


@pytest.mark.long
@SETTINGS
@given(s.intakes(), s.intakes())
def test_the_json_text_written_from_kept_parts_is_the_assessment_json(data, other):
    # Parts kept from earlier assessments (these, and the other intake's) give the same text.
    for intake in (data, other, data):
        result = assess(parse_intake(copy.deepcopy(intake), today=s.TODAY), KB)
        text = to_json_bytes(result)
        assert text == orjson.dumps(to_json(result))
        assert json.loads(text) == to_json(result)


@SETTINGS
@given(s.intakes())
def test_the_plan_never_breaks_the_screening(data):
    result = assess(parse_intake(data, today=s.TODAY), KB)
    if not result.massage_today:
        assert result.plan is None
        assert result.recommendations == ()
        return
    excluded = {e.modality for e in result.excluded}
    assert excluded.isdisjoint(r.modality for r in result.recommendations)
    plan = result.plan
    if plan is None:
        assert not result.recommendations
        return
    assert plan.modality not in result.limits.avoid_techniques
    cap = result.limits.max_pressure
    if cap:
        assert KB.pressure_rank(plan.max_pressure) <= KB.pressure_rank(cap)
    if result.limits.max_session_minutes:
        assert plan.session_minutes <= result.limits.max_session_minutes
    for item in plan.home_care:
        assert set(item.regions).isdisjoint(result.limits.avoid_regions)


@settings(SETTINGS, max_examples=150)
@given(s.intakes())
def test_home_care_and_the_outline_never_ask_for_more_than_the_session_allows(data):
    intake = parse_intake(data, today=s.TODAY)
    result = assess(intake, KB)
    if result.plan is None:
        return
    limits = result.limits
    cap = KB.pressure_rank(result.plan.max_pressure)
    for item in result.plan.home_care:
        routine = item.routine
        assert set(item.regions).isdisjoint(limits.avoid_regions), routine.id
        assert set(routine.techniques).isdisjoint(limits.avoid_techniques), routine.id
        if routine.pressure is not None and limits.max_pressure is not None:
            assert item.pressure is not None
            assert KB.pressure_rank(item.pressure) <= KB.pressure_rank(limits.max_pressure)
            assert KB.pressure_rank(routine.pressure.min) <= KB.pressure_rank(item.pressure)
    outline = protocol_for(result, intake, KB)
    for step in outline.steps:
        assert KB.pressure_rank(step.pressure) <= cap, step
        assert step.technique not in limits.avoid_techniques, step
        assert step.region not in limits.avoid_regions, step
    assert outline.modality not in limits.avoid_techniques

"""Episodic conditions, clot and clearance consistency in the condition entries."""

from __future__ import annotations

import re

import pytest

from backcare.clinical import assess
from backcare.knowledge import Decision
from tests.conftest import NO_RED_FLAGS, make_intake

ASKS_FOR_CLEARANCE = re.compile(r"\b(clearance|approval|permission)\b", re.IGNORECASE)


def assessed(kb, *conditions):
    return assess(make_intake(conditions=list(conditions), red_flags=NO_RED_FLAGS), kb)


def outcomes(kb):
    for condition in kb.conditions.values():
        for status, outcome in kb.condition_outcomes[condition.id].items():
            yield condition, status, outcome


def test_an_outcome_that_asks_for_clearance_is_at_least_a_clearance(kb):
    wrong = [
        f"{condition.id}.{status} ({outcome.decision})"
        for condition, status, outcome in outcomes(kb)
        if ASKS_FOR_CLEARANCE.search(outcome.action or "")
        and Decision[outcome.decision] < Decision.clearance
    ]
    assert wrong == []


def test_an_episodic_condition_without_a_status_does_not_assume_an_episode(kb):
    for condition in kb.conditions.values():
        if not condition.episodic:
            continue
        unstated = kb.condition_outcomes[condition.id]["unstated"]
        assert Decision[unstated.decision] <= Decision.modify, condition.id
        if Decision[condition.active.decision] > Decision.modify:
            assert unstated.questions, f"{condition.id}: ask whether an episode is on now"


@pytest.mark.parametrize("written", ["migraine", "kidney stones", "headaches", "gout"])
def test_conditions_that_come_in_attacks_written_alone_proceed_and_ask(kb, written):
    result = assessed(kb, written)
    assert result.decision == Decision.proceed
    assert all(f.questions for f in result.findings if f.rule.startswith("condition."))


def test_an_attack_now_still_postpones(kb):
    for written in ("migraine", "kidney stones", "rheumatoid arthritis"):
        assert assessed(kb, {"id": written, "status": "active"}).decision == Decision.postpone


def test_rheumatoid_arthritis_without_a_status_gets_the_between_flare_limits(kb):
    result = assessed(kb, "RA")
    assert result.decision == Decision.modify
    assert result.limits.max_pressure == "medium"


def test_a_current_clot_needs_the_physician_and_a_suspected_one_is_referred(kb):
    current = assessed(kb, {"id": "DVT", "status": "active"})
    assert current.decision == Decision.clearance
    assert {"calf_left", "calf_right"} <= set(current.limits.avoid_regions)
    assert assessed(kb, {"id": "DVT", "status": "suspected"}).decision == Decision.refer


def test_severe_bleeding_problems_wait_for_the_specialist(kb):
    assert assessed(kb, "haemophilia").decision == Decision.modify
    assert assessed(kb, "severe haemophilia").decision == Decision.clearance
    assert assessed(kb, "low platelets").decision == Decision.modify
    assert assessed(kb, "severe thrombocytopenia").decision == Decision.clearance


def test_a_long_standing_spinal_cord_injury_is_modified_and_a_recent_one_cleared(kb):
    assert assessed(kb, "paraplegia").decision == Decision.modify
    assert assessed(kb, "recent spinal cord injury").decision == Decision.clearance


LAY_NAMES = {
    "slipped disc": "herniated_disc",
    "disc protrusion": "herniated_disc",
    "bad knees": "osteoarthritis",
    "bad back": "chronic_pain",
    "type 2 diabetes": "diabetes",
    "type ii diabetes": "diabetes",
    "T2DM": "diabetes",
    "indigestion": "heartburn",
    "burnout": "stress_and_tension",
    "postnatal depression": "depression",
    "social anxiety": "anxiety",
    "difficulty sleeping": "insomnia",
    "thyroid": "thyroid_disorder",
    "back problems": "spinal_problem",
}


@pytest.mark.parametrize(("written", "condition"), sorted(LAY_NAMES.items()))
def test_lay_names_for_core_conditions(kb, written, condition):
    assert kb.read_condition(written).condition == condition

"""Positioning and the outline agree: the session is given in a position the findings allow,
works only what that position reaches, and home routines keep to it too."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.clinical import assess, parse_intake
from backcare.clinical.positioning import ruled_out, session_position
from backcare.clinical.protocol import build_protocol, protocol_for, protocol_json
from backcare.knowledge import Decision, load_knowledge
from tests import strategies as s
from tests.conftest import make_intake

KB = load_knowledge()
BACK_PAIN = {
    "regions": ["low_back", "upper_back"],
    "duration_weeks": 26,
    "intensity": 5,
    "cause": "posture",
}


def outline_in(positioning, modality="swedish", minutes=60):  # type: ignore[no-untyped-def]
    return build_protocol(
        decision=Decision.modify,
        modality=modality,
        minutes=minutes,
        max_pressure="medium",
        avoid_regions=["spine"],
        avoid_techniques=[],
        positioning=positioning,
        painful=["low_back_left", "low_back_right"],
        kb=KB,
    )


def test_a_standard_session_is_given_face_down():
    assert outline_in([]).position == "prone"


def test_a_semi_reclined_client_gets_no_face_down_back_routine():
    outline = outline_in(["semi_reclined"])
    reach = set(KB.positioning["semi_reclined"].reaches)

    assert outline.position == "semi_reclined"
    assert outline.steps
    assert {step.region for step in outline.steps} <= reach
    assert not {"low_back_left", "mid_back_right", "buttock_left"} & set(reach)
    assert outline.total_minutes == 60
    assert "semi-reclined" in outline.steps[0].cue


def test_a_seated_client_gets_no_steps_on_the_buttocks_or_legs():
    for modality in KB.protocols:
        outline = outline_in(["seated"], modality=modality)
        worked = {step.region for step in outline.steps}
        assert outline.position == "seated"
        assert worked <= set(KB.positioning["seated"].reaches), modality
        assert not {r for r in worked if r.startswith(("buttock", "thigh", "calf", "hip"))}


def test_side_lying_works_one_side_then_turns_for_the_other():
    outline = outline_in(["side_lying"])
    sides = [KB.regions[step.region].side for step in outline.steps]
    turn = sides.index("left")

    assert set(sides[:turn]) <= {"right", "midline"}
    assert set(sides[turn:]) <= {"left", "midline"}
    assert "lies on their left side" in outline.steps[0].cue
    assert "lies on their right side" in outline.steps[turn].cue
    assert outline.total_minutes == 60


def test_not_face_down_means_side_lying_and_a_position_nothing_rules_out():
    assert session_position(["no_prone"], KB).id == "side_lying"
    assert session_position(["head_elevated", "pillow_support"], KB).id == "side_lying"
    assert session_position(["seated", "no_prone"], KB).id == "seated"
    assert session_position(["prone", "head_elevated"], KB).id == "side_lying"


def test_breathlessness_gives_a_side_lying_session_and_no_routine_flat_on_the_back():
    intake = make_intake(pain=BACK_PAIN, conditions=[{"id": "copd", "status": "controlled"}])
    assessment = assess(intake, KB)
    outline = protocol_for(assessment, intake, KB)
    plan = assessment.plan
    assert plan is not None

    assert outline.position == "side_lying"
    assert protocol_json(outline)["position"] == "side_lying"
    chosen = {item.id for item in plan.home_care}
    left_out = {item.id: item.reason for item in plan.home_care_left_out}
    assert "tennis_ball_lying" not in chosen
    assert "lying on your back" in left_out["tennis_ball_lying"]
    assert "COPD" in left_out["tennis_ball_lying"]
    assert "tennis_ball_wall" in chosen


positionings = st.lists(st.sampled_from(sorted(KB.positioning)), max_size=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s.intakes(), positionings)
def test_the_outline_and_home_routines_keep_to_the_merged_positioning(data, extra):
    intake = parse_intake(copy.deepcopy(data), today=s.TODAY)
    assessment = assess(intake, KB)
    plan = assessment.plan
    if plan is None:
        return
    outline = protocol_for(assessment, intake, KB)
    asked = plan.positioning
    position = KB.positioning[outline.position or ""]
    for step in outline.steps:
        assert step.region in position.reaches
    assert position.position not in ruled_out(asked, KB)
    for routine in plan.home_care:
        assert ruled_out(asked, KB).isdisjoint(routine.routine.positions)
    edited = outline_in([*asked, *extra], modality=plan.modality)
    chosen = KB.positioning[edited.position or ""]
    assert {step.region for step in edited.steps} <= set(chosen.reaches)
    assert chosen.position not in ruled_out([*asked, *extra], KB)
    named = [p for p in [*asked, *extra] if KB.positioning[p].position]
    if any(KB.positioning[p].position not in ruled_out([*asked, *extra], KB) for p in named):
        assert chosen.id in named

"""The session outline: it fills the session exactly and never breaks the screening."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings

from backcare.clinical import assess, parse_intake
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


def standard_outline(modality, *, minutes, painful):  # type: ignore[no-untyped-def]
    """A modality's outline with nothing avoided but the spine, at its highest pressure."""
    return build_protocol(
        decision=Decision.proceed,
        modality=modality.id,
        minutes=minutes,
        max_pressure=modality.pressure.max,
        avoid_regions=["spine"],
        avoid_techniques=[],
        positioning=[],
        painful=painful,
        kb=KB,
    )


def outline_of(intake):  # type: ignore[no-untyped-def]
    return protocol_for(assess(intake, KB), intake, KB)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s.intakes())
def test_a_protocol_fills_the_session_and_never_touches_what_is_avoided(data):
    intake = parse_intake(copy.deepcopy(data), today=s.TODAY)
    assessment = assess(intake, KB)
    outline = protocol_for(assessment, intake, KB)
    if not assessment.massage_today:
        assert outline.steps == ()
        return
    plan = assessment.plan
    assert plan is not None
    assert sum(step.minutes for step in outline.steps) == plan.session_minutes
    assert outline.total_minutes == plan.session_minutes
    for step in outline.steps:
        assert step.minutes >= 1
        assert step.region not in assessment.limits.avoid_regions
        assert step.technique not in assessment.limits.avoid_techniques
        assert step.technique in KB.modalities[plan.modality].techniques
        assert KB.pressure_rank(step.pressure) <= KB.pressure_rank(plan.max_pressure)


def test_swedish_opens_and_closes_with_effleurage():
    steps = outline_of(make_intake(pain=BACK_PAIN, preferences={"modalities": ["swedish"]})).steps
    assert steps[0].technique == "effleurage"
    assert steps[-1].technique == "effleurage"
    assert "never" in steps[0].cue.lower()


def test_an_avoided_technique_and_region_leave_the_outline_and_the_time_is_shared_out():
    intake = make_intake(
        pain=BACK_PAIN,
        medications=["warfarin"],
        skin=[{"finding": "bruise", "region": "low_back_left"}],
    )
    steps = outline_of(intake).steps
    techniques = {step.technique for step in steps}
    assert "friction" not in techniques
    assert "tapotement" not in techniques
    assert "low_back_left" not in {step.region for step in steps}
    assert sum(step.minutes for step in steps) == 60
    assert {step.pressure for step in steps} == {"light"}


def test_focus_steps_go_to_the_painful_regions():
    intake = make_intake(
        pain={**BACK_PAIN, "regions": ["low_back_right"]}, preferences={"modalities": ["swedish"]}
    )
    kneading = [step for step in outline_of(intake).steps if step.technique == "petrissage"]
    assert kneading
    assert {step.region for step in kneading} == {"low_back_right"}


def test_a_short_session_still_adds_up():
    intake = make_intake(pain=BACK_PAIN, preferences={"session_minutes": 10})
    outline = outline_of(intake)
    assert sum(step.minutes for step in outline.steps) == 10


def test_no_outline_when_massage_should_not_go_ahead():
    outline = outline_of(make_intake(pain=BACK_PAIN, red_flags={"saddle_numbness": True}))
    as_json = protocol_json(outline)
    assert as_json["decision"] == "emergency"
    assert as_json["steps"] == []
    assert as_json["modality"] is None


def test_every_modality_has_an_outline_whose_steps_it_can_give():
    for modality in KB.modalities.values():
        outline = standard_outline(modality, minutes=60, painful=["low_back_left"])
        assert outline.steps, modality.id
        assert sum(step.minutes for step in outline.steps) == 60
        assert {step.technique for step in outline.steps} <= set(modality.techniques)
        assert "spine" not in {step.region for step in outline.steps}


def test_a_step_never_works_one_side_and_drops_the_other_in_a_half_hour():
    for modality in KB.modalities.values():
        outline = standard_outline(modality, minutes=30, painful=[])
        assert sum(step.minutes for step in outline.steps) == 30
        worked = {(step.technique, step.region) for step in outline.steps}
        for technique, region in worked:
            for side, other in (("_left", "_right"), ("_right", "_left")):
                if region.endswith(side):
                    mirror = region.removesuffix(side) + other
                    listed = any(
                        mirror in step.regions and step.technique == technique
                        for step in (
                            KB.protocols[modality.id].opening,
                            *KB.protocols[modality.id].body,
                            KB.protocols[modality.id].closing,
                        )
                    )
                    assert not listed or (technique, mirror) in worked, (modality.id, region)


def test_an_unrecognised_medicine_keeps_every_step_of_the_outline_light():
    intake = make_intake(pain=BACK_PAIN, medications=["zorblax"], preferences={"pressure": "firm"})
    outline = outline_of(intake)
    assert outline.steps
    assert {step.pressure for step in outline.steps} == {"light"}

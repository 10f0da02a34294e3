"""Local findings have a place: a strain, bruise, wound or operation keeps the outline, the
home routines and the body chart away from it, and one given without a place keeps them away
from where it hurts until the place is known."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.clinical import assess, parse_intake
from backcare.clinical.assessment import avoided_regions, to_json
from backcare.clinical.protocol import protocol_for
from backcare.knowledge import load_knowledge
from backcare.web.pictures import outline_map
from tests import strategies as s
from tests.conftest import TODAY, make_intake
from tests.unit.test_protocolmap import shape

KB = load_knowledge()
LOW_BACK_LEFT_PAIN = {"regions": ["low_back_left"], "duration_weeks": 2, "intensity": 6}
BACK = {"upper_back", "mid_back", "low_back", "buttock", "shoulder"}


def worked(intake):  # type: ignore[no-untyped-def]
    """The regions the outline works and the regions the home routines use."""
    assessment = assess(intake, KB)
    outline = protocol_for(assessment, intake, KB)
    assert assessment.plan is not None
    home = {r for item in assessment.plan.home_care for r in item.regions}
    return assessment, {step.region for step in outline.steps}, home


def test_a_fresh_low_back_strain_without_a_place_keeps_off_where_it_hurts():
    intake = make_intake(pain=LOW_BACK_LEFT_PAIN, conditions=[{"id": "muscle_strain"}])
    assessment, outline, home = worked(intake)

    assert "low_back_left" in assessment.limits.avoid_regions
    assert "low_back_left" not in outline
    assert "low_back_left" not in home
    rules = {f.rule: f for f in assessment.findings}
    assert "policy.local_condition_without_place" in rules
    assert "Where is the muscle strain?" in rules["condition.muscle_strain.active"].questions


def test_the_tennis_ball_is_not_handed_out_for_a_fresh_strain_where_it_hurts():
    intake = make_intake(pain=LOW_BACK_LEFT_PAIN, conditions=[{"id": "muscle_strain"}])
    plan = assess(intake, KB).plan
    assert plan is not None

    chosen = {item.id for item in plan.home_care}
    assert not {"tennis_ball_lying", "tennis_ball_wall"} & chosen
    assert "tennis_ball_wall" in {item.id for item in plan.home_care_left_out}


def test_a_strain_with_its_place_keeps_off_that_place_only_and_asks_nothing():
    intake = make_intake(
        pain={**LOW_BACK_LEFT_PAIN, "regions": ["low_back"]},
        conditions=[{"id": "muscle_strain", "regions": ["low_back_left"]}],
    )
    assessment, outline, _ = worked(intake)

    assert "low_back_left" not in outline
    assert "low_back_right" in outline
    assert "policy.local_condition_without_place" not in {f.rule for f in assessment.findings}
    assert not any(q.startswith("Where is") for f in assessment.findings for q in f.questions)


def test_a_settled_strain_needs_no_place():
    intake = make_intake(
        pain=LOW_BACK_LEFT_PAIN, conditions=[{"id": "muscle_strain", "status": "controlled"}]
    )
    assessment, outline, _ = worked(intake)

    assert "low_back_left" in outline
    assert "policy.local_condition_without_place" not in {f.rule for f in assessment.findings}


def test_a_bruise_is_kept_off_the_outline_the_handout_and_the_body_chart():
    intake = make_intake(
        pain={**LOW_BACK_LEFT_PAIN, "regions": ["low_back", "upper_back"]},
        skin=[{"finding": "bruise", "region": "upper_back_right"}],
    )
    assessment, outline, home = worked(intake)

    assert "upper_back_right" not in outline | home
    avoided = avoided_regions(to_json(assessment))
    assert avoided["upper_back_right"] == "Bruise"
    svg = outline_map(protocol_for(assessment, intake, KB), avoided)
    assert "hatch" in (shape(svg, "upper_back_right").get("fill") or "")
    assert "hatch" not in (shape(svg, "upper_back_left").get("fill") or "")


def test_an_open_wound_without_a_place_keeps_off_where_it_hurts():
    intake = make_intake(pain=LOW_BACK_LEFT_PAIN, conditions=[{"id": "open_wound"}])
    assessment, outline, home = worked(intake)

    assert "low_back_left" not in outline | home
    assert "Where is the open wound?" in {q for f in assessment.findings for q in f.questions}


def test_a_condition_with_a_usual_place_keeps_off_that_place_not_where_it_hurts():
    intake = make_intake(
        pain={**LOW_BACK_LEFT_PAIN, "regions": ["low_back"]},
        conditions=[{"id": "dialysis fistula"}],
    )
    assessment, outline, _ = worked(intake)

    assert {"arm_left", "arm_right"} <= set(assessment.limits.avoid_regions)
    assert "low_back_left" in outline
    assert "policy.local_condition_without_place" not in {f.rule for f in assessment.findings}
    assert "Where is the dialysis fistula or graft?" in {
        q for f in assessment.findings for q in f.questions
    }


def test_an_operation_two_months_ago_without_a_place_asks_where_and_keeps_off_the_pain():
    intake = make_intake(
        pain=LOW_BACK_LEFT_PAIN,
        procedures=[{"kind": "surgery", "date": TODAY - timedelta(weeks=8)}],
    )
    assessment, outline, home = worked(intake)

    rules = {f.rule: f for f in assessment.findings}
    assert "Where was the operation?" in rules["policy.surgery_without_place"].questions
    assert "low_back_left" not in outline | home


def test_an_operation_with_its_place_keeps_off_that_place():
    intake = make_intake(
        pain={**LOW_BACK_LEFT_PAIN, "regions": ["upper_back"]},
        procedures=[
            {"kind": "surgery", "date": TODAY - timedelta(weeks=8), "region": "low_back_right"}
        ],
    )
    assessment, outline, home = worked(intake)

    assert "low_back_right" not in outline | home
    assert "policy.surgery_without_place" not in {f.rule for f in assessment.findings}


LOCAL_FINDINGS: list[tuple[str, Any]] = [
    ("conditions", {"id": "muscle_strain"}),
    ("conditions", {"id": "open_wound"}),
    ("conditions", {"id": "soft_tissue_damage"}),
    ("skin", {"finding": "bruise", "region": "low_back_left"}),
    ("skin", {"finding": "open_wound", "region": "mid_back_right"}),
    ("procedures", {"kind": "surgery", "date": TODAY - timedelta(weeks=7)}),
    ("procedures", {"kind": "injection", "date": TODAY - timedelta(days=5)}),
]
local_finding = st.tuples(
    st.sampled_from(LOCAL_FINDINGS), st.none() | s.region, st.lists(s.region, max_size=3)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s.intakes(), local_finding)
def test_no_outline_step_or_home_routine_lands_on_a_region_a_local_finding_avoids(data, found):
    (key, item), place, pain_regions = found
    data = copy.deepcopy(data)
    item = dict(item)
    if place and key == "conditions":
        item["regions"] = [place]
    elif place and key == "procedures":
        item["region"] = place
    data[key] = [*data.get(key, []), item]
    if pain_regions:
        data["pain"] = {**data.get("pain", {}), "regions": pain_regions}
    intake = parse_intake(data, today=s.TODAY)
    assessment = assess(intake, KB)
    if not assessment.massage_today:
        return
    plan = assessment.plan
    assert plan is not None
    avoided = set(assessment.limits.avoid_regions)
    painful = intake.pain.regions if intake.pain else ()
    placed = [item["region"]] if key == "skin" else [place] if place else painful
    assert set(placed) <= avoided
    for step in protocol_for(assessment, intake, KB).steps:
        assert step.region not in avoided
    for routine in plan.home_care:
        assert avoided.isdisjoint(routine.regions)

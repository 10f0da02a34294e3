from __future__ import annotations

from backcare.clinical import assess
from tests.conftest import make_intake

CHRONIC = {
    "regions": ["low_back", "upper_back"],
    "duration_weeks": 30,
    "intensity": 6,
    "cause": "posture",
}


def test_every_modality_is_either_ranked_or_excluded_with_reasons(kb):
    result = assess(make_intake(pain=CHRONIC, medications=["warfarin"]), kb)
    ranked = [r.modality for r in result.recommendations]
    excluded = [e.modality for e in result.excluded]
    assert sorted(ranked + excluded) == sorted(kb.modalities)
    assert all(r.reasons for r in result.recommendations)
    assert all(e.reasons for e in result.excluded)
    assert [r.rank for r in result.recommendations] == list(range(1, len(ranked) + 1))


def test_the_clients_preferred_modality_ranks_first_when_it_is_safe(kb):
    result = assess(make_intake(pain=CHRONIC, preferences={"modalities": ["shiatsu"]}), kb)
    assert result.recommendations[0].modality == "shiatsu"
    assert "the client asked for it" in result.recommendations[0].reasons


def test_a_preferred_modality_the_screening_rules_out_is_not_recommended(kb):
    result = assess(
        make_intake(
            pain=CHRONIC, medications=["warfarin"], preferences={"modalities": ["deep_tissue"]}
        ),
        kb,
    )
    assert "deep_tissue" not in [r.modality for r in result.recommendations]
    assert result.plan is not None
    assert result.plan.modality != "deep_tissue"


def test_chronic_pain_gets_weekly_sessions_and_a_reassessment(kb):
    plan = assess(make_intake(pain=CHRONIC), kb).plan
    assert plan is not None
    assert plan.sessions_per_week == 1
    assert 1 <= plan.reassess_after_sessions < plan.total_sessions
    assert plan.session_minutes == kb.plan.session_minutes


def test_the_pain_goal_is_two_points_or_thirty_percent(kb):
    plan = assess(make_intake(pain=CHRONIC), kb).plan
    assert plan is not None
    pain_goal = next(g for g in plan.goals if g.kind == "pain")
    assert (pain_goal.baseline, pain_goal.target) == (6, 4)


def test_session_length_respects_the_screening_limit(kb):
    plan = assess(
        make_intake(pain={**CHRONIC, "intensity": 9}, preferences={"session_minutes": 90}), kb
    ).plan
    assert plan is not None
    assert plan.session_minutes <= 45


def test_a_client_who_wants_fewer_sessions_gets_them_with_the_evidence_noted(kb):
    plan = assess(make_intake(pain=CHRONIC, preferences={"sessions_per_month": 2}), kb).plan
    assert plan is not None
    assert plan.sessions_per_week < 1
    assert kb.plan.frequency_preference_note in plan.notes


def test_home_care_never_uses_a_roller_with_osteoporosis(kb):
    plan = assess(make_intake(pain=CHRONIC, conditions=["osteoporosis"]), kb).plan
    assert plan is not None
    assert not [h for h in plan.home_care if "foam_roller" in h.id]


def test_home_care_is_gentle_on_blood_thinners_and_keeps_off_avoided_regions(kb):
    plan = assess(
        make_intake(
            pain=CHRONIC,
            medications=["warfarin"],
            skin=[{"finding": "bruise", "region": "upper_back_left"}],
        ),
        kb,
    ).plan
    assert plan is not None
    for item in plan.home_care:
        assert "upper_back_left" not in item.regions
        assert "spine" not in item.regions
    tools = [h for h in plan.home_care if h.kind == "self_massage"]
    assert tools
    assert all(h.notes for h in tools), "each self-massage tool carries the blood-thinner caution"


def test_plan_pressure_never_exceeds_the_screening_cap(kb):
    plan = assess(
        make_intake(pain=CHRONIC, medications=["warfarin"], preferences={"pressure": "firm"}), kb
    ).plan
    assert plan is not None
    assert plan.max_pressure == "light"


def test_a_plan_asked_in_sessions_a_month_is_given_in_sessions_a_month(kb):
    plan = assess(make_intake(pain=CHRONIC, preferences={"sessions_per_month": 2}), kb).plan
    assert plan is not None
    assert (plan.frequency.sessions, plan.frequency.per) == (2, "month")
    assert plan.frequency.text == "2 a month"


def test_a_weekly_schedule_is_given_in_sessions_a_week(kb):
    plan = assess(make_intake(pain=CHRONIC), kb).plan
    assert plan is not None
    assert plan.frequency.per == "week"
    assert plan.frequency.sessions == plan.sessions_per_week


def test_firm_pressure_asked_for_on_a_blood_thinner_is_acknowledged_with_the_reason(kb):
    plan = assess(
        make_intake(pain=CHRONIC, medications=["warfarin"], preferences={"pressure": "firm"}), kb
    ).plan
    assert plan is not None
    [note] = [n for n in plan.notes if n.startswith("You asked for firm pressure")]
    assert "limits it to light" in note
    assert kb.medications["anticoagulant"].title in note


def test_deep_tissue_asked_for_on_a_blood_thinner_is_acknowledged_with_the_reason(kb):
    plan = assess(
        make_intake(
            pain=CHRONIC, medications=["warfarin"], preferences={"modalities": ["deep_tissue"]}
        ),
        kb,
    ).plan
    assert plan is not None
    deep = kb.modalities["deep_tissue"].name
    [note] = [n for n in plan.notes if n.startswith(f"You asked for {deep}")]
    assert "rules it out" in note
    assert kb.medications["anticoagulant"].title in note


def test_a_request_the_screening_allows_is_not_called_overruled(kb):
    plan = assess(
        make_intake(pain=CHRONIC, preferences={"pressure": "medium", "modalities": ["swedish"]}),
        kb,
    ).plan
    assert plan is not None
    assert not [n for n in plan.notes if n.startswith("You asked")]


def test_an_unknown_medicine_keeps_home_care_as_light_as_the_session(kb):
    pain = {**CHRONIC, "regions": ["upper_back", "neck", "shoulders"]}
    result = assess(make_intake(pain=pain, medications=["zorblax"]), kb)
    plan = result.plan
    assert plan is not None
    assert plan.max_pressure == "light"
    chosen = {h.id: h for h in plan.home_care}
    left_out = {h.id: h.reason for h in plan.home_care_left_out}
    assert "foam_roller_upper_back" not in chosen
    assert "light" in left_out["foam_roller_upper_back"]
    [rule] = [c.rule for c in kb.rules if c.rule.id == "policy.unrecognised_medication"]
    assert rule.title in left_out["foam_roller_upper_back"]
    neck = chosen["neck_shoulder_self_massage"]
    assert neck.pressure == "light"
    assert neck.notes[0].startswith("Keep the pressure light")


def test_a_routine_that_is_a_technique_the_screening_avoids_is_left_out_saying_so(kb):
    sprain = {"id": "ligament_sprain", "status": "active", "regions": ["low_back_left"]}
    plan = assess(make_intake(pain=CHRONIC, conditions=[sprain]), kb).plan
    assert plan is not None
    assert "gentle_back_stretches" not in {h.id for h in plan.home_care}
    [reason] = [h.reason for h in plan.home_care_left_out if h.id == "gentle_back_stretches"]
    assert kb.techniques["stretching"].name.lower() in reason


def test_no_reason_names_an_occupation_that_suits_nothing_in_particular(kb):
    client = {"age": 40, "occupation": "other"}
    result = assess(make_intake(pain=CHRONIC, client=client), kb)
    reasons = [reason for r in result.recommendations for reason in r.reasons]
    assert reasons
    assert not [reason for reason in reasons if "other" in reason]

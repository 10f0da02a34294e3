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

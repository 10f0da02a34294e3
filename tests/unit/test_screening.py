from __future__ import annotations

from backcare.clinical import assess
from backcare.knowledge import Decision
from tests.conftest import NO_RED_FLAGS, make_intake

BACK_PAIN = {"regions": ["low_back"], "duration_weeks": 20, "intensity": 5, "cause": "posture"}


def rules_of(assessment) -> set[str]:
    return {finding.rule for finding in assessment.findings}


def test_anticoagulant_caps_pressure_at_light(kb):
    result = assess(make_intake(pain=BACK_PAIN, medications=["Eliquis 5mg twice daily"]), kb)
    assert result.decision == Decision.modify
    assert "medication.anticoagulant" in rules_of(result)
    assert result.limits.max_pressure == "light"


def test_medication_names_are_found_in_free_text_with_doses(kb):
    result = assess(
        make_intake(
            medications=[
                "WARFARIN 5 mg daily",
                "clopidogrel 75mg",
                "prednisone 10 mg",
                "metformin 500mg bd",
            ]
        ),
        kb,
    )
    classes = {f.rule for f in result.findings if f.rule.startswith("medication.")}
    assert {
        "medication.anticoagulant",
        "medication.antiplatelet",
        "medication.corticosteroid",
        "medication.insulin_or_hypoglycemic",
    } <= classes
    assert result.unrecognised_medications == ()


def test_an_unknown_medicine_is_reported_and_pressure_stays_light(kb):
    result = assess(make_intake(medications=["zorblax 20 mg"]), kb)
    assert result.unrecognised_medications == ("zorblax 20 mg",)
    assert "policy.unrecognised_medication" in rules_of(result)
    assert result.limits.max_pressure == "light"


def test_an_unknown_condition_is_reported_and_needs_clearance(kb):
    result = assess(make_intake(conditions=["glorbitis"]), kb)
    assert result.unrecognised_conditions == ("glorbitis",)
    assert result.decision == Decision.clearance


def test_condition_synonyms_resolve_whatever_the_case_and_spacing(kb):
    for name in ("High Blood Pressure", "high-blood-pressure", "hypertension"):
        result = assess(make_intake(conditions=[{"id": name, "status": "controlled"}]), kb)
        assert "condition.hypertension.controlled" in rules_of(result), name


def test_osteoporosis_with_a_fall_is_referred_for_a_fracture_check(kb):
    pain = {**BACK_PAIN, "duration_weeks": 1, "cause": "fall"}
    result = assess(make_intake(pain=pain, conditions=["osteoporosis"]), kb)
    assert result.decision == Decision.refer
    assert "red_flag.fragility_fracture" in rules_of(result)


def test_long_term_steroids_with_a_fall_are_referred_too(kb):
    pain = {**BACK_PAIN, "duration_weeks": 1, "cause": "fall"}
    result = assess(make_intake(pain=pain, medications=["prednisolone 5mg"]), kb)
    assert "red_flag.fragility_fracture" in rules_of(result)


def test_osteoporosis_without_a_fall_is_gentle_massage(kb):
    result = assess(make_intake(pain=BACK_PAIN, conditions=["osteoporosis"]), kb)
    assert result.decision == Decision.modify
    assert result.limits.max_pressure == "light"
    assert "deep_tissue" in [e.modality for e in result.excluded]


def test_known_cancer_with_back_pain_is_referred(kb):
    result = assess(make_intake(pain=BACK_PAIN, red_flags={"history_of_cancer": True}), kb)
    assert result.decision == Decision.refer
    assert "red_flag.cancer_with_back_pain" in rules_of(result)


def test_known_cancer_with_back_pain_and_numbness_is_an_emergency(kb):
    pain = {**BACK_PAIN, "numbness": ["thigh_left"]}
    result = assess(make_intake(pain=pain, red_flags={"history_of_cancer": True}), kb)
    assert result.decision == Decision.emergency


def test_fever_with_back_pain_is_referred_but_fever_alone_is_postponed(kb):
    with_pain = assess(make_intake(pain=BACK_PAIN, vitals={"temperature_c": 38.5}), kb)
    assert with_pain.decision == Decision.refer
    alone = assess(make_intake(vitals={"temperature_c": 38.5}), kb)
    assert alone.decision == Decision.postpone


def test_a_suspected_dvt_stops_massage_and_is_referred(kb):
    result = assess(make_intake(conditions=[{"id": "DVT", "status": "suspected"}]), kb)
    assert result.decision == Decision.refer


def test_a_local_condition_keeps_hands_off_its_regions(kb):
    result = assess(make_intake(conditions=[{"id": "varicose_veins", "regions": ["calves"]}]), kb)
    assert {"calf_left", "calf_right"} <= set(result.limits.avoid_regions)


def test_the_spine_itself_is_always_avoided(kb):
    result = assess(make_intake(pain=BACK_PAIN, red_flags=NO_RED_FLAGS), kb)
    assert result.decision == Decision.proceed
    assert "spine" in result.limits.avoid_regions


def test_the_lowest_pressure_wins_and_avoid_lists_unite(kb):
    result = assess(
        make_intake(
            pain={**BACK_PAIN, "radiates_below_knee": True},
            medications=["warfarin"],
            skin=[
                {"finding": "bruise", "region": "hip_left"},
                {"finding": "tender", "region": "sacrum"},
            ],
        ),
        kb,
    )
    assert result.limits.max_pressure == "light"
    assert {"hip_left", "sacrum", "spine"} <= set(result.limits.avoid_regions)
    assert {"deep_tissue", "sustained_pressure"} <= set(result.limits.avoid_techniques)


def test_nothing_is_recommended_when_massage_cannot_go_ahead(kb):
    result = assess(make_intake(red_flags={"calf_swelling_one_side": True}), kb)
    assert result.decision == Decision.refer
    assert result.recommendations == ()
    assert result.plan is None


def test_every_finding_names_its_rule_and_a_known_source(kb):
    result = assess(
        make_intake(
            pain=BACK_PAIN,
            medications=["warfarin", "tramadol"],
            conditions=["diabetes", "migraine"],
            client={"age": 34, "pregnant_weeks": 24, "sex": "female"},
            allergies=["almond oil"],
        ),
        kb,
    )
    assert result.findings
    for finding in result.findings:
        assert finding.rule
        assert finding.sources
        assert all(source in kb.sources for source in finding.sources)


def test_the_decision_is_the_most_severe_finding(kb):
    result = assess(
        make_intake(
            pain=BACK_PAIN,
            conditions=["flu"],
            medications=["warfarin"],
            red_flags={"saddle_numbness": True},
        ),
        kb,
    )
    assert result.decision == max(f.decision for f in result.findings) == Decision.emergency
    assert result.findings[0].decision == Decision.emergency


def test_unanswered_red_flags_are_listed_only_when_there_is_pain(kb):
    with_pain = assess(make_intake(pain=BACK_PAIN, red_flags={"fever": False}), kb)
    assert "fever" not in with_pain.unanswered
    assert "saddle_numbness" in with_pain.unanswered
    assert assess(make_intake(), kb).unanswered == ()


def test_a_recorded_clearance_lets_massage_go_ahead_within_the_findings_limits(kb):
    surgery = {
        "procedures": [{"kind": "surgery", "region": "low_back", "date": "2026-11-01"}],
        "pain": BACK_PAIN,
    }
    held = assess(make_intake(**surgery), kb)
    assert held.decision == Decision.clearance
    cleared = assess(
        make_intake(
            **surgery,
            clearances=[
                {
                    "rule": "procedure.recent_surgery",
                    "received_from": "Dr Jones, surgeon",
                    "received_on": "2026-11-20",
                }
            ],
        ),
        kb,
    )
    assert cleared.decision == Decision.modify
    assert cleared.plan is not None
    assert {"low_back_left", "low_back_right"} <= set(cleared.limits.avoid_regions)
    assert any("Dr Jones, surgeon" in note for note in cleared.limits.notes)
    surgery_finding = next(f for f in held.findings if f.rule == "procedure.recent_surgery")
    assert surgery_finding.action
    cleared_finding = next(f for f in cleared.findings if f.rule == "procedure.recent_surgery")
    assert cleared_finding.action is None


def test_a_doctors_clearance_after_a_referral_lets_massage_go_ahead(kb):
    cleared = [
        {
            "rule": "red_flag.cancer_with_back_pain",
            "received_from": "Dr X, oncologist",
            "received_on": "2026-11-20",
        }
    ]
    result = assess(
        make_intake(pain=BACK_PAIN, red_flags={"history_of_cancer": True}, clearances=cleared), kb
    )
    assert result.decision == Decision.modify
    assert result.plan is not None


def test_a_clearance_never_lifts_an_emergency_or_a_passing_illness(kb):
    emergency = assess(
        make_intake(
            pain=BACK_PAIN,
            red_flags={"saddle_numbness": True},
            clearances=[
                {
                    "rule": "red_flag.cauda_equina",
                    "received_from": "Dr X",
                    "received_on": "2026-11-20",
                }
            ],
        ),
        kb,
    )
    assert emergency.decision == Decision.emergency
    flu = assess(
        make_intake(
            conditions=["flu"],
            clearances=[
                {
                    "rule": "condition.contagious_illness.active",
                    "received_from": "Dr X",
                    "received_on": "2026-11-20",
                }
            ],
        ),
        kb,
    )
    assert flu.decision == Decision.postpone

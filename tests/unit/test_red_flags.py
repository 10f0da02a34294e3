"""Red flags weighed in clusters and in context (IFOMPT 2020, NICE NG59): strong signs stop
massage on their own, a weak sign alone asks its questions, two together refer, and pain that
a diagnosed, stable condition explains is not "new" pain."""

from __future__ import annotations

from typing import Any

from backcare.clinical import assess
from backcare.knowledge import Decision
from tests.conftest import NO_RED_FLAGS, make_intake


def screened(kb, age: int, *, flags: dict[str, bool] | None = None, **fields: Any):
    return assess(
        make_intake(client={"age": age}, red_flags={**NO_RED_FLAGS, **(flags or {})}, **fields),
        kb,
    )


def rules_of(assessment) -> set[str]:
    return {finding.rule for finding in assessment.findings}


def test_a_fall_at_home_at_72_on_rivaroxaban_with_a_bruise_needs_a_doctor_first(kb):
    result = screened(
        kb,
        72,
        pain={
            "regions": ["low_back_left", "hip_left"],
            "duration_weeks": 0.5,
            "intensity": 6,
            "cause": "fall",
        },
        medications=["Xarelto 20mg once daily"],
        skin=[{"finding": "bruise", "region": "hip_left"}],
    )
    assert result.decision == Decision.refer
    assert {"red_flag.minor_trauma_older_age", "red_flag.fall_on_anticoagulant"} <= rules_of(result)


def test_new_unexplained_pain_after_50_alone_asks_questions_instead_of_referring(kb):
    result = screened(
        kb,
        56,
        pain={"regions": ["low_back"], "duration_weeks": 2, "intensity": 4, "cause": "unknown"},
    )
    assert result.decision == Decision.modify
    (finding,) = [f for f in result.findings if f.rule == "red_flag.new_pain_over_50"]
    assert finding.questions
    assert finding.decision == Decision.modify


def test_two_weak_signs_together_refer(kb):
    result = screened(
        kb,
        56,
        pain={
            "regions": ["low_back"],
            "duration_weeks": 2,
            "intensity": 4,
            "cause": "unknown",
            "worse_at_night": True,
        },
    )
    assert result.decision == Decision.refer
    assert "red_flag.warning_signs_together" in rules_of(result)


def test_stable_diagnosed_stenosis_with_old_two_leg_symptoms_is_not_an_emergency(kb):
    result = screened(
        kb,
        68,
        flags={"bilateral_leg_symptoms": True},
        pain={
            "regions": ["low_back"],
            "duration_weeks": 104,
            "intensity": 4,
            "cause": "unknown",
            "radiates_below_knee": True,
        },
        conditions=[{"id": "spinal stenosis", "status": "controlled"}],
    )
    assert result.decision < Decision.refer
    assert "red_flag.known_bilateral_leg_symptoms" in rules_of(result)


def test_two_leg_symptoms_that_are_new_or_changed_are_still_an_emergency(kb):
    result = screened(
        kb,
        68,
        flags={"bilateral_leg_symptoms": True},
        pain={
            "regions": ["low_back"],
            "duration_weeks": 104,
            "intensity": 4,
            "cause": "unknown",
            "new_or_changed": True,
        },
        conditions=[{"id": "spinal stenosis", "status": "controlled"}],
    )
    assert result.decision == Decision.emergency


def test_known_unchanged_pain_after_cancer_needs_clearance_not_referral(kb):
    result = screened(
        kb,
        61,
        flags={"history_of_cancer": True},
        pain={
            "regions": ["upper_back_left"],
            "duration_weeks": 40,
            "intensity": 3,
            "cause": "unknown",
            "new_or_changed": False,
        },
        conditions=[{"id": "bone_metastases", "status": "controlled"}],
    )
    assert result.decision == Decision.clearance
    assert "red_flag.cancer_with_back_pain" not in rules_of(result)


def test_new_pain_after_cancer_is_still_referred(kb):
    result = screened(
        kb,
        61,
        flags={"history_of_cancer": True},
        pain={"regions": ["low_back"], "duration_weeks": 3, "intensity": 5, "cause": "unknown"},
    )
    assert result.decision == Decision.refer


def test_a_minor_knock_in_a_younger_adult_asks_how_hard_it_was(kb):
    result = screened(
        kb,
        34,
        pain={"regions": ["mid_back"], "duration_weeks": 2, "intensity": 4, "cause": "trauma"},
    )
    assert result.decision == Decision.modify
    assert "red_flag.injury_questions" in rules_of(result)


def test_migraine_written_without_a_status_asks_instead_of_postponing(kb):
    result = screened(kb, 40, conditions=["migraine"])
    assert result.decision == Decision.proceed
    (finding,) = [f for f in result.findings if f.rule.startswith("condition.migraine")]
    assert finding.rule == "condition.migraine.unstated"
    assert finding.questions


def test_migraine_stated_active_is_an_attack_and_postpones(kb):
    result = screened(kb, 40, conditions=[{"id": "migraine", "status": "active"}])
    assert result.decision == Decision.postpone


def test_new_back_pain_soon_after_a_skin_or_chest_infection_is_referred(kb):
    for infection in ("cellulitis", "pneumonia", "bladder infection"):
        result = screened(
            kb,
            45,
            pain={"regions": ["low_back"], "duration_weeks": 1, "intensity": 5, "cause": "unknown"},
            conditions=[{"id": infection, "status": "controlled"}],
        )
        assert "red_flag.fever_with_back_pain" in rules_of(result), infection

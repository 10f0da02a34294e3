"""Behaviour a therapist relies on for the respiratory, skin, neurological, rheumatic,
endocrine and mental-health conditions (conditions/*.yaml beyond core)."""

from __future__ import annotations

import pytest

from backcare.clinical import assess
from backcare.knowledge import Decision
from tests.conftest import NO_RED_FLAGS, make_intake


def assessed(kb, *conditions, **fields):
    return assess(make_intake(conditions=list(conditions), red_flags=NO_RED_FLAGS, **fields), kb)


def finding(result, condition_id):
    found = [f for f in result.findings if f.rule.startswith(f"condition.{condition_id}.")]
    assert len(found) == 1, [f.rule for f in result.findings]
    return found[0]


# --- respiratory -----------------------------------------------------------------------------


def test_controlled_asthma_proceeds_with_the_inhaler_at_hand(kb):
    result = assessed(kb, {"id": "asthma", "status": "controlled"})
    assert result.decision == Decision.proceed
    assert any("inhaler" in note for note in result.limits.notes)


def test_asthma_written_without_a_status_proceeds_and_asks_about_today(kb):
    result = assessed(kb, "asthma")
    assert result.decision == Decision.proceed
    assert any("today" in q for q in finding(result, "asthma").questions)


def test_copd_and_emphysema_are_worked_half_sitting_or_side_lying(kb):
    for name in ("COPD", "emphysema", "chronic bronchitis"):
        result = assessed(kb, name)
        assert result.decision == Decision.modify, name
        assert {"semi_reclined", "side_lying"} <= set(result.limits.positioning), name


def test_a_chest_infection_postpones_the_session(kb):
    assert assessed(kb, "chest infection").decision == Decision.postpone


# --- skin ------------------------------------------------------------------------------------


def test_an_active_psoriasis_flare_on_the_back_avoids_the_plaques(kb):
    flare = {"id": "psoriasis", "status": "active", "regions": ["low_back_left"]}
    result = assessed(kb, flare)
    assert result.decision == Decision.modify
    assert "low_back_left" in result.limits.avoid_regions
    assert "low_back_right" not in result.limits.avoid_regions


def test_psoriasis_without_a_status_proceeds_and_asks_about_a_flare(kb):
    result = assessed(kb, {"id": "psoriasis", "regions": ["low_back_left"]})
    assert result.decision == Decision.proceed
    assert "low_back_left" not in result.limits.avoid_regions
    assert any("flaring" in q for q in finding(result, "psoriasis").questions)


def test_shingles_postpones_until_crusted_then_leaves_the_band_out(kb):
    fresh = assessed(kb, {"id": "shingles", "status": "active", "regions": ["mid_back_left"]})
    assert fresh.decision == Decision.postpone
    band = {"id": "herpes zoster", "status": "controlled", "regions": ["mid_back_left"]}
    crusted = assessed(kb, band)
    assert crusted.decision == Decision.modify
    assert "mid_back_left" in crusted.limits.avoid_regions
    assert kb.conditions["shingles"].explains_pain


def test_shingles_without_a_status_asks_whether_the_blisters_have_crusted(kb):
    result = assessed(kb, {"id": "shingles", "regions": ["mid_back_left"]})
    assert result.decision == Decision.modify
    assert "mid_back_left" in result.limits.avoid_regions
    assert any("crusted" in q for q in finding(result, "shingles").questions)


def test_contagious_skin_infections_postpone_until_treated(kb):
    for name in ("scabies", "impetigo", "ringworm", "cellulitis"):
        assert assessed(kb, {"id": name, "status": "active"}).decision == Decision.postpone, name
    assert assessed(kb, {"id": "scabies", "status": "controlled"}).decision == Decision.proceed


def test_athletes_foot_does_not_stop_a_back_massage(kb):
    assert assessed(kb, "athlete's foot").decision == Decision.proceed


def test_a_cold_sore_leaves_the_face_out_but_not_the_back(kb):
    result = assessed(kb, {"id": "cold sore", "status": "active"})
    assert result.decision == Decision.modify
    assert "head" in result.limits.avoid_regions
    assert not {"low_back_left", "upper_back_left"} & set(result.limits.avoid_regions)


# --- neurological ----------------------------------------------------------------------------


def test_ms_without_a_status_asks_about_a_relapse_instead_of_postponing(kb):
    result = assessed(kb, "MS")
    assert result.decision == Decision.modify
    assert any("relapse" in q for q in finding(result, "multiple_sclerosis").questions)
    assert assessed(kb, {"id": "MS", "status": "active"}).decision == Decision.postpone


def test_a_past_tia_proceeds_and_symptoms_now_are_an_emergency(kb):
    assert assessed(kb, {"id": "mini stroke", "status": "history"}).decision == Decision.proceed
    assert assessed(kb, "TIA").decision == Decision.proceed
    assert assessed(kb, {"id": "TIA", "status": "suspected"}).decision == Decision.emergency


def test_a_recent_stroke_needs_clearance_and_an_old_one_is_modified(kb):
    assert assessed(kb, {"id": "stroke", "status": "active"}).decision == Decision.clearance
    old = assessed(kb, {"id": "stroke", "status": "history"})
    assert old.decision == Decision.modify
    assert "slow_rise" in old.limits.positioning


# --- rheumatic -------------------------------------------------------------------------------


def test_gout_written_without_a_status_asks_about_an_attack(kb):
    result = assessed(kb, "gout")
    assert result.decision == Decision.proceed
    assert any("attack" in q for q in finding(result, "gout").questions)
    assert assessed(kb, {"id": "gout", "status": "active"}).decision == Decision.postpone


def test_a_lupus_flare_postpones_and_quiet_lupus_proceeds(kb):
    assert assessed(kb, {"id": "SLE", "status": "active"}).decision == Decision.postpone
    assert assessed(kb, {"id": "lupus", "status": "controlled"}).decision == Decision.proceed


def test_hypermobility_rules_out_stretching_and_vascular_eds_needs_clearance(kb):
    lax = assessed(kb, "double jointed")
    assert lax.decision == Decision.modify
    assert {"stretching", "joint_mobilisation"} <= set(lax.limits.avoid_techniques)
    vascular = assessed(kb, "vascular EDS")
    assert vascular.decision == Decision.clearance
    assert vascular.limits.max_pressure == "light"


def test_hip_bursitis_leaves_the_hip_out(kb):
    result = assessed(kb, {"id": "trochanteric bursitis", "regions": ["hip_right"]})
    assert result.decision == Decision.modify
    assert "hip_right" in result.limits.avoid_regions


# --- endocrine and metabolic -----------------------------------------------------------------


def test_a_typical_55_year_olds_known_conditions_proceed(kb):
    result = assessed(
        kb, "asthma", "gout", "high cholesterol", "underactive thyroid", client={"age": 55}
    )
    assert result.decision == Decision.proceed
    assert result.unrecognised_conditions == ()


def test_an_underactive_thyroid_no_longer_leaves_out_the_neck(kb):
    for name in ("hypothyroidism", "Hashimoto's", "underactive thyroid"):
        result = assessed(kb, name)
        assert result.decision == Decision.proceed, name
        assert "neck" not in result.limits.avoid_regions, name


def test_an_overactive_thyroid_not_yet_controlled_shortens_the_session(kb):
    result = assessed(kb, {"id": "Graves disease", "status": "active"})
    assert result.decision == Decision.modify
    assert result.limits.max_session_minutes is not None
    assert assessed(kb, {"id": "overactive thyroid", "status": "controlled"}).decision == (
        Decision.proceed
    )


def test_cushings_caps_pressure_for_fragile_bone_and_skin(kb):
    result = assessed(kb, "Cushing's syndrome")
    assert result.limits.max_pressure in {"light", "medium"}
    assert "tapotement" in result.limits.avoid_techniques


# --- mental health ---------------------------------------------------------------------------


def test_ptsd_proceeds_and_gives_the_therapist_questions_about_touch(kb):
    result = assessed(kb, "PTSD")
    assert result.decision == Decision.proceed
    assert finding(result, "ptsd").questions


def test_anorexia_protects_thin_bone(kb):
    result = assessed(kb, "anorexia")
    assert result.decision == Decision.modify
    assert result.limits.max_pressure in {"light", "medium"}
    assert "slow_rise" in result.limits.positioning


# --- lay names -------------------------------------------------------------------------------

LAY_NAMES = {
    "hay fever": "hay_fever",
    "smoker's lung": "copd",
    "bacne": "acne",
    "nettle rash": "hives",
    "verruca": "warts",
    "fatty lump": "lipoma",
    "parkinsons": "parkinsons_disease",
    "alzheimers": "dementia",
    "bells palsy": "bells_palsy",
    "restless legs": "restless_legs_syndrome",
    "ME/CFS": "chronic_fatigue_syndrome",
    "frozen shoulder": "frozen_shoulder",
    "tendonitis": "tendinitis",
    "high cholesterol": "high_cholesterol",
    "borderline diabetes": "prediabetes",
    "PCOS": "polycystic_ovary_syndrome",
    "overweight": "obesity",
    "manic depression": "bipolar_disorder",
    "panic attacks": "panic_disorder",
    "recovering alcoholic": "substance_use_disorder",
    "bereavement": "grief",
    "aspergers": "autism",
}


@pytest.mark.parametrize(("written", "condition"), sorted(LAY_NAMES.items()))
def test_lay_names_clients_write_are_recognised(kb, written, condition):
    assert kb.read_condition(written).condition == condition

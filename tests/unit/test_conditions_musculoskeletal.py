"""Spinal and limb conditions, joint replacements and hardware."""

from __future__ import annotations

from backcare.clinical import assess
from backcare.knowledge import Decision
from tests.conftest import make_intake

BACK_PAIN = {"regions": ["low_back"], "duration_weeks": 20, "intensity": 4, "cause": "posture"}


def test_worn_discs_on_a_scan_do_not_change_a_back_massage(kb):
    result = assess(make_intake(pain=BACK_PAIN, conditions=["degenerative disc disease"]), kb)
    assert result.decision == Decision.proceed


def test_a_recent_hip_replacement_waits_for_the_surgical_team(kb):
    recent = assess(make_intake(conditions=[{"id": "hip replacement", "status": "active"}]), kb)
    healed = assess(make_intake(conditions=[{"id": "new hip", "status": "history"}]), kb)
    assert recent.decision == Decision.clearance
    assert "joint_mobilisation" in recent.limits.avoid_techniques
    assert healed.decision == Decision.proceed


def test_pagets_disease_leaves_the_affected_bone_out_and_caps_pressure(kb):
    intake = make_intake(
        pain=BACK_PAIN, conditions=[{"id": "paget's disease", "regions": ["low_back"]}]
    )
    result = assess(intake, kb)
    assert result.decision == Decision.modify
    assert {"low_back_left", "low_back_right"} <= set(result.limits.avoid_regions)
    assert result.limits.max_pressure == "medium"


def test_a_broken_wrist_in_a_cast_leaves_only_that_arm_out(kb):
    intake = make_intake(conditions=[{"id": "broken wrist", "regions": ["arm_left"]}])
    result = assess(intake, kb)
    assert result.decision == Decision.modify
    assert "arm_left" in result.limits.avoid_regions
    assert "arm_right" not in result.limits.avoid_regions


def test_spinal_rods_keep_pressure_off_the_hardware(kb):
    result = assess(make_intake(pain=BACK_PAIN, conditions=["rods in my back"]), kb)
    assert result.decision == Decision.modify
    assert result.limits.max_pressure == "medium"
    assert "joint_mobilisation" in result.limits.avoid_techniques


def test_a_hip_replacement_written_without_a_date_is_not_held_for_clearance(kb):
    result = assess(make_intake(conditions=["hip replacement"]), kb)
    finding = next(f for f in result.findings if f.rule.startswith("condition.hip_replacement."))
    assert result.decision == Decision.modify
    assert any("When was the operation" in q for q in finding.questions)

"""Cancers by kind, and what treatment leaves behind."""

from __future__ import annotations

from backcare.clinical import assess
from backcare.knowledge import Decision
from tests.conftest import make_intake


def test_myeloma_is_treated_like_bone_metastases_even_in_remission(kb):
    for status in ("active", "controlled"):
        result = assess(make_intake(conditions=[{"id": "myeloma", "status": status}]), kb)
        assert result.decision == Decision.clearance, status
        assert result.limits.max_pressure == "light", status
        assert "joint_mobilisation" in result.limits.avoid_techniques, status


def test_a_melanoma_removed_years_ago_changes_nothing(kb):
    result = assess(make_intake(conditions=[{"id": "melanoma", "status": "history"}]), kb)
    assert result.decision == Decision.proceed


def test_lymph_nodes_removed_from_one_armpit_leave_that_arm_out(kb):
    intake = make_intake(conditions=[{"id": "axillary clearance", "regions": ["arm_right"]}])
    result = assess(intake, kb)
    assert result.decision == Decision.modify
    assert "arm_right" in result.limits.avoid_regions
    assert "arm_left" not in result.limits.avoid_regions


def test_hormone_therapy_for_cancer_spares_bone_from_percussion(kb):
    result = assess(make_intake(conditions=["hormone therapy for breast cancer"]), kb)
    assert result.decision == Decision.modify
    assert result.limits.max_pressure == "medium"
    assert "tapotement" in result.limits.avoid_techniques


def test_a_watched_slow_lymphoma_is_massaged_without_needing_clearance(kb):
    intake = make_intake(conditions=[{"id": "follicular lymphoma", "status": "controlled"}])
    assert assess(intake, kb).decision == Decision.modify

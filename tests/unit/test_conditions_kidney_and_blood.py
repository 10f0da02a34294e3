"""Kidney, bladder, prostate and blood conditions."""

from __future__ import annotations

from backcare.clinical import assess
from backcare.knowledge import Decision
from tests.conftest import make_intake


def test_a_dialysis_fistula_leaves_its_arm_out(kb):
    intake = make_intake(conditions=[{"id": "fistula arm", "regions": ["arm_left"]}])
    result = assess(intake, kb)
    assert result.decision == Decision.modify
    assert "arm_left" in result.limits.avoid_regions


def test_a_nephrostomy_in_the_back_keeps_that_side_of_the_back_out(kb):
    intake = make_intake(conditions=[{"id": "nephrostomy tube", "regions": ["low_back_right"]}])
    result = assess(intake, kb)
    assert "low_back_right" in result.limits.avoid_regions
    assert "low_back_left" not in result.limits.avoid_regions


def test_a_settled_kidney_transplant_leaves_the_transplant_alone(kb):
    result = assess(
        make_intake(conditions=[{"id": "kidney transplant", "status": "controlled"}]), kb
    )
    assert result.decision == Decision.modify
    assert "abdomen" in result.limits.avoid_regions


def test_an_enlarged_prostate_and_incontinence_change_nothing(kb):
    for name in ("BPH", "stress incontinence", "one kidney"):
        assert assess(make_intake(conditions=[name]), kb).decision == Decision.proceed, name

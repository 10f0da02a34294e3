"""Gynaecological, pregnancy-related and breast conditions."""

from __future__ import annotations

from backcare.clinical import assess
from backcare.knowledge import Decision
from tests.conftest import make_intake


def test_endometriosis_accounts_for_back_pain_and_written_alone_goes_ahead(kb):
    assert kb.conditions["endometriosis"].explains_pain
    result = assess(make_intake(conditions=["endo"]), kb)
    assert result.decision == Decision.proceed


def test_a_recent_caesarean_is_massaged_side_lying_with_the_abdomen_left_out(kb):
    result = assess(make_intake(conditions=[{"id": "c-section", "status": "active"}]), kb)
    assert result.decision == Decision.modify
    assert "abdomen" in result.limits.avoid_regions
    assert "no_prone" in result.limits.positioning


def test_a_caesarean_written_without_a_date_asks_how_long_ago_and_allows_lying_face_down(kb):
    result = assess(make_intake(conditions=["c-section"]), kb)
    finding = next(f for f in result.findings if f.rule.startswith("condition.caesarean_section."))
    assert finding.questions
    assert "abdomen" in result.limits.avoid_regions
    assert "no_prone" not in result.limits.positioning


def test_pelvic_girdle_pain_is_worked_side_lying_without_joint_mobilisation(kb):
    result = assess(make_intake(conditions=["SPD"]), kb)
    assert result.decision == Decision.modify
    assert "side_lying" in result.limits.positioning
    assert "joint_mobilisation" in result.limits.avoid_techniques


def test_menopause_and_healed_breast_implants_change_nothing(kb):
    menopause = assess(make_intake(conditions=["perimenopause"]), kb)
    implants = assess(make_intake(conditions=[{"id": "breast implants", "status": "history"}]), kb)
    assert menopause.decision == Decision.proceed
    assert implants.decision == Decision.proceed

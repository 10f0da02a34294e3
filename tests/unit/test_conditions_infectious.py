"""Specific infections: what spreads by touch postpones; what spreads by blood needs hygiene."""

from __future__ import annotations

from backcare.clinical import assess
from backcare.knowledge import Decision
from tests.conftest import make_intake


def test_hiv_on_treatment_goes_ahead_and_written_alone_does_not_postpone(kb):
    controlled = assess(make_intake(conditions=[{"id": "HIV", "status": "controlled"}]), kb)
    unstated = assess(make_intake(conditions=["HIV positive"]), kb)
    assert controlled.decision == Decision.proceed
    assert unstated.decision == Decision.proceed


def test_hepatitis_b_written_alone_asks_whether_it_is_acute(kb):
    result = assess(make_intake(conditions=["hep B"]), kb)
    assert result.decision == Decision.proceed
    finding = next(f for f in result.findings if f.rule.startswith("condition.hepatitis_b."))
    assert finding.questions


def test_active_tb_postpones_and_latent_tb_does_not(kb):
    active = assess(make_intake(conditions=["tuberculosis"]), kb)
    latent = assess(make_intake(conditions=["latent TB"]), kb)
    assert active.decision == Decision.postpone
    assert latent.decision == Decision.proceed


def test_an_mrsa_infection_postpones_but_a_carrier_is_massaged_with_hygiene(kb):
    infected = assess(make_intake(conditions=[{"id": "MRSA", "status": "active"}]), kb)
    carrier = assess(make_intake(conditions=[{"id": "MRSA carrier", "status": "controlled"}]), kb)
    assert infected.decision == Decision.postpone
    assert carrier.decision == Decision.modify


def test_recovering_glandular_fever_leaves_the_spleen_alone(kb):
    result = assess(make_intake(conditions=[{"id": "mono", "status": "controlled"}]), kb)
    assert result.decision == Decision.modify
    assert "abdomen" in result.limits.avoid_regions
    assert "tapotement" in result.limits.avoid_techniques

"""Digestive and liver conditions."""

from __future__ import annotations

from backcare.clinical import assess
from backcare.knowledge import Decision
from tests.conftest import make_intake


def test_a_crohns_flare_postpones_but_crohns_written_alone_does_not(kb):
    flare = assess(make_intake(conditions=[{"id": "Crohn disease", "status": "active"}]), kb)
    unstated = assess(make_intake(conditions=["regional enteritis"]), kb)
    assert flare.decision == Decision.postpone
    assert unstated.decision == Decision.modify
    assert "abdomen" in unstated.limits.avoid_regions


def test_gallstones_without_an_attack_go_ahead(kb):
    result = assess(make_intake(conditions=["gallstones"]), kb)
    assert result.decision == Decision.proceed


def test_advanced_cirrhosis_needs_clearance_and_stable_cirrhosis_a_moderate_session(kb):
    advanced = assess(make_intake(conditions=[{"id": "cirrhosis", "status": "active"}]), kb)
    stable = assess(make_intake(conditions=[{"id": "cirrhosis", "status": "controlled"}]), kb)
    assert advanced.decision == Decision.clearance
    assert stable.decision == Decision.modify
    assert stable.limits.max_pressure == "medium"


def test_a_stoma_keeps_pressure_off_the_abdomen(kb):
    result = assess(make_intake(conditions=["colostomy"]), kb)
    assert result.decision == Decision.modify
    assert "abdomen" in result.limits.avoid_regions


def test_coeliac_disease_and_fatty_liver_change_nothing(kb):
    for name in ("coeliac disease", "fatty liver", "piles"):
        assert assess(make_intake(conditions=[name]), kb).decision == Decision.proceed, name

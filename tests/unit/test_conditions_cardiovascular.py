"""Heart, vessel and blood conditions as a therapist meets them on an intake."""

from __future__ import annotations

from backcare.clinical import assess
from backcare.knowledge import Decision
from tests.conftest import make_intake


def condition_finding(result, condition_id):
    found = [f for f in result.findings if f.rule.startswith(f"condition.{condition_id}.")]
    assert found, f"no finding for {condition_id}"
    return found[0]


def test_af_written_without_a_status_asks_about_control_instead_of_needing_clearance(kb):
    result = assess(make_intake(conditions=["AF"]), kb)
    finding = condition_finding(result, "atrial_fibrillation_or_flutter")
    assert result.decision == Decision.modify
    assert finding.rule.endswith(".unstated")
    assert any("under control" in q for q in finding.questions)


def test_controlled_af_on_apixaban_is_massaged_with_the_anticoagulants_light_pressure(kb):
    intake = make_intake(
        conditions=[{"id": "atrial fibrillation or flutter", "status": "controlled"}],
        medications=["apixaban 5 mg twice daily"],
    )
    result = assess(intake, kb)
    assert result.decision == Decision.modify
    assert result.limits.max_pressure == "light"


def test_unstable_angina_waits_for_the_physician_but_stable_angina_goes_ahead_gently(kb):
    unstable = assess(make_intake(conditions=[{"id": "angina pectoris", "status": "active"}]), kb)
    stable = assess(make_intake(conditions=[{"id": "stable angina", "status": "controlled"}]), kb)
    assert unstable.decision == Decision.clearance
    assert stable.decision == Decision.modify
    assert any("GTN" in note for note in stable.limits.notes)


def test_a_pacemaker_keeps_the_chest_out_and_the_back_in(kb):
    result = assess(make_intake(conditions=["pacemaker fitted"]), kb)
    assert result.decision == Decision.modify
    assert "chest" in result.limits.avoid_regions
    assert "low_back_left" not in result.limits.avoid_regions


def test_a_sickle_cell_crisis_postpones_but_between_crises_the_session_is_gentle(kb):
    crisis = assess(make_intake(conditions=[{"id": "sickle cell", "status": "active"}]), kb)
    between = assess(make_intake(conditions=[{"id": "sickle cell", "status": "controlled"}]), kb)
    assert crisis.decision == Decision.postpone
    assert between.decision == Decision.modify
    assert between.limits.max_pressure == "medium"


def test_raynauds_and_sickle_cell_trait_change_nothing(kb):
    for name in ("Raynaud's", "sickle cell trait", "heart murmur"):
        assert assess(make_intake(conditions=[name]), kb).decision == Decision.proceed, name

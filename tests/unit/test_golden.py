"""The example intakes give the decisions a clinician expects (shared/examples/README.md),
and their assessment JSON matches the reviewed snapshot in tests/golden/assessments.

To accept a deliberate change: BACKCARE_UPDATE_GOLDEN=1 pytest tests/unit/test_golden.py,
then review the diff of tests/golden/assessments before committing it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from backcare.clinical import assess, parse_intake, to_json
from tests.conftest import TODAY

GOLDEN = Path(__file__).parent.parent / "golden"


def assessment_of(kb: Any, name: str) -> dict[str, Any]:
    data = yaml.safe_load((GOLDEN / "intakes" / f"{name}.yaml").read_text())
    return to_json(assess(parse_intake(data, today=TODAY), kb))


def rules(result: dict[str, Any]) -> list[str]:
    return [finding["rule"] for finding in result["findings"]]


@pytest.mark.parametrize(
    ("name", "decision"),
    [
        ("desk-worker-chronic", "proceed"),
        ("saddle-and-bowel", "emergency"),
        ("pregnant-32-weeks", "modify"),
        ("heparin-and-bruise", "modify"),
        ("flu-fever", "postpone"),
        ("spinal-fusion-3-weeks", "clearance"),
    ],
)
def test_example_gives_the_expected_decision(kb, name, decision):
    assert assessment_of(kb, name)["decision"] == decision


def test_desk_worker_gets_a_weekly_plan_for_chronic_pain_with_home_care(kb):
    result = assessment_of(kb, "desk-worker-chronic")
    assert result["chronicity"] == "chronic"
    assert result["findings"] == []
    plan = result["plan"]
    assert plan["sessions_per_week"] == 1
    assert plan["total_sessions"] >= 6
    assert plan["home_care"], "home care is part of the plan"
    assert "cherkin-2011" in plan["sources"]
    assert result["unanswered"] == []


def test_saddle_numbness_and_bowel_change_is_suspected_cauda_equina(kb):
    result = assessment_of(kb, "saddle-and-bowel")
    top = result["findings"][0]
    assert top["rule"] == "red_flag.cauda_equina"
    assert "emergency" in top["action"].lower()
    assert result["recommendations"] == []
    assert result["plan"] is None


def test_pregnancy_at_32_weeks_is_side_lying_never_flat_on_the_back(kb):
    result = assessment_of(kb, "pregnant-32-weeks")
    positioning = result["modifications"]["positioning"]
    assert "side_lying" in positioning
    assert "no_supine" in positioning
    assert "saddle_numbness" not in result["unanswered"]
    assert {"progressive_weakness", "history_of_cancer"} <= set(result["unanswered"])


def test_enoxaparin_and_a_bruise_mean_light_pressure_away_from_the_bruise(kb):
    result = assessment_of(kb, "heparin-and-bruise")
    assert "medication.anticoagulant" in rules(result)
    assert result["unrecognised"]["medications"] == []
    mods = result["modifications"]
    assert mods["max_pressure"] == "light"
    assert "deep_tissue" in mods["avoid_techniques"]
    assert "mid_back_left" in mods["avoid_regions"]
    assert "deep_tissue" in [e["modality"] for e in result["excluded_modalities"]]
    assert result["plan"]["max_pressure"] == "light"


def test_flu_with_fever_is_postponed_until_well(kb):
    result = assessment_of(kb, "flu-fever")
    assert {"condition.contagious_illness.active", "screening.fever"} <= set(rules(result))
    assert result["plan"] is None


def test_three_week_old_spinal_surgery_needs_the_surgeons_clearance(kb):
    result = assessment_of(kb, "spinal-fusion-3-weeks")
    assert rules(result)[0] == "procedure.recent_surgery"
    assert {"low_back_left", "low_back_right"} <= set(result["modifications"]["avoid_regions"])


@pytest.mark.parametrize("path", sorted((GOLDEN / "intakes").glob("*.yaml")), ids=lambda p: p.stem)
def test_assessment_json_matches_the_reviewed_snapshot(kb, path):
    result = assessment_of(kb, path.stem)
    snapshot = GOLDEN / "assessments" / f"{path.stem}.json"
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("BACKCARE_UPDATE_GOLDEN"):
        snapshot.write_text(text, encoding="utf-8")
    assert snapshot.exists(), (
        f"no snapshot yet: run with BACKCARE_UPDATE_GOLDEN=1 and review {snapshot}"
    )
    assert json.loads(snapshot.read_text(encoding="utf-8")) == result

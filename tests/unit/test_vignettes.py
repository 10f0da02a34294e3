"""Clinical vignettes (tests/vignettes/*.yaml): intakes as real clients fill them in, each with the
decision a clinician expects and the source that says so, written before the implementation.

A case's ``expect`` holds ``decision`` (exactly) and, optionally: ``recognised: true`` (no
condition or medicine left unrecognised), ``max_pressure`` (the merged session pressure is at
most this; no limit counts as above firm, and ``null`` allows anything) and ``absent_rules``
(rule ids that must not fire, such as ``medication.analgesic`` for 75 mg aspirin)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

import backcare
from backcare.errors import InvalidIntake

VIGNETTES = Path(__file__).parent.parent / "vignettes"
TODAY = date(2026, 11, 22)
DECISIONS = ("proceed", "modify", "postpone", "clearance", "refer", "emergency")
PRESSURES = ("light", "medium", "firm", None)  # None: no limit, above firm
EXPECT_KEYS = {"decision", "recognised", "max_pressure", "absent_rules"}


def load_cases() -> list[dict[str, Any]]:
    cases = []
    for path in sorted(VIGNETTES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append({**case, "file": path.name})
    return cases


CASES = load_cases()


def assessment_of(kb: Any, case: dict[str, Any]) -> dict[str, Any]:
    try:
        intake = backcare.parse_intake(case["intake"], today=TODAY)
    except InvalidIntake as error:
        pytest.fail(f"{case['id']}: the intake does not parse: {error}\n  story: {case['story']}")
    return backcare.to_json(backcare.assess(intake, kb))


def problems_with(expect: dict[str, Any], result: dict[str, Any]) -> list[str]:
    problems = []
    if result["decision"] != expect["decision"]:
        problems.append(f"decision: expected {expect['decision']}, got {result['decision']}")
    unrecognised = result["unrecognised"]
    if expect.get("recognised") and (unrecognised["medications"] or unrecognised["conditions"]):
        problems.append(f"left unrecognised: {unrecognised}")
    if "max_pressure" in expect:
        limit, actual = expect["max_pressure"], result["modifications"]["max_pressure"]
        if PRESSURES.index(actual) > PRESSURES.index(limit):
            problems.append(f"max_pressure: expected at most {limit}, got {actual or 'no limit'}")
    fired = {finding["rule"] for finding in result["findings"]}
    for rule in expect.get("absent_rules", []):
        if rule in fired:
            problems.append(f"rule {rule} fired but should not")
    return problems


def explain(case: dict[str, Any], result: dict[str, Any], problems: list[str]) -> str:
    findings = [
        f"    {f['decision']:<9} {f['rule']}: {f['title']}" for f in result["findings"]
    ] or ["    (none)"]
    return "\n".join(
        [
            f"{case['id']} ({case['file']})",
            f"  story: {case['story']}",
            *(f"  {problem}" for problem in problems),
            f"  expected because: {case['source']}",
            "  findings:",
            *findings,
            f"  unrecognised: {result['unrecognised']}",
        ]
    )


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_vignette_gets_the_decision_a_clinician_expects(kb, case):
    result = assessment_of(kb, case)
    problems = problems_with(case["expect"], result)
    assert not problems, explain(case, result, problems)


def test_there_are_at_least_70_vignettes_with_unique_kebab_case_ids():
    ids = Counter(case["id"] for case in CASES)
    assert len(CASES) >= 70
    assert [name for name, count in ids.items() if count > 1] == []
    assert [name for name in ids if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name)] == []


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_every_vignette_has_a_story_a_source_and_a_well_formed_expectation(case):
    assert len(case.get("story", "").split()) >= 5, "a story in words"
    assert len(case.get("source", "").split()) >= 5, "a source that says why"
    expect = case["expect"]
    assert set(expect) <= EXPECT_KEYS, f"unknown expectation keys: {set(expect) - EXPECT_KEYS}"
    assert expect["decision"] in DECISIONS
    assert expect.get("max_pressure") in PRESSURES
    assert case["intake"]["assessed_on"] == TODAY
    assert set(case) == {"id", "story", "intake", "expect", "source", "file"}


def test_the_vignettes_cover_every_decision_and_many_ordinary_clients():
    decisions = Counter(case["expect"]["decision"] for case in CASES)
    assert set(decisions) == set(DECISIONS)
    assert decisions["proceed"] >= 20

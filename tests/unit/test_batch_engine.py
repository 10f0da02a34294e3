"""The vectorised back end screens a register exactly as ``assess`` screens each intake."""

from __future__ import annotations

from collections import Counter
from typing import Any

import polars as pl
import pytest

from backcare.batch.columns import conform, flat_row, intake_from_flat
from backcare.batch.compiler import PolarsEmitter, compile_condition
from backcare.batch.engine import screen
from backcare.batch.facts import facts
from backcare.batch.reading import ROW
from backcare.clinical import facts as clinical_facts
from backcare.clinical.assessment import Assessment, assess
from backcare.clinical.intake import Intake, parse_intake
from backcare.errors import InvalidIntake
from backcare.knowledge import load_knowledge
from backcare.knowledge.rule import compile_predicate, parse
from tests.registers import TODAY, register

KB = load_knowledge()


def _expected(assessment: Assessment) -> dict[str, Any]:
    limits = assessment.limits
    return {
        "decision": assessment.decision.name,
        "findings": [finding.rule for finding in assessment.findings],
        "max_pressure": limits.max_pressure,
        "max_session_minutes": limits.max_session_minutes,
        "avoid_regions": list(limits.avoid_regions),
        "avoid_techniques": list(limits.avoid_techniques),
        "positioning": list(limits.positioning),
        "notes": list(limits.notes),
        "chronicity": assessment.chronicity,
        "unrecognised_conditions": list(assessment.unrecognised_conditions),
        "unrecognised_medications": list(assessment.unrecognised_medications),
        "unanswered": list(assessment.unanswered),
    }


@pytest.fixture(scope="module")
def intakes() -> list[Intake]:
    return [parse_intake(data, today=TODAY) for data in register(10_000, KB, seed=7)]


def test_polars_engine_screens_ten_thousand_intakes_as_assess_does(intakes: list[Intake]) -> None:
    expected = [_expected(assess(intake, KB)) for intake in intakes]
    fired = Counter(rule for row in expected for rule in set(row["findings"]))
    rules = [compiled.rule.id for compiled in KB.rules]
    assert [rule for rule in rules if fired[rule] == 0] == [], "every rule fires at least once"
    assert [rule for rule in rules if fired[rule] == len(expected)] == [], "and is not always"

    got = screen(pl.DataFrame([flat_row(intake) for intake in intakes]), KB)

    mismatches = [
        (i, {k: (want[k], row[k]) for k in want if want[k] != row[k]})
        for i, (want, row) in enumerate(zip(expected, got.iter_rows(named=True), strict=True))
        if want != {k: row[k] for k in want}
    ]
    assert mismatches[:3] == []


SET_TESTS = [
    {"medication_classes": {"empty": True}},
    {"skin.bruise": {"empty": False}},
    {"conditions.active": {"empty": True}},
]
WITH_AND_WITHOUT = [
    {
        "assessed_on": TODAY,
        "age": 40,
        "medications": ["warfarin"],
        "skin": ["bruise@thigh_left"],
        "conditions": ["sciatica:active"],
    },
    {"assessed_on": TODAY, "age": 40},
]


def test_a_set_fact_with_nothing_in_it_tests_as_empty_as_assess_tests_it() -> None:
    rows = conform(pl.DataFrame(WITH_AND_WITHOUT)).with_row_index(ROW)
    found, _ = facts(rows, KB)
    for raw in SET_TESTS:
        node = parse(raw, "test")
        got = found.select(compile_condition(node, PolarsEmitter())).to_series().to_list()
        read = [
            clinical_facts.read(parse_intake(intake_from_flat(row), today=TODAY), KB).facts
            for row in WITH_AND_WITHOUT
        ]
        assert got == [compile_predicate(node)(each) for each in read]
        assert got[0] != got[1]


def test_a_flat_row_turns_back_into_the_same_intake(intakes: list[Intake]) -> None:
    for intake in intakes[:2_000]:
        assert parse_intake(intake_from_flat(flat_row(intake)), today=TODAY) == intake


def test_a_row_id_passes_through_and_an_empty_register_screens_to_nothing() -> None:
    frame = pl.DataFrame({"client_id": ["a", "b"], "age": [40, 72], "pain": [False, True]})
    got = screen(frame, KB)
    assert got.get_column("client_id").to_list() == ["a", "b"]
    assert got.get_column("decision").to_list()[0] == "proceed"
    assert got.get_column("unanswered").to_list()[1][0] == "saddle_numbness"
    assert screen(frame.clear(), KB).height == 0


def test_an_entry_that_is_not_valid_names_its_row_and_column() -> None:
    frame = pl.DataFrame({"age": [40, 50], "conditions": [["sciatica"], ["sciatica:sometimes"]]})
    with pytest.raises(InvalidIntake) as raised:
        screen(frame, KB)
    (problem,) = raised.value.problems
    assert problem.path == "row 2: conditions"
    assert "'sciatica:sometimes'" in problem.message


def test_a_pain_column_with_a_value_means_the_intake_has_pain_unless_pain_says_no() -> None:
    row = {"assessed_on": TODAY, "age": 40, "pain_intensity": 9}
    want = _expected(assess(parse_intake(intake_from_flat(row), today=TODAY), KB))
    got = screen(pl.DataFrame([row]), KB).row(0, named=True)
    assert {k: got[k] for k in want} == want
    assert "screening.severe_pain" in got["findings"]
    with pytest.raises(InvalidIntake, match="pain_intensity"):
        intake_from_flat({**row, "pain": False})


def test_regions_written_as_shorthands_or_with_blanks_screen_as_assess_reads_them() -> None:
    rows = [
        {
            "assessed_on": TODAY,
            "age": 40,
            "pain_regions": ["low_back", "neck"],
            "pain_duration_weeks": 1.0,
            "pain_cause": "fall",
            "conditions": ["varicose_veins:active@low_back, ", "sciatica"],
            "skin": ["bruise@low_back"],
        },
        {
            "assessed_on": TODAY,
            "age": 50,
            "pain_regions": ["neck"],
            "skin": [],
            "conditions": ["varicose_veins@"],
        },
        {
            "assessed_on": TODAY,
            "age": 60,
            "pain_regions": ["low_back_left", "low_back", "neck", "neck"],
            "pain_numbness": ["thigh_left", "thigh_left"],
            "pain_duration_weeks": 0.5,
            "pain_cause": "sport",
            "skin": ["bruise@thigh_left", "bruise@hip_left,thigh_left"],
            "procedures": ["surgery:2026-11-01@hip_left", "surgery:2026-10-01@hip_left"],
        },
    ]
    got = screen(pl.DataFrame(rows), KB)
    for row, screened in zip(rows, got.iter_rows(named=True), strict=True):
        want = _expected(assess(parse_intake(intake_from_flat(row), today=TODAY), KB))
        assert {k: screened[k] for k in want} == want
    assert got.get_column("avoid_regions").to_list() == [
        ["spine", "low_back_left", "low_back_right"],
        ["spine", "neck"],
        ["spine", "hip_left", "low_back_left", "low_back_right", "neck", "thigh_left"],
    ]

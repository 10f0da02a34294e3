from __future__ import annotations

from typing import Any

import pytest

from backcare.clinical import parse_intake
from backcare.errors import InvalidIntake
from tests.conftest import TODAY, make_intake


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidIntake) as error:
        parse_intake(data, today=TODAY)
    return [str(p) for p in error.value.problems]


def test_region_shorthands_expand_to_both_sides():
    intake = make_intake(pain={"regions": ["low_back", "buttock_left"]})
    assert intake.pain is not None
    assert intake.pain.regions == ("low_back_left", "low_back_right", "buttock_left")


def test_a_misspelt_red_flag_is_an_error_not_a_silent_no():
    found = problems({"client": {"age": 30}, "red_flags": {"saddle_numbnes": True}})
    assert len(found) == 1
    assert found[0].startswith("red_flags.saddle_numbnes: unknown field; allowed fields here:")
    assert "saddle_numbness" in found[0]


def test_an_unknown_region_names_the_field_and_the_allowed_regions():
    (found,) = problems(
        {"client": {"age": 30}, "skin": [{"finding": "bruise", "region": "lowback"}]}
    )
    assert found.startswith("skin[0].region: unknown region 'lowback'; allowed: head, neck")
    assert "low_back" in found


def test_age_is_required_and_bounded():
    assert problems({"client": {}}) == ["client.age: is required"]
    (found,) = problems({"client": {"age": 130}})
    assert found.startswith("client.age: 130 is out of range")


def test_types_are_strict():
    found = problems(
        {"client": {"age": "40"}, "pain": {"intensity": 5.5}, "red_flags": {"fever": "no"}}
    )
    assert "client.age: must be a whole number" in found
    assert "pain.intensity: must be a whole number" in found
    assert "red_flags.fever: must be true or false" in found


def test_an_unknown_value_lists_what_is_allowed():
    (found,) = problems({"client": {"age": 30, "sex": "woman"}})
    assert found.startswith("client.sex: 'woman' is not allowed; allowed: 'female', 'male'")


def test_impossible_combinations_are_refused():
    found = problems(
        {
            "client": {"age": 30, "sex": "male", "pregnant_weeks": 12},
            "vitals": {"systolic": 80, "diastolic": 90},
            "procedures": [{"kind": "surgery", "date": "2027-01-01"}],
        }
    )
    assert "client.pregnant_weeks: given for a client of sex 'male'" in found
    assert "vitals.diastolic: must be lower than vitals.systolic" in found
    assert "procedures[0].date: 2027-01-01 is after assessed_on (2026-11-22)" in found


def test_dates_are_dates_not_numbers():
    (found,) = problems({"client": {"age": 30}, "assessed_on": 0})
    assert found == "assessed_on: must be a date written YYYY-MM-DD"


def test_a_missing_assessment_date_means_today():
    intake = parse_intake({"client": {"age": 30}}, today=TODAY)
    assert intake.assessed_on == TODAY


def test_a_condition_may_be_written_as_a_plain_name():
    intake = make_intake(conditions=["flu", {"id": "osteoporosis", "status": "controlled"}])
    assert [(c.id, c.status) for c in intake.conditions] == [
        ("flu", "active"),
        ("osteoporosis", "controlled"),
    ]


def test_left_out_means_not_asked():
    intake = make_intake()
    assert intake.red_flags.fever is None
    assert intake.pain is None


def test_the_intake_itself_must_be_a_mapping():
    with pytest.raises(InvalidIntake) as error:
        parse_intake(["client"], today=TODAY)
    assert "an intake is a mapping" in str(error.value)

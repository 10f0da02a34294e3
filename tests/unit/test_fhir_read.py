"""Reading FHIR R4 resources into an intake: codes through the knowledge base, text through the
same matcher as typed text, and every resource left out named with its reason."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import assess, parse_intake
from backcare.errors import InvalidFhir, InvalidIntake
from backcare.interop.fhir import read_bundle, read_resources, systems
from backcare.interop.fhir.questionnaire import intake_of, items_of
from tests.conftest import TODAY, make_intake
from tests.unit.test_architecture import PACKAGE, imports


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


PATIENT = {
    "resourceType": "Patient",
    "id": "p",
    "gender": "female",
    "birthDate": "1960-11-23",
    "name": [{"family": "Doe", "given": ["Jane"]}],
}


def test_patient_gives_age_on_the_intake_day_sex_and_name(kb):
    reading = read_bundle(bundle(PATIENT), kb, today=TODAY)
    assert reading.intake["client"] == {"sex": "female", "age": 65}
    assert reading.name == "Jane Doe"
    assert reading.unmapped == ()


def test_condition_codes_map_through_the_knowledge_base(kb):
    snomed = {
        "resourceType": "Condition",
        "code": {"coding": [{"system": systems.SNOMED, "code": "64859006"}]},
    }
    icd10 = {
        "resourceType": "Condition",
        "code": {"coding": [{"system": systems.ICD10, "code": "M54.3"}]},
    }
    reading = read_bundle(bundle(PATIENT, snomed, icd10), kb, today=TODAY)
    assert [c["id"] for c in reading.intake["conditions"]] == ["osteoporosis", "sciatica"]


def test_uncoded_condition_is_read_by_its_text_and_an_unknown_one_reaches_the_assessment(kb):
    named = {"resourceType": "Condition", "code": {"text": "high blood pressure"}}
    unknown = {"resourceType": "Condition", "code": {"text": "zorbitis"}}
    reading = read_bundle(bundle(PATIENT, named, unknown), kb, today=TODAY)
    result = assess(parse_intake(reading.intake, today=TODAY), kb)
    assert "condition.hypertension.active" in [f.rule for f in result.findings]
    assert result.unrecognised_conditions == ("zorbitis",)


def test_statuses_become_intake_statuses(kb):
    def condition(**status: Any) -> dict[str, Any]:
        return {"resourceType": "Condition", "code": {"text": "osteoporosis"}, **status}

    suspected = condition(
        verificationStatus={
            "coding": [{"system": systems.VERIFICATION_STATUS, "code": "provisional"}]
        }
    )
    resolved = condition(
        clinicalStatus={"coding": [{"system": systems.CLINICAL_STATUS, "code": "resolved"}]}
    )
    refuted = condition(verificationStatus={"coding": [{"code": "refuted"}]})
    reading = read_resources([PATIENT, suspected, resolved, refuted], kb, today=TODAY)
    assert [c["status"] for c in reading.intake["conditions"]] == ["suspected", "history"]
    assert [u.why for u in reading.unmapped] == [
        "verificationStatus refuted: not a condition the client has"
    ]


def test_medicines_taken_now_are_read_and_stopped_ones_are_listed_as_left_out(kb):
    taking = {
        "resourceType": "MedicationStatement",
        "status": "active",
        "medicationCodeableConcept": {"coding": [{"display": "Warfarin 5 mg"}]},
    }
    stopped = {
        "resourceType": "MedicationRequest",
        "id": "r",
        "status": "stopped",
        "medicationCodeableConcept": {"text": "ibuprofen"},
    }
    reading = read_bundle(bundle(PATIENT, taking, stopped), kb, today=TODAY)
    assert reading.intake["medications"] == ["Warfarin 5 mg"]
    assert [u.resource for u in reading.unmapped] == ["MedicationRequest/r"]
    result = assess(parse_intake(reading.intake, today=TODAY), kb)
    assert "medication.anticoagulant" in [f.rule for f in result.findings]


def test_allergies_and_unreadable_resources_are_never_dropped_silently(kb):
    allergy = {"resourceType": "AllergyIntolerance", "code": {"text": "latex"}}
    blank = {"resourceType": "AllergyIntolerance", "id": "b", "code": {}}
    other = {"resourceType": "Observation", "id": "o"}
    reading = read_bundle(bundle(PATIENT, allergy, blank, other), kb, today=TODAY)
    assert reading.intake["allergies"] == ["latex"]
    assert {u.resource for u in reading.unmapped} == {"AllergyIntolerance/b", "Observation/o"}


def test_missing_birth_date_is_reported_and_the_intake_then_asks_for_the_age(kb):
    reading = read_bundle(bundle({"resourceType": "Patient", "id": "p"}), kb, today=TODAY)
    assert "needs the client's age" in reading.unmapped[0].why


@pytest.mark.parametrize(
    "document", [[], {"resourceType": "Patient"}, {"resourceType": "Bundle", "entry": [1]}]
)
def test_something_other_than_a_bundle_is_a_clear_error(kb, document):
    with pytest.raises(InvalidFhir) as error:
        read_bundle(document, kb, today=TODAY)
    assert error.value.problems[0].path in ("resourceType", "entry[0].resource")


def test_questionnaire_items_give_back_the_same_intake():
    intake = make_intake(
        client={"age": 40, "sex": "male"},
        pain={
            "regions": ["low_back"],
            "intensity": 5,
            "duration_weeks": 2.5,
            "radiates_below_knee": False,
        },
        red_flags={"fever": False},
        procedures=[{"kind": "surgery", "region": ["low_back_left"], "date": "2026-01-01"}],
        skin=[{"finding": "bruise", "region": "hip_left"}],
        preferences={"modalities": ["shiatsu"]},
    )
    data, problems = intake_of(items_of(intake))
    assert problems == []
    assert parse_intake(data, today=TODAY) == intake


def test_a_medicine_given_only_as_an_rxnorm_code_is_read_as_its_generic(kb):
    coded = {
        "resourceType": "MedicationStatement",
        "status": "active",
        "medicationCodeableConcept": {"coding": [{"system": systems.RXNORM, "code": "11289"}]},
    }
    reading = read_bundle(bundle(PATIENT, coded), kb, today=TODAY)
    assert reading.intake["medications"] == ["warfarin"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
KINDS = st.sampled_from(
    [
        "Patient",
        "Condition",
        "MedicationStatement",
        "MedicationRequest",
        "AllergyIntolerance",
        "QuestionnaireResponse",
        "Observation",
    ]
)
FIELDS = st.sampled_from(
    [
        "code",
        "coding",
        "text",
        "status",
        "name",
        "given",
        "birthDate",
        "item",
        "linkId",
        "answer",
        "extension",
        "bodySite",
        "note",
        "clinicalStatus",
        "verificationStatus",
        "medicationCodeableConcept",
        "questionnaire",
        "gender",
    ]
)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(KINDS, st.dictionaries(FIELDS, JSON, max_size=5)), max_size=4))
def test_any_broken_resources_give_a_reading_or_a_clear_error_never_a_crash(kb, resources):
    for _, fields in resources:
        if "questionnaire" in fields:
            fields["questionnaire"] = systems.INTAKE
    document = bundle(*({"resourceType": kind, **fields} for kind, fields in resources))
    reading = read_bundle(document, kb, today=TODAY)
    with contextlib.suppress(InvalidIntake):  # a clear error is fine; anything else fails
        parse_intake(reading.intake, today=TODAY)


def test_the_reader_is_pure_so_other_services_can_reuse_it():
    rooms = ("backcare.clinical", "backcare.knowledge", "backcare.errors", "backcare.limits")
    mine = {
        "backcare.interop.fhir",
        "backcare.interop.fhir.systems",
        "backcare.interop.fhir.questionnaire",
    }
    room = PACKAGE / "interop" / "fhir"
    for name in ("read.py", "questionnaire.py", "systems.py"):
        for module in imports(room / name):
            if module.split(".")[0] in sys.stdlib_module_names or module in (
                "__future__",
                "pydantic",
            ):
                continue
            assert module.startswith(rooms) or module in mine, f"{name} imports {module}"

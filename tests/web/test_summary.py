"""The client page reads as a clinical summary: the intake in words, today's changes merged
into one box, the findings naming what they are about, and intake versions compared."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as Browser

from backcare.records import clients, intakes, versions
from backcare.records.models import AuditEvent, Client, User
from tests.web.conftest import TODAY, chronic_back_pain, intake_form, new_client
from tests.web.test_pages import section, text


def changes_box(html: str) -> str:
    start = html.index('id="todays-changes"')
    return html[start : html.index("</div>", start)]


def visible(html: str) -> str:
    """The words of a piece of page, without tags and with spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def strained(therapist_a: User) -> Client:
    """A client with a strain in the left low back, an almond-oil allergy and more on record."""
    person = clients.create_client(
        user=therapist_a,
        data={"first_name": "Stan", "last_name": "Strain", "physician": "Dr Gray, Elm Surgery"},
    )
    intakes.record_intake(
        user=therapist_a,
        client=person,
        today=TODAY,
        data=chronic_back_pain(
            conditions=[
                {"id": "muscle_strain", "status": "active", "regions": ["low_back_left"]},
                {"id": "hypertension", "status": "controlled"},
            ],
            medications=["warfarin 5 mg"],
            allergies=["almond oil"],
            procedures=[{"kind": "injection", "date": (TODAY - timedelta(days=400)).isoformat()}],
            vitals={"systolic": 128, "diastolic": 82},
            preferences={"goals": "sit through a work day"},
            notes="Prefers the window room.",
        ),
    )
    return person


def test_the_client_page_shows_the_intake_in_words(browser_a: Browser, strained: Client) -> None:
    intake = visible(section(text(browser_a.get(f"/clients/{strained.pk}/")), "intake-h"))

    assert "Muscle strain , active, Low back, left" in intake
    assert "Hypertension , controlled on treatment" in intake
    assert "warfarin 5 mg" in intake
    assert "almond oil" in intake
    procedure_day = TODAY - timedelta(days=400)
    assert f"Injection on {procedure_day.day} {procedure_day:%b %Y}" in intake
    assert "Blood pressure 128/82 mmHg" in intake
    assert "Dr Gray, Elm Surgery" in intake
    assert "sit through a work day" in intake
    assert "Prefers the window room." in intake
    assert "For 20 weeks" in intake
    assert "20.0" not in intake


def test_todays_changes_merge_every_findings_limits_into_one_box_in_plain_names(
    browser_a: Browser, client_a: Client
) -> None:
    box = visible(changes_box(text(browser_a.get(f"/clients/{client_a.pk}/"))))

    assert "Pressure at most light" in box
    assert "Spine (midline, spinous processes)" in box
    assert "Low back, left" in box  # the bruise
    assert "friction" in box  # the anticoagulant
    assert "deep tissue massage" in box
    assert "low_back_left" not in box
    assert "deep_tissue" not in box


def test_the_lowest_pressure_of_all_findings_is_the_one_in_the_box(
    browser_a: Browser, therapist_a: User
) -> None:
    """A pain medicine alone allows medium; with an anticoagulant the box says light."""
    both = new_client(therapist_a, "Bo", "Both", medications=["ibuprofen", "warfarin 5 mg"])
    one = new_client(therapist_a, "Ona", "One", medications=["ibuprofen"])

    assert "Pressure at most light" in changes_box(text(browser_a.get(f"/clients/{both.pk}/")))
    assert "Pressure at most medium" in changes_box(text(browser_a.get(f"/clients/{one.pk}/")))


def test_the_allergy_finding_names_the_allergen(browser_a: Browser, strained: Client) -> None:
    html = text(browser_a.get(f"/clients/{strained.pk}/"))
    decision = section(html, "findings-h")
    allergy = decision[decision.index('data-rule="screening.allergies"') :]
    allergy = allergy[: allergy.index("</article>")]

    assert "Listed allergies:</strong> almond oil" in allergy
    assert "Allergic to almond oil" in changes_box(html)


def test_a_client_stopped_from_massage_gets_no_changes_box(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(therapist_a, "Hal", "Held", conditions=["hypertension"])

    html = text(browser_a.get(f"/clients/{person.pk}/"))

    assert 'id="todays-changes"' not in html
    assert "No session can be recorded now" in html


def test_each_medicine_shows_how_the_screening_read_it(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(
        therapist_a,
        "Mo",
        "Meds",
        medications=["warfarin 5 mg", "Xarelto 20mg", "warfrin", "zorblax"],
    )
    intake = section(text(browser_a.get(f"/clients/{person.pk}/")), "intake-h")

    assert "<strong>warfarin 5 mg</strong>: Anticoagulant" in intake
    assert "(rivaroxaban)" in intake
    assert "<strong>warfrin</strong>: Anticoagulant" in intake
    assert intake.count("read by its spelling: confirm with the client") == 1
    assert "<strong>zorblax</strong>" in intake
    assert "not recognised: ask what it is for" in intake


def test_each_condition_is_named_as_the_screening_reads_it(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(
        therapist_a,
        "Vera",
        "Veins",
        conditions=[
            {"id": "varicose veins", "regions": ["calves"]},
            {"id": "Bulging veins"},
            {"id": "osteoporsis"},
            {"id": "zorblax syndrome"},
        ],
    )
    intake = visible(section(text(browser_a.get(f"/clients/{person.pk}/")), "intake-h"))

    assert intake.count("Varicose veins , active") == 2
    assert "Osteoporosis , active · read by its spelling: confirm with the client" in intake
    assert "zorblax syndrome , active not recognised" in intake
    assert intake.count("not recognised") == 1


def test_intake_versions_are_compared_item_by_item_with_who_when_and_why(
    browser_a: Browser, client_a: Client
) -> None:
    browser_a.post(
        f"/clients/{client_a.pk}/intake/",
        intake_form(medications="ibuprofen", allergies="lanolin", reason="new GP letter"),
    )

    html = text(browser_a.get(f"/clients/{client_a.pk}/intakes/2/"))
    diff = visible(section(html, "diff-h"))

    assert "Medicines added — ibuprofen" in diff
    assert "Medicines removed warfarin 5 mg —" in diff
    assert "Allergies added — lanolin" in diff
    assert "Skin removed bruise, Low back, left —" in diff
    assert "Version 2" in html
    assert "by anna" in html
    assert "new GP letter" in html
    assert AuditEvent.objects.filter(action="client.view", target="intake v2 compared").exists()


def test_the_client_page_links_to_what_changed_in_the_latest_version(
    browser_a: Browser, client_a: Client
) -> None:
    assert "/intakes/" not in section(text(browser_a.get(f"/clients/{client_a.pk}/")), "intake-h")
    browser_a.post(f"/clients/{client_a.pk}/intake/", intake_form(reason="recheck"))

    intake = section(text(browser_a.get(f"/clients/{client_a.pk}/")), "intake-h")

    assert f'href="/clients/{client_a.pk}/intakes/2/"' in intake


def test_any_two_versions_can_be_compared(browser_a: Browser, client_a: Client) -> None:
    browser_a.post(f"/clients/{client_a.pk}/intake/", intake_form(medications="ibuprofen"))
    browser_a.post(
        f"/clients/{client_a.pk}/intake/", intake_form(medications="ibuprofen\nparacetamol")
    )

    diff = visible(
        section(text(browser_a.get(f"/clients/{client_a.pk}/intakes/3/?against=1")), "diff-h")
    )

    assert "Medicines added — ibuprofen" in diff
    assert "Medicines added — paracetamol" in diff
    assert "Medicines removed warfarin 5 mg" in diff


@pytest.mark.parametrize("address", ["intakes/9/", "intakes/1/?against=7"])
def test_an_intake_version_that_does_not_exist_is_not_found(
    browser_a: Browser, client_a: Client, address: str
) -> None:
    assert browser_a.get(f"/clients/{client_a.pk}/{address}").status_code == 404


def test_the_assessment_page_shows_the_intake_it_assessed_in_words(
    browser_a: Browser, client_a: Client
) -> None:
    assessment = client_a.assessments.get()

    html = visible(text(browser_a.get(f"/clients/{client_a.pk}/assessments/{assessment.pk}/")))

    assert "The intake assessed" in html
    assert "Medicines warfarin 5 mg" in html
    assert "Bruise: Low back, left" in html


def test_the_same_regions_in_another_order_are_no_change() -> None:
    before = {"pain": {"regions": ["low_back_left", "low_back_right"]}}
    after = {"pain": {"regions": ["low_back_right", "low_back_left"]}}

    assert versions.differences(before, after) == []
    assert [c.kind for c in versions.differences(before, {"pain": {"regions": []}})] == ["removed"]

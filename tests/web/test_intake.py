"""The therapist's intake form, from the empty form to the stored, never-changing record."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client as Browser
from django.urls import get_resolver

from backcare.errors import ImmutableRecord
from backcare.records import clearances
from backcare.records.models import Assessment, Client, Intake, Plan, User
from tests.web.conftest import TODAY, form_as_shown, intake_form, new_client


@pytest.fixture
def nina(therapist_a: User) -> Client:
    """A new client of clinic A, born on New Year's Day forty years ago, with no intake yet."""
    person = new_client(therapist_a, "Nina", "Newman")
    person.date_of_birth = date(TODAY.year - 40, 1, 1)
    person.save()
    return person


def value_of(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input {name}"
    found = re.search(r'value="([^"]*)"', match.group(0))
    return found.group(1) if found else ""


def test_the_intake_form_starts_with_todays_date_and_the_age_from_the_date_of_birth(
    browser_a: Browser, nina: Client
) -> None:
    html = browser_a.get(f"/clients/{nina.pk}/intake/").content.decode()

    assert "Intake for Nina Newman" in html
    assert value_of(html, "age") == "40"
    assert value_of(html, "assessed_on") == TODAY.isoformat()
    assert 'name="reason"' not in html


def test_the_intake_form_asks_every_warning_sign_question(browser_a: Browser, nina: Client) -> None:
    html = browser_a.get(f"/clients/{nina.pk}/intake/").content.decode()

    assert len(re.findall(r'role="radiogroup"', html)) == 13
    assert "Numbness or tingling between the legs" in html


def test_a_complete_intake_is_stored_assessed_and_planned(
    browser_a: Browser, nina: Client, therapist_a: User
) -> None:
    response = browser_a.post(
        f"/clients/{nina.pk}/intake/",
        intake_form(
            age="40",
            sex="female",
            occupation="desk",
            medications="warfarin 5 mg\n",
            allergies="almond oil",
            skin_0_finding="bruise",
            skin_0_region="low_back_left",
            systolic="128",
            diastolic="82",
            pressure="medium",
            session_minutes="45",
            goals="sit through a work day",
        ),
        follow=True,
    )

    assert response.redirect_chain == [(f"/clients/{nina.pk}/", 302)]
    intake = Intake.objects.get(client=nina)
    assert (intake.version, intake.source, intake.recorded_by) == (1, "therapist", therapist_a)
    assert intake.data["client"]["age"] == 40
    assert intake.data["pain"]["regions"] == ["low_back_left", "low_back_right"]
    assert intake.data["medications"] == ["warfarin 5 mg"]
    assert intake.data["skin"] == [{"finding": "bruise", "region": ["low_back_left"]}]
    assert intake.data["vitals"]["systolic"] == 128
    assert intake.data["preferences"]["goals"] == "sit through a work day"
    assert all(answer is False for answer in intake.data["red_flags"].values())
    assessment = Assessment.objects.get(intake=intake)
    assert assessment.decision == "modify"
    plan = Plan.objects.get(client=nina, active=True)
    assert plan.assessment == assessment
    assert plan.session_minutes == 45
    html = response.content.decode()
    assert "Intake saved. Decision: modify." in html
    assert "Massage with changes" in html
    assert "Takes an anticoagulant" in html


def test_a_plain_intake_lets_massage_go_ahead(browser_a: Browser, nina: Client) -> None:
    response = browser_a.post(f"/clients/{nina.pk}/intake/", intake_form(), follow=True)

    assert "Massage can go ahead" in response.content.decode()
    assert nina.assessments.get().decision == "proceed"


def test_an_unanswered_warning_sign_is_marked_and_nothing_is_stored(
    browser_a: Browser, nina: Client
) -> None:
    response = browser_a.post(f"/clients/{nina.pk}/intake/", intake_form(rf_fever=None))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please check the marked answers." in html
    assert re.search(
        r'<span id="id_rf_fever_q">A fever[^<]*<span class="errors"> — please answer', html
    )
    assert html.count("please answer") == 1
    assert value_of(html, "intensity") == "6"
    assert not Intake.objects.exists()
    assert not Assessment.objects.exists()


def test_an_intake_without_an_age_is_refused(browser_a: Browser, nina: Client) -> None:
    response = browser_a.post(f"/clients/{nina.pk}/intake/", intake_form(age=""))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Intake.objects.exists()


def test_saddle_numbness_means_emergency_care_and_no_plan(browser_a: Browser, nina: Client) -> None:
    response = browser_a.post(
        f"/clients/{nina.pk}/intake/", intake_form(rf_saddle_numbness="yes"), follow=True
    )

    assert nina.assessments.get().decision == "emergency"
    assert not Plan.objects.filter(client=nina).exists()
    html = response.content.decode()
    assert "Emergency care now" in html
    assert "Record a session" not in html


def test_an_unknown_condition_waits_for_clearance_and_is_listed_as_not_recognised(
    browser_a: Browser, nina: Client
) -> None:
    response = browser_a.post(
        f"/clients/{nina.pk}/intake/",
        intake_form(condition_0_id="zebra syndrome", condition_0_status="active"),
        follow=True,
    )

    assessment = nina.assessments.get()
    assert assessment.decision == "clearance"
    assert assessment.result["unrecognised"]["conditions"] == ["zebra syndrome"]
    html = response.content.decode()
    assert "Hold: physician clearance needed" in html
    assert "Not recognised, please check: zebra syndrome" in html


def test_the_update_form_starts_from_the_previous_answers(
    browser_a: Browser, client_a: Client
) -> None:
    html = browser_a.get(f"/clients/{client_a.pk}/intake/").content.decode()

    assert "Update the intake of Ada Lovelace" in html
    assert value_of(html, "age") == "45"
    assert re.search(r'name="medications"[^>]*>\s*warfarin 5 mg</textarea>', html)
    assert re.search(r'name="rf_fever" value="no"[^>]*checked', html)
    assert 'name="reason"' in html


def test_a_second_intake_is_version_two_with_its_reason_and_version_one_is_untouched(
    browser_a: Browser, nina: Client
) -> None:
    browser_a.post(f"/clients/{nina.pk}/intake/", intake_form())
    first = Intake.objects.get(client=nina)
    first_data, first_result = first.data, first.assessment.result

    response = browser_a.post(
        f"/clients/{nina.pk}/intake/",
        intake_form(
            intensity="3", medications="warfarin 5 mg", reason="started warfarin last week"
        ),
    )

    assert response.status_code == 302
    second = Intake.objects.get(client=nina, version=2)
    assert second.reason == "started warfarin last week"
    assert second.correction_of == first
    assert second.data["pain"]["intensity"] == 3
    assert second.assessment.decision == "modify"
    first.refresh_from_db()
    assert first.data == first_data
    assert first.assessment.result == first_result
    assert Plan.objects.get(client=nina, active=True).assessment == second.assessment
    assert Plan.objects.filter(client=nina, active=False).count() == 1


@pytest.mark.parametrize(
    ("field", "answer", "stored"),
    [
        ("skin", {"skin_0_finding": "bruise", "skin_0_region": "low_back"}, "region"),
        (
            "procedures",
            {
                "procedure_0_kind": "surgery",
                "procedure_0_region": "low_back",
                "procedure_0_date": (TODAY - timedelta(days=60)).isoformat(),
            },
            "region",
        ),
        (
            "conditions",
            {
                "condition_0_id": "sciatica",
                "condition_0_status": "active",
                "condition_0_region": "buttocks",
            },
            "regions",
        ),
    ],
    ids=["skin finding", "procedure", "condition"],
)
def test_saving_the_update_form_unchanged_keeps_both_sides_of_a_region(
    browser_a: Browser, nina: Client, field: str, answer: dict[str, str], stored: str
) -> None:
    browser_a.post(f"/clients/{nina.pk}/intake/", intake_form(**answer))
    first = Intake.objects.get(client=nina)
    assert len(first.data[field][0][stored]) == 2

    shown = form_as_shown(browser_a.get(f"/clients/{nina.pk}/intake/").content.decode())
    browser_a.post(f"/clients/{nina.pk}/intake/", {**shown, "reason": ["nothing changed"]})

    second = Intake.objects.get(client=nina, version=2)
    assert second.data[field] == first.data[field]


def test_saving_the_update_form_unchanged_keeps_every_answer(
    browser_a: Browser, nina: Client
) -> None:
    browser_a.post(
        f"/clients/{nina.pk}/intake/",
        intake_form(
            age="40",
            sex="female",
            occupation="desk",
            breastfeeding="no",
            radiates_below_knee="yes",
            numbness=["thigh_left"],
            morning_stiffness_minutes="20",
            condition_0_id="osteoporosis",
            condition_0_status="controlled",
            medications="warfarin 5 mg\nmetformin 500 mg",
            skin_0_finding="tender",
            skin_0_region="hip_left",
            temperature_c="36.8",
            allergies="almond oil",
            pressure="light",
            modalities=["swedish"],
            massage_experience="some",
            session_minutes="45",
            sessions_per_month="4",
            goals="garden again",
            notes="prefers mornings",
        ),
    )
    first = Intake.objects.get(client=nina)

    shown = form_as_shown(browser_a.get(f"/clients/{nina.pk}/intake/").content.decode())
    browser_a.post(f"/clients/{nina.pk}/intake/", {**shown, "reason": ["nothing changed"]})

    second = Intake.objects.get(client=nina, version=2)
    assert second.data == first.data
    assert second.assessment.decision == first.assessment.decision


def test_an_update_keeps_the_clearance_already_received(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(
        therapist_a, "Walter", "Waite", conditions=[{"id": "hypertension", "status": "active"}]
    )
    waiting = [finding["rule"] for finding in clearances.pending(person)]
    clearances.record_clearance(
        user=therapist_a,
        client=person,
        received_from="Dr Jones, GP",
        received_on=TODAY,
        covers=waiting,
        today=TODAY,
    )

    browser_a.post(
        f"/clients/{person.pk}/intake/",
        intake_form(
            condition_0_id="hypertension",
            condition_0_status="active",
            intensity="4",
            reason="pain a little better",
        ),
    )

    latest = person.intakes.first()
    assert latest.reason == "pain a little better"
    assert latest.assessment.decision == "modify"
    assert [c["rule"] for c in latest.data["clearances"]] == waiting


def test_a_stored_intake_and_its_assessment_cannot_be_changed(client_a: Client) -> None:
    intake = client_a.intakes.get()
    assessment = intake.assessment
    intake.data = {**intake.data, "medications": []}
    assessment.decision = "proceed"

    with pytest.raises(ImmutableRecord):
        intake.save()
    with pytest.raises(ImmutableRecord):
        assessment.save()

    assert Intake.objects.get(pk=intake.pk).data["medications"] == ["warfarin 5 mg"]
    assert Assessment.objects.get(pk=assessment.pk).decision == "modify"


def test_a_stored_intake_and_its_assessment_cannot_be_deleted(client_a: Client) -> None:
    intake = client_a.intakes.get()

    with pytest.raises(ImmutableRecord):
        intake.assessment.delete()
    with pytest.raises(ImmutableRecord):
        intake.delete()

    assert Intake.objects.filter(pk=intake.pk).exists()
    assert Assessment.objects.filter(intake=intake).exists()


def test_no_address_edits_a_stored_intake() -> None:
    routes = {
        str(pattern.pattern): getattr(pattern, "name", None)  # the API is a resolver of its own
        for pattern in get_resolver().url_patterns
    }

    intake_pages = {name for route, name in routes.items() if "intake" in (name or "")}

    assert intake_pages == {"intake_new", "intake_version", "self_intake", "self_intake_step"}
    assert not [route for route in routes if "edit" in route and "plan" not in route]


def test_posting_the_intake_again_adds_a_version_instead_of_changing_the_first(
    browser_a: Browser, client_a: Client
) -> None:
    first = client_a.intakes.get()
    stored = first.data

    browser_a.post(f"/clients/{client_a.pk}/intake/", intake_form(medications=""))

    assert list(client_a.intakes.values_list("version", flat=True)) == [2, 1]
    first.refresh_from_db()
    assert first.data == stored
    assert first.data["medications"] == ["warfarin 5 mg"]


def test_a_near_miss_spelling_is_offered_before_the_intake_is_saved(
    browser_a: Browser, nina: Client
) -> None:
    response = browser_a.post(
        f"/clients/{nina.pk}/intake/", intake_form(medications="warfrin 5 mg\nramipril")
    )

    html = response.content.decode()
    assert "&#x27;warfrin 5 mg&#x27; was read as warfarin: correct it, or tick below" in html
    assert 'name="names_checked"' in html
    assert not nina.assessments.exists()


def test_a_queried_spelling_kept_on_purpose_is_saved_and_read_with_a_note_to_confirm(
    browser_a: Browser, nina: Client
) -> None:
    browser_a.post(
        f"/clients/{nina.pk}/intake/",
        intake_form(medications="warfrin 5 mg", names_checked="on"),
    )

    result = nina.assessments.get().result
    assert "read 'warfrin 5 mg' as warfarin: confirm" in result["to_confirm"]
    assert result["modifications"]["max_pressure"] == "light"


def test_a_condition_left_without_a_status_is_not_assumed_to_be_an_attack(
    browser_a: Browser, nina: Client
) -> None:
    browser_a.post(f"/clients/{nina.pk}/intake/", intake_form(condition_0_id="migraine"))

    assessment = nina.assessments.get()
    assert "status" not in assessment.intake.data["conditions"][0]
    assert assessment.decision == "proceed"


def test_the_form_asks_whether_the_pain_is_new_or_changed(browser_a: Browser, nina: Client) -> None:
    browser_a.post(f"/clients/{nina.pk}/intake/", intake_form(new_or_changed="no"))

    assert nina.assessments.get().intake.data["pain"]["new_or_changed"] is False


def test_a_fresh_strain_without_its_place_is_refused_on_its_row(
    browser_a: Browser, nina: Client
) -> None:
    response = browser_a.post(
        f"/clients/{nina.pk}/intake/",
        intake_form(condition_0_id="pulled muscle", condition_0_status="active"),
    )

    assert response.status_code == 200
    assert "say where the muscle strain is" in response.content.decode()
    assert not Intake.objects.exists()


def test_a_strain_with_its_place_is_saved_and_kept_off(browser_a: Browser, nina: Client) -> None:
    browser_a.post(
        f"/clients/{nina.pk}/intake/",
        intake_form(
            condition_0_id="muscle strain",
            condition_0_status="active",
            condition_0_region="low_back_left",
        ),
    )

    assessment = nina.assessments.get()
    assert "low_back_left" in assessment.result["modifications"]["avoid_regions"]
    assert "low_back_right" not in assessment.result["modifications"]["avoid_regions"]


def test_a_settled_strain_and_a_condition_that_is_not_local_need_no_place(
    browser_a: Browser, nina: Client
) -> None:
    browser_a.post(
        f"/clients/{nina.pk}/intake/",
        intake_form(
            condition_0_id="muscle strain",
            condition_0_status="controlled",
            condition_1_id="hypertension",
            condition_1_status="controlled",
        ),
    )

    assert Intake.objects.filter(client=nina).exists()


def test_an_operation_without_its_place_is_refused_on_its_row(
    browser_a: Browser, nina: Client
) -> None:
    response = browser_a.post(
        f"/clients/{nina.pk}/intake/",
        intake_form(
            procedure_0_kind="surgery",
            procedure_0_date=(TODAY - timedelta(days=40)).isoformat(),
        ),
    )

    assert "say where the surgery was" in response.content.decode()
    assert not Intake.objects.exists()


def test_the_plan_page_gives_the_outline_in_the_position_the_screening_asks_for(
    browser_a: Browser, nina: Client
) -> None:
    browser_a.post(
        f"/clients/{nina.pk}/intake/",
        intake_form(condition_0_id="copd", condition_0_status="controlled"),
    )

    html = browser_a.get(f"/clients/{nina.pk}/plan/").content.decode()

    assert "client side-lying, with pillows" in html
    assert "lies on their left side" in html
    assert "lies on their right side" in html

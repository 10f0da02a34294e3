"""Records on a real database (SQLite by default; PostgreSQL in the nested CI run)."""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from backcare.errors import ImmutableRecord, InvalidIntake
from backcare.records import accounts, clients, intakes
from backcare.records.models import Assessment, AuditEvent, Clinic, Intake

TODAY = date(2026, 11, 22)


@pytest.fixture
def therapist(db):
    clinic = Clinic.objects.create(name="Test clinic")
    return accounts.create_user(clinic=clinic, username="tess", password="a-long-test-password-42")


@pytest.fixture
def person(therapist):
    return clients.create_client(user=therapist, data={"first_name": "Ida", "last_name": "Test"})


def test_the_tests_run_on_the_database_they_were_asked_for(db):
    assert connection.vendor == os.environ.get("BACKCARE_EXPECT_VENDOR", "sqlite")


def test_each_intake_is_a_new_version_and_earlier_ones_stay(therapist, person):
    first = intakes.record_intake(
        user=therapist,
        client=person,
        today=TODAY,
        data={"client": {"age": 50}, "conditions": ["flu"]},
    )
    second = intakes.record_intake(
        user=therapist,
        client=person,
        today=TODAY,
        data={"client": {"age": 50}},
        reason="flu is over",
    )
    assert [i.version for i in person.intakes.order_by("version")] == [1, 2]
    assert Intake.objects.get(pk=first.intake.pk).data["conditions"][0]["id"] == "flu"
    assert second.intake.correction_of == first.intake
    assert (first.decision, second.decision) == ("postpone", "proceed")


def test_the_database_refuses_two_intakes_with_one_version(therapist, person):
    intakes.record_intake(user=therapist, client=person, today=TODAY, data={"client": {"age": 50}})
    with pytest.raises(IntegrityError), transaction.atomic():
        Intake.objects.create(
            clinic=person.clinic, client=person, version=1, data={}, source="therapist"
        )


def test_an_invalid_intake_stores_nothing(therapist, person):
    with pytest.raises(InvalidIntake):
        intakes.record_intake(
            user=therapist, client=person, today=TODAY, data={"client": {"age": 500}}
        )
    assert not Intake.objects.exists()
    assert not Assessment.objects.exists()


def test_saved_assessments_and_audit_events_never_change(therapist, person):
    assessment = intakes.record_intake(
        user=therapist, client=person, today=TODAY, data={"client": {"age": 50}}
    )
    assessment.decision = "proceed"
    with pytest.raises(ImmutableRecord):
        assessment.save()
    with pytest.raises(ImmutableRecord):
        assessment.intake.delete()
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(ImmutableRecord):
        event.save()


def test_the_assessment_json_survives_the_database_unchanged(therapist, person):
    data = {
        "client": {"age": 71},
        "medications": ["enoxaparin daily"],
        "skin": [{"finding": "bruise", "region": "mid_back_left"}],
        "pain": {"regions": ["mid_back"], "duration_weeks": 15, "intensity": 4},
    }
    saved = intakes.record_intake(user=therapist, client=person, today=TODAY, data=data)
    loaded = Assessment.objects.get(pk=saved.pk)
    assert loaded.result == saved.result
    assert loaded.result["modifications"]["max_pressure"] == "light"
    assert person.plans.get(active=True).max_pressure == "light"


def test_no_session_is_recorded_while_the_latest_decision_stops_massage(therapist, person):
    from backcare.records import sessions

    note = {
        "session_date": TODAY,
        "techniques": ["effleurage"],
        "regions": ["upper_back_left"],
        "pressure": "light",
        "minutes": 30,
        "pain_before": 4,
        "pain_after": 3,
    }
    with pytest.raises(InvalidIntake, match="no intake yet"):
        sessions.record_session(user=therapist, client=person, note=note, today=TODAY)
    intakes.record_intake(
        user=therapist,
        client=person,
        today=TODAY,
        data={"client": {"age": 50}, "red_flags": {"calf_swelling_one_side": True}},
    )
    with pytest.raises(InvalidIntake, match="the latest assessment says refer"):
        sessions.record_session(user=therapist, client=person, note=note, today=TODAY)
    intakes.record_intake(
        user=therapist,
        client=person,
        today=TODAY,
        data={"client": {"age": 50}, "red_flags": {"calf_swelling_one_side": False}},
    )
    assert sessions.record_session(user=therapist, client=person, note=note, today=TODAY).pk


def test_an_intake_dated_in_the_future_is_refused(therapist, person):
    with pytest.raises(InvalidIntake, match="assessed_on: 2026-11-23 is in the future"):
        intakes.record_intake(
            user=therapist,
            client=person,
            today=TODAY,
            data={"client": {"age": 50}, "assessed_on": "2026-11-23"},
        )

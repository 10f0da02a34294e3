"""A client's outcome measures read back as series over time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backcare.errors import ImmutableRecord
from backcare.knowledge.contract import RED_FLAGS
from backcare.records import accounts, clients, intakes, outcomes, sessions
from backcare.records.models import Clinic, Measure

START = date(2026, 10, 1)


@pytest.fixture
def therapist(db):
    clinic = Clinic.objects.create(name="Series clinic")
    return accounts.create_user(clinic=clinic, username="sam", password="a-long-test-password-42")


@pytest.fixture
def person(therapist):
    made = clients.create_client(user=therapist, data={"first_name": "Sol", "last_name": "Vey"})
    intakes.record_intake(
        user=therapist,
        client=made,
        today=START,
        data={
            "client": {"age": 44},
            "red_flags": dict.fromkeys(RED_FLAGS, False),
            "pain": {"regions": ["low_back"], "duration_weeks": 20, "intensity": 7},
        },
    )
    return made


def test_series_gathers_intake_session_and_measured_scores_oldest_first(therapist, person):
    for week, (before, after) in enumerate([(6, 4), (5, 3)], start=1):
        note = {
            "session_date": START + timedelta(weeks=week),
            "regions": [],
            "pressure": "light",
            "minutes": 45,
            "pain_before": before,
            "pain_after": after,
        }
        sessions.record_session(
            user=therapist, client=person, note=note, today=START + timedelta(weeks=3)
        )
    for day, score in [(START + timedelta(weeks=2), 4.0), (START, 6.5)]:
        Measure.objects.create(
            clinic=person.clinic, client=person, instrument="peg", measured_on=day, score=score
        )
    Measure.objects.create(
        clinic=person.clinic, client=person, instrument="odi", measured_on=START, score=None
    )

    found = outcomes.series(person)

    assert found["pain_intake"] == [(START, 7)]
    assert found["pain_before"] == [
        (START + timedelta(weeks=1), 6),
        (START + timedelta(weeks=2), 5),
    ]
    assert found["pain_after"] == [(START + timedelta(weeks=1), 4), (START + timedelta(weeks=2), 3)]
    assert found["peg"] == [(START, 6.5), (START + timedelta(weeks=2), 4.0)]
    assert "odi" not in found  # not scored, so not drawn; still listed among the measures
    assert [m.instrument for m in outcomes.measures(person, "odi")] == ["odi"]
    assert set(outcomes.latest(person)) == {"peg"}


def test_a_saved_measure_cannot_be_changed(person):
    measure = Measure.objects.create(
        clinic=person.clinic, client=person, instrument="peg", measured_on=START, score=5.0
    )
    measure.score = 1.0
    with pytest.raises(ImmutableRecord):
        measure.save()

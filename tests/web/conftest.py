"""Fixtures for page tests: two clinics, each with an admin and a therapist, and clients."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client as Browser

from backcare.records import accounts, clients, intakes
from backcare.records.models import Client, Clinic, User

PASSWORD = "a-long-test-password-42"
TODAY = date.today()
NO_FLAGS = {
    "saddle_numbness": False,
    "bladder_or_bowel_change": False,
    "progressive_weakness": False,
    "bilateral_leg_symptoms": False,
    "unexplained_weight_loss": False,
    "history_of_cancer": False,
    "fever": False,
    "iv_drug_use": False,
    "immunosuppressed": False,
    "significant_trauma": False,
    "pulsatile_abdominal_mass": False,
    "calf_swelling_one_side": False,
    "chest_pain_or_breathlessness": False,
}


def chronic_back_pain(**extra: Any) -> dict[str, Any]:
    return {
        "client": {"age": 45},
        "red_flags": NO_FLAGS,
        "pain": {"regions": ["low_back"], "duration_weeks": 20, "intensity": 6, "cause": "posture"},
        **extra,
    }


@pytest.fixture
def clinic_a(db: Any) -> Clinic:
    return Clinic.objects.create(name="Clinic A")


@pytest.fixture
def clinic_b(db: Any) -> Clinic:
    return Clinic.objects.create(name="Clinic B")


@pytest.fixture
def therapist_a(clinic_a: Clinic) -> User:
    return accounts.create_user(clinic=clinic_a, username="anna", password=PASSWORD)


@pytest.fixture
def admin_a(clinic_a: Clinic) -> User:
    return accounts.create_user(clinic=clinic_a, username="alice", password=PASSWORD, role="admin")


@pytest.fixture
def therapist_b(clinic_b: Clinic) -> User:
    return accounts.create_user(clinic=clinic_b, username="bert", password=PASSWORD)


@pytest.fixture
def client_a(therapist_a: User) -> Client:
    """A client of clinic A with an intake (anticoagulant and a bruise), a plan and no sessions."""
    person = clients.create_client(
        user=therapist_a, data={"first_name": "Ada", "last_name": "Lovelace"}
    )
    intakes.record_intake(
        user=therapist_a,
        client=person,
        today=TODAY,
        data=chronic_back_pain(
            medications=["warfarin 5 mg"], skin=[{"finding": "bruise", "region": "low_back_left"}]
        ),
    )
    return person


@pytest.fixture
def client_b(therapist_b: User) -> Client:
    person = clients.create_client(
        user=therapist_b, data={"first_name": "Bea", "last_name": "Other"}
    )
    intakes.record_intake(user=therapist_b, client=person, today=TODAY, data=chronic_back_pain())
    return person


@pytest.fixture
def browser_a(therapist_a: User) -> Browser:
    browser = Browser()
    browser.force_login(therapist_a)
    return browser


@pytest.fixture
def admin_browser(admin_a: User) -> Browser:
    browser = Browser()
    browser.force_login(admin_a)
    return browser


@pytest.fixture
def anonymous() -> Browser:
    return Browser()


def new_client(therapist: User, first_name: str, last_name: str, **intake: Any) -> Client:
    """A client of the therapist's clinic; with intake fields, also their intake (and assessment)."""
    person = clients.create_client(
        user=therapist, data={"first_name": first_name, "last_name": last_name}
    )
    if intake:
        intakes.record_intake(
            user=therapist, client=person, today=TODAY, data=chronic_back_pain(**intake)
        )
    return person


def intake_form(**fields: Any) -> dict[str, Any]:
    """POST data of the intake form: chronic low back pain, every warning sign answered "no".

    A field given as None is left out of the POST, as when a question is not answered.
    """
    data: dict[str, Any] = {
        "assessed_on": TODAY.isoformat(),
        "age": "45",
        "has_pain": "on",
        "pain_regions": ["low_back_left", "low_back_right"],
        "duration_weeks": "20",
        "intensity": "6",
        "cause": "posture",
        **{f"rf_{flag}": "no" for flag in NO_FLAGS},
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def session_form(**fields: Any) -> dict[str, Any]:
    """POST data of a session note: 45 minutes of light pressure on the upper back, pain 6 to 3."""
    data: dict[str, Any] = {
        "session_date": TODAY.isoformat(),
        "minutes": "45",
        "pressure": "light",
        "regions": ["upper_back_left", "upper_back_right"],
        "techniques": ["effleurage"],
        "pain_before": "6",
        "pain_after": "3",
        "subjective": "stiff after a long week at the desk",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}

"""Figures kept between views (records/kept.py): worked out again after a save in the clinic,
on another day or when what they depend on changes, never after a mere view; and no more than
``LIMIT`` of them kept at once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from backcare.records import accounts, audit, clients, kept
from backcare.records.models import Clinic, User

TODAY = date(2026, 11, 22)
WORKED: dict[str, list[int]] = {}  # how many times each figure was worked out


@pytest.fixture
def therapist(db: Any) -> User:
    clinic = Clinic.objects.create(name="Kept clinic")
    user = accounts.create_user(clinic=clinic, username="kim", password="a-long-test-password-42")
    clients.create_client(user=user, data={"first_name": "Ida", "last_name": "Test"})
    return user


def counted(user: User, what: str = "figure", day: date = TODAY, *depends: object) -> int:
    """How many times the figure was worked out so far, through kept.until_saved."""
    assert user.clinic is not None
    runs = WORKED.setdefault(what, [0])

    def work_out() -> int:
        runs[0] += 1
        return runs[0]

    return kept.until_saved(what, user.clinic, day, work_out, depends_on=depends)


@pytest.fixture(autouse=True)
def _fresh() -> None:
    WORKED.clear()


def test_a_view_keeps_the_figure_and_a_save_works_it_out_again(therapist: User):
    assert counted(therapist) == 1
    audit.record(user=therapist, action="dashboard.view", detail={"clients": []})
    assert counted(therapist) == 1
    clients.create_client(user=therapist, data={"first_name": "Ada", "last_name": "Other"})
    assert counted(therapist) == 2
    assert counted(therapist, "figure", TODAY + timedelta(days=1)) == 3  # another day
    assert counted(therapist, "figure", TODAY + timedelta(days=1), "another setting") == 4


def test_no_more_than_the_limit_is_kept_and_the_least_recently_used_goes_first(
    therapist: User, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(kept, "LIMIT", 2)
    assert counted(therapist, "first") == 1
    assert counted(therapist, "second") == 1
    assert counted(therapist, "first") == 1  # used again: now the newest
    assert counted(therapist, "third") == 1  # pushes out "second", used longest ago
    assert counted(therapist, "first") == 1
    assert counted(therapist, "second") == 2  # worked out again

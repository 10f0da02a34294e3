"""Figures kept between views (records/kept.py): worked out again after a save in the clinic,
on another day or when what they depend on changes, never after a mere view; and no more than
``LIMIT`` of them kept at once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from backcare import lru
from backcare.records import accounts, audit, clients, kept
from backcare.records.models import AuditEvent, Clinic, User

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
    monkeypatch.setattr(kept, "_kept", lru.Kept(size=2))  # room for two
    assert counted(therapist, "first") == 1
    assert counted(therapist, "second") == 1
    assert counted(therapist, "first") == 1  # used again: now the newest
    assert counted(therapist, "third") == 1  # pushes out "second", used longest ago
    assert counted(therapist, "first") == 1
    assert counted(therapist, "second") == 2  # worked out again


def newest_change(user: User) -> tuple[int, str] | None:
    return (
        AuditEvent.objects.filter(clinic=user.clinic)
        .exclude(action__in=kept.VIEWS)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )


def view(user: User) -> None:
    audit.record(user=user, action="dashboard.view", detail={"clients": []})


def test_the_newest_change_is_found_behind_any_number_of_views(therapist: User):
    assert therapist.clinic is not None
    assert kept.last_change(therapist.clinic) == newest_change(therapist)
    for _ in range(3):
        view(therapist)
        assert kept.last_change(therapist.clinic) == newest_change(therapist)
    clients.create_client(user=therapist, data={"first_name": "Ada", "last_name": "Other"})
    view(therapist)
    changed = kept.last_change(therapist.clinic)
    assert changed == newest_change(therapist)
    assert changed is not None
    assert AuditEvent.objects.get(clinic=therapist.clinic, seq=changed[0]).action == "client.create"


def test_a_chain_other_than_the_one_seen_is_read_in_full(therapist: User):
    """As after a database restored from a backup: the head seen last is not in the chain."""
    assert therapist.clinic is not None
    kept.last_change(therapist.clinic)
    view(therapist)
    head, _ = kept._heads[kept._which(therapist.clinic)]
    kept._heads[kept._which(therapist.clinic)] = ((head[0], "0" * 64), (head[0], "0" * 64))
    view(therapist)
    assert kept.last_change(therapist.clinic) == newest_change(therapist)

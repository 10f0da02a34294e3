"""Queries compiled once (records/statements.py): each run gives what the ORM gives for the
numbers passed, so one clinic's compiled query never shows another's rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db.models import QuerySet

from backcare.records import accounts, clients, statements
from backcare.records.models import Client, Clinic, Referral, User


def _clients_of(clinic_id: int) -> QuerySet[Client]:
    return Client.objects.filter(clinic_id=clinic_id).select_related("clinic").order_by("pk")


def _named(clinic_id: int, *words: str) -> QuerySet[Client]:
    found = Client.objects.filter(clinic_id=clinic_id).order_by("pk")
    for word in words:
        found = found.filter(first_name__icontains=word)
    return found


def _referrals_of(clinic_id: int, client_id: int) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(clinic_id=clinic_id, client_id=client_id)
        .order_by("pk")
        .values_list("pk", "referred_on", "visits_authorised")
    )


@pytest.fixture
def two_clinics(db: Any) -> list[User]:
    users = []
    for name, people in (("North", ["Ada", "Bo", "50%_off", "Back\\slash"]), ("South", ["Cy"])):
        clinic = Clinic.objects.create(name=name)
        user = accounts.create_user(
            clinic=clinic, username=name.lower(), password="a-long-test-password-42"
        )
        for first in people:
            client = clients.create_client(user=user, data={"first_name": first, "last_name": "X"})
            Referral.objects.create(
                clinic=clinic,
                client=client,
                recorded_by=user,
                referrer="Dr Who",
                diagnosis="low back pain",
                referred_on=date(2026, 11, 1),
                visits_authorised=6,
            )
        users.append(user)
    return users


def test_each_clinic_gets_its_own_records_with_their_related_records(two_clinics: list[User]):
    for user in [*two_clinics, *two_clinics]:  # the second round runs the compiled query
        assert user.clinic_id is not None
        found = statements.fetch(_clients_of, user.clinic_id)
        expected = list(_clients_of(user.clinic_id))
        assert [c.pk for c in found] == [c.pk for c in expected]
        assert [c.first_name for c in found] == [c.first_name for c in expected]
        assert all(c.clinic.name == user.clinic.name for c in found)


def test_rows_of_a_values_list_come_as_the_orm_gives_them(
    two_clinics: list[User], django_assert_num_queries: Any
):
    for user in [*two_clinics, *two_clinics]:
        assert user.clinic_id is not None
        for client in Client.objects.filter(clinic_id=user.clinic_id):
            expected = list(_referrals_of(user.clinic_id, client.pk))
            with django_assert_num_queries(1):
                found = statements.fetch(_referrals_of, user.clinic_id, client.pk)
            assert found == expected
            assert isinstance(found[0][1], date)  # converted as the ORM converts it


def test_a_query_that_closes_over_a_value_is_refused(two_clinics: list[User]):
    clinic_id = two_clinics[0].clinic_id

    def around(_: int) -> QuerySet[Client]:
        return Client.objects.filter(clinic_id=clinic_id)

    with pytest.raises(ValueError, match="numbers"):
        statements.fetch(around, 1)


@pytest.mark.parametrize(
    "words",
    [["a"], ["A"], ["d", "a"], ["%"], ["_"], ["0%_"], ["\\"], ["k\\s"], [""], ["x", "y", "z"]],
)
def test_words_match_as_the_orm_matches_them_with_like_signs_taken_literally(
    two_clinics: list[User], words: list[str]
):
    for user in [*two_clinics, *two_clinics]:
        assert user.clinic_id is not None
        found = statements.fetch(_named, user.clinic_id, *words)
        assert [c.pk for c in found] == [c.pk for c in _named(user.clinic_id, *words)]


def test_each_number_of_words_is_its_own_query(two_clinics: list[User]):
    clinic_id = two_clinics[0].clinic_id
    assert clinic_id is not None
    assert len(statements.fetch(_named, clinic_id)) == 4
    assert [c.first_name for c in statements.fetch(_named, clinic_id, "d")] == ["Ada"]
    assert [c.first_name for c in statements.fetch(_named, clinic_id, "a", "b")] == ["Back\\slash"]
    assert statements.fetch(_named, clinic_id, "a", "o") == []
    assert len(statements.fetch(_named, clinic_id)) == 4


def _exactly(clinic_id: int, name: str) -> QuerySet[Client]:
    return Client.objects.filter(clinic_id=clinic_id, first_name=name)


def test_a_word_outside_a_contains_lookup_is_refused(two_clinics: list[User]):
    with pytest.raises(ValueError, match="contains"):
        statements.fetch(_exactly, 1, "Ada")

"""Audit events written by many threads at once (as the web server's threads write them): every
caller gets its own event, committed; every chain stays whole; a write that fails is an error
for its caller alone; an event written inside a transaction stays with that transaction.
Runs on SQLite here and on PostgreSQL in the nested run of tests/integration (test_postgres.py).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction

from backcare.records import accounts, audit, verify
from backcare.records.models import AuditEvent, Client, Clinic, User
from tests.integration import test_concurrency as concurrency
from tests.integration.test_concurrency import WRITERS

EVENTS_EACH = 25

pytestmark = pytest.mark.django_db(transaction=True)


def two_clinics() -> list[User]:
    return [
        accounts.create_user(
            clinic=Clinic.objects.create(name=f"Clinic {n}"),
            username=f"writer{n}",
            password="a-long-test-password-42",
        )
        for n in range(2)
    ]


def run_writers(write: Callable[[int, int], None]) -> list[str]:
    """``write(writer, event)`` EVENTS_EACH times from WRITERS threads started together (the
    concurrency tests' runner); the failures, none hidden."""
    return concurrency.run_writers(
        lambda number, event, _outcome: write(number, event), saves_each=EVENTS_EACH
    ).failures


def test_many_threads_writing_at_once_each_get_their_own_committed_event_in_a_whole_chain() -> None:
    users = two_clinics()
    got: dict[str, AuditEvent] = {}

    def write(number: int, n: int) -> None:
        target = f"writer {number} event {n}"
        got[target] = audit.record(user=users[number % 2], action="api.assess", target=target)

    assert run_writers(write) == []

    total = WRITERS * EVENTS_EACH
    stored = {e.target: e for e in AuditEvent.objects.filter(action="api.assess")}
    assert len(stored) == len(got) == total
    for target, event in got.items():  # what each caller was given is what is stored
        kept = stored[target]
        assert (event.pk, event.seq, event.hash) == (kept.pk, kept.seq, kept.hash)
        assert kept.clinic_id == users[int(target.split()[1]) % 2].clinic_id
    reports = list(verify.verify())
    assert [(r.checked, r.broken) for r in reports] == [(total // 2, None)] * 2
    for user in users:
        numbers = AuditEvent.objects.filter(clinic=user.clinic).values_list("seq", flat=True)
        assert sorted(numbers) == list(range(1, total // 2 + 1))


def test_an_event_that_cannot_be_written_is_an_error_for_its_caller_and_for_no_one_else() -> None:
    users = two_clinics()
    gone = Client(pk=987654, clinic=users[0].clinic)  # no such row: the database refuses it
    refused: list[str] = []

    def write(number: int, n: int) -> None:
        if number == 0 and n == EVENTS_EACH // 2:
            with pytest.raises(IntegrityError):
                audit.record(user=users[0], action="client.view", client=gone)
            refused.append("refused")
        audit.record(user=users[number % 2], action="api.assess", target=f"{number} {n}")

    assert run_writers(write) == []

    assert refused == ["refused"]
    assert not AuditEvent.objects.filter(action="client.view").exists()
    assert AuditEvent.objects.filter(action="api.assess").count() == WRITERS * EVENTS_EACH
    assert [r.broken for r in verify.verify()] == [None, None]


def test_an_event_written_inside_a_transaction_is_undone_with_it() -> None:
    (user, _) = two_clinics()

    class Undone(Exception):
        pass

    def change_then_fail() -> None:
        with transaction.atomic():
            audit.record(user=user, action="clinic.settings", target="undone")
            raise Undone

    with pytest.raises(Undone):
        change_then_fail()
    audit.record(user=user, action="clinic.settings", target="kept")

    assert list(AuditEvent.objects.filter(action="clinic.settings").values_list("target")) == [
        ("kept",)
    ]
    assert [r.broken for r in verify.verify()] == [None, None]

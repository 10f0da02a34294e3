"""Two admins removing each other at the same moment: one succeeds, the clinic keeps an admin.
Runs on SQLite here and on PostgreSQL in the nested run (test_postgres.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from backcare.errors import NotAllowed
from backcare.records import accounts, user_admin
from backcare.records.models import Clinic, User

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_admins_demoting_each_other_at_once_leave_one_admin() -> None:
    clinic = Clinic.objects.create(name="Two heads")
    pair = [
        accounts.create_user(clinic=clinic, username=name, password=None, role="admin")
        for name in ("ada", "ben")
    ]
    start = threading.Barrier(2)
    refused: list[str] = []

    def demote(actor: User, other: User) -> None:
        try:
            # each thread its own copies, as two requests would load them
            actor, other = User.objects.get(pk=actor.pk), User.objects.get(pk=other.pk)
            start.wait()
            user_admin.change_role(actor=actor, account=other, role="therapist")
        except NotAllowed as error:
            refused.append(str(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(pair[0], pair[1])),
        threading.Thread(target=demote, args=(pair[1], pair[0])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    admins = User.objects.filter(clinic=clinic, role="admin", is_active=True)
    assert admins.count() == 1
    assert len(refused) == 1
    assert "last active admin" in refused[0]

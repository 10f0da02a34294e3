"""Six people sending the first-run setup at the same moment make one clinic and one admin; the
others are told it is set up already, and no one sees a server error. Runs on SQLite here and on
PostgreSQL in the nested run of tests/integration (test_postgres.py)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client as Browser

from backcare.records.models import Clinic, FirstSetup, User

pytestmark = pytest.mark.django_db(transaction=True)
SENDERS = 6


def test_six_setups_sent_at_once_make_exactly_one_clinic_and_one_admin() -> None:
    start = threading.Barrier(SENDERS)
    answers: dict[int, tuple[int, str]] = {}

    def send(n: int) -> None:
        try:
            browser = Browser()
            browser.get("/setup/")  # the page first, as a person would
            start.wait(timeout=30)
            response = browser.post(
                "/setup/",
                {
                    "clinic": f"Clinic {n}",
                    "username": f"admin{n}",
                    "password": "a-long-setup-password-42",
                    "password_again": "a-long-setup-password-42",
                },
            )
            answers[n] = (response.status_code, response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    statuses = sorted(status for status, _ in answers.values())
    assert len(answers) == SENDERS
    assert statuses.count(302) == 1, statuses
    assert set(statuses) <= {200, 302, 404}, statuses
    for status, page in answers.values():
        if status == 200:
            assert "this installation is set up already: log in instead" in page
    assert Clinic.objects.count() == 1
    assert User.objects.count() == 1
    assert FirstSetup.objects.count() == 1
    winner: Any = User.objects.get()
    assert winner.is_clinic_admin
    assert winner.clinic.name == f"Clinic {winner.username.removeprefix('admin')}"

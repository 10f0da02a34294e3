"""The client search: every word must be in the name, email or phone, signs typed are taken as
they are, results come a page at a time, and only the user's clinic is searched."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client as Browser

from backcare.records import client_details
from backcare.records.models import AuditEvent, Client, User
from tests.web.conftest import new_client


def names(browser: Browser, **query: Any) -> list[str]:
    html = browser.get("/clients/", query).content.decode()
    return re.findall(r'<a href="/clients/\d+/">([^<]+)</a>', html)


def test_every_word_must_match_a_field_of_the_client(browser_a: Browser, therapist_a: User):
    new_client(therapist_a, "Ben", "Baker")
    new_client(therapist_a, "Bea", "Baker")
    new_client(therapist_a, "Ben", "Miller")

    assert names(browser_a, q="baker") == ["Baker, Bea", "Baker, Ben"]
    assert names(browser_a, q="ben BAKER") == ["Baker, Ben"]
    assert names(browser_a, q="ben baker miller") == []
    assert names(browser_a, q="mill en") == ["Miller, Ben"]


def test_a_search_made_again_shows_clients_added_and_renamed_since(
    browser_a: Browser, therapist_a: User
):
    new_client(therapist_a, "Bea", "Baker")
    renamed = new_client(therapist_a, "Ben", "Miller")
    assert names(browser_a, q="baker") == ["Baker, Bea"]
    assert names(browser_a, q="baker") == ["Baker, Bea"]  # a view changes nothing

    new_client(therapist_a, "Al", "Baker")
    assert names(browser_a, q="baker") == ["Baker, Al", "Baker, Bea"]
    client_details.update_client(
        user=therapist_a, client=renamed, data={"last_name": "Baker"}, reason="misspelt"
    )
    assert names(browser_a, q="baker") == ["Baker, Al", "Baker, Bea", "Baker, Ben"]
    assert names(browser_a, q="miller") == []


def test_percent_underscore_and_backslash_are_matched_as_typed(
    browser_a: Browser, therapist_a: User
):
    for last in ("50%", "500", "a_b", "axb", "back\\slash"):
        new_client(therapist_a, "Kim", last)

    assert names(browser_a, q="0%") == ["50%, Kim"]
    assert names(browser_a, q="a_") == ["a_b, Kim"]
    assert names(browser_a, q="k\\s") == ["back\\slash, Kim"]
    assert names(browser_a, q="%") == ["50%, Kim"]


def test_a_search_pages_through_its_matches_and_logs_the_clients_of_each_page(
    browser_a: Browser, therapist_a: User
):
    made = [new_client(therapist_a, "Pat", f"Page{n:03d}") for n in range(60)]
    new_client(therapist_a, "Sam", "Other")

    first, second = names(browser_a, q="pat"), names(browser_a, q="pat", page="2")

    assert first == [f"Page{n:03d}, Pat" for n in range(50)]
    assert second == [f"Page{n:03d}, Pat" for n in range(50, 60)]
    shown = [e.detail for e in AuditEvent.objects.filter(action="client.search").order_by("seq")]
    assert shown == [
        {"clients": sorted(c.pk for c in made[:50]), "page": 1},
        {"clients": sorted(c.pk for c in made[50:]), "page": 2},
    ]


def test_a_search_never_shows_another_clinics_clients(
    browser_a: Browser, therapist_a: User, therapist_b: User
):
    new_client(therapist_b, "Ben", "Baker")
    assert names(browser_a, q="baker") == []
    mine = new_client(therapist_a, "Ben", "Baker")

    assert names(browser_a, q="baker") == ["Baker, Ben"]
    assert Client.objects.filter(last_name="Baker").count() == 2
    assert mine.clinic == therapist_a.clinic

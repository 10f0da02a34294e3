"""The printed self-care handout: the clinic, therapist, date and phone on it, and the routines
the therapist picked, in their order, each with its map."""

from __future__ import annotations

import re

import pytest
from django.test import Client as Browser

from backcare.knowledge import load_knowledge
from backcare.records.models import AuditEvent, Client, Clinic, User
from backcare.web.handout import MAX_ROUTINES
from tests.web.conftest import TODAY


def guide(browser: Browser, person: Client, query: str = "") -> tuple[int, str]:
    response = browser.get(f"/clients/{person.pk}/self-care/{query}")
    return response.status_code, response.content.decode()


def allowed(person: Client) -> list[dict]:
    return person.plans.get(active=True).details["home_care"]


def printed_routines(html: str) -> list[str]:
    """The routine headings on the handout, in order, without their numbers."""
    return re.findall(r"<h2>\d+\. ([^<]+?) <span", html)


@pytest.fixture
def set_up_clinic(clinic_a: Clinic, therapist_a: User) -> Clinic:
    clinic_a.phone, clinic_a.address = "+44 20 7946 0018", "12 Harley Lane\nLondon"
    clinic_a.email = "desk@clinica.example"
    clinic_a.save()
    therapist_a.first_name, therapist_a.last_name = "Anna", "Smith"
    therapist_a.credentials = "LMT"
    therapist_a.save()
    return clinic_a


def test_the_handout_names_the_clinic_the_therapist_the_date_and_the_phone_to_call(
    browser_a, client_a, set_up_clinic
):
    status, html = guide(browser_a, client_a)

    assert status == 200
    assert "Clinic A" in html
    assert "12 Harley Lane<br>London" in html
    assert "desk@clinica.example" in html
    assert "From Anna Smith, LMT" in html
    assert TODAY.strftime("%B %Y") in html
    assert "stop and call us on <strong>+44 20 7946 0018</strong>" in html


def test_without_a_clinic_phone_the_therapist_is_told_to_add_one(browser_a, client_a):
    status, html = guide(browser_a, client_a)

    assert status == 200
    assert "no phone number for the client to call" in html
    assert "call us on" not in html


def test_with_nothing_picked_the_handout_holds_the_plans_first_routines(browser_a, client_a):
    _, html = guide(browser_a, client_a)

    expected = [item["name"] for item in allowed(client_a)[:MAX_ROUTINES]]
    assert printed_routines(html) == expected


def test_the_therapist_picks_and_orders_the_routines(browser_a, client_a):
    routines = allowed(client_a)
    assert len(routines) >= 3, "the client needs a choice of routines"
    picked = [routines[2], routines[0]]

    status, html = guide(
        browser_a, client_a, f"?routine={picked[0]['id']}&routine=&routine={picked[1]['id']}"
    )

    assert status == 200
    assert printed_routines(html) == [picked[0]["name"], picked[1]["name"]]
    assert re.search(rf'<option value="{picked[0]["id"]}" selected>', html), (
        "the form shows the pick"
    )


def test_a_routine_the_screening_does_not_allow_is_refused_by_name(browser_a, client_a):
    offered = {item["id"] for item in allowed(client_a)}
    others = [routine for routine in load_knowledge().self_care if routine not in offered]
    assert others, "some routine of the knowledge base is not for this client"
    asked = others[0]

    status, html = guide(browser_a, client_a, f"?routine={asked}")

    assert status == 400
    assert f"routine: &#x27;{asked}&#x27; is not one the screening allows" in html
    assert printed_routines(html) == []


def test_more_routines_than_fit_two_pages_are_refused(browser_a, client_a):
    routines = allowed(client_a)
    if len(routines) <= MAX_ROUTINES:
        pytest.skip("the client has no more routines than fit")
    query = "?" + "&".join(f"routine={item['id']}" for item in routines)

    status, html = guide(browser_a, client_a, query)

    assert status == 400
    assert f"at most {MAX_ROUTINES} routines fit two pages" in html
    assert len(printed_routines(html)) == MAX_ROUTINES


def test_choosing_no_routine_at_all_is_explained(browser_a, client_a):
    status, html = guide(browser_a, client_a, "?routine=&routine=")

    assert status == 400
    assert "pick at least one routine" in html


def test_each_routine_has_its_own_map_beside_its_steps(browser_a, client_a):
    _, html = guide(browser_a, client_a)

    sections = re.findall(r'<section class="routine[^"]*">(.*?)</section>', html, re.S)
    with_regions = [item for item in allowed(client_a)[:MAX_ROUTINES] if item["regions"]]
    mapped = [s for s in sections if "<svg" in s and "<ol>" in s]
    assert with_regions
    assert len(mapped) == len(with_regions)
    ids = re.findall(r'<svg[^>]*aria-labelledby="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "each map has its own ids"
    assert 'data-region="low_back_left" class="region avoided"' in html, "the bruise is kept off"


def test_the_handout_shows_source_titles_not_their_keys(browser_a, client_a):
    _, html = guide(browser_a, client_a)

    for item in allowed(client_a)[:MAX_ROUTINES]:
        for source in item["sources"]:
            assert source not in html


def test_opening_the_handout_is_audited(browser_a, client_a):
    guide(browser_a, client_a, f"?routine={allowed(client_a)[0]['id']}")

    assert AuditEvent.objects.filter(
        client=client_a, action="client.view", target="self-care"
    ).exists()


def test_the_handout_of_another_clinics_client_is_not_found(browser_a, client_a, client_b):
    status, html = guide(browser_a, client_b, f"?routine={allowed(client_b)[0]['id']}")

    assert status == 404
    assert "Bea" not in html

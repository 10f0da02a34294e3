"""Self-service intake links: the therapist makes one, the client fills their own intake once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as Browser
from django.utils import timezone

from backcare.records import selfservice
from backcare.records.models import Assessment, Client, Intake, SelfServiceLink, User
from tests.web.conftest import intake_form, new_client


@pytest.fixture
def sam(therapist_a: User) -> Client:
    """A new client of clinic A who will fill the intake at home."""
    return new_client(therapist_a, "Samira", "Selfridge")


@pytest.fixture
def token(therapist_a: User, sam: Client) -> str:
    return selfservice.create_link(user=therapist_a, client=sam, now=timezone.now())


def refusal(response: object, reason: str) -> str:
    """The text of a refused link's page, after checking it refuses for this reason."""
    html = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 410  # type: ignore[attr-defined]
    assert "This link cannot be used" in html
    assert reason in html
    return html


def test_a_therapist_makes_a_link_and_sees_it_once(
    browser_a: Browser, sam: Client, anonymous: Browser
) -> None:
    response = browser_a.post(f"/clients/{sam.pk}/link/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Self-service intake link for Samira Selfridge" in html
    url = re.search(r'value="(http://testserver/i/[^"]+/)"', html).group(1)  # type: ignore[union-attr]
    assert SelfServiceLink.objects.get(client=sam).token_hash not in url
    assert anonymous.get(url).status_code == 200


def test_opening_the_link_address_without_posting_makes_no_link(
    browser_a: Browser, sam: Client
) -> None:
    response = browser_a.get(f"/clients/{sam.pk}/link/")

    assert response.status_code == 302
    assert response["Location"] == f"/clients/{sam.pk}/"
    assert not SelfServiceLink.objects.exists()


def test_the_client_sees_only_their_first_name_and_the_form(
    anonymous: Browser, token: str, client_a: Client
) -> None:
    html = anonymous.get(f"/i/{token}/").content.decode()

    assert "Hello Samira." in html
    assert "Selfridge" not in html
    assert "Ada" not in html
    assert "Lovelace" not in html
    assert "Before your massage: your health questions" in html
    assert 'name="rf_saddle_numbness"' in html


def test_the_clients_form_has_no_way_into_the_clinic(anonymous: Browser, token: str) -> None:
    html = anonymous.get(f"/i/{token}/").content.decode()

    assert 'aria-label="Main"' not in html
    assert "Log out" not in html
    for page in ("/clients/", "/knowledge/", "/audit/", 'href="/"'):
        assert page not in html


def test_the_clients_form_shows_no_clinic_navigation_even_on_a_logged_in_device(
    browser_a: Browser, token: str
) -> None:
    """A therapist may hand a logged-in tablet to the client: the form must not open the clinic."""
    form = browser_a.get(f"/i/{token}/")
    thanks = browser_a.post(f"/i/{token}/", intake_form())
    refused = browser_a.get(f"/i/{token}/")

    assert [page.status_code for page in (form, thanks, refused)] == [200, 200, 410]
    for page in (form, thanks, refused):
        html = page.content.decode()
        assert 'aria-label="Main"' not in html
        assert 'href="/"' not in html
        assert 'href="/clients/"' not in html
        assert "Log out" not in html


def test_the_clients_form_leaves_out_what_only_the_therapist_records(
    anonymous: Browser, token: str
) -> None:
    html = anonymous.get(f"/i/{token}/").content.decode()

    assert 'name="skin_0_finding"' not in html
    assert 'name="systolic"' not in html
    assert 'name="reason"' not in html


def test_the_client_sends_the_form_and_the_intake_is_stored_and_assessed(
    anonymous: Browser, token: str, sam: Client
) -> None:
    response = anonymous.post(f"/i/{token}/", intake_form(medications="warfarin 5 mg"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you" in html
    assert "seek emergency care now" in html
    intake = Intake.objects.get(client=sam)
    assert (intake.source, intake.recorded_by, intake.version) == ("self_service", None, 1)
    assert intake.data["medications"] == ["warfarin 5 mg"]
    assert Assessment.objects.get(intake=intake).decision == "modify"
    assert SelfServiceLink.objects.get(client=sam).used_at is not None


def test_the_therapist_sees_the_clients_own_intake_on_the_client_page(
    anonymous: Browser, token: str, sam: Client, browser_a: Browser
) -> None:
    anonymous.post(f"/i/{token}/", intake_form())

    html = browser_a.get(f"/clients/{sam.pk}/").content.decode()

    assert "intake version 1 (Client (self-service link))" in html
    assert "Massage can go ahead" in html


def test_an_incomplete_form_is_shown_again_and_the_link_still_works(
    anonymous: Browser, token: str, sam: Client
) -> None:
    response = anonymous.post(f"/i/{token}/", intake_form(rf_fever=None))

    assert response.status_code == 200
    assert "please answer" in response.content.decode()
    assert not Intake.objects.filter(client=sam).exists()
    assert anonymous.get(f"/i/{token}/").status_code == 200


def test_a_used_link_is_refused(anonymous: Browser, token: str, sam: Client) -> None:
    anonymous.post(f"/i/{token}/", intake_form())

    refusal(anonymous.get(f"/i/{token}/"), "already been used")
    refusal(anonymous.post(f"/i/{token}/", intake_form(intensity="2")), "already been used")
    assert Intake.objects.filter(client=sam).count() == 1


def test_an_expired_link_is_refused(anonymous: Browser, therapist_a: User, sam: Client) -> None:
    old = selfservice.create_link(
        user=therapist_a, client=sam, now=timezone.now() - timedelta(days=8), days=7
    )

    refusal(anonymous.get(f"/i/{old}/"), "This link has expired.")
    refusal(anonymous.post(f"/i/{old}/", intake_form()), "This link has expired.")
    assert not Intake.objects.filter(client=sam).exists()


def forged(token: str) -> str:
    """The token with its last character changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "make",
    [lambda _: "not-a-real-token-0123456789", forged],
    ids=["random", "one character changed"],
)
def test_a_forged_link_is_refused(
    anonymous: Browser, token: str, sam: Client, make: object
) -> None:
    fake = make(token)  # type: ignore[operator]

    refusal(anonymous.get(f"/i/{fake}/"), "This link is not valid.")
    refusal(anonymous.post(f"/i/{fake}/", intake_form()), "This link is not valid.")
    assert not Intake.objects.filter(client=sam).exists()


def test_a_refused_link_does_not_say_whose_it_was(
    anonymous: Browser, therapist_a: User, token: str, sam: Client
) -> None:
    expired = selfservice.create_link(
        user=therapist_a, client=sam, now=timezone.now() - timedelta(days=8), days=7
    )
    used = selfservice.create_link(user=therapist_a, client=sam, now=timezone.now())
    anonymous.post(f"/i/{used}/", intake_form())

    pages = [anonymous.get(f"/i/{link}/") for link in (forged(token), expired, used)]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 410
        assert "Samira" not in html
        assert "Selfridge" not in html
        assert "Clinic A" not in html

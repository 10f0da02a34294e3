"""Self-service intake links: the therapist makes one, the client fills their own intake once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as Browser
from django.utils import timezone

from backcare.records import selfservice
from backcare.records.models import (
    Assessment,
    AuditEvent,
    Client,
    Intake,
    IntakeDraft,
    SelfServiceLink,
    User,
)
from backcare.web import steps
from tests.web.conftest import form_as_shown, intake_form, new_client, send_self_service


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
    assert "Step 1 of 8" in html
    assert 'name="rf_saddle_numbness"' in anonymous.get(f"/i/{token}/warning/").content.decode()


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
    thanks = send_self_service(browser_a, token, intake_form())
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
    assert 'name="assessed_on"' not in html


def test_the_clients_answers_wait_as_a_draft_and_make_no_intake(
    anonymous: Browser, token: str, sam: Client
) -> None:
    response = send_self_service(anonymous, token, intake_form(medications="warfarin 5 mg"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you" in html
    assert "seek emergency care now" in html
    waiting = IntakeDraft.objects.get(client=sam)
    assert waiting.state == "pending"
    assert waiting.answers["medications"] == ["warfarin 5 mg"]
    assert waiting.preview_decision == "modify"
    assert not Intake.objects.filter(client=sam).exists()
    assert not Assessment.objects.filter(client=sam).exists()
    assert SelfServiceLink.objects.get(client=sam).used_at is not None


def test_the_therapist_sees_the_waiting_answers_on_the_client_page(
    anonymous: Browser, token: str, sam: Client, browser_a: Browser
) -> None:
    send_self_service(anonymous, token, intake_form())
    waiting = IntakeDraft.objects.get(client=sam)

    html = browser_a.get(f"/clients/{sam.pk}/").content.decode()

    assert "Self-service answers waiting" in html
    assert f'href="/clients/{sam.pk}/drafts/{waiting.pk}/"' in html
    assert "No intake yet" in html


def test_an_incomplete_form_is_shown_again_and_the_link_still_works(
    anonymous: Browser, token: str, sam: Client
) -> None:
    response = send_self_service(anonymous, token, intake_form(rf_fever=None))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Step 3 of 8" in html
    assert "This field is required." in html
    assert not IntakeDraft.objects.filter(client=sam, state="pending").exists()
    assert anonymous.get(f"/i/{token}/").status_code == 200


def test_a_used_link_is_refused(anonymous: Browser, token: str, sam: Client) -> None:
    send_self_service(anonymous, token, intake_form())

    refusal(anonymous.get(f"/i/{token}/"), "already been used")
    refusal(anonymous.post(f"/i/{token}/", intake_form(intensity="2")), "already been used")
    assert IntakeDraft.objects.filter(client=sam).count() == 1


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
    send_self_service(anonymous, used, intake_form())

    pages = [anonymous.get(f"/i/{link}/") for link in (forged(token), expired, used)]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 410
        assert "Samira" not in html
        assert "Selfridge" not in html
        assert "Clinic A" not in html


# The client's form starts from their own answers, and nothing of the therapist's


@pytest.fixture
def recorded(therapist_a: User) -> Client:
    """A client whose therapist recorded an allergy, a heart condition, a wound, blood pressure
    and a note."""
    return new_client(
        therapist_a,
        "Rosa",
        "Almond",
        conditions=[{"id": "atrial fibrillation", "since": "2019-03-01", "note": "GP letter"}],
        medications=["warfarin 5 mg"],
        allergies=["almond oil"],
        skin=[{"finding": "open_wound", "region": "low_back_left"}],
        vitals={"systolic": 185, "diastolic": 100},
        notes="Wound dressed by the practice nurse",
    )


def test_the_clients_form_starts_from_their_own_answers(
    anonymous: Browser, therapist_a: User, recorded: Client
) -> None:
    token = selfservice.create_link(user=therapist_a, client=recorded, now=timezone.now())

    shown = {
        name: value
        for step in ("about", "pain", "health", "medicines", "allergies")
        for name, value in form_as_shown(
            anonymous.get(f"/i/{token}/{step}/").content.decode()
        ).items()
    }

    assert shown["medications"] == ["warfarin 5 mg"]
    assert shown["allergies"] == ["almond oil"]
    assert shown["condition_0_id"] == ["atrial fibrillation"]
    assert shown["intensity"] == ["6"]
    assert shown["notes"] == [""]  # the therapist's notes stay the therapist's


_MASKED_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


def test_the_clients_form_shows_nothing_the_therapist_recorded_alone(
    anonymous: Browser, therapist_a: User, recorded: Client
) -> None:
    token = selfservice.create_link(user=therapist_a, client=recorded, now=timezone.now())

    pages = [anonymous.get(f"/i/{token}/{step.id}/").content.decode() for step in steps.ALL]
    # without the pages' CSRF tokens: 64 random letters and digits may hold "185" by chance
    html = _MASKED_TOKEN.sub("", "".join(pages))
    shown = " ".join(v for page in pages for values in form_as_shown(page).values() for v in values)

    for secret in ("185", "100", "open_wound", "practice nurse", "GP letter"):
        assert secret not in shown
    for secret in ("185", "practice nurse", "GP letter", "2019-03-01", "Almond"):
        assert secret not in html  # nor anywhere on the page (Almond: the last name)
    assert not [name for name in form_as_shown(html) if name.startswith("rf_")]  # asked afresh


def test_what_the_client_cannot_set_is_not_taken_from_their_post(
    anonymous: Browser, therapist_a: User, recorded: Client
) -> None:
    token = selfservice.create_link(user=therapist_a, client=recorded, now=timezone.now())

    send_self_service(
        anonymous,
        token,
        intake_form(
            assessed_on="2020-01-01",
            skin_0_finding="bruise",
            skin_0_region="spine",
            systolic="120",
            diastolic="80",
        ),
    )

    answers = IntakeDraft.objects.get(client=recorded).answers
    assert not {"assessed_on", "skin", "vitals", "clearances", "notes"} & set(answers)


def test_the_clients_note_is_kept_apart_from_the_therapists(
    anonymous: Browser, therapist_a: User, recorded: Client
) -> None:
    token = selfservice.create_link(user=therapist_a, client=recorded, now=timezone.now())

    send_self_service(anonymous, token, intake_form(notes="I started swimming"))

    waiting = IntakeDraft.objects.get(client=recorded)
    assert waiting.client_note == "I started swimming"
    assert "notes" not in waiting.answers


# Links: one active, listed with their state, copyable, revocable, every opening audited


def test_a_new_link_revokes_the_clients_active_one(
    anonymous: Browser, therapist_a: User, sam: Client, token: str
) -> None:
    newer = selfservice.create_link(user=therapist_a, client=sam, now=timezone.now())

    refusal(anonymous.get(f"/i/{token}/"), "This link has been withdrawn")
    assert anonymous.get(f"/i/{newer}/").status_code == 200
    states = [selfservice.state(link, timezone.now()) for link in sam.links.all()]
    assert states == ["active", "revoked"]


def test_the_client_page_lists_each_link_with_its_state(
    anonymous: Browser, browser_a: Browser, therapist_a: User, sam: Client
) -> None:
    now = timezone.now()
    selfservice.create_link(user=therapist_a, client=sam, now=now - timedelta(days=9), days=7)
    used = selfservice.create_link(user=therapist_a, client=sam, now=now)
    send_self_service(anonymous, used, intake_form())
    selfservice.create_link(user=therapist_a, client=sam, now=now)  # revoked by the next
    selfservice.create_link(user=therapist_a, client=sam, now=now)

    html = browser_a.get(f"/clients/{sam.pk}/").content.decode()
    section = html.split("Self-service links")[1]

    states = re.findall(r'<span class="change [a-z]+">(\w+)</span>', section)
    assert states == ["active", "revoked", "used", "expired"]
    assert section.count("Revoke this link") == 1


def test_an_active_link_can_be_copied_again_from_the_client_page(
    browser_a: Browser, anonymous: Browser, sam: Client
) -> None:
    made = browser_a.post(f"/clients/{sam.pk}/link/").content.decode()
    url = re.search(r'id="link" value="([^"]+)"', made).group(1)  # type: ignore[union-attr]

    page = browser_a.get(f"/clients/{sam.pk}/").content.decode()

    assert f'value="{url}" readonly' in page
    assert anonymous.get(url).status_code == 200


def test_a_used_link_is_no_longer_shown_to_copy(
    browser_a: Browser, anonymous: Browser, sam: Client, token: str
) -> None:
    send_self_service(anonymous, token, intake_form())

    page = browser_a.get(f"/clients/{sam.pk}/").content.decode()

    assert token not in page


def test_a_revoked_link_no_longer_opens_the_form(
    browser_a: Browser, anonymous: Browser, sam: Client, token: str, therapist_a: User
) -> None:
    link = sam.links.get()

    response = browser_a.post(f"/clients/{sam.pk}/links/{link.pk}/revoke/")

    assert response.status_code == 302
    refusal(anonymous.get(f"/i/{token}/"), "This link has been withdrawn")
    refusal(anonymous.post(f"/i/{token}/", intake_form()), "This link has been withdrawn")
    assert not IntakeDraft.objects.exists()
    [event] = AuditEvent.objects.filter(action="selfservice.revoke")
    assert (event.user, event.client, event.target) == (therapist_a, sam, f"link {link.pk}")


def test_opening_a_link_is_written_to_the_audit_log(
    anonymous: Browser, sam: Client, token: str
) -> None:
    link = sam.links.get()

    anonymous.get(f"/i/{token}/")
    anonymous.get(f"/i/{token}/")

    opened = AuditEvent.objects.filter(action="selfservice.open", client=sam)
    assert [(e.user, e.target) for e in opened] == [(None, f"link {link.pk}")] * 2
    link.refresh_from_db()
    assert link.opened_at is not None


def test_a_refused_link_opens_nothing_and_logs_no_client(
    anonymous: Browser, sam: Client, token: str
) -> None:
    anonymous.get(f"/i/{forged(token)}/")

    assert not AuditEvent.objects.filter(action="selfservice.open").exists()


def test_the_client_is_asked_where_a_condition_is_and_may_leave_it(
    anonymous: Browser, token: str, sam: Client
) -> None:
    html = anonymous.get(f"/i/{token}/").content.decode()
    assert "Where is it?" not in html  # asked on the health step
    send_self_service(anonymous, token, intake_form(), sign="")
    assert "Where is it?" in anonymous.get(f"/i/{token}/health/").content.decode()

    send_self_service(
        anonymous, token, intake_form(condition_0_id="pulled muscle", condition_0_status="active")
    )

    waiting = IntakeDraft.objects.get(client=sam)
    assert waiting.answers["conditions"][0]["id"] == "pulled muscle"
    assert waiting.preview_decision == "modify"

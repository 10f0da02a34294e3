"""Every view and change of a client's record leaves an audit event naming who and whom."""

from __future__ import annotations

import re

import pytest
from django.test import Client as Browser
from django.utils import timezone

from backcare.errors import ImmutableRecord
from backcare.records import audit, clearances, selfservice
from backcare.records.models import AuditEvent, Client, User
from backcare.web import steps
from tests.web.conftest import TODAY, intake_form, new_client, send_self_service, session_form


def events(action: str, person: Client | None = None) -> list[AuditEvent]:
    found = AuditEvent.objects.filter(action=action)
    return list(found.filter(client=person) if person else found)


def test_viewing_a_client_page_is_logged_with_the_user_and_the_client(
    browser_a: Browser, therapist_a: User, client_a: Client
) -> None:
    browser_a.get(f"/clients/{client_a.pk}/")

    [event] = events("client.view", client_a)
    assert (event.user, event.client, event.clinic) == (therapist_a, client_a, client_a.clinic)
    assert event.target == "overview"


@pytest.mark.parametrize(
    ("page", "purpose"),
    [
        ("intake/", "intake"),
        ("plan/", "plan"),
        ("sessions/new/", "session note"),
        ("clearances/new/", "clearance"),
    ],
)
def test_opening_any_form_of_a_clients_record_is_logged_with_its_purpose(
    browser_a: Browser, therapist_a: User, client_a: Client, page: str, purpose: str
) -> None:
    browser_a.get(f"/clients/{client_a.pk}/{page}")

    [event] = events("client.view", client_a)
    assert (event.user, event.target) == (therapist_a, purpose)


def test_reading_an_assessment_is_logged(
    browser_a: Browser, therapist_a: User, client_a: Client
) -> None:
    assessment = client_a.assessments.get()
    browser_a.get(f"/clients/{client_a.pk}/assessments/{assessment.pk}/")

    [event] = events("client.view", client_a)
    assert (event.user, event.target) == (therapist_a, f"assessment {assessment.pk}")


def test_recording_an_intake_is_logged_with_its_decision(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(therapist_a, "Nina", "Newman")

    browser_a.post(f"/clients/{person.pk}/intake/", intake_form(rf_saddle_numbness="yes"))

    [event] = events("intake.record", person)
    assert event.user == therapist_a
    assert event.target == "intake v1"
    assert event.detail == {"decision": "emergency", "source": "therapist"}


def test_a_clients_own_answers_are_logged_without_a_user(
    anonymous: Browser, therapist_a: User
) -> None:
    person = new_client(therapist_a, "Samira", "Selfridge")
    token = selfservice.create_link(user=therapist_a, client=person, now=timezone.now())

    anonymous.get(f"/i/{token}/")
    send_self_service(anonymous, token, intake_form())

    [made] = events("selfservice.link", person)
    assert made.user == therapist_a
    opened = events("selfservice.open", person)
    [sent] = events("selfservice.submit", person)
    assert len(opened) == 1 + 2 * len(steps.ALL)  # the first page, then each step shown and sent
    assert {event.user for event in [*opened, sent]} == {None}
    assert {event.clinic for event in [*opened, sent]} == {person.clinic}
    assert not events("intake.record", person)  # a draft, until the therapist merges it


def test_the_audit_log_names_the_client_as_the_author_of_their_own_intake(
    anonymous: Browser, therapist_a: User, admin_browser: Browser
) -> None:
    person = new_client(therapist_a, "Samira", "Selfridge")
    token = selfservice.create_link(user=therapist_a, client=person, now=timezone.now())
    send_self_service(anonymous, token, intake_form())

    html = admin_browser.get("/audit/").content.decode()

    for action in ("selfservice.open", "selfservice.submit"):
        row = rf"<td[^>]*>client \(link\)</td><td[^>]*>{action}</td><td[^>]*><a [^>]*>Samira"
        assert re.search(row, html)


def test_recording_a_session_is_logged(
    browser_a: Browser, therapist_a: User, client_a: Client
) -> None:
    browser_a.post(f"/clients/{client_a.pk}/sessions/new/", session_form())

    [event] = events("session.record", client_a)
    note = client_a.sessions.get()
    assert (event.user, event.target, event.detail) == (therapist_a, f"session {note.pk}", {})


def test_changing_the_plan_is_logged_with_the_fields_sent(
    browser_a: Browser, therapist_a: User, client_a: Client
) -> None:
    plan = client_a.plans.get(active=True)

    browser_a.post(
        f"/clients/{client_a.pk}/plan/",
        {
            "modality": "relaxation",
            "session_minutes": "45",
            "sessions_per_week": "1",
            "total_sessions": "10",
            "reassess_after_sessions": "5",
            "max_pressure": "light",
            "reason": "client prefers relaxation",
        },
    )

    [event] = events("plan.update", client_a)
    assert (event.user, event.target) == (therapist_a, f"plan {plan.pk}")
    assert "modality" in event.detail["fields"]


def test_recording_a_clearance_is_logged_with_what_it_covers(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(
        therapist_a, "Walter", "Waite", conditions=[{"id": "hypertension", "status": "active"}]
    )
    waiting = [finding["rule"] for finding in clearances.pending(person)]

    browser_a.post(
        f"/clients/{person.pk}/clearances/new/",
        {"received_from": "Dr Jones, GP", "received_on": TODAY.isoformat(), "covers": waiting},
    )

    [event] = events("clearance.record", person)
    assert event.user == therapist_a
    assert event.target == f"clearance {person.clearances.get().pk}"
    assert event.detail == {"covers": waiting}


def test_a_search_is_logged_with_what_was_searched_for(
    browser_a: Browser, therapist_a: User
) -> None:
    browser_a.get("/clients/", {"q": "lovelace"})

    [event] = events("client.search")
    assert (event.user, event.client, event.target) == (therapist_a, None, "lovelace")
    assert event.clinic == therapist_a.clinic


def test_a_refused_page_of_another_clinics_client_logs_no_view_of_it(
    browser_a: Browser, client_b: Client
) -> None:
    browser_a.get(f"/clients/{client_b.pk}/")

    assert not events("client.view", client_b)


def test_an_audit_event_can_be_neither_changed_nor_deleted(client_a: Client) -> None:
    event = AuditEvent.objects.filter(client=client_a).first()
    assert event is not None
    event.action = "nothing.happened"

    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        event.delete()

    assert AuditEvent.objects.get(pk=event.pk).action != "nothing.happened"


def test_the_dashboard_logs_which_clients_it_showed(browser_a: Browser, therapist_a: User) -> None:
    from backcare.records.models import AuditEvent

    flagged = new_client(
        therapist_a,
        "Rita",
        "Referred",
        client={"age": 60},
        red_flags={"calf_swelling_one_side": True},
    )
    html = browser_a.get("/").content.decode()

    assert "Rita Referred" in html
    event = AuditEvent.objects.filter(action="dashboard.view").get()
    assert event.user == therapist_a
    assert event.detail["clients"] == [flagged.pk]


def test_asking_for_another_clinics_client_is_refused_and_logged_in_the_askers_own_trail(
    browser_a: Browser, therapist_a: User, client_a: Client, client_b: Client
) -> None:
    pages = [
        browser_a.get(f"/clients/{client_b.pk}/"),
        browser_a.post(  # a save, rolled back when refused: the refusal is still kept
            "/alerts/acknowledge/",
            {"client": client_b.pk, "kind": "red_flag", "situation": "x", "note": "seen"},
        ),
    ]

    assert [page.status_code for page in pages] == [404, 404]
    refusals = events("client.refused")
    assert [(e.user, e.clinic, e.client, e.target) for e in refusals] == [
        (therapist_a, client_a.clinic, None, f"client {client_b.pk}")
    ] * 2
    assert not AuditEvent.objects.filter(clinic=client_b.clinic, user=therapist_a).exists()


def test_a_search_logs_which_clients_it_showed(
    browser_a: Browser, therapist_a: User, client_a: Client, client_b: Client
) -> None:
    other = new_client(therapist_a, "Ada", "Byron")
    browser_a.get("/clients/", {"q": "ada"})
    browser_a.get("/clients/", {"q": "nobody"})

    shown = [e.detail for e in AuditEvent.objects.filter(action="client.search").order_by("seq")]
    assert shown == [
        {"clients": sorted([client_a.pk, other.pk]), "page": 1},
        {"clients": [], "page": 1},
    ]


def test_reading_the_audit_log_is_itself_logged_with_its_filters(
    admin_browser: Browser, admin_a: User
) -> None:
    audit.record(user=admin_a, action="clinic.settings")
    admin_browser.get("/audit/", {"action": "clinic.settings", "page": "1"})

    [event] = events("audit.view")
    assert (event.user, event.clinic) == (admin_a, admin_a.clinic)
    assert event.detail == {"action": "clinic.settings", "page": 1}

"""Dashboard alerts acknowledged with a note (and back when the situation changes), the plan
page during a hold, forms that keep what was typed, and numbers as people write them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as Browser

from backcare.records.models import AlertAcknowledgement, AuditEvent, Client, Plan, User
from tests.web.conftest import NO_FLAGS, intake_form, new_client
from tests.web.test_pages import errors, section, text


@pytest.fixture
def held(therapist_a: User) -> Client:
    """A client whose high blood pressure waits for the physician's clearance."""
    return new_client(therapist_a, "Hal", "Held", conditions=["hypertension"])


def acknowledgement(person: Client, note: str = "Letter requested from the GP") -> dict[str, Any]:
    return {
        "client": str(person.pk),
        "kind": "stop",
        "situation": f"assessment {person.assessments.first().pk}",  # type: ignore[union-attr]
        "note": note,
    }


def test_an_alert_acknowledged_with_a_note_leaves_the_list_and_the_note_is_kept(
    browser_a: Browser, held: Client, therapist_a: User
) -> None:
    attention = section(text(browser_a.get("/")), "alerts-h")
    assert "Hal Held" in attention
    assert 'name="situation" value="assessment' in attention

    response = browser_a.post("/alerts/acknowledge/", acknowledgement(held), follow=True)

    assert "Alert acknowledged" in text(response)
    stored = AlertAcknowledgement.objects.get()
    assert (stored.client, stored.kind, stored.acknowledged_by) == (held, "stop", therapist_a)
    assert stored.note == "Letter requested from the GP"
    attention = section(text(browser_a.get("/")), "alerts-h")
    open_list = attention[: attention.index('id="acknowledged"')]
    assert "Hal Held" not in open_list
    assert "Letter requested from the GP" in attention[attention.index('id="acknowledged"') :]
    event = AuditEvent.objects.get(action="alert.acknowledge")
    assert event.client == held
    assert event.detail == {"note": "Letter requested from the GP"}


def test_an_acknowledgement_needs_a_note(browser_a: Browser, held: Client) -> None:
    response = browser_a.post("/alerts/acknowledge/", acknowledgement(held, note=" "), follow=True)

    assert "note: say what was done about the alert" in text(response)
    assert not AlertAcknowledgement.objects.exists()
    assert "Hal Held" in section(text(browser_a.get("/")), "alerts-h")


def test_the_alert_comes_back_when_the_situation_changes(browser_a: Browser, held: Client) -> None:
    browser_a.post("/alerts/acknowledge/", acknowledgement(held))

    browser_a.post(
        f"/clients/{held.pk}/intake/",
        intake_form(rf_fever="yes", condition_0_id="hypertension", reason="fever today"),
    )

    assert held.assessments.first().decision == "refer"  # type: ignore[union-attr]
    attention = section(text(browser_a.get("/")), "alerts-h")
    assert "Hal Held" in attention.split('id="acknowledged"')[0]


def test_an_alert_that_is_not_open_cannot_be_acknowledged(
    browser_a: Browser, client_a: Client
) -> None:
    response = browser_a.post("/alerts/acknowledge/", acknowledgement(client_a), follow=True)

    assert "this alert is no longer open" in text(response)
    assert not AlertAcknowledgement.objects.exists()


def test_another_clinics_alert_cannot_be_acknowledged(therapist_b: User, held: Client) -> None:
    outsider = Browser()
    outsider.force_login(therapist_b)

    response = outsider.post("/alerts/acknowledge/", acknowledgement(held))

    assert response.status_code == 404
    assert not AlertAcknowledgement.objects.exists()


# The plan page during a hold


def test_the_plan_page_explains_a_hold_instead_of_not_found(
    browser_a: Browser, held: Client
) -> None:
    response = browser_a.get(f"/clients/{held.pk}/plan/")

    assert response.status_code == 200
    html = text(response)
    assert "No plan for Hal Held now" in html
    assert "the latest assessment says clearance" in html
    assert f'href="/clients/{held.pk}/clearances/new/"' in html


def test_the_self_care_guide_explains_a_referral_too(browser_a: Browser, therapist_a: User) -> None:
    person = new_client(therapist_a, "Rae", "Ferred", red_flags={**NO_FLAGS, "fever": True})

    response = browser_a.get(f"/clients/{person.pk}/self-care/")

    assert response.status_code == 200
    assert "the latest assessment says refer" in text(response)


# Forms keep what was typed


def test_a_rejected_plan_change_keeps_the_typed_values_and_reason(
    browser_a: Browser, client_a: Client
) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/plan/",
        {
            "modality": "swedish",
            "session_minutes": "50",
            "sessions_per_week": "2",
            "total_sessions": "8",
            "reassess_after_sessions": "4",
            "max_pressure": "firm",
            "reason": "client asks for firmer work",
        },
    )

    html = text(response)
    assert "max_pressure: the screening allows at most light" in errors(html)
    assert 'value="client asks for firmer work"' in html
    assert 'name="session_minutes" value="50"' in html
    assert 'name="total_sessions" value="8"' in html
    assert "<option selected>firm</option>" in html
    assert Plan.objects.get(client=client_a).session_minutes == 60


def test_a_rejected_clearance_keeps_what_was_typed(browser_a: Browser, held: Client) -> None:
    response = browser_a.post(
        f"/clients/{held.pk}/clearances/new/",
        {"received_from": "Dr Gray, GP", "received_on": "2999-01-01", "note": "light work only"},
    )

    html = text(response)
    assert "is in the future" in errors(html)
    assert 'value="Dr Gray, GP"' in html
    assert 'value="2999-01-01"' in html
    assert ">light work only</textarea>" in html


# Numbers as people write them


def test_plan_numbers_read_as_people_write_them(browser_a: Browser, client_a: Client) -> None:
    plan = Plan.objects.get(client=client_a)
    plan.sessions_per_week = 2.0
    plan.save()

    client_page = section(text(browser_a.get(f"/clients/{client_a.pk}/")), "plan-h")
    plan_page = text(browser_a.get(f"/clients/{client_a.pk}/plan/"))

    assert "2 sessions a week" in client_page
    assert "2.0" not in client_page
    assert 'name="sessions_per_week" value="2"' in plan_page


def test_a_plan_change_history_shows_whole_numbers_without_a_decimal(
    browser_a: Browser, client_a: Client
) -> None:
    browser_a.post(
        f"/clients/{client_a.pk}/plan/",
        {
            "modality": "swedish",
            "session_minutes": "60",
            "sessions_per_week": "2",
            "total_sessions": "10",
            "reassess_after_sessions": "5",
            "max_pressure": "light",
            "reason": "twice a week while it is acute",
        },
    )

    history = text(browser_a.get(f"/clients/{client_a.pk}/plan/"))

    assert "sessions per week: 1 → 2" in history


def test_the_intake_form_shows_weeks_as_whole_numbers(browser_a: Browser, client_a: Client) -> None:
    html = text(browser_a.get(f"/clients/{client_a.pk}/intake/"))

    assert 'name="duration_weeks" value="20"' in html


def test_an_acknowledgement_written_by_hand_shows_at_the_next_view(
    browser_a: Browser, held: Client, therapist_a: User
) -> None:
    assert "Hal Held" in section(text(browser_a.get("/")), "alerts-h")  # kept as it is now
    assert "Hal Held" in text(browser_a.get("/alerts/stop/"))
    situation = acknowledgement(held)["situation"]

    AlertAcknowledgement.objects.create(  # in SQL: no save, no audit event
        clinic=held.clinic,
        client=held,
        kind="stop",
        situation=situation,
        note="Clearance letter received",
        acknowledged_by=therapist_a,
    )

    attention = section(text(browser_a.get("/")), "alerts-h")
    assert "Hal Held" not in attention[: attention.index('id="acknowledged"')]
    assert "Clearance letter received" in attention
    assert "Hal Held" not in text(browser_a.get("/alerts/stop/"))

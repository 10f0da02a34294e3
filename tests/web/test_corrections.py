"""Corrections as clinical records make them: client details changed with their history, a
session note opened in full and amended by a dated addendum, clearance letters opened through
an audited download, and a cleared finding shown as cleared."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser

from backcare.errors import ImmutableRecord
from backcare.records import amendments, clearances, sessions
from backcare.records.models import (
    AuditEvent,
    Clearance,
    Client,
    ClientChange,
    SessionAmendment,
    SessionNote,
    User,
)
from tests.web.conftest import TODAY, new_client
from tests.web.test_pages import errors, section, text

LETTER = b"%PDF-1.4\n<html><script>alert(1)</script></html>"


def details(**fields: Any) -> dict[str, Any]:
    """POST data of the details form: Ada Lovelace, as added, with these fields changed."""
    return {"first_name": "Ada", "last_name": "Lovelace", **fields}


@pytest.fixture
def note(therapist_a: User, client_a: Client) -> SessionNote:
    return sessions.record_session(
        user=therapist_a,
        client=client_a,
        today=TODAY,
        note={
            "session_date": TODAY,
            "regions": ["upper_back_left"],
            "techniques": ["effleurage", "petrissage"],
            "pressure": "light",
            "minutes": 40,
            "pain_before": 6,
            "pain_after": 3,
            "subjective": "stiff after gardening",
            "objective": "tight left trapezius",
            "analysis": "eased with long strokes",
            "next_steps": "same again next week",
        },
    )


@pytest.fixture
def cleared(therapist_a: User) -> tuple[Client, Clearance]:
    """A client whose high blood pressure was cleared in writing by their GP, with the letter."""
    person = new_client(therapist_a, "Clem", "Cleared", conditions=["hypertension"])
    clearance = clearances.record_clearance(
        user=therapist_a,
        client=person,
        received_from="Dr Gray, GP",
        received_on=TODAY,
        covers=["condition.hypertension.active"],
        document=SimpleUploadedFile("letter.pdf", LETTER, "application/pdf"),
        today=TODAY,
    )
    return person, clearance


# Client details


def test_changed_details_are_saved_with_the_old_value_who_when_and_why(
    browser_a: Browser, client_a: Client, therapist_a: User
) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/details/",
        details(phone="0207 946 0000", physician="Dr Gray, Elm Surgery", reason="new GP"),
    )

    assert response.status_code == 302
    client_a.refresh_from_db()
    assert client_a.phone == "0207 946 0000"
    changes = {c.field: c for c in ClientChange.objects.filter(client=client_a)}
    assert set(changes) == {"phone", "physician"}
    assert changes["physician"].old == ""
    assert changes["physician"].new == "Dr Gray, Elm Surgery"
    assert changes["physician"].changed_by == therapist_a
    assert changes["physician"].reason == "new GP"
    event = AuditEvent.objects.get(action="client.update")
    assert event.detail == {"fields": ["phone", "physician"]}
    history = section(text(browser_a.get(f"/clients/{client_a.pk}/details/")), "changes-h")
    assert "Dr Gray, Elm Surgery" in history
    assert "new GP" in history


def test_the_new_physician_shows_on_the_client_page(browser_a: Browser, client_a: Client) -> None:
    browser_a.post(f"/clients/{client_a.pk}/details/", details(physician="Dr Gray"))

    assert "Dr Gray" in section(text(browser_a.get(f"/clients/{client_a.pk}/")), "intake-h")


def test_a_bad_email_is_refused_naming_the_field_and_keeps_what_was_typed(
    browser_a: Browser, client_a: Client
) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/details/",
        details(email="ada-at-example", phone="0207 946 0000", reason="moved"),
    )

    assert response.status_code == 200
    html = text(response)
    assert "Enter a valid email address" in html
    assert 'value="0207 946 0000"' in html
    assert 'value="moved"' in html
    assert not ClientChange.objects.exists()


def test_saving_unchanged_details_records_no_change(browser_a: Browser, client_a: Client) -> None:
    browser_a.post(f"/clients/{client_a.pk}/details/", details())

    assert not ClientChange.objects.exists()
    assert not AuditEvent.objects.filter(action="client.update").exists()


def test_a_recorded_change_can_never_be_altered(browser_a: Browser, client_a: Client) -> None:
    browser_a.post(f"/clients/{client_a.pk}/details/", details(phone="1"))
    change = ClientChange.objects.get()

    change.new = "2"
    with pytest.raises(ImmutableRecord):
        change.save()


# Session notes


def test_a_session_note_opens_in_full_and_the_view_is_audited(
    browser_a: Browser, client_a: Client, note: SessionNote
) -> None:
    page = browser_a.get(f"/clients/{client_a.pk}/")
    assert f'href="/clients/{client_a.pk}/sessions/{note.pk}/"' in text(page)

    html = text(browser_a.get(f"/clients/{client_a.pk}/sessions/{note.pk}/"))

    shown = section(html, "note-h")
    for written in (
        "stiff after gardening",
        "tight left trapezius",
        "eased with long strokes",
        "same again next week",
        "Effleurage",
        "Upper back, left",
        "6 before",
        "3 after",
    ):
        assert written in shown, written
    assert AuditEvent.objects.filter(action="client.view", target=f"session {note.pk}").exists()


def test_an_addendum_is_dated_signed_and_leaves_the_note_as_written(
    browser_a: Browser, client_a: Client, note: SessionNote, therapist_a: User
) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/sessions/{note.pk}/",
        {"text": "Correction: it was the right trapezius."},
    )

    assert response.status_code == 302
    amendment = SessionAmendment.objects.get(session=note)
    assert amendment.author == therapist_a
    assert amendment.text == "Correction: it was the right trapezius."
    note.refresh_from_db()
    assert note.objective == "tight left trapezius"
    html = text(browser_a.get(f"/clients/{client_a.pk}/sessions/{note.pk}/"))
    assert "tight left trapezius" in section(html, "note-h")
    addenda = section(html, "addenda-h")
    assert "Correction: it was the right trapezius." in addenda
    assert "Addendum by <strong>anna</strong>" in addenda
    assert AuditEvent.objects.filter(action="session.amend", target=f"session {note.pk}").exists()


def test_an_empty_addendum_is_refused(
    browser_a: Browser, client_a: Client, note: SessionNote
) -> None:
    response = browser_a.post(f"/clients/{client_a.pk}/sessions/{note.pk}/", {"text": "  "})

    assert response.status_code == 200
    assert "text: write the addendum" in errors(text(response))
    assert not SessionAmendment.objects.exists()


def test_a_recorded_note_can_never_be_changed_or_deleted(note: SessionNote) -> None:
    note.objective = "rewritten"
    with pytest.raises(ImmutableRecord):
        note.save()
    with pytest.raises(ImmutableRecord):
        note.delete()
    note.refresh_from_db()
    assert note.objective == "tight left trapezius"


def test_an_addendum_can_never_be_changed_or_deleted(therapist_a: User, note: SessionNote) -> None:
    amendment = amendments.amend_session(user=therapist_a, session=note, text="late entry")

    amendment.text = "rewritten"
    with pytest.raises(ImmutableRecord):
        amendment.save()
    with pytest.raises(ImmutableRecord):
        amendment.delete()


def test_another_clients_session_is_not_found_under_this_client(
    browser_a: Browser, therapist_a: User, client_a: Client, note: SessionNote
) -> None:
    other = new_client(therapist_a, "Otto", "Other")

    assert browser_a.get(f"/clients/{other.pk}/sessions/{note.pk}/").status_code == 404
    assert (
        browser_a.post(f"/clients/{other.pk}/sessions/{note.pk}/", {"text": "x"}).status_code == 404
    )
    assert not SessionAmendment.objects.exists()


# Clearances


def test_a_clearance_letter_downloads_as_an_attachment_that_is_never_sniffed(
    browser_a: Browser, cleared: tuple[Client, Clearance]
) -> None:
    person, clearance = cleared
    page = text(browser_a.get(f"/clients/{person.pk}/"))
    address = f"/clients/{person.pk}/clearances/{clearance.pk}/document/"
    assert f'href="{address}"' in page

    response = browser_a.get(address)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == LETTER  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(action="clearance.document.view")
    assert event.client == person
    assert event.target == f"clearance {clearance.pk}"


def test_a_clearance_without_a_letter_has_no_document_to_open(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(therapist_a, "Nell", "Noletter", conditions=["hypertension"])
    clearance = clearances.record_clearance(
        user=therapist_a,
        client=person,
        received_from="Dr Gray, GP",
        received_on=TODAY,
        covers=["condition.hypertension.active"],
        today=TODAY,
    )

    response = browser_a.get(f"/clients/{person.pk}/clearances/{clearance.pk}/document/")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="clearance.document.view").exists()


def test_another_clinics_clearance_letter_is_not_found(
    therapist_b: User, cleared: tuple[Client, Clearance]
) -> None:
    person, clearance = cleared
    outsider = Browser()
    outsider.force_login(therapist_b)

    response = outsider.get(f"/clients/{person.pk}/clearances/{clearance.pk}/document/")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="clearance.document.view").exists()


def test_a_cleared_finding_says_who_cleared_it_and_no_longer_asks_for_clearance(
    browser_a: Browser, cleared: tuple[Client, Clearance]
) -> None:
    person, _ = cleared

    decision = section(text(browser_a.get(f"/clients/{person.pk}/")), "findings-h")

    finding = decision[decision.index('data-rule="condition.hypertension.active"') :]
    finding = finding[: finding.index("</article>")]
    assert f"by Dr Gray, GP on {TODAY.day} {TODAY:%b %Y}" in finding
    assert "Cleared</strong>" in finding
    assert "ask the" not in finding.lower()
    assert "written clearance" not in finding.lower()

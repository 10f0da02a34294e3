"""Session notes are checked against the screening: avoided techniques need a confirmation
and a reason, the date falls between the intake and today, an adverse event asks for
re-screening, and no session can be recorded while the decision stops massage."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client as Browser

from backcare.records import intakes
from backcare.records.models import AuditEvent, Client, SessionNote, User
from tests.web.conftest import TODAY, chronic_back_pain, intake_form, new_client, session_form
from tests.web.test_pages import errors, section, text


def test_an_avoided_technique_is_refused_until_confirmed(
    browser_a: Browser, client_a: Client
) -> None:
    """Friction is ruled out for a client on an anticoagulant."""
    response = browser_a.post(
        f"/clients/{client_a.pk}/sessions/new/", session_form(techniques=["effleurage", "friction"])
    )

    assert response.status_code == 200
    html = text(response)
    assert "techniques: the plan avoids friction (Takes an anticoagulant)" in errors(html)
    assert '<div id="avoid-warning" class="warning" role="alert" >' in html
    assert "Friction (Takes an anticoagulant)" in html
    assert not SessionNote.objects.exists()


def test_the_session_form_marks_the_techniques_the_plan_avoids(
    browser_a: Browser, client_a: Client
) -> None:
    html = text(browser_a.get(f"/clients/{client_a.pk}/sessions/new/"))

    assert 'value="friction" data-label="Friction" data-avoid="Takes an anticoagulant"' in html
    effleurage = re.search(
        r'<input type="checkbox" name="techniques" value="effleurage"[^>]*>', html
    )
    assert effleurage
    assert "data-avoid" not in effleurage.group(0)


def test_a_confirmation_without_a_reason_is_not_enough(
    browser_a: Browser, client_a: Client
) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/sessions/new/",
        session_form(techniques=["friction"], confirm_avoided="on"),
    )

    assert "confirm and say why to record it anyway" in errors(text(response))
    assert not SessionNote.objects.exists()


def test_a_confirmed_avoided_technique_is_recorded_with_its_reason_and_audited(
    browser_a: Browser, client_a: Client
) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/sessions/new/",
        session_form(
            techniques=["friction"],
            confirm_avoided="on",
            deviation_reason="GP confirmed the INR is in range; gentle cross-fibre only",
        ),
    )

    assert response.status_code == 302
    note = SessionNote.objects.get()
    assert note.deviation_reason == "GP confirmed the INR is in range; gentle cross-fibre only"
    event = AuditEvent.objects.get(action="session.record")
    assert event.detail["avoided_techniques_used"] == ["friction"]
    page = text(browser_a.get(f"/clients/{client_a.pk}/sessions/{note.pk}/"))
    assert "GP confirmed the INR is in range" in section(page, "note-h")


def test_a_session_dated_before_the_intake_is_refused(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(therapist_a, "Ed", "Early")
    intakes.record_intake(
        user=therapist_a,
        client=person,
        today=TODAY,
        data=chronic_back_pain(assessed_on=(TODAY - timedelta(days=10)).isoformat()),
    )
    url = f"/clients/{person.pk}/sessions/new/"

    early = browser_a.post(url, session_form(session_date=(TODAY - timedelta(days=11)).isoformat()))
    on_time = browser_a.post(
        url, session_form(session_date=(TODAY - timedelta(days=10)).isoformat())
    )

    intake_day = (TODAY - timedelta(days=10)).isoformat()
    assert f"is before the first intake ({intake_day})" in errors(text(early))
    assert on_time.status_code == 302
    assert SessionNote.objects.get().session_date == TODAY - timedelta(days=10)


def test_the_date_field_offers_only_days_from_the_intake_to_today(
    browser_a: Browser, client_a: Client
) -> None:
    html = text(browser_a.get(f"/clients/{client_a.pk}/sessions/new/"))

    assert f'max="{TODAY.isoformat()}" min="{TODAY.isoformat()}"' in html


def test_an_adverse_event_raises_a_dashboard_alert_and_asks_for_re_screening(
    browser_a: Browser, client_a: Client
) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/sessions/new/",
        session_form(adverse_events="bruise on the left shoulder blade; dizzy on sitting up"),
        follow=True,
    )

    assert "re-screen" in text(response)
    attention = section(text(browser_a.get("/")), "alerts-h")
    assert "Ada Lovelace" in attention
    assert "bruise on the left shoulder blade" in attention
    assert "Re-screen (update the intake) before the next session" in attention
    client_page = text(browser_a.get(f"/clients/{client_a.pk}/"))
    assert "Re-screen before the next session" in client_page
    assert "Re-screen first" in text(browser_a.get(f"/clients/{client_a.pk}/sessions/new/"))
    event = AuditEvent.objects.get(action="session.record")
    assert event.detail["adverse_event"] is True


def test_re_screening_after_an_adverse_event_clears_the_alert(
    browser_a: Browser, client_a: Client
) -> None:
    browser_a.post(f"/clients/{client_a.pk}/sessions/new/", session_form(adverse_events="dizzy"))

    browser_a.post(
        f"/clients/{client_a.pk}/intake/", intake_form(reason="re-screen after dizziness")
    )

    assert "dizzy" not in section(text(browser_a.get("/")), "alerts-h")
    assert "Re-screen before the next session" not in text(
        browser_a.get(f"/clients/{client_a.pk}/")
    )


def test_a_session_without_an_adverse_event_raises_no_alert(
    browser_a: Browser, client_a: Client
) -> None:
    browser_a.post(f"/clients/{client_a.pk}/sessions/new/", session_form(adverse_events=" "))

    assert "Adverse event" not in section(text(browser_a.get("/")), "alerts-h")


def test_while_the_decision_stops_massage_no_session_can_be_started_anywhere(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(therapist_a, "Hal", "Held", conditions=["hypertension"])

    client_page = text(browser_a.get(f"/clients/{person.pk}/"))
    session_page = text(browser_a.get(f"/clients/{person.pk}/sessions/new/"))

    assert f'href="/clients/{person.pk}/sessions/new/"' not in client_page
    assert "No session can be recorded now" in client_page
    assert "the latest assessment says clearance" in client_page
    assert "No session can be recorded" in session_page
    assert "Record session</button>" not in session_page
    assert "<form" not in session_page[session_page.index("<main") :].replace(
        '<form method="post" action="/logout/"', ""
    )

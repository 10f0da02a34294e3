"""Referrals and prescriptions: the form's errors name each field, the client page shows the
visits used and left, and the dashboard warns when visits run out or the referral expires."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client as Browser

from backcare.records.models import AuditEvent, Client, Referral, User
from tests.web.conftest import TODAY
from tests.web.test_pages import errors, record_sessions, section, text


def referral_form(**fields: Any) -> dict[str, str]:
    data = {
        "referrer": "Dr Lee, GP",
        "referrer_contact": "+1 555 0100",
        "referred_on": (TODAY - timedelta(days=3)).isoformat(),
        "diagnosis": "Chronic low back pain",
        "icd10": "m51.2",
        "frequency": "once a week",
        "visits_authorised": "3",
        "expires_on": (TODAY + timedelta(days=60)).isoformat(),
        "notes": "",
    }
    return {**data, **fields}


def alerts(browser: Browser) -> str:
    """The dashboard's open alerts (those acknowledged are listed after them)."""
    return section(text(browser.get("/")), "alerts-h").split('id="acknowledged"')[0]


def test_a_referral_with_mistakes_is_refused_field_by_field_and_nothing_is_kept(
    browser_a: Browser, client_a: Client
):
    form = text(browser_a.get(f"/clients/{client_a.pk}/referrals/new/"))
    assert '<option value="M51.2">Herniated disc</option>' in form  # from the knowledge base
    bad = referral_form(
        referrer=" ",
        referred_on=(TODAY + timedelta(days=1)).isoformat(),
        expires_on="next week",
        icd10="back pain",
        visits_authorised="0",
    )
    response = browser_a.post(f"/clients/{client_a.pk}/referrals/new/", bad)
    assert response.status_code == 400
    assert "expires_on: &#x27;next week&#x27; is not a date; write it as YYYY-MM-DD" in errors(
        text(response)
    )
    bad["expires_on"] = TODAY.isoformat()
    shown = errors(text(browser_a.post(f"/clients/{client_a.pk}/referrals/new/", bad)))
    for expected in (
        "referrer: required",
        "is in the future",
        "icd10: &#x27;BACK PAIN&#x27; is not an ICD-10 code",
        "visits_authorised: a whole number from 1 to 500",
    ):
        assert expected in shown
    assert not Referral.objects.exists()


def test_the_client_page_counts_visits_since_the_referral_and_the_dashboard_warns(
    browser_a: Browser, client_a: Client, therapist_a: User, client_b: Client, monkeypatch: Any
):
    saved = browser_a.post(f"/clients/{client_a.pk}/referrals/new/", referral_form())
    assert saved.status_code == 302
    referral = Referral.objects.get()
    assert (referral.clinic_id, referral.icd10) == (client_a.clinic_id, "M51.2")
    event = AuditEvent.objects.get(action="referral.record")
    assert (event.client_id, event.user_id) == (client_a.pk, therapist_a.pk)
    record_sessions(therapist_a, client_a, 1)
    page = section(text(browser_a.get(f"/clients/{client_a.pk}/")), "referrals-h")
    assert "1 of 3 visits used, <strong>2 left</strong>" in page
    assert "ICD-10 M51.2" in page
    assert "Referral from Dr Lee, GP: 2 of 3 visits left" in alerts(browser_a)
    monkeypatch.setenv("BACKCARE_REFERRAL_VISITS_WARNING", "1")
    assert "Referral from Dr Lee" not in alerts(browser_a)  # the threshold is configuration
    monkeypatch.delenv("BACKCARE_REFERRAL_VISITS_WARNING")

    browser_a.post(
        "/alerts/acknowledge/",
        {
            "client": client_a.pk,
            "kind": "referral",
            "note": "Asked the GP for more visits",
            "situation": f"referral {referral.pk} nearly used up",
        },
    )
    assert "Referral from Dr Lee" not in alerts(browser_a)  # acknowledged
    record_sessions(therapist_a, client_a, 2)
    shown = alerts(browser_a)
    assert "all 3 authorised visits are used" in shown  # a new situation: the alert is back
    page = section(text(browser_a.get(f"/clients/{client_a.pk}/")), "referrals-h")
    assert "3 of 3 visits used, <strong>none left</strong>" in page

    Referral.objects.filter(pk=referral.pk).update(
        visits_authorised=10, expires_on=TODAY - timedelta(days=1)
    )
    assert f"expired on {TODAY - timedelta(days=1):%-d %b %Y}" in alerts(browser_a)
    Referral.objects.filter(pk=referral.pk).update(expires_on=TODAY + timedelta(days=5))
    assert f"expires on {TODAY + timedelta(days=5):%-d %b %Y}" in alerts(browser_a)
    monkeypatch.setenv("BACKCARE_REFERRAL_EXPIRY_WARNING_DAYS", "4")
    assert "Referral from Dr Lee" not in alerts(browser_a)
    assert browser_a.get(f"/clients/{client_b.pk}/referrals/new/").status_code == 404

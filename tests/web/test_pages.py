"""Every page a therapist uses renders what they need: dashboard, clients, plan, sessions,
clearances and the knowledge browser."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser

from backcare.knowledge import load_knowledge
from backcare.records import clearances, sessions
from backcare.records.models import (
    AuditEvent,
    Clearance,
    Client,
    Plan,
    PlanChange,
    SessionNote,
    User,
)
from backcare.reports.charts import long_date
from tests.web.conftest import NO_FLAGS, TODAY, new_client, session_form


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def section(html: str, heading_id: str) -> str:
    """The part of a page inside the section labelled by this heading."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def svg_region(html: str, region: str) -> str:
    """The opening tag of the body-map shape that draws this region."""
    match = re.search(rf'<\w+ id="region-{region}"[^>]*>', html)
    assert match, f"no shape for {region}"
    return match.group(0)


def errors(html: str) -> str:
    match = re.search(r'<div class="errorbox" role="alert">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def record_sessions(therapist: User, person: Client, count: int) -> None:
    for _ in range(count):
        note = {
            "session_date": TODAY,
            "regions": ["upper_back_left"],
            "pressure": "light",
            "minutes": 45,
            "pain_before": 6,
            "pain_after": 4,
        }
        sessions.record_session(user=therapist, client=person, note=note, today=TODAY)


@pytest.fixture
def waiting(therapist_a: User) -> Client:
    """A client of clinic A whose high blood pressure needs the physician's clearance."""
    return new_client(
        therapist_a, "Walter", "Waite", conditions=[{"id": "hypertension", "status": "active"}]
    )


# Dashboard


def test_the_dashboard_lists_a_client_who_must_see_a_doctor_under_needs_attention(
    browser_a: Browser, therapist_a: User
) -> None:
    new_client(therapist_a, "Rita", "Referred", red_flags={**NO_FLAGS, "history_of_cancer": True})

    attention = section(text(browser_a.get("/")), "alerts-h")

    assert "Rita Referred" in attention
    assert ">refer<" in attention
    assert "No massage; a warning sign needs a doctor" in attention


def test_the_dashboard_shows_a_client_waiting_for_the_physicians_clearance(
    browser_a: Browser, waiting: Client
) -> None:
    attention = section(text(browser_a.get("/")), "alerts-h")

    assert "Walter Waite" in attention
    assert "Waiting for the physician&#x27;s clearance" in attention


def test_the_dashboard_says_a_reassessment_is_due_once_the_plan_has_enough_sessions(
    browser_a: Browser, therapist_a: User, client_a: Client
) -> None:
    due = client_a.plans.get(active=True).reassess_after_sessions
    record_sessions(therapist_a, client_a, due - 1)
    assert "Reassessment due" not in text(browser_a.get("/"))

    record_sessions(therapist_a, client_a, 1)
    attention = section(text(browser_a.get("/")), "alerts-h")

    assert "Ada Lovelace" in attention
    assert f"Reassessment due: {due} sessions since the plan began" in attention


def test_the_dashboard_lists_todays_sessions(
    browser_a: Browser, therapist_a: User, client_a: Client
) -> None:
    record_sessions(therapist_a, client_a, 1)

    today = section(text(browser_a.get("/")), "today-h")

    assert "Ada Lovelace</a>: 45 min, pain 6 → 4" in today


def test_the_dashboard_of_a_quiet_clinic_says_nothing_needs_attention(
    browser_a: Browser, client_a: Client
) -> None:
    assert "Nothing needs attention." in text(browser_a.get("/"))


# Clients: list, search, new


def test_the_client_list_links_to_each_client_of_the_clinic(
    browser_a: Browser, client_a: Client, therapist_a: User
) -> None:
    new_client(therapist_a, "Ben", "Baker")

    html = text(browser_a.get("/clients/"))

    assert f'<a href="/clients/{client_a.pk}/">Lovelace, Ada</a>' in html
    assert "Baker, Ben" in html


def test_searching_finds_a_client_by_part_of_the_name(
    browser_a: Browser, client_a: Client, therapist_a: User
) -> None:
    new_client(therapist_a, "Ben", "Baker")

    html = text(browser_a.get("/clients/", {"q": "love"}))

    assert "Lovelace, Ada" in html
    assert "Baker" not in html


def test_a_search_from_htmx_returns_only_the_table_rows(
    browser_a: Browser, client_a: Client
) -> None:
    response = browser_a.get("/clients/", {"q": "ada"}, headers={"HX-Request": "true"})

    html = text(response).strip()
    assert html.startswith("<tr>")
    assert "Lovelace, Ada" in html
    assert "<html" not in html
    assert "<h1>" not in html


def test_adding_a_client_goes_on_to_their_intake(browser_a: Browser, therapist_a: User) -> None:
    assert browser_a.get("/clients/new/").status_code == 200

    response = browser_a.post(
        "/clients/new/",
        {"first_name": "Nina", "last_name": "Newman", "date_of_birth": "1990-04-02"},
        follow=True,
    )

    person = Client.objects.get(first_name="Nina")
    assert person.clinic == therapist_a.clinic
    assert response.redirect_chain == [(f"/clients/{person.pk}/intake/", 302)]
    assert "Nina Newman added. Next: the intake." in text(response)
    assert "Intake for Nina Newman" in text(response)


def test_a_new_client_without_a_name_is_not_added(browser_a: Browser, therapist_a: User) -> None:
    response = browser_a.post("/clients/new/", {"first_name": "", "last_name": "Newman"})

    assert response.status_code == 200
    assert "This field is required." in text(response)
    assert not Client.objects.filter(last_name="Newman").exists()


# The client page


def test_the_client_page_shows_the_decision_and_the_findings_behind_it(
    browser_a: Browser, client_a: Client
) -> None:
    html = text(browser_a.get(f"/clients/{client_a.pk}/"))

    assert "Massage with changes" in section(html, "decision-h")
    findings = section(html, "findings-h")
    assert "Takes an anticoagulant" in findings
    assert "Bruise" in findings
    assert "Pressure at most <strong>light</strong>" in findings
    assert "Avoid <strong>Low back, left</strong>" in findings


def test_the_client_page_shows_the_plan(browser_a: Browser, client_a: Client) -> None:
    plan = section(text(browser_a.get(f"/clients/{client_a.pk}/")), "plan-h")

    assert "<strong>Swedish massage</strong>, 60 minutes, 1 session a week, 10 sessions" in plan
    assert "reassess after session 5" in plan
    assert "Pressure at most <strong>light</strong>" in plan
    assert f'href="/clients/{client_a.pk}/plan/"' in plan


def test_every_source_linked_from_the_client_page_opens_in_the_knowledge_browser(
    browser_a: Browser, client_a: Client
) -> None:
    html = text(browser_a.get(f"/clients/{client_a.pk}/"))

    links = set(re.findall(r'href="(/knowledge/sources/[^"]+/)"', html))

    assert links
    for link in links:
        assert browser_a.get(link).status_code == 200, link


def test_the_client_page_body_map_hatches_the_regions_to_avoid(
    browser_a: Browser, client_a: Client
) -> None:
    html = text(browser_a.get(f"/clients/{client_a.pk}/"))

    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    bruised = svg_region(html, "low_back_left")
    assert 'class="region avoided"' in bruised
    assert 'fill="url(#hatch)"' in bruised
    assert "Low back, left — avoid: Bruise" in html
    assert 'class="region avoided"' not in svg_region(html, "low_back_right")


def test_before_any_session_the_client_page_says_there_is_no_chart_yet(
    browser_a: Browser, client_a: Client
) -> None:
    chart = section(text(browser_a.get(f"/clients/{client_a.pk}/")), "pain-h")

    assert "No sessions recorded yet." in chart
    assert "<svg" not in chart
    assert "report.pdf" not in chart  # no progress to report yet


def test_a_client_without_an_intake_is_asked_for_one(browser_a: Browser, therapist_a: User) -> None:
    person = new_client(therapist_a, "Nina", "Newman")

    html = text(browser_a.get(f"/clients/{person.pk}/"))

    assert "No intake yet." in html
    assert f'href="/clients/{person.pk}/intake/">Intake</a>' in html


def test_the_assessment_page_shows_the_intake_version_and_what_the_screening_ruled_out(
    browser_a: Browser, client_a: Client
) -> None:
    assessment = client_a.assessments.get()

    html = text(browser_a.get(f"/clients/{client_a.pk}/assessments/{assessment.pk}/"))

    assert "Assessment of Ada Lovelace" in html
    assert "Intake version 1 (Therapist)" in html
    assert "Massage with changes" in html
    assert "Ruled out by the screening" in html
    assert "<strong>Deep tissue massage</strong>: Takes an anticoagulant" in html
    assert "warfarin 5 mg" in html


# Plan


def plan_post(plan: Plan, **changes: str) -> dict[str, str]:
    """The plan form as shown, with these fields changed."""
    return {
        "modality": plan.modality,
        "session_minutes": str(plan.session_minutes),
        "sessions_per_week": str(plan.sessions_per_week),
        "total_sessions": str(plan.total_sessions),
        "reassess_after_sessions": str(plan.reassess_after_sessions),
        "max_pressure": plan.max_pressure,
        "reason": "client asked for shorter sessions",
        **changes,
    }


def test_the_plan_form_shows_the_plan_and_marks_what_the_screening_ruled_out(
    browser_a: Browser, client_a: Client
) -> None:
    html = text(browser_a.get(f"/clients/{client_a.pk}/plan/"))

    assert '<option value="swedish" selected' in html
    assert re.search(
        r'<option value="deep_tissue"\s+disabled>Deep tissue massage \(ruled out\)', html
    )
    assert "at most <strong>light</strong> pressure" in html
    assert 'name="session_minutes" value="60"' in html
    assert "No changes since the plan was made from the assessment." in html


def test_a_plan_change_is_saved_and_listed_with_its_reason(
    browser_a: Browser, client_a: Client
) -> None:
    plan = client_a.plans.get(active=True)

    response = browser_a.post(
        f"/clients/{client_a.pk}/plan/", plan_post(plan, session_minutes="45")
    )

    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client_a.pk}/"
    plan.refresh_from_db()
    assert plan.session_minutes == 45
    change = PlanChange.objects.get(plan=plan)
    assert (change.field, change.old, change.new) == ("session_minutes", 60, 45)
    html = text(browser_a.get(f"/clients/{client_a.pk}/plan/"))
    assert "session minutes: 60 → 45" in html
    assert "client asked for shorter sessions" in html


def test_a_plan_cannot_raise_pressure_above_the_screenings_cap(
    browser_a: Browser, client_a: Client
) -> None:
    plan = client_a.plans.get(active=True)

    response = browser_a.post(f"/clients/{client_a.pk}/plan/", plan_post(plan, max_pressure="firm"))

    assert response.status_code == 200
    assert "max_pressure: the screening allows at most light" in errors(text(response))
    plan.refresh_from_db()
    assert plan.max_pressure == "light"
    assert not PlanChange.objects.exists()


def test_a_plan_cannot_switch_to_a_kind_of_massage_the_screening_ruled_out(
    browser_a: Browser, client_a: Client
) -> None:
    plan = client_a.plans.get(active=True)

    response = browser_a.post(
        f"/clients/{client_a.pk}/plan/", plan_post(plan, modality="deep_tissue")
    )

    assert response.status_code == 200
    assert "modality: ruled out by the screening: Takes an anticoagulant" in errors(text(response))
    plan.refresh_from_db()
    assert plan.modality == "swedish"
    assert not PlanChange.objects.exists()


def test_a_plan_change_needs_a_reason(browser_a: Browser, client_a: Client) -> None:
    plan = client_a.plans.get(active=True)

    response = browser_a.post(
        f"/clients/{client_a.pk}/plan/", plan_post(plan, session_minutes="45", reason=" ")
    )

    assert "reason: say why the plan changes" in errors(text(response))
    assert not PlanChange.objects.exists()


def test_a_plan_change_with_a_number_missing_is_refused(
    browser_a: Browser, client_a: Client
) -> None:
    plan = client_a.plans.get(active=True)

    response = browser_a.post(f"/clients/{client_a.pk}/plan/", plan_post(plan, total_sessions=""))

    assert "total_sessions: needs a value: a whole number from 1 to 52" in errors(text(response))
    assert not PlanChange.objects.exists()


# Session notes


def test_the_session_form_shows_the_body_chart_with_the_regions_to_avoid(
    browser_a: Browser, client_a: Client
) -> None:
    html = text(browser_a.get(f"/clients/{client_a.pk}/sessions/new/"))

    assert 'class="body-map"' in html
    assert 'role="group"' in html
    assert 'tabindex="0"' in svg_region(html, "upper_back_left")
    assert "avoided" in svg_region(html, "low_back_left")
    assert "avoided" in svg_region(html, "spine")
    assert 'value="low_back_left" data-label="Low back, left" data-avoid="Bruise"' in html
    assert "Plan: Swedish massage, 60 minutes, pressure at most <strong>light</strong>" in html


def test_a_session_is_recorded_and_its_pain_scores_appear_on_the_chart(
    browser_a: Browser, client_a: Client, therapist_a: User
) -> None:
    response = browser_a.post(f"/clients/{client_a.pk}/sessions/new/", session_form())

    assert response.status_code == 302
    note = SessionNote.objects.get(client=client_a)
    assert note.regions == ["upper_back_left", "upper_back_right"]
    assert (note.pain_before, note.pain_after, note.minutes) == (6, 3, 45)
    assert note.therapist == therapist_a
    assert note.plan == client_a.plans.get(active=True)
    chart = section(text(browser_a.get(f"/clients/{client_a.pk}/")), "pain-h")
    assert f"{long_date(TODAY)}: pain 6 before session" in chart
    assert f"{long_date(TODAY)}: pain 3 after session" in chart
    assert "No sessions recorded yet" not in chart


def test_a_session_on_a_region_the_plan_avoids_needs_confirming(
    browser_a: Browser, client_a: Client
) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/sessions/new/",
        session_form(regions=["low_back_left", "upper_back_left"]),
    )

    assert response.status_code == 200
    message = errors(text(response))
    assert "the plan avoids low_back_left (Bruise)" in message
    assert "confirm and say why to record it anyway" in message
    assert '<div id="avoid-warning" class="warning" role="alert" >' in text(response)
    assert not SessionNote.objects.exists()


def test_a_confirmed_session_on_an_avoided_region_is_recorded_and_audited(
    browser_a: Browser, client_a: Client
) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/sessions/new/",
        session_form(
            regions=["low_back_left", "upper_back_left"],
            confirm_avoided="on",
            deviation_reason="bruise has faded; light strokes only",
        ),
    )

    assert response.status_code == 302
    note = SessionNote.objects.get(client=client_a)
    assert "low_back_left" in note.regions
    assert note.deviation_reason == "bruise has faded; light strokes only"
    event = AuditEvent.objects.get(action="session.record")
    assert event.detail == {
        "avoided_regions_treated": ["low_back_left"],
        "reason": "bruise has faded; light strokes only",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("session_date", "tomorrow", "session_date: write the date as YYYY-MM-DD"),
        ("session_date", (TODAY + timedelta(days=1)).isoformat(), "is in the future"),
        ("pain_before", "11", "pain_before: a whole number from 0 to 10"),
        ("pressure", "crushing", "pressure: allowed: light, medium, firm"),
    ],
)
def test_a_session_with_a_wrong_value_is_refused(
    browser_a: Browser, client_a: Client, field: str, value: str, message: str
) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/sessions/new/", session_form(**{field: value})
    )

    assert response.status_code == 200
    assert message in errors(text(response))
    assert not SessionNote.objects.exists()


def test_the_session_page_of_a_client_without_an_intake_says_why_and_offers_no_form(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(therapist_a, "Nina", "Newman")

    response = browser_a.get(f"/clients/{person.pk}/sessions/new/")

    assert response.status_code == 200
    html = text(response)
    assert "Session note for Nina Newman" in html
    assert "Plan:" not in html
    assert "record the intake before the first session" in html
    assert "Record session</button>" not in html


DECISIONS = {
    "no intake": None,
    "proceed": {"preferences": {"pressure": "medium"}},
    "modify": {"medications": ["warfarin 5 mg"]},
    "postpone": {"conditions": ["flu"]},
    "clearance": {"conditions": ["zebra syndrome"]},
    "refer": {"red_flags": {**NO_FLAGS, "fever": True}},
    "emergency": {"red_flags": {**NO_FLAGS, "saddle_numbness": True}},
}


@pytest.mark.parametrize("decision", DECISIONS)
def test_every_page_of_a_client_opens_whatever_the_decision(
    browser_a: Browser, therapist_a: User, decision: str
) -> None:
    person = new_client(therapist_a, "Dana", "Decided", **(DECISIONS[decision] or {}))
    latest = person.assessments.first()
    assert (latest.decision if latest else "no intake") == decision
    pages = ["", "intake/", "sessions/new/", "clearances/new/"]
    pages += [f"assessments/{latest.pk}/"] if latest else []

    for page in pages:
        assert browser_a.get(f"/clients/{person.pk}/{page}").status_code == 200, page
    plan_page = browser_a.get(f"/clients/{person.pk}/plan/")
    assert plan_page.status_code == 200
    has_plan = person.plans.filter(active=True).exists()
    assert ("No plan for Dana Decided now" in text(plan_page)) is not has_plan


# Clearances


def test_the_clearance_form_lists_the_findings_waiting_for_clearance(
    browser_a: Browser, waiting: Client
) -> None:
    html = text(browser_a.get(f"/clients/{waiting.pk}/clearances/new/"))

    assert "Record a clearance for Walter Waite" in html
    assert re.search(r'<input type="checkbox" name="covers" value="[^"]+" checked>', html)


def test_a_recorded_clearance_lets_the_plan_go_ahead(browser_a: Browser, waiting: Client) -> None:
    rules = [
        f["rule"]
        for f in waiting.assessments.get().result["findings"]
        if f["decision"] == "clearance"
    ]

    response = browser_a.post(
        f"/clients/{waiting.pk}/clearances/new/",
        {
            "received_from": "Dr Jones, GP",
            "received_on": TODAY.isoformat(),
            "note": "gentle massage is fine",
            "covers": rules,
        },
        follow=True,
    )

    clearance = Clearance.objects.get(client=waiting)
    assert clearance.received_from == "Dr Jones, GP"
    assert response.redirect_chain == [(f"/clients/{waiting.pk}/", 302)]
    html = text(response)
    assert "Clearance recorded" in html
    assert "from Dr Jones, GP: gentle massage is fine" in html
    assert "Hold: physician clearance needed" not in html
    assert waiting.plans.filter(active=True).exists()
    assert "Waiting for the physician" not in text(browser_a.get("/"))


def test_a_clearance_keeps_the_scanned_document(
    browser_a: Browser, waiting: Client, settings: Any, tmp_path: Path
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    scan = SimpleUploadedFile(
        "clearance.pdf", b"%PDF-1.4 cleared for gentle massage", content_type="application/pdf"
    )

    browser_a.post(
        f"/clients/{waiting.pk}/clearances/new/",
        {
            "received_from": "Dr Jones, GP",
            "received_on": TODAY.isoformat(),
            "covers": [f["rule"] for f in clearances.pending(waiting)],
            "document": scan,
        },
    )

    clearance = Clearance.objects.get(client=waiting)
    stored = clearance.document
    assert re.fullmatch(
        rf"clinic-{waiting.clinic_id}/clearances/{TODAY.year}/[0-9a-f]{{32}}\.pdf", stored.name
    )
    assert (tmp_path / stored.name).read_bytes() == b"%PDF-1.4 cleared for gentle massage"
    assert (clearance.document_name, clearance.document_type) == (
        "clearance.pdf",
        "application/pdf",
    )


def test_a_clearance_without_who_gave_it_is_refused(browser_a: Browser, waiting: Client) -> None:
    rules = [
        f["rule"]
        for f in waiting.assessments.get().result["findings"]
        if f["decision"] == "clearance"
    ]

    response = browser_a.post(
        f"/clients/{waiting.pk}/clearances/new/",
        {"received_from": "", "received_on": TODAY.isoformat(), "covers": rules},
    )

    assert response.status_code == 200
    assert "received_from: who gave the clearance is required" in errors(text(response))
    assert not Clearance.objects.exists()
    assert waiting.intakes.count() == 1


def test_a_clearance_with_an_unreadable_date_is_refused(
    browser_a: Browser, waiting: Client
) -> None:
    response = browser_a.post(
        f"/clients/{waiting.pk}/clearances/new/",
        {"received_from": "Dr Jones, GP", "received_on": "last week"},
    )

    assert "received_on: write the date as YYYY-MM-DD" in errors(text(response))
    assert not Clearance.objects.exists()


# Knowledge browser


def test_the_knowledge_index_links_to_every_kind_of_entry(browser_a: Browser) -> None:
    html = text(browser_a.get("/knowledge/"))

    assert "Knowledge base" in html
    for kind in ("conditions", "medications", "modalities", "sources"):
        assert f'href="/knowledge/{kind}/"' in html


def test_a_kind_lists_its_entries(browser_a: Browser) -> None:
    html = text(browser_a.get("/knowledge/conditions/"))

    assert '<a href="/knowledge/conditions/osteoporosis/">Osteoporosis</a>' in html


def test_a_condition_page_shows_the_decision_by_status_and_where_sources_disagree(
    browser_a: Browser,
) -> None:
    html = text(browser_a.get("/knowledge/conditions/osteoporosis/"))

    assert "<h2>Decision by status</h2>" in html
    assert "<h2>Where sources disagree</h2>" in html
    assert "Physician clearance before massage" in html
    assert "backcare follows <strong>werner-pathology</strong>" in html
    assert 'href="/knowledge/sources/werner-pathology/"' in html


def test_searching_the_knowledge_base_for_warfarin_finds_the_anticoagulants(
    browser_a: Browser,
) -> None:
    html = text(browser_a.get("/knowledge/", {"q": "warfarin"}))

    assert '<a href="/knowledge/medications/anticoagulant/">Anticoagulant</a>' in html


@pytest.mark.parametrize("url", ["/knowledge/spells/", "/knowledge/conditions/dragon-pox/"])
def test_an_unknown_knowledge_page_is_not_found(browser_a: Browser, url: str) -> None:
    assert browser_a.get(url).status_code == 404


@pytest.mark.parametrize("kind", sorted(load_knowledge().kinds()))
def test_every_entry_of_every_kind_opens_from_its_list(browser_a: Browser, kind: str) -> None:
    html = text(browser_a.get(f"/knowledge/{kind}/"))
    entries = re.findall(rf'href="(/knowledge/{kind}/[^"/]+/)"', html)

    assert len(entries) == len(load_knowledge().kinds()[kind])
    for entry in entries:
        assert browser_a.get(entry).status_code == 200, entry

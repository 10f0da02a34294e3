"""Who may open what: log-in, clinic boundaries, the audit log, log-in throttling, first setup."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from backcare.records import clearances, consent, painlog, selfservice, sessions
from backcare.records.models import (
    AuditEvent,
    Clearance,
    Client,
    ClientChange,
    Clinic,
    Intake,
    IntakeDraft,
    Measure,
    PainLogLink,
    PlanChange,
    Referral,
    SelfServiceLink,
    SessionAmendment,
    SessionNote,
    User,
)
from backcare.web.intake_form import IntakeForm
from tests.web.conftest import PASSWORD, TODAY, intake_form, new_client, session_form

CLINIC_PAGES = [
    ("get", "dashboard"),
    ("get", "clients"),
    ("get", "client_new"),
    ("post", "client_new"),
    ("get", "knowledge"),
    ("get", "knowledge_kind"),
    ("get", "knowledge_entry"),
    ("get", "audit"),
    ("get", "clinic_settings"),
    ("post", "clinic_settings"),
    ("get", "clinic_export"),
    ("post", "clinic_export"),
    ("get", "outcomes"),
]
CLIENT_PAGES = [
    ("get", "client"),
    ("get", "intake_new"),
    ("post", "intake_new"),
    ("post", "link_new"),
    ("get", "assessment"),
    ("get", "plan_edit"),
    ("post", "plan_edit"),
    ("get", "session_new"),
    ("post", "session_new"),
    ("get", "clearance_new"),
    ("post", "clearance_new"),
    ("get", "selfcare"),
    ("get", "draft"),
    ("post", "draft"),
    ("get", "draft_review"),
    ("post", "draft_review"),
    ("post", "draft_discard"),
    ("post", "link_revoke"),
    ("get", "client_edit"),
    ("post", "client_edit"),
    ("get", "intake_version"),
    ("get", "session"),
    ("post", "session"),
    ("get", "clearance_document"),
    ("get", "referral_new"),
    ("post", "referral_new"),
    ("post", "own_copy"),
    ("post", "fhir_export"),
    ("get", "measure_new"),
    ("post", "measure_new"),
    ("post", "log_link_new"),
    ("post", "log_link_revoke"),
    ("get", "progress_report_page"),
    ("get", "progress_report"),
]
WITH_DRAFT = ("draft", "draft_review", "draft_discard", "link_revoke")


def with_draft(person: Client) -> Client:
    """The client with self-service answers waiting, and a new active link."""
    if not person.drafts.exists():
        token = selfservice.create_link(user=person.created_by, client=person, now=timezone.now())
        data = {k: v for k, v in intake_form().items() if k != "assessed_on"}
        form = IntakeForm(data, for_client=True)
        assert form.is_valid(), form.errors
        selfservice.submit(
            token=token,
            data=form.to_intake(),
            consent=consent.given(agreed=True, name="A Client", now=timezone.now()),
            now=timezone.now(),
            today=timezone.localdate(),
        )
        selfservice.create_link(user=person.created_by, client=person, now=timezone.now())
    return person


def with_log_link(person: Client) -> Client:
    """The client with an active pain log link."""
    if not person.pain_log_links.exists():
        painlog.create_link(user=person.created_by, client=person, now=timezone.now())
    return person


def test_every_client_page_of_the_url_map_is_in_the_access_checks():
    from backcare.web.urls import urlpatterns

    about_a_client = {p.name for p in urlpatterns if "client_id" in p.pattern.converters}
    assert about_a_client == {name for _, name in CLIENT_PAGES}


def url_of(name: str, person: Client) -> str:
    """The address of a named page, for this client where the page is about a client."""
    args: dict[str, list[Any]] = {
        "knowledge_kind": ["conditions"],
        "knowledge_entry": ["conditions", "osteoporosis"],
        "assessment": [person.pk, person.assessments.first().pk],
        "intake_version": [person.pk, 1],
        "session": [person.pk, getattr(person.sessions.first(), "pk", 1)],
        "clearance_document": [person.pk, getattr(person.clearances.first(), "pk", 1)],
    }
    if name in args:
        return reverse(name, args=args[name])
    if name == "log_link_revoke":
        return reverse(name, args=[person.pk, with_log_link(person).pain_log_links.first().pk])
    if name in WITH_DRAFT:
        with_draft(person)
        of = person.links.first() if name == "link_revoke" else person.drafts.get()
        return reverse(name, args=[person.pk, of.pk])
    if name in {page for _, page in CLIENT_PAGES}:
        return reverse(name, args=[person.pk])
    return reverse(name)


def send(browser: Browser, method: str, name: str, person: Client) -> Any:
    """GET the page, or POST it data it would accept, so that only the access check refuses."""
    url = url_of(name, person)
    return browser.get(url) if method == "get" else browser.post(url, valid_post(name, person))


NEW_CLIENT_BUNDLE = (
    b'{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
    b'{"resourceType": "Patient", "name": [{"family": "New", "given": ["Nina"]}], '
    b'"birthDate": "1980-02-03"}}]}'
)


def valid_post(name: str, person: Client) -> dict[str, Any]:
    plan = person.plans.filter(active=True).first()
    return {
        "client_new": {"first_name": "Nina", "last_name": "New"},
        "fhir_import": {"bundle": SimpleUploadedFile("nina.json", NEW_CLIENT_BUNDLE)},
        "api_tokens": {"name": "checking access", "scope": "read", "days": "5"},
        "intake_new": intake_form(reason="checking access"),
        "plan_edit": {
            "modality": "relaxation",
            "session_minutes": "30",
            "sessions_per_week": "1",
            "total_sessions": "6",
            "reassess_after_sessions": "3",
            "max_pressure": plan.max_pressure if plan else "light",
            "reason": "shorter sessions",
        },
        "session_new": session_form(),
        "measure_new": {
            "instrument": "rmdq",
            "total": "9",
            "measured_on": TODAY.isoformat(),
            "point": "baseline",
        },
        "draft": {"then": "merge"},
        "draft_review": intake_form(reason="checking access"),
        "session": {"text": "pain 2 by the evening, said on the phone"},
        "client_edit": {"first_name": "Nina", "last_name": "Renamed", "reason": "married"},
        "referral_new": {
            "referrer": "Dr Who, GP",
            "referred_on": "2020-01-01",
            "diagnosis": "Low back pain",
            "visits_authorised": "6",
        },
        "clearance_new": {
            "received_from": "Dr Who, GP",
            "received_on": "2020-01-01",
            "covers": [finding["rule"] for finding in clearances.pending(person)],
        },
    }.get(name, {})


def records_of(person: Client) -> dict[str, int]:
    return {
        "intakes": Intake.objects.filter(client=person).count(),
        "links": SelfServiceLink.objects.filter(client=person).count(),
        "plan changes": PlanChange.objects.filter(plan__client=person).count(),
        "sessions": SessionNote.objects.filter(client=person).count(),
        "clearances": Clearance.objects.filter(client=person).count(),
        "drafts waiting": IntakeDraft.objects.filter(client=person, state="pending").count(),
        "links revoked": SelfServiceLink.objects.filter(client=person)
        .exclude(revoked_at=None)
        .count(),
        "amendments": SessionAmendment.objects.filter(session__client=person).count(),
        "client changes": ClientChange.objects.filter(client=person).count(),
        "referrals": Referral.objects.filter(client=person).count(),
        "measures": Measure.objects.filter(client=person).count(),
        "pain log links": PainLogLink.objects.filter(client=person).count(),
        "pain log links revoked": PainLogLink.objects.filter(client=person)
        .exclude(revoked_at=None)
        .count(),
    }


@pytest.fixture
def clinic_b_clients(therapist_b: User, client_b: Client) -> dict[str, Client]:
    """Clinic B's client for each page: one with a plan, and one waiting for a clearance."""
    waiting = new_client(
        therapist_b, "Cy", "Waiting", conditions=[{"id": "hypertension", "status": "active"}]
    )
    note = {"session_date": TODAY, "regions": [], "pressure": "light", "minutes": 30}
    sessions.record_session(user=therapist_b, client=client_b, note=note, today=TODAY)
    cleared = new_client(
        therapist_b, "Dee", "Cleared", conditions=[{"id": "hypertension", "status": "active"}]
    )
    clearances.record_clearance(
        user=therapist_b,
        client=cleared,
        received_from="Dr Who, GP",
        received_on=TODAY,
        covers=[finding["rule"] for finding in clearances.pending(cleared)],
        document=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 cleared", "application/pdf"),
        today=TODAY,
    )
    return {"clearance_new": waiting, "clearance_document": cleared, "other pages": client_b}


def subject(name: str, clinic_b_clients: dict[str, Client]) -> Client:
    theirs = clinic_b_clients.get(name, clinic_b_clients["other pages"])
    if name == "log_link_revoke":
        return with_log_link(theirs)
    return with_draft(theirs) if name in WITH_DRAFT else theirs


# Log-in


@pytest.mark.parametrize(("method", "name"), CLINIC_PAGES + CLIENT_PAGES)
def test_every_clinic_page_sends_an_anonymous_visitor_to_log_in_first(
    anonymous: Browser, client_a: Client, method: str, name: str
) -> None:
    url = url_of(name, client_a)
    before = records_of(client_a)

    response = send(anonymous, method, name, client_a)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"
    assert records_of(client_a) == before
    assert not Client.objects.filter(first_name="Nina").exists()


def test_the_log_in_page_is_open_to_anyone(anonymous: Browser) -> None:
    response = anonymous.get("/login/")

    assert response.status_code == 200
    assert b"Log in" in response.content


def test_a_self_service_link_opens_without_logging_in(
    anonymous: Browser, therapist_a: User, client_a: Client
) -> None:
    token = selfservice.create_link(user=therapist_a, client=client_a, now=timezone.now())

    response = anonymous.get(f"/i/{token}/")

    assert response.status_code == 200
    assert b"Hello Ada" in response.content


def test_logging_in_with_the_right_password_opens_the_dashboard(
    anonymous: Browser, therapist_a: User
) -> None:
    response = anonymous.post("/login/", {"username": "anna", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert anonymous.get("/").status_code == 200


def test_logging_in_returns_to_the_page_that_was_asked_for(
    anonymous: Browser, therapist_a: User
) -> None:
    asked = anonymous.get("/clients/")

    response = anonymous.post(
        asked["Location"], {"username": "anna", "password": PASSWORD, "next": "/clients/"}
    )

    assert response["Location"] == "/clients/"


def test_logging_in_never_sends_the_user_to_another_site(
    anonymous: Browser, therapist_a: User
) -> None:
    response = anonymous.post(
        "/login/", {"username": "anna", "password": PASSWORD, "next": "https://evil.example/phish"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logging_out_ends_the_session(browser_a: Browser) -> None:
    response = browser_a.post("/logout/")

    assert response["Location"] == "/login/"
    assert browser_a.get("/").status_code == 302


@pytest.mark.parametrize("url", ["/login/", "/clients/new/"])
def test_a_form_posted_without_its_csrf_token_is_refused(therapist_a: User, url: str) -> None:
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(therapist_a)

    response = browser.post(
        url, {"first_name": "Nina", "last_name": "Newman", "username": "anna", "password": PASSWORD}
    )

    assert response.status_code == 403
    assert not Client.objects.filter(first_name="Nina").exists()


def test_an_account_outside_any_clinic_is_refused(db: Any) -> None:
    outsider = User.objects.create_user(username="root", password=PASSWORD)
    browser = Browser()
    browser.force_login(outsider)

    assert browser.get("/").status_code == 403
    assert browser.get("/clients/").status_code == 403


# Clinic boundaries


@pytest.mark.parametrize(("method", "name"), CLIENT_PAGES)
def test_another_clinics_client_is_not_found_on_any_client_page(
    browser_a: Browser,
    client_a: Client,
    clinic_b_clients: dict[str, Client],
    method: str,
    name: str,
) -> None:
    theirs = subject(name, clinic_b_clients)
    before = records_of(theirs)

    response = send(browser_a, method, name, theirs)

    assert response.status_code == 404
    assert theirs.first_name.encode() not in response.content
    assert records_of(theirs) == before


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("intake_new", "intakes"),
        ("link_new", "links"),
        ("plan_edit", "plan changes"),
        ("session_new", "sessions"),
        ("clearance_new", "clearances"),
        ("draft", "intakes"),
        ("draft_review", "intakes"),
        ("session", "amendments"),
        ("client_edit", "client changes"),
        ("referral_new", "referrals"),
    ],
)
def test_the_same_posts_from_the_clients_own_clinic_are_recorded(
    therapist_b: User, clinic_b_clients: dict[str, Client], name: str, kind: str
) -> None:
    theirs = subject(name, clinic_b_clients)
    own = Browser()
    own.force_login(therapist_b)
    before = records_of(theirs)

    response = send(own, "post", name, theirs)

    assert response.status_code in (200, 302)
    assert records_of(theirs)[kind] > before[kind]


def test_another_clinics_assessment_is_not_found_under_ones_own_client(
    browser_a: Browser, client_a: Client, client_b: Client
) -> None:
    theirs = client_b.assessments.get()

    response = browser_a.get(f"/clients/{client_a.pk}/assessments/{theirs.pk}/")

    assert response.status_code == 404


def test_another_clinics_client_never_appears_in_the_client_list(
    browser_a: Browser, client_a: Client, client_b: Client
) -> None:
    response = browser_a.get("/clients/")

    assert b"Lovelace, Ada" in response.content
    assert b"Bea" not in response.content
    assert b"Other" not in response.content


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx"])
def test_searching_for_another_clinics_client_finds_nothing(
    browser_a: Browser, client_a: Client, client_b: Client, headers: dict[str, str]
) -> None:
    response = browser_a.get("/clients/", {"q": "Bea Other"}, headers=headers)

    assert response.status_code == 200
    assert b"No clients found." in response.content
    assert b"Bea" not in response.content.replace(b'value="Bea Other"', b"")


# The audit log


def test_a_therapist_may_not_read_the_audit_log(browser_a: Browser) -> None:
    assert browser_a.get("/audit/").status_code == 403


def test_a_clinic_admin_reads_the_audit_log_of_their_own_clinic_only(
    admin_browser: Browser, client_a: Client, client_b: Client
) -> None:
    assert AuditEvent.objects.filter(client=client_b).exists()

    response = admin_browser.get("/audit/")

    assert response.status_code == 200
    assert b"Ada Lovelace" in response.content
    assert b"intake.record" in response.content
    assert b"Bea Other" not in response.content
    assert b"bert" not in response.content


def test_the_audit_log_is_in_the_navigation_of_an_admin_only(
    admin_browser: Browser, browser_a: Browser
) -> None:
    assert b'href="/audit/"' in admin_browser.get("/").content
    assert b'href="/audit/"' not in browser_a.get("/").content


# Log-in throttling


def test_five_failed_log_ins_lock_the_user_name_even_against_the_right_password(
    anonymous: Browser, therapist_a: User
) -> None:
    for _ in range(5):
        anonymous.post("/login/", {"username": "anna", "password": "not-the-password"})

    response = anonymous.post("/login/", {"username": "anna", "password": PASSWORD})

    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in anonymous.session
    assert anonymous.get("/").status_code == 302


def test_four_failed_log_ins_still_let_the_right_password_in(
    anonymous: Browser, therapist_a: User
) -> None:
    for _ in range(4):
        failed = anonymous.post("/login/", {"username": "anna", "password": "not-the-password"})
        assert failed.status_code == 200
        assert b"do not match" in failed.content

    response = anonymous.post("/login/", {"username": "anna", "password": PASSWORD})

    assert response.status_code == 302
    assert anonymous.get("/").status_code == 200


def test_a_locked_user_name_does_not_lock_a_colleague_at_another_address(
    anonymous: Browser, therapist_a: User, admin_a: User
) -> None:
    for _ in range(5):
        anonymous.post("/login/", {"username": "anna", "password": "not-the-password"})

    colleague = Browser(REMOTE_ADDR="192.0.2.20")
    response = colleague.post("/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"


# First-run setup


SETUP = {
    "clinic": "Back in Shape",
    "full_name": "Sam Setup",
    "email": "sam@example.org",
    "username": "sam",
    "password": "correct-horse-battery",
    "password_again": "correct-horse-battery",
}


def test_the_setup_page_is_gone_once_an_account_exists(
    anonymous: Browser, therapist_a: User
) -> None:
    assert anonymous.get("/setup/").status_code == 404
    assert anonymous.post("/setup/", SETUP).status_code == 404
    assert not User.objects.filter(username="sam").exists()


def test_setup_on_a_fresh_database_creates_the_clinic_and_its_admin_and_logs_in(
    anonymous: Browser, db: Any
) -> None:
    assert anonymous.get("/setup/").status_code == 200

    response = anonymous.post("/setup/", SETUP, follow=True)

    admin = User.objects.get(username="sam")
    assert admin.is_clinic_admin
    assert admin.clinic == Clinic.objects.get(name="Back in Shape")
    assert admin.get_full_name() == "Sam Setup"
    assert response.redirect_chain == [("/", 302)]
    assert b"Your clinic is ready" in response.content
    assert b"Log out sam" in response.content


def test_setup_answers_only_on_this_machine(db: Any) -> None:
    remote = Browser(REMOTE_ADDR="203.0.113.7")

    assert remote.get("/setup/").status_code == 403
    assert remote.post("/setup/", SETUP).status_code == 403
    assert not User.objects.exists()


def test_setup_refuses_a_weak_password(anonymous: Browser, db: Any) -> None:
    weak = {**SETUP, "password": "password", "password_again": "password"}

    response = anonymous.post("/setup/", weak)

    assert response.status_code == 200
    assert b"This password is too common." in response.content
    assert not User.objects.exists()
    assert not Clinic.objects.exists()


def test_setup_refuses_two_different_passwords(anonymous: Browser, db: Any) -> None:
    response = anonymous.post("/setup/", {**SETUP, "password_again": "correct-horse-battery!"})

    assert b"the two passwords differ" in response.content
    assert not User.objects.exists()

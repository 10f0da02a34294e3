"""Who gets what from every address of the app: each URL of the URL map, for an anonymous visitor,
a therapist, a clinic admin and another clinic's admin, by GET and by POST, against one table.

The URLs come from Django's resolver, so a page added without a row here fails the first test.
Every request runs in a transaction rolled back afterwards, so each starts from the same records:
a client of clinic A with an intake, a plan, a session, a clearance letter and answers from a
self-service link waiting. POSTs carry data the page would accept (tests/web/test_access.py), so
a refusal comes from the access check rather than from the form.

Outcomes: ``ok`` (200: the page, or its form shown again with what is wrong), ``done`` (a
redirect after a save or an action), ``login`` (sent to log in first), ``400`` (a form refused),
``403`` (the role may not), ``404`` (not in the user's clinic, or setup done), ``405`` (method not
allowed), ``410`` (a self-service link that is not valid). Anonymous visitors and the other
clinic's admin must also leave clinic A's records as they were after any POST, whatever the
answer.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from backcare.records import accounts, batch_jobs, sessions
from backcare.records.models import Clearance, Client, Clinic, User
from tests.web.conftest import PASSWORD, TODAY
from tests.web.test_access import records_of, valid_post, with_draft

ROLES = ("anonymous", "therapist", "admin", "other clinic's admin")
OUTSIDERS = {"anonymous", "other clinic's admin"}  # who must never change clinic A's records

# URL name: "GET POST" for each role, in the order of ROLES
TABLE: dict[str, tuple[str, str, str, str]] = {
    "dashboard": ("login login", "ok ok", "ok ok", "ok ok"),
    "login": ("ok ok", "ok ok", "ok ok", "ok ok"),
    "logout": ("405 login", "405 login", "405 login", "405 login"),
    "setup": ("404 404", "404 404", "404 404", "404 404"),
    "clients": ("login login", "ok ok", "ok ok", "ok ok"),
    "client_new": ("login login", "ok done", "ok done", "ok done"),
    "alert_acknowledge": ("login login", "done done", "done done", "done done"),
    "alerts": ("login login", "ok ok", "ok ok", "ok ok"),
    "client": ("login login", "ok ok", "ok ok", "404 404"),
    "client_edit": ("login login", "ok done", "ok done", "404 404"),
    "intake_version": ("login login", "ok ok", "ok ok", "404 404"),
    "intake_new": ("login login", "ok done", "ok done", "404 404"),
    "link_new": ("login login", "done ok", "done ok", "404 404"),
    "link_revoke": ("login login", "done done", "done done", "404 404"),
    "draft": ("login login", "ok done", "ok done", "404 404"),
    "draft_review": ("login login", "ok done", "ok done", "404 404"),
    "draft_discard": ("login login", "done done", "done done", "404 404"),
    "assessment": ("login login", "ok ok", "ok ok", "404 404"),
    "plan_edit": ("login login", "ok done", "ok done", "404 404"),
    "selfcare": ("login login", "ok ok", "ok ok", "404 404"),
    "session_new": ("login login", "ok done", "ok done", "404 404"),
    "session": ("login login", "ok done", "ok done", "404 404"),
    "clearance_new": ("login login", "ok ok", "ok ok", "404 404"),
    "clearance_document": ("login login", "ok ok", "ok ok", "404 404"),
    "self_intake": ("410 410", "410 410", "410 410", "410 410"),
    "self_check": ("ok ok", "ok ok", "ok ok", "ok ok"),
    "knowledge": ("login login", "ok ok", "ok ok", "ok ok"),
    "knowledge_kind": ("login login", "ok ok", "ok ok", "ok ok"),
    "knowledge_entry": ("login login", "ok ok", "ok ok", "ok ok"),
    "audit": ("login login", "403 403", "ok ok", "ok ok"),
    "clinic_settings": ("login login", "403 403", "ok 400", "ok 400"),
    "audit_export": ("login login", "403 403", "ok ok", "ok ok"),
    "users": ("login login", "403 403", "ok 400", "ok 400"),
    "user_change": ("login login", "405 403", "405 done", "405 404"),
    "password_change": ("login login", "ok ok", "ok ok", "ok ok"),
    "two_factor": ("login login", "ok 400", "ok 400", "ok 400"),
    "two_factor_verify": ("login login", "done done", "done done", "done done"),
    "set_password": ("ok ok", "ok ok", "ok ok", "ok ok"),
    "self_intake_step": ("410 410", "410 410", "410 410", "410 410"),
    "referral_new": ("login login", "ok done", "ok done", "404 404"),
    "own_copy": ("login login", "done ok", "done ok", "done 404"),
    "progress_report_page": ("login login", "ok ok", "ok ok", "404 404"),
    "progress_report": ("login login", "ok ok", "ok ok", "404 404"),
    "fhir_export": ("login login", "done ok", "done ok", "done 404"),
    "fhir_import": ("login login", "ok ok", "ok ok", "ok ok"),
    "clinic_export": ("login login", "403 403", "ok ok", "ok ok"),
    "batch": ("login login", "403 403", "ok 400", "ok 400"),
    "batch_job": ("login login", "403 403", "ok ok", "404 404"),
    "batch_download": ("login login", "done 403", "done ok", "done 404"),
    "measure_new": ("login login", "ok done", "ok done", "404 404"),
    "log_link_new": ("login login", "done done", "done done", "404 404"),
    "log_link_revoke": ("login login", "done 404", "done 404", "404 404"),
    "outcomes": ("login login", "ok ok", "ok ok", "ok ok"),
    "pain_log": ("410 410", "410 410", "410 410", "410 410"),
    # CDS Hooks: discovery is public; calls and feedback need a signed JWT, not a session
    "cds_discovery": ("ok 405", "ok 405", "ok 405", "ok 405"),
    "cds_service": ("405 401", "405 401", "405 401", "405 401"),
    "cds_feedback": ("405 401", "405 401", "405 401", "405 401"),
    "cds_assessment": ("login login", "404 405", "404 405", "404 405"),
    "api_tokens": ("login login", "ok ok", "ok ok", "ok ok"),
}

# The API's addresses answer a Bearer token, never a signed-in session, so this table of roles
# with sessions does not fit them: tests/web/test_api.py walks every operation of the API's
# OpenAPI document with no token, and with another clinic's, instead.
TOKEN_ONLY_NAMESPACES = {"api"}


def url_names(patterns: list[Any] | None = None, prefix: str = "") -> list[str]:
    """Every named URL of the app, walking included URL lists too."""
    names: list[str] = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in TOKEN_ONLY_NAMESPACES:
                continue
            names += url_names(entry.url_patterns, f"{prefix}{entry.namespace or ''}")
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(f"{prefix}:{entry.name}" if prefix else entry.name)
    return names


def outcome(response: Any) -> str:
    if response.status_code in (301, 302, 303):
        return "login" if response["Location"].startswith("/login/") else "done"
    return "ok" if response.status_code == 200 else str(response.status_code)


@pytest.fixture
def world(therapist_a: User, admin_a: User, client_a: Client, clinic_b: Clinic) -> dict[str, Any]:
    note = {"session_date": TODAY, "regions": [], "pressure": "light", "minutes": 30}
    sessions.record_session(user=therapist_a, client=client_a, note=note, today=TODAY)
    Clearance.objects.create(
        clinic=client_a.clinic,
        client=client_a,
        received_from="Dr Who",
        received_on=TODAY,
        document=ContentFile(b"%PDF-1.4 ok", name="letter.pdf"),
        document_type="application/pdf",
        recorded_by=therapist_a,
    )
    with_draft(client_a)
    job = batch_jobs.submit(
        user=admin_a,
        name="register.jsonl",
        content=b'{"client": {"age": 40}}\n',
        result_format="csv",
    )
    other = accounts.create_user(clinic=clinic_b, username="otto", password=PASSWORD, role="admin")
    browsers = {"anonymous": Browser()}
    for role, user in (("therapist", therapist_a), ("admin", admin_a), (ROLES[3], other)):
        browsers[role] = Browser()
        browsers[role].force_login(user)
    ids = {
        "client_id": client_a.pk,
        "job_id": job.pk,
        "which": "results",
        "version": 1,
        "assessment_id": client_a.assessments.first().pk,  # type: ignore[union-attr]
        "session_id": client_a.sessions.get().pk,
        "clearance_id": client_a.clearances.get().pk,
        "draft_id": client_a.drafts.get().pk,
        "link_id": client_a.links.first().pk,  # type: ignore[union-attr]
        "token": "not-a-real-token",
        "kind": "conditions",
        "alert_kind": "stop",
        "entry_id": "osteoporosis",
        "step_id": "pain",
        "user_id": therapist_a.pk,
        "uidb64": "MQ",
        "service_id": "backcare-patient-view",
        "sealed": "not-a-real-link",
    }
    return {"person": client_a, "browsers": browsers, "ids": ids}


def address(name: str, ids: dict[str, Any]) -> str:
    pattern = next(p for p in get_resolver().url_patterns if getattr(p, "name", None) == name)
    return reverse(name, kwargs={arg: ids[arg] for arg in pattern.pattern.converters})


def test_every_url_of_the_app_has_a_row_in_the_table() -> None:
    assert sorted(url_names()) == sorted(TABLE)


@pytest.mark.long
def test_every_url_answers_each_role_as_the_table_says(world: dict[str, Any]) -> None:
    found: dict[str, list[str]] = {}
    changed: list[str] = []
    for name in url_names():
        url = address(name, world["ids"])
        row = []
        for role in ROLES:
            browser = world["browsers"][role]
            answers = []
            for method in ("get", "post"):
                cookies = copy.deepcopy(browser.cookies)  # logging out must not end the rest
                with transaction.atomic():
                    watched = role in OUTSIDERS and method == "post"
                    before = records_of(world["person"]) if watched else None
                    if method == "get":
                        response = browser.get(url)
                    else:
                        response = browser.post(url, valid_post(name, world["person"]))
                    if watched and records_of(world["person"]) != before:
                        changed.append(f"{role} {method} {name}")
                    transaction.set_rollback(True)
                if response.streaming:  # read a download through, which closes its file
                    b"".join(response.streaming_content)
                browser.cookies = cookies
                answers.append(outcome(response))
            row.append(" ".join(answers))
        found[name] = row
    wrong = {
        name: {
            role: got
            for role, got, want in zip(ROLES, row, TABLE[name], strict=True)
            if got != want
        }
        for name, row in found.items()
        if name in TABLE
    }
    assert not {name: w for name, w in wrong.items() if w}
    assert not changed, "an outsider changed clinic A's records"

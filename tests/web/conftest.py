"""Fixtures for page tests: two clinics, each with an admin and a therapist, and clients."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client as Browser
from django.utils import timezone

from backcare.knowledge.contract import RED_FLAGS
from backcare.records import accounts, clients, intakes, selfservice
from backcare.records.models import Client, Clinic, User
from backcare.web import steps
from backcare.web.intake_questions import QUESTIONS

PASSWORD = "a-long-test-password-42"
TODAY = date.today()
NO_FLAGS = dict.fromkeys(RED_FLAGS, False)


def chronic_back_pain(**extra: Any) -> dict[str, Any]:
    return {
        "client": {"age": 45},
        "red_flags": NO_FLAGS,
        "pain": {"regions": ["low_back"], "duration_weeks": 20, "intensity": 6, "cause": "posture"},
        **extra,
    }


@pytest.fixture
def clinic_a(db: Any) -> Clinic:
    return Clinic.objects.create(name="Clinic A")


@pytest.fixture
def clinic_b(db: Any) -> Clinic:
    return Clinic.objects.create(name="Clinic B")


@pytest.fixture
def therapist_a(clinic_a: Clinic) -> User:
    return accounts.create_user(clinic=clinic_a, username="anna", password=PASSWORD)


@pytest.fixture
def admin_a(clinic_a: Clinic) -> User:
    return accounts.create_user(clinic=clinic_a, username="alice", password=PASSWORD, role="admin")


@pytest.fixture
def therapist_b(clinic_b: Clinic) -> User:
    return accounts.create_user(clinic=clinic_b, username="bert", password=PASSWORD)


@pytest.fixture
def client_a(therapist_a: User) -> Client:
    """A client of clinic A with an intake (anticoagulant and a bruise), a plan and no sessions."""
    person = clients.create_client(
        user=therapist_a, data={"first_name": "Ada", "last_name": "Lovelace"}
    )
    intakes.record_intake(
        user=therapist_a,
        client=person,
        today=TODAY,
        data=chronic_back_pain(
            medications=["warfarin 5 mg"], skin=[{"finding": "bruise", "region": "low_back_left"}]
        ),
    )
    return person


@pytest.fixture
def client_b(therapist_b: User) -> Client:
    person = clients.create_client(
        user=therapist_b, data={"first_name": "Bea", "last_name": "Other"}
    )
    intakes.record_intake(user=therapist_b, client=person, today=TODAY, data=chronic_back_pain())
    return person


@pytest.fixture
def sam(therapist_a: User) -> Client:
    """A new client of clinic A who will fill the intake at home."""
    return new_client(therapist_a, "Samira", "Selfridge")


@pytest.fixture
def token(therapist_a: User, sam: Client) -> str:
    """Sam's self-service link."""
    return selfservice.create_link(user=therapist_a, client=sam, now=timezone.now())


@pytest.fixture
def browser_a(therapist_a: User) -> Browser:
    browser = Browser()
    browser.force_login(therapist_a)
    return browser


@pytest.fixture
def admin_browser(admin_a: User) -> Browser:
    browser = Browser()
    browser.force_login(admin_a)
    return browser


@pytest.fixture
def anonymous() -> Browser:
    return Browser()


def new_client(therapist: User, first_name: str, last_name: str, **intake: Any) -> Client:
    """A client of the therapist's clinic; given intake fields, also their intake."""
    person = clients.create_client(
        user=therapist, data={"first_name": first_name, "last_name": last_name}
    )
    if intake:
        intakes.record_intake(
            user=therapist, client=person, today=TODAY, data=chronic_back_pain(**intake)
        )
    return person


def intake_form(**fields: Any) -> dict[str, Any]:
    """POST data of the intake form: chronic low back pain, every warning sign answered "no".

    A field given as None is left out of the POST, as when a question is not answered.
    """
    data: dict[str, Any] = {
        "assessed_on": TODAY.isoformat(),
        "age": "45",
        "has_pain": "on",
        "pain_regions": ["low_back_left", "low_back_right"],
        "duration_weeks": "20",
        "intensity": "6",
        "cause": "posture",
        **{f"rf_{flag}": "no" for flag in NO_FLAGS},
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def session_form(**fields: Any) -> dict[str, Any]:
    """POST data of a session note: 45 minutes of light pressure on the upper back, pain 6 to 3."""
    data: dict[str, Any] = {
        "session_date": TODAY.isoformat(),
        "minutes": "45",
        "pressure": "light",
        "regions": ["upper_back_left", "upper_back_right"],
        "techniques": ["effleurage"],
        "pain_before": "6",
        "pain_after": "3",
        "subjective": "stiff after a long week at the desk",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


class _FormReader(HTMLParser):
    """What a browser would send for the first POST form in a page's main content, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._in_main = self._in_form = self._done = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._multiple = False
        self._textarea: str | None = None

    def _add(self, name: str | None, value: str) -> None:
        if name:
            self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "main":
            self._in_main = True
        post = (a.get("method") or "").lower() == "post"
        if tag == "form" and post and self._in_main and not self._done:
            self._in_form = True
        if not self._in_form or "disabled" in a:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    value = a.get("value")
                    self._add(a.get("name"), "on" if value is None else value)
            elif kind not in ("submit", "button", "file"):
                self._add(a.get("name"), a.get("value") or "")
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = a.get("name"), None, False
            self._multiple = "multiple" in a
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and (self._multiple or not self._select_chosen):
                self._select_chosen = True
                self._add(self._select, value)
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._add(self._textarea, "")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            # a single select sends its first option when none is marked; a multiple one, nothing
            if not self._select_chosen and not self._multiple and self._select_first is not None:
                self._add(self._select, self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea:
            value = self.values[self._textarea][-1]
            self.values[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def form_as_shown(html: str) -> dict[str, list[str]]:
    """The POST data of the page's form, as a browser sends it when nothing is changed."""
    reader = _FormReader()
    reader.feed(html)
    reader.values.pop("csrfmiddlewaretoken", None)
    return reader.values


def _step_of_field(name: str) -> str:
    """The client's step that asks a form field (a row's field as condition_0_id)."""
    row = re.match(r"^(condition|procedure|skin)_\d+_(\w+)$", name)
    for question in QUESTIONS:
        if (question.row, question.name) == ((row.group(1), row.group(2)) if row else ("", name)):
            return question.step
    return "medicines" if name == "names_checked" else ""


def send_self_service(
    browser: Browser, token: str, data: dict[str, Any] | None = None, *, sign: str = "Sam Client"
) -> Any:
    """Go through the client's steps at /i/<token>/ as a browser does: each step as shown, with
    the fields of ``data`` (intake form POST data) that the step asks changed, then Next; on the
    consent step, agree and sign with ``sign`` (none: leave it unsigned); then Send. Returns the
    last page: the thanks page, or the step that showed a problem."""
    response = None
    for step in steps.ALL:
        page = browser.get(f"/i/{token}/{step.id}/")
        if page.status_code != 200:
            return page
        posted: dict[str, Any] = form_as_shown(page.content.decode())
        for name, value in (data or {}).items():
            if _step_of_field(name) == step.id:
                posted[name] = value
        if step.id == "consent" and sign:
            posted |= {"consent": "on", "consent_name": sign}
        posted["go"] = "send" if step.last else "next"
        response = browser.post(f"/i/{token}/{step.id}/", posted)
        if response.status_code != 302:
            return response
    return response

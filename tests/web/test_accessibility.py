"""Every page can be used with a screen reader: a language, one main heading, a label for every
form control, a name for every picture and button."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client as Browser

from backcare.records import intakes, selfservice, sessions
from tests.web.conftest import TODAY, chronic_back_pain, intake_form, new_client, send_self_service


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.h1 = 0
        self.controls: list[dict[str, Any]] = []
        self.label_for: set[str] = set()
        self.label_depth = 0
        self.svgs: list[dict[str, str | None]] = []
        self.buttons: list[str] = []
        self._button: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        elif tag in ("input", "select", "textarea"):
            kind = (a.get("type") or "").lower()
            if kind not in ("hidden", "submit", "button"):
                self.controls.append({**a, "tag": tag, "wrapped": self.label_depth > 0})
        elif tag == "svg":
            self.svgs.append(a)
        elif tag == "button":
            self._button = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1
        elif tag == "button" and self._button is not None:
            self.buttons.append("".join(self._button).strip())
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button.append(data)


def audit(html: str) -> list[str]:
    page = Audit()
    page.feed(html)
    problems = []
    if page.lang != "en":
        problems.append("no lang on <html>")
    if page.h1 != 1:
        problems.append(f"{page.h1} h1 headings")
    for control in page.controls:
        named = (
            control["wrapped"]
            or control.get("id") in page.label_for
            or control.get("aria-label")
            or control.get("aria-labelledby")
        )
        if not named:
            problems.append(f"unlabelled {control['tag']} name={control.get('name')}")
    for svg in page.svgs:
        if not (svg.get("aria-labelledby") or svg.get("aria-label") or svg.get("aria-hidden")):
            problems.append("an svg without a name")
    problems += ["a button without text" for text in page.buttons if not text]
    return problems


@pytest.fixture
def pages(
    browser_a: Browser, admin_browser: Browser, client_a: Any, therapist_a: Any
) -> dict[str, str]:
    from django.utils import timezone

    token = selfservice.create_link(user=therapist_a, client=client_a, now=timezone.now())
    note = {"session_date": TODAY, "regions": [], "pressure": "light", "minutes": 30}
    session = sessions.record_session(user=therapist_a, client=client_a, note=note, today=TODAY)
    first = client_a.assessments.get()
    intakes.record_intake(user=therapist_a, client=client_a, data=chronic_back_pain(), today=TODAY)
    held = new_client(therapist_a, "Hal", "Held", conditions=["hypertension"])
    urls = {
        "dashboard": "/",
        "clients": "/clients/",
        "new client": "/clients/new/",
        "client": f"/clients/{client_a.pk}/",
        "intake": f"/clients/{client_a.pk}/intake/",
        "assessment": f"/clients/{client_a.pk}/assessments/{first.pk}/",
        "plan": f"/clients/{client_a.pk}/plan/",
        "session": f"/clients/{client_a.pk}/sessions/new/",
        "clearance": f"/clients/{client_a.pk}/clearances/new/",
        "self-care": f"/clients/{client_a.pk}/self-care/",
        "client details": f"/clients/{client_a.pk}/details/",
        "intake versions": f"/clients/{client_a.pk}/intakes/2/",
        "a session in full": f"/clients/{client_a.pk}/sessions/{session.pk}/",
        "plan on hold": f"/clients/{held.pk}/plan/",
        "held client": f"/clients/{held.pk}/",
        "knowledge": "/knowledge/?q=back",
        "knowledge entry": "/knowledge/conditions/osteoporosis/",
        "new referral": f"/clients/{client_a.pk}/referrals/new/",
    }
    html = {name: browser_a.get(url).content.decode() for name, url in urls.items()}
    anonymous = Browser()
    html["self-service"] = anonymous.get(f"/i/{token}/").content.decode()
    send_self_service(anonymous, token, intake_form(medications="ibuprofen", notes="new job"))
    drafted = f"/clients/{client_a.pk}/drafts/{client_a.drafts.get().pk}/"
    html["self-service comparison"] = browser_a.get(drafted).content.decode()
    html["merged intake review"] = browser_a.get(f"{drafted}review/").content.decode()
    html["public check"] = anonymous.get("/check/").content.decode()
    html["login"] = anonymous.get("/login/").content.decode()
    html["clinic settings"] = admin_browser.get("/clinic/settings/").content.decode()
    html["clinic export"] = admin_browser.get("/clinic/export/").content.decode()
    return html


def test_every_page_has_labels_headings_and_named_pictures(pages):
    problems = {name: audit(html) for name, html in pages.items()}
    assert {name: found for name, found in problems.items() if found} == {}


def test_a_page_that_breaks_the_rules_is_caught():
    bad = (
        '<html><body><h1>a</h1><h1>b</h1><input name="x"><svg></svg><button></button></body></html>'
    )
    assert audit(bad) == [
        "no lang on <html>",
        "2 h1 headings",
        "unlabelled input name=x",
        "an svg without a name",
        "a button without text",
    ]

"""Every page can be used with a screen reader: a language, a main landmark, one main heading and
no skipped heading level, a label for every form control, a name for every picture, image and
button, and column headers on every table of data."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client as Browser

from backcare.records import intakes, selfservice, sessions
from tests.web.conftest import TODAY, chronic_back_pain, intake_form, new_client, send_self_service
from tests.web.test_visible_text import PUBLIC_CASES


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
        self.mains = 0
        self.headings: list[int] = []
        self.images: list[dict[str, str | None]] = []
        self.tables: list[int] = []  # the header cells of each table

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        elif tag == "main":
            self.mains += 1
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.h1 += tag == "h1"
            self.headings.append(int(tag[1]))
        elif tag == "img":
            self.images.append(a)
        elif tag == "table":
            self.tables.append(0)
        elif tag == "th" and self.tables:
            self.tables[-1] += 1
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
    if page.mains != 1:
        problems.append(f"{page.mains} main landmarks")
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"h{before} followed by h{after}")
    problems += ["an img without alt" for img in page.images if img.get("alt") is None]
    problems += ["a table without column headers" for count in page.tables if not count]
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
    html["audit log"] = admin_browser.get("/audit/").content.decode()
    html["knowledge kind"] = browser_a.get("/knowledge/sources/").content.decode()
    html["link created"] = browser_a.post(f"/clients/{client_a.pk}/link/").content.decode()
    for case in ("healthy", "anticoagulant and an unknown medicine", "emergency with severe pain"):
        html[f"public check, {case}"] = anonymous.post(
            "/check/", PUBLIC_CASES[case]
        ).content.decode()
    html |= error_pages(browser_a, anonymous, token)
    return html


def error_pages(therapist: Browser, anonymous: Browser, used_token: str) -> dict[str, str]:
    from django.test import RequestFactory
    from django.views.defaults import server_error

    pages = {
        400: anonymous.get("/check/", HTTP_HOST="not-served.invalid"),
        403: therapist.get("/clinic/settings/"),
        404: therapist.get("/clients/999999/"),
        410: anonymous.get(f"/i/{used_token}/"),
        500: server_error(RequestFactory().get("/")),
    }
    for status, page in pages.items():
        assert page.status_code == status
    return {f"error {status}": page.content.decode() for status, page in pages.items()}


def test_every_page_has_labels_headings_and_named_pictures(pages):
    problems = {name: audit(html) for name, html in pages.items()}
    assert {name: found for name, found in problems.items() if found} == {}


def test_a_page_that_breaks_the_rules_is_caught():
    bad = (
        '<html><body><h1>a</h1><h1>b</h1><h3>c</h3><input name="x"><svg></svg><button></button>'
        '<img src="x.png"><table><tr><td>1</td></tr></table></body></html>'
    )
    assert audit(bad) == [
        "no lang on <html>",
        "2 h1 headings",
        "unlabelled input name=x",
        "an svg without a name",
        "a button without text",
        "0 main landmarks",
        "h1 followed by h3",
        "an img without alt",
        "a table without column headers",
    ]

"""No page or print view shows an internal name: a rule id, a source key or an entry id is for
the knowledge base, never for the words a therapist or a client reads. The demo clinic has a
page of every kind with real content; the public check is answered in several ways."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client as Browser

from backcare.knowledge import load_knowledge
from backcare.knowledge.contract import RED_FLAGS
from backcare.records import demo
from backcare.records.models import Client, User
from tests.internal_names import internal_names

# The knowledge browser shows entries by their ids on purpose; its pages are left out.
BROWSER_OF_IDS = "/knowledge/"


class VisibleText(HTMLParser):
    """The text a reader sees: everything but scripts, styles and attributes, and the intake as
    recorded (``<pre class="data">``), which is the intake contract's own JSON, ids and all."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self.hidden += 1
        elif tag == "pre" and ("class", "data") in attrs:
            self.hidden += 1
            self.data = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") or (tag == "pre" and self.data):
            self.hidden -= 1
            self.data = self.data and tag != "pre"

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def leaks(html: str) -> list[str]:
    return sorted(set(internal_names().findall(visible(html))))


def answers(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {f"rf_{flag}": "no" for flag in RED_FLAGS}
    data.update(age="38", areas=["low_back"], duration_weeks="26", intensity="5", cause="posture")
    data.update(changes)
    return data


PUBLIC_CASES = {
    "healthy": answers(),
    "anticoagulant and an unknown medicine": answers(medications="warfarin\nzorbicol"),
    "emergency with severe pain": answers(rf_saddle_numbness="yes", intensity="9"),
    "fever and an unknown condition": answers(rf_fever="yes", other_conditions="glumbosis"),
    "every listed condition": answers(
        conditions=list(load_knowledge().meta.public_check.conditions), pregnant_weeks="24"
    ),
}


def links_on(html: str) -> set[str]:
    return {
        url
        for url in re.findall(r'href="(/[^"#?]*)"', html)
        if not url.startswith(("/static/", BROWSER_OF_IDS, "/logout/"))
        and not url.endswith(".pdf")  # a download, not a page: the report's page is crawled
    }


def crawl(browser: Browser, start: str) -> dict[str, str]:
    """Every page of the clinic reachable by links from the start, read with GET."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        page = browser.get(url)
        seen[url] = page.content.decode() if page.status_code == 200 else ""
        todo += sorted(links_on(seen[url]) - set(seen))
    return seen


def logged_in(username: str) -> Browser:
    browser = Browser()
    browser.force_login(User.objects.get(username=username))
    return browser


@pytest.mark.long
def test_no_page_of_the_demo_clinic_shows_an_internal_name(db):
    demo.ensure_demo()
    pages = crawl(logged_in(demo.THERAPIST), "/")
    admin = logged_in(demo.ADMIN)
    pages |= {url: admin.get(url).content.decode() for url in ("/", "/audit/", "/setup/")}
    pages |= crawl(Browser(), "/check/")
    for person in Client.objects.filter(clinic__name=demo.CLINIC):
        assert pages.get(f"/clients/{person.pk}/"), f"{person} was not reached"
    for view in ("/self-care/", "/plan/", "/sessions/", "/assessments/", "/audit/", "/check/"):
        assert any(view in url and html for url, html in pages.items()), view
    found = {url: leaks(html) for url, html in pages.items()}
    assert {url: names for url, names in found.items() if names} == {}


@pytest.mark.parametrize("case", PUBLIC_CASES)
def test_no_answer_of_the_public_check_shows_an_internal_name(case, db):
    page = Browser().post("/check/", PUBLIC_CASES[case])
    assert page.status_code == 200
    assert "Your answer" in page.content.decode()
    assert leaks(page.content.decode()) == []


def test_the_public_check_speaks_to_you_not_about_the_client(db):
    for case in PUBLIC_CASES.values():
        text = visible(Browser().post("/check/", case).content.decode())
        assert "the client" not in text.lower()
        assert "you" in text.lower()


def test_a_page_that_shows_a_rule_id_or_a_source_key_is_caught():
    kb = load_knowledge()
    source = next(iter(kb.sources))
    html = (
        "<p>Muscle strain (condition.muscle_strain.active)</p>"
        f"<p>Sources: {source}</p><script>var x = 'screening.fever';</script>"
    )
    assert leaks(html) == sorted(["condition.muscle_strain.active", source])

"""Every typed value is bounded: numbers inside the range the knowledge base or the contract
allows, text no longer than what is stored, no control characters, a client search of a few
words. A value outside gets an error naming the field and what is allowed, and nothing is saved."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from backcare import limits
from backcare.records.models import Client, PlanChange, SessionAmendment, SessionNote, User
from tests.web.conftest import intake_form, new_client, session_form
from tests.web.test_pages import plan_post as shown_plan

HOSTILE_NUMBERS = ["nan", "NaN", "inf", "-Infinity", "1e400", "-3", "99999", "1" * 20, "9" * 5000]


def errors(response: Any) -> str:
    match = re.search(
        r'<div class="errorbox" role="alert">(.*?)</div>', response.content.decode(), re.S
    )
    return match.group(1) if match else ""


def plan_post(person: Client, **changes: str) -> dict[str, str]:
    """The plan form of the person's active plan, as shown, with these fields changed."""
    return shown_plan(person.plans.get(active=True), **changes)


PLAN_NUMBERS = {
    "session_minutes": f"a whole number {limits.PLAN_SESSION_MINUTES}",
    "sessions_per_week": f"a number {limits.SESSIONS_PER_WEEK}",
    "total_sessions": f"a whole number {limits.TOTAL_SESSIONS}",
    "reassess_after_sessions": f"a whole number {limits.REASSESS_AFTER_SESSIONS}",
}
SESSION_NUMBERS = {
    "minutes": f"a whole number {limits.SESSION_MINUTES}",
    "pain_before": f"a whole number {limits.PAIN_SCORE}",
    "pain_after": f"a whole number {limits.PAIN_SCORE}",
}


def test_the_ranges_come_from_the_knowledge_base_and_the_contract() -> None:
    assert str(limits.SESSIONS_PER_WEEK) == "more than 0 and at most 7"
    assert str(limits.TOTAL_SESSIONS) == "from 1 to 52"
    assert str(limits.PAIN_SCORE) == "from 0 to 10"


def test_hostile_numbers_in_the_plan_editor_name_the_field_and_its_range(
    browser_a: Browser, client_a: Client
) -> None:
    url = f"/clients/{client_a.pk}/plan/"
    for field, allowed in PLAN_NUMBERS.items():
        for value in HOSTILE_NUMBERS:
            response = browser_a.post(url, plan_post(client_a, **{field: value}))
            assert response.status_code == 200, (field, value)
            assert f"{field}: {allowed}" in errors(response), (field, value)
    assert not PlanChange.objects.exists()


def test_hostile_numbers_in_the_session_form_name_the_field_and_its_range(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(therapist_a, "Nora", "Numbers", medications=[])
    url = f"/clients/{person.pk}/sessions/new/"
    for field, allowed in SESSION_NUMBERS.items():
        for value in HOSTILE_NUMBERS:
            response = browser_a.post(url, session_form(**{field: value}))
            assert response.status_code == 200, (field, value)
            assert f"{field}: {allowed}" in errors(response), (field, value)
    assert not SessionNote.objects.exists()


def test_a_number_inside_the_range_is_saved(browser_a: Browser, client_a: Client) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/plan/", plan_post(client_a, sessions_per_week="0.5")
    )
    assert response.status_code == 302
    assert client_a.plans.get(active=True).sessions_per_week == 0.5


def test_text_longer_than_is_kept_is_refused_with_the_limit(
    browser_a: Browser, client_a: Client, therapist_a: User
) -> None:
    response = browser_a.post(
        f"/clients/{client_a.pk}/plan/", plan_post(client_a, reason="r" * 301)
    )
    assert "reason: at most 300 characters are allowed (this has 301)" in errors(response)

    person = new_client(therapist_a, "Tess", "Text", medications=[])
    response = browser_a.post(
        f"/clients/{person.pk}/sessions/new/",
        session_form(subjective="s" * (limits.NOTE_CHARS + 1)),
    )
    assert f"subjective: at most {limits.NOTE_CHARS:,} characters" in errors(response)
    assert not PlanChange.objects.exists()
    assert not SessionNote.objects.exists()


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x08", "\x7f"])
def test_control_characters_are_refused_on_every_kind_of_form(
    browser_a: Browser, therapist_a: User, character: str
) -> None:
    person = new_client(therapist_a, "Cara", "Control", medications=[])
    typed = f"stiff{character}neck"
    code = f"U+{ord(character):04X}"

    session = browser_a.post(f"/clients/{person.pk}/sessions/new/", session_form(objective=typed))
    assert f"objective: holds a control character ({code}) at character 6" in errors(session)

    plan = browser_a.post(f"/clients/{person.pk}/plan/", plan_post(person, reason=typed))
    assert f"reason: holds a control character ({code})" in errors(plan)

    new = browser_a.post("/clients/new/", {"first_name": typed, "last_name": "X"})
    assert f"holds a control character ({code})" in new.content.decode()
    assert new.status_code == 200

    assert not SessionNote.objects.exists()
    assert not Client.objects.filter(last_name="X").exists()


def test_new_lines_and_tabs_are_kept(browser_a: Browser, therapist_a: User) -> None:
    person = new_client(therapist_a, "Tab", "Line", medications=[])
    typed = "first line\r\n\tindented second line"
    response = browser_a.post(f"/clients/{person.pk}/sessions/new/", session_form(analysis=typed))
    assert response.status_code == 302
    assert SessionNote.objects.get(client=person).analysis == typed


def test_an_addendum_with_a_control_character_is_refused(
    browser_a: Browser, therapist_a: User
) -> None:
    person = new_client(therapist_a, "Ada", "Addendum", medications=[])
    browser_a.post(f"/clients/{person.pk}/sessions/new/", session_form())
    note = SessionNote.objects.get(client=person)
    response = browser_a.post(f"/clients/{person.pk}/sessions/{note.pk}/", {"text": "ok\x00"})
    assert "text: holds a control character (U+0000)" in errors(response)
    assert not SessionAmendment.objects.exists()


def test_the_client_search_is_capped_in_length_and_words_before_the_database_is_asked(
    browser_a: Browser, client_a: Client
) -> None:
    found = browser_a.get("/clients/", {"q": "ada love"}).content.decode()
    assert "Lovelace" in found

    too_many = " ".join(["ada"] * (limits.SEARCH_WORDS + 1))
    page = browser_a.get("/clients/", {"q": too_many}).content.decode()
    assert f"at most {limits.SEARCH_WORDS} words are allowed" in page
    assert "Lovelace" not in page

    hostile = {
        " ".join(["a"] * 1000): "at most 100 characters are allowed (this has 1999)",
        "x" * 100_000: "at most 100 characters are allowed (this has 100000)",
        "ada\x00": "holds a control character (U+0000)",
    }
    for query, message in hostile.items():
        with CaptureQueriesContext(connection) as queries:
            response = browser_a.get("/clients/", {"q": query})
        assert response.status_code == 200
        assert message in response.content.decode()
        # refused before the database is asked: no client row is matched against the words
        assert not [q for q in queries.captured_queries if "LIKE" in q["sql"].upper()]


def test_the_forms_tell_the_browser_the_same_ranges(browser_a: Browser, client_a: Client) -> None:
    plan = browser_a.get(f"/clients/{client_a.pk}/plan/").content.decode()
    assert re.search(r'name="session_minutes" value="\d+" min="10" max="180"', plan)
    assert re.search(r'name="total_sessions" value="\d+" min="1" max="52"', plan)
    session = browser_a.get(f"/clients/{client_a.pk}/sessions/new/").content.decode()
    assert 'name="pain_before" min="0" max="10"' in session
    assert 'min="5" max="240"' in session


def test_an_intake_correction_with_a_reason_longer_than_is_kept_is_refused(
    browser_a: Browser, client_a: Client
) -> None:
    response = browser_a.post(f"/clients/{client_a.pk}/intake/", intake_form(reason="r" * 301))

    assert response.status_code == 200
    assert "at most 300 characters are allowed (this has 301)" in response.content.decode()
    assert client_a.intakes.count() == 1

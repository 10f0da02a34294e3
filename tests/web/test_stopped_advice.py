"""When the decision stops massage (an emergency, a referral), no page gives session advice: no
pressure or minutes limits, no home routines, no session outline. The client here had a plan
and a session before the warning sign appeared, and takes an anticoagulant with severe pain, so
that the advice would be there to leak."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as Browser

from backcare.knowledge import load_knowledge
from backcare.knowledge.contract import RED_FLAGS
from backcare.records import intakes, sessions
from tests.web.conftest import NO_FLAGS, TODAY, chronic_back_pain, new_client
from tests.web.test_visible_text import visible

STOPPING_SIGNS = {"emergency": "saddle_numbness", "refer": "fever"}


ADVICE = {
    "a pressure limit": r"[Pp]ressure at most|[Aa]sk for \w+ pressure",
    "a minutes limit": r"[Aa]t most \d+ minutes",
    "a session outline": r"Session outline|Today's outline",
    "a way to record a session": r"Record a session",
    "kinds of massage": r"Kinds of massage that fit",
    "home care": r"What you can do at home|Home care \(",
}


def session_advice(html: str) -> list[str]:
    """The kinds of session advice a page shows, and the home routines it names."""
    text = visible(html)
    said = [kind for kind, phrase in ADVICE.items() if re.search(phrase, text)]
    said += [item.name for item in load_knowledge().self_care.values() if item.name in text]
    return said


@pytest.fixture
def stopped(therapist_a: Any, request: pytest.FixtureRequest) -> Any:
    """A client with a plan and a session, whose newest intake has a sign that stops massage."""
    person = new_client(therapist_a, "Stella", "Stopped", medications=["warfarin"])
    note = {"session_date": TODAY, "regions": [], "pressure": "light", "minutes": 30}
    sessions.record_session(user=therapist_a, client=person, note=note, today=TODAY)
    sign = STOPPING_SIGNS[request.param]
    data = chronic_back_pain(
        medications=["warfarin"],
        red_flags={**NO_FLAGS, sign: True},
        pain={"regions": ["low_back"], "duration_weeks": 2, "intensity": 9, "cause": "unknown"},
    )
    assessment = intakes.record_intake(user=therapist_a, client=person, data=data, today=TODAY)
    assert assessment.decision == request.param
    return person


def test_the_advice_is_there_while_massage_goes_ahead(browser_a, therapist_a):
    person = new_client(therapist_a, "Gina", "Goahead", medications=["warfarin"])
    advice = session_advice(browser_a.get(f"/clients/{person.pk}/").content.decode())
    assert {"a pressure limit", "a way to record a session", "home care"} <= set(advice)
    assert set(advice) - set(ADVICE), "names a home routine"


@pytest.mark.parametrize("stopped", list(STOPPING_SIGNS), indirect=True)
def test_the_client_page_of_a_stopped_client_gives_no_session_advice(browser_a, stopped):
    page = browser_a.get(f"/clients/{stopped.pk}/").content.decode()
    assert "Today's decision" in page
    assert session_advice(page) == []


@pytest.mark.parametrize("stopped", list(STOPPING_SIGNS), indirect=True)
def test_the_assessment_page_of_a_stopped_client_gives_no_session_advice(browser_a, stopped):
    latest = stopped.assessments.first()
    page = browser_a.get(f"/clients/{stopped.pk}/assessments/{latest.pk}/").content.decode()
    assert "Findings" in page
    assert session_advice(page) == []


@pytest.mark.parametrize("decision", list(STOPPING_SIGNS))
def test_the_public_check_gives_no_session_advice_when_massage_must_wait(decision, db):
    answers: dict[str, Any] = {f"rf_{flag}": "no" for flag in RED_FLAGS}
    answers |= {f"rf_{STOPPING_SIGNS[decision]}": "yes", "age": "38", "areas": ["low_back"]}
    answers |= {"duration_weeks": "2", "intensity": "9", "cause": "unknown"}
    answers["medications"] = "warfarin"
    page = Browser().post("/check/", answers).content.decode()
    assert "Your answer" in page
    assert session_advice(page) == []

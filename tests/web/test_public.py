"""The public self-check (no login, nothing stored), the printable self-care guide, and the
session outline on the plan page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client as Browser

from backcare.knowledge.contract import RED_FLAGS
from backcare.records.models import Assessment, AuditEvent, Client, Intake, SessionNote


def answers(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {f"rf_{flag}": "no" for flag in RED_FLAGS}
    data.update(
        {
            "age": "38",
            "areas": ["low_back", "upper_back"],
            "duration_weeks": "26",
            "intensity": "5",
            "cause": "posture",
        }
    )
    data.update(changes)
    return data


def stored_rows() -> list[int]:
    return [
        model.objects.count()
        for model in (Client, Intake, Assessment, AuditEvent, SessionNote, Session)
    ]


@pytest.fixture
def visitor(db: Any) -> Browser:
    return Browser()


def test_the_check_opens_without_logging_in_and_says_what_it_is_not(visitor):
    page = visitor.get("/check/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "not a diagnosis" in html
    assert (
        html.index("rf_saddle_numbness")
        < html.index('name="conditions"')
        < html.index('name="areas"')
    )


def test_saddle_numbness_means_emergency_care_and_no_massage_advice(visitor):
    html = visitor.post("/check/", answers(rf_saddle_numbness="yes")).content.decode()
    assert "Seek emergency care now" in html
    assert "Kinds of massage that fit" not in html
    assert "What you can do at home" not in html
    assert "<svg" not in html


def test_a_desk_worker_back_ache_gets_fitting_massage_and_a_self_care_routine(visitor):
    html = visitor.post("/check/", answers()).content.decode()
    assert "Massage can go ahead" in html
    assert "Kinds of massage that fit" in html
    assert "Swedish massage" in html
    assert "What you can do at home" in html
    assert "Tennis ball" in html
    assert 'class="region selected"' in html, "the body map shows where the ball goes"
    assert "Sources" in html


def test_a_blood_thinner_is_in_what_to_tell_the_therapist(visitor):
    html = visitor.post("/check/", answers(medications="Eliquis 5mg")).content.decode()
    assert "Takes an anticoagulant" in html
    assert re.search(r"Ask for <strong>light</strong> pressure", html)


def test_a_warning_sign_tells_when_to_see_a_doctor(visitor):
    html = visitor.post("/check/", answers(rf_calf_swelling_one_side="yes")).content.decode()
    assert "When to see a doctor" in html
    assert "Kinds of massage that fit" not in html


def test_the_check_stores_nothing(visitor):
    before = stored_rows()
    visitor.post("/check/", answers())
    visitor.post("/check/", answers(rf_fever="yes"))
    assert stored_rows() == before


def test_an_unanswered_warning_sign_is_asked_again(visitor):
    data = answers()
    del data["rf_fever"]
    page = visitor.post("/check/", data)
    assert page.status_code == 200
    assert "please answer" in page.content.decode()


def test_the_self_care_guide_is_printable_with_its_body_map(browser_a, client_a):
    html = browser_a.get(f"/clients/{client_a.pk}/self-care/").content.decode()
    assert "Self-care at home for Ada" in html
    assert "Stop if" in html
    assert "data-print" in html  # app.js prints the page when it is clicked
    assert "<svg" in html
    assert "Gentle pressure only" in html, "the blood-thinner caution reaches the guide"


def test_the_plan_page_shows_a_session_outline_that_fills_the_session(browser_a, client_a):
    html = browser_a.get(f"/clients/{client_a.pk}/plan/").content.decode()
    assert "Session outline" in html
    table = html[html.index("Session outline") : html.index("<h2>Changes</h2>")]
    minutes = [int(m) for m in re.findall(r"<td data-label=\"Minutes\">(\d+)</td>", table)]
    assert sum(minutes) == client_a.plans.get(active=True).session_minutes
    assert "Low back, left</td>" not in table, "the bruised region is not worked"


def test_every_answer_ends_with_the_signs_that_need_emergency_care(visitor):
    from backcare.knowledge import load_knowledge

    urgent = load_knowledge().meta.public_check.urgent_signs
    html = visitor.post("/check/", answers()).content.decode()
    assert urgent.split(":")[0] in html


def test_a_doctors_clearance_after_a_referral_re_assesses_and_makes_a_plan(browser_a, therapist_a):
    from datetime import date

    from tests.web.conftest import new_client

    survivor = new_client(
        therapist_a,
        "Sue",
        "Survivor",
        client={"age": 60},
        pain={"regions": ["low_back"], "duration_weeks": 40, "intensity": 4, "cause": "posture"},
        red_flags={"history_of_cancer": True},
    )
    assert survivor.assessments.first().decision == "refer"
    page = browser_a.get(f"/clients/{survivor.pk}/").content.decode()
    assert "Record a clearance" in page

    browser_a.post(
        f"/clients/{survivor.pk}/clearances/new/",
        {
            "received_from": "Dr Oh, oncologist",
            "received_on": date.today().isoformat(),
            "covers": ["red_flag.cancer_with_back_pain"],
            "note": "Assessed; gentle massage is fine.",
        },
    )

    latest = survivor.assessments.first()
    assert latest.decision == "modify"
    assert survivor.plans.filter(active=True).exists()


def test_the_client_list_shows_each_clients_latest_decision(browser_a, client_a, therapist_a):
    from tests.web.conftest import new_client

    new_client(therapist_a, "Noah", "Nointake")
    html = browser_a.get("/clients/").content.decode()
    row = html[html.index("Lovelace, Ada") : html.index("</tr>", html.index("Lovelace, Ada"))]
    assert ">modify</span>" in row
    assert "no intake" in html[html.index("Nointake, Noah") :]


def first_screen(html: str) -> str:
    """The answer as it opens: everything before the first folded-away detail."""
    main = html[html.index("<main") :]
    return main[: main.index("<details")]


def test_the_answer_and_what_to_do_come_first_and_the_details_are_folded(visitor):
    html = visitor.post("/check/", answers(medications="Eliquis 5mg")).content.decode()
    top = first_screen(html)
    assert "Massage with changes" in top
    assert "Ask for <strong>light</strong> pressure" in top
    assert "Kinds of massage that fit" not in top
    assert "Tennis ball" not in top
    assert html.count("<details") >= 3, "massage kinds, home care and sources"


def test_an_unknown_medicine_is_named_with_whom_to_tell(visitor):
    html = visitor.post("/check/", answers(medications="zorbicol 20mg")).content.decode()
    top = first_screen(html)
    assert "zorbicol" in top
    assert "tell your therapist and your pharmacist" in top
    assert 'see "unrecognised"' not in html


def test_an_unknown_condition_is_named_with_whom_to_ask(visitor):
    html = visitor.post("/check/", answers(other_conditions="glumbosis")).content.decode()
    top = first_screen(html)
    assert "glumbosis" in top
    assert "ask your doctor" in top


def test_an_emergency_shows_no_session_advice_even_with_severe_pain(visitor):
    html = visitor.post("/check/", answers(rf_saddle_numbness="yes", intensity="9"))
    text = html.content.decode()
    assert "Seek emergency care now" in text
    assert "Severe pain today" not in text
    assert "pressure" not in first_screen(text).lower()
    assert "minutes" not in text


def test_the_therapists_page_of_an_emergency_shows_no_session_advice(browser_a, therapist_a):
    from tests.web.conftest import NO_FLAGS, new_client

    urgent = new_client(
        therapist_a,
        "Ed",
        "Urgent",
        client={"age": 50},
        pain={"regions": ["low_back"], "duration_weeks": 2, "intensity": 9, "cause": "unknown"},
        red_flags={**NO_FLAGS, "saddle_numbness": True},
    )
    html = browser_a.get(f"/clients/{urgent.pk}/").content.decode()
    findings = html[html.index('aria-labelledby="findings-h"') :]
    findings = findings[: findings.index("</section>")]
    assert "Possible cauda equina syndrome" in findings
    assert "Pressure at most" not in findings
    assert "At most 45 minutes" not in findings
    assert "no session advice is shown" in findings
    assert "Severe pain today" in findings, "named, without its advice"

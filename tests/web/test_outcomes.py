"""Outcome measures in the web app: the forms, the client's pain log link, the client page's
progress and expected course, the clinic outcomes page, and who may see what."""

from __future__ import annotations

import re

import pytest
from django.test import Client as Browser
from django.utils import timezone

from backcare.records import outcomes, painlog, sessions
from backcare.records.models import AuditEvent, Client, Measure, PainLogEntry, User
from tests.web.conftest import TODAY, new_client, session_form

PAIN_6 = {"regions": ["low_back"], "duration_weeks": 20, "intensity": 6, "cause": "posture"}


@pytest.fixture
def ola(therapist_a: User) -> Client:
    """A client of clinic A with chronic back pain at 6 and a plan (reassess after 5 of 10)."""
    return new_client(therapist_a, "Ola", "Nordmann", pain=PAIN_6)


def sessions_with_pain(therapist: User, client: Client, *pains: int) -> None:
    for pain in pains:  # all on the intake's day: the order of recording is the order
        note = {
            "session_date": TODAY,
            "regions": [],
            "pressure": "light",
            "minutes": 45,
            "pain_before": pain,
            "pain_after": max(pain - 1, 0),
        }
        sessions.record_session(user=therapist, client=client, note=note, today=TODAY)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_peg_is_scored_stored_and_audited(browser_a: Browser, ola: Client) -> None:
    form = {"measured_on": TODAY.isoformat(), "point": "baseline", "item_pain": "7"}
    response = browser_a.post(
        f"/clients/{ola.pk}/measures/new/?instrument=peg",
        {**form, "item_enjoyment": "6", "item_activity": "5"},
    )
    assert response.status_code == 302
    measure = Measure.objects.get(client=ola)
    assert (measure.instrument, measure.score, measure.point) == ("peg", 6.0, "baseline")
    assert AuditEvent.objects.filter(action="measure.record", client=ola).exists()
    page = text(browser_a.get(f"/clients/{ola.pk}/"))
    assert "PEG-3" in page
    assert "Outcome measures" in page


def test_a_score_off_the_scale_is_refused_naming_the_item_and_the_range(
    browser_a: Browser, ola: Client
) -> None:
    response = browser_a.post(
        f"/clients/{ola.pk}/measures/new/?instrument=peg",
        {"measured_on": TODAY.isoformat(), "point": "session", "item_pain": "12"},
    )
    page = text(response)
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert "Average pain in the past week" in page
    assert "from 0 to 10" in page
    assert not Measure.objects.filter(client=ola).exists()


def test_a_start_back_is_grouped_and_a_psfs_keeps_the_clients_words(
    browser_a: Browser, ola: Client
) -> None:
    agree = ["leg_pain", "fear", "worry", "catastrophising", "low_mood"]
    answers = {f"item_{i}": "agree" for i in agree}
    answers |= {f"item_{i}": "disagree" for i in ["shoulder_neck", "walking", "dressing"]}
    browser_a.post(
        f"/clients/{ola.pk}/measures/new/?instrument=start_back",
        {
            **answers,
            "item_bothersome": "very_much",
            "measured_on": TODAY.isoformat(),
            "point": "baseline",
        },
    )
    browser_a.post(
        f"/clients/{ola.pk}/measures/new/?instrument=psfs",
        {
            "activity_1": "sitting through a work day",
            "rating_1": "3",
            "activity_2": "gardening",
            "rating_2": "6",
            "measured_on": TODAY.isoformat(),
            "point": "baseline",
        },
    )
    start_back = Measure.objects.get(client=ola, instrument="start_back")
    assert start_back.result["group"] == "high"
    form = text(browser_a.get(f"/clients/{ola.pk}/measures/new/?instrument=psfs"))
    assert 'value="sitting through a work day"' in form  # rated again next time


def test_another_clinic_cannot_record_or_see_a_measure(
    therapist_b: User, ola: Client, browser_a: Browser
) -> None:
    other = Browser()
    other.force_login(therapist_b)
    response = other.post(
        f"/clients/{ola.pk}/measures/new/?instrument=rmdq",
        {"total": "9", "measured_on": TODAY.isoformat(), "point": "baseline"},
    )
    assert response.status_code == 404
    assert not Measure.objects.filter(client=ola).exists()
    assert other.post(f"/clients/{ola.pk}/pain-log-link/").status_code == 404


def test_the_pain_log_link_feeds_the_client_page_and_stops_when_revoked(
    browser_a: Browser, ola: Client, anonymous: Browser, therapist_a: User
) -> None:
    browser_a.post(f"/clients/{ola.pk}/pain-log-link/")
    page = text(browser_a.get(f"/clients/{ola.pk}/"))
    url = re.search(r'value="http://testserver(/p/[^"]+/)"', page).group(1)

    form = anonymous.get(url)
    assert form.status_code == 200
    assert "Ola" in text(form)
    assert "Nordmann" not in text(form)
    refused = anonymous.post(url, {"pain": "14"})
    assert "Pain today: choose a whole number from 0" in text(refused)
    saved = anonymous.post(url, {"pain": "4", "sleep_hours": "6.5", "note": "stiff morning"})
    assert "today's entry is saved" in text(saved)

    page = text(browser_a.get(f"/clients/{ola.pk}/"))
    assert "stiff morning" in page
    assert "6.5 h" in page
    assert AuditEvent.objects.filter(action="painlog.entry", client=ola).exists()

    link = ola.pain_log_links.get()
    browser_a.post(f"/clients/{ola.pk}/pain-log-links/{link.pk}/revoke/")
    gone = anonymous.get(url)
    assert gone.status_code == 410
    assert "withdrawn" in text(gone)


def test_the_pain_log_takes_only_a_few_entries_a_day(therapist_a: User, ola: Client) -> None:
    token = painlog.create_link(user=therapist_a, client=ola, now=timezone.now())
    for _ in range(painlog.ENTRIES_PER_DAY):
        painlog.log(token=token, data={"pain": 3}, now=timezone.now(), today=TODAY)
    browser = Browser()
    response = browser.post(f"/p/{token}/", {"pain": "3"})
    assert "at most 3 entries a day" in text(response)
    assert PainLogEntry.objects.filter(client=ola).count() == painlog.ENTRIES_PER_DAY


def test_an_intake_link_token_does_not_open_the_pain_log(
    browser_a: Browser, ola: Client, anonymous: Browser
) -> None:
    browser_a.post(f"/clients/{ola.pk}/link/")
    intake_url = re.search(r"/i/([^/\"]+)/", text(browser_a.get(f"/clients/{ola.pk}/"))).group(1)
    assert anonymous.get(f"/p/{intake_url}/").status_code == 410


def test_falling_pain_shows_a_responder_and_worse_pain_a_stop_on_the_dashboard(
    browser_a: Browser, therapist_a: User, ola: Client
) -> None:
    sessions_with_pain(therapist_a, ola, 6, 5, 4)
    page = text(browser_a.get(f"/clients/{ola.pk}/"))
    # 6 to 4 is the important change and reaches the plan's pain goal (4 or less)
    assert "responder: an important improvement" in page
    assert "Taper to maintenance" in page
    assert "Goal met" in page
    assert "Pain against the expected course" in page
    assert "from published trials" in page

    worse = new_client(
        therapist_a,
        "Wim",
        "Worse",
        pain={"regions": ["low_back"], "duration_weeks": 20, "intensity": 4, "cause": "posture"},
    )
    sessions_with_pain(therapist_a, worse, 5, 6, 7)
    board = text(browser_a.get("/"))
    assert "Wim Worse" in board
    assert "Stop and re-screen or refer: worse by an important change" in board


def test_the_clinic_outcomes_page_counts_only_its_own_clinic(
    browser_a: Browser, therapist_a: User, therapist_b: User, client_b: Client
) -> None:
    done = new_client(therapist_a, "Dora", "Done", pain=PAIN_6)
    plan = done.plans.get()
    sessions_with_pain(therapist_a, done, *([6, 5, 4, 3, 3, 3, 3, 2, 2, 2][: plan.total_sessions]))
    sessions_with_pain(therapist_b, client_b, *([6] * client_b.plans.get().total_sessions))

    page = text(browser_a.get("/outcomes/"))
    assert "1 of 1</strong> responded" in page
    assert "Completed: 1 of 1" in page
    other = Browser()
    other.force_login(therapist_b)
    assert "0 of 1</strong> responded" in text(other.get("/outcomes/"))


def test_a_course_completed_shows_on_the_outcomes_page_at_the_next_view(
    browser_a: Browser, therapist_a: User
) -> None:
    done = new_client(therapist_a, "Dora", "Done", pain=PAIN_6)
    plan = done.plans.get()
    pains = [6, 5, 4, 3, 3, 3, 3, 2, 2, 2][: plan.total_sessions]
    sessions_with_pain(therapist_a, done, *pains[:-1])
    for _ in range(2):  # shown again: the page kept as it is
        assert "0 of 0</strong> responded" in text(browser_a.get("/outcomes/"))

    sessions_with_pain(therapist_a, done, pains[-1])

    page = text(browser_a.get("/outcomes/"))
    assert "1 of 1</strong> responded" in page
    assert "Completed: 1 of 1" in page


def test_a_new_warning_sign_at_the_visit_stops_the_session_and_updates_the_intake(
    browser_a: Browser, ola: Client
) -> None:
    response = browser_a.post(
        f"/clients/{ola.pk}/sessions/new/",
        session_form(new_warning_signs=["fever"]),
        follow=True,
    )
    assert "The follow-up screening stops massage" in text(response)
    assert "No session was recorded" in text(response)
    assert not ola.sessions.exists()
    newest = ola.intakes.order_by("-version").first()
    assert (newest.version, newest.data["red_flags"]["fever"]) == (2, True)


def test_a_new_medicine_that_changes_nothing_is_kept_and_the_session_recorded(
    browser_a: Browser, ola: Client
) -> None:
    browser_a.post(
        f"/clients/{ola.pk}/sessions/new/", session_form(new_medications="paracetamol 1 g")
    )
    assert ola.sessions.count() == 1
    newest = ola.intakes.order_by("-version").first()
    assert "paracetamol 1 g" in newest.data["medications"]
    assert "Follow-up at the session" in newest.reason


def test_a_mistyped_measure_is_corrected_with_a_reason_and_the_first_is_kept(
    browser_a: Browser, ola: Client
) -> None:
    base = {"measured_on": TODAY.isoformat(), "point": "baseline"}
    browser_a.post(f"/clients/{ola.pk}/measures/new/?instrument=rmdq", {**base, "total": "21"})
    first = Measure.objects.get(client=ola)
    form = text(
        browser_a.get(f"/clients/{ola.pk}/measures/new/?instrument=rmdq&corrects={first.pk}")
    )
    assert "This replaces the RMDQ of" in form

    refused = browser_a.post(
        f"/clients/{ola.pk}/measures/new/?instrument=rmdq",
        {**base, "total": "12", "corrects": str(first.pk)},
    )
    assert "Why corrected: say why the measure is corrected" in text(refused)
    browser_a.post(
        f"/clients/{ola.pk}/measures/new/?instrument=rmdq",
        {**base, "total": "12", "corrects": str(first.pk), "reason": "typed 21 for 12"},
    )
    assert Measure.objects.filter(client=ola).count() == 2  # the first stays on record
    page = text(browser_a.get(f"/clients/{ola.pk}/"))
    assert "corrected: typed 21 for 12" in page
    assert outcomes.series(ola)["rmdq"] == [(TODAY, 12.0)]

"""The physician progress report: every section on the page, a PDF of one to three pages with
real text, the data behind its chart, scoped to the clinic, audited and never cached."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client as Browser
from typer.testing import CliRunner

from backcare.cli import app
from backcare.knowledge import load_knowledge
from backcare.records import measures, plans, referrals, report, sessions
from backcare.records.models import AuditEvent, Client, User
from tests.web.conftest import NO_FLAGS, TODAY, new_client

SECTIONS = ["referral", "screening", "plan", "goals", "outcomes", "changes", "recommendation"]


@pytest.fixture
def treated(therapist_a: User) -> Client:
    """A client with psoriasis (ICD-10 L40) on the legs, four sessions and one plan change."""
    therapist_a.first_name, therapist_a.last_name = "Anna", "Berg"
    therapist_a.credentials = "Licensed massage therapist, LMT 4711"
    therapist_a.save()
    clinic = therapist_a.clinic
    clinic.address, clinic.phone, clinic.email = (
        "1 High Street\nLeeds",
        "+44 113 496 0000",
        "desk@a.test",
    )
    clinic.save()
    person = new_client(
        therapist_a,
        "Iris",
        "Quayle",
        conditions=[{"id": "psoriasis", "status": "active", "regions": ["thigh_left"]}],
        assessed_on=(TODAY - timedelta(weeks=4)).isoformat(),
    )
    for week, (before, after) in enumerate([(6, 4), (6, 3), (5, 3), (3, 2)]):
        sessions.record_session(
            user=therapist_a,
            client=person,
            today=TODAY,
            note={
                "session_date": TODAY - timedelta(weeks=3 - week),
                "minutes": 60,
                "pressure": "light",
                "regions": ["upper_back_left"],
                "techniques": ["effleurage"],
                "pain_before": before,
                "pain_after": after,
            },
        )
    plans.update_plan(
        user=therapist_a,
        client=person,
        changes={"session_minutes": 45},
        reason="tired after an hour",
    )
    return person


def test_the_client_page_charts_pain_with_its_numbers_and_offers_the_report(
    browser_a: Browser, treated: Client
):
    html = browser_a.get(f"/clients/{treated.pk}/").content.decode()
    progress = html[html.index('id="pain-h"') : html.index('id="sessions-h"')]

    assert 'role="img"' in progress
    assert "4 sessions," in progress  # the trend in words
    assert "<td>6</td><td>4</td>" in progress  # the first session in the table behind the chart
    assert f'href="/clients/{treated.pk}/report.pdf"' in progress


def test_the_report_page_has_every_section_of_the_letter(browser_a: Browser, treated: Client):
    response = browser_a.get(f"/clients/{treated.pk}/report/")
    html = response.content.decode()

    assert response.status_code == 200
    for name in SECTIONS:
        assert f'id="report-{name}"' in html, name
    assert 'Psoriasis (active) <span class="code">ICD-10 L40</span>' in html
    assert "4 of 10 planned sessions attended." in html
    assert "session minutes from 60 to 45, because tired after an hour (Anna Berg)" in html
    assert "Anna Berg</strong><br>Licensed massage therapist, LMT 4711" in html
    assert "Interpreting change scores for pain and functional status" in html  # a source by title
    assert "4 sessions," in html
    assert "goal ≤" in html
    assert "no-store" in response["Cache-Control"]


def test_the_pdf_is_a_one_to_three_page_letter_of_real_text_and_audited(
    browser_a: Browser, treated: Client, therapist_a: User, tmp_path: Path
):
    response = browser_a.get(f"/clients/{treated.pk}/report.pdf")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="progress-report-quayle-iris'
    )
    assert "no-store" in response["Cache-Control"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 1 <= pages <= 3
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for words in [
        "Clinic A",
        "+44 113 496 0000",
        "Progress report: massage therapy for back pain",
        "Iris Quayle",
        "ICD-10 L40",
        "Goals",
        "Pain before and after each session",
        "Recommendation",
        "Anna Berg",
        f"Page 1 of {pages}",
    ]:
        assert words in text, words
    assert "the numbers" not in text  # on paper the chart's table gives way to its caption
    event = AuditEvent.objects.filter(client=treated, action="client.view").first()
    assert event is not None
    assert event.user == therapist_a
    assert event.target == "progress report (PDF)"


def test_another_clinics_client_has_no_report(browser_a: Browser, client_b: Client):
    assert browser_a.get(f"/clients/{client_b.pk}/report/").status_code == 404
    assert browser_a.get(f"/clients/{client_b.pk}/report.pdf").status_code == 404
    assert not AuditEvent.objects.filter(client=client_b, user__username="anna").exists()


def test_the_command_line_writes_the_report_signed_by_a_clinic_user(
    treated: Client, tmp_path: Path
):
    out = tmp_path / "report.html"
    runner = CliRunner()

    done = runner.invoke(app, ["report", str(treated.pk), "--by", "anna", "--html", str(out)])
    unknown = runner.invoke(app, ["report", str(treated.pk), "--by", "nobody", "--html", str(out)])

    assert done.exit_code == 0, done.output
    assert "Iris Quayle" in out.read_text()
    assert "<style>" in out.read_text()  # one file that opens anywhere
    assert 'class="chart-data"' in out.read_text()  # each chart's numbers, for screen readers
    assert unknown.exit_code != 0
    assert "no clinic user 'nobody'" in str(unknown.exception)


def test_an_outcome_measure_gets_its_chart_and_a_goal_row_in_the_report(
    browser_a: Browser, treated: Client, therapist_a: User
):
    days = sorted(treated.sessions.values_list("session_date", flat=True))
    for day, total, point in [(days[0], 14, "baseline"), (days[-1], 8, "reassessment")]:
        measures.record_measure(
            user=therapist_a,
            client=treated,
            instrument="rmdq",
            answers={"total": total},
            measured_on=day,
            point=point,
            today=TODAY,
        )
    rmdq = load_knowledge().instruments["rmdq"]

    html = browser_a.get(f"/clients/{treated.pk}/report/").content.decode()

    title = f"{rmdq.name} (0-24)"
    assert f"<h3>{title}</h3>" in html
    assert f"{rmdq.name} scores went from 14 to 8 over 2 ratings." in html
    step = int(rmdq.important_change.points)
    row = f'<th scope="row">{title}</th><td>14</td><td>8 (met)</td><td>{14 - step} or less'
    assert row in html


def test_the_clinic_outcomes_page_charts_each_responder_rate_with_its_interval(
    browser_a: Browser, therapist_a: User
):
    pain = {"regions": ["low_back"], "duration_weeks": 20, "intensity": 6, "cause": "posture"}
    done = new_client(therapist_a, "Dora", "Done", pain=pain)
    for number in range(done.plans.get().total_sessions):
        sessions.record_session(
            user=therapist_a,
            client=done,
            today=TODAY,
            note={
                "session_date": TODAY,
                "minutes": 60,
                "pressure": "light",
                "regions": [],
                "pain_before": max(6 - number, 2),
                "pain_after": 2,
            },
        )

    html = browser_a.get("/outcomes/").content.decode()

    chart = html[html.index('id="responders-modality-chart"') :]
    assert 'role="img"' in chart
    assert re.search(r'aria-label="[^"]+: 1 of 1, 100% \(95% interval 21% to 100%\)"', chart)


def test_a_report_on_a_client_held_for_a_doctor_says_what_waits_for_the_physician(
    browser_a: Browser, therapist_a: User
):
    held = new_client(therapist_a, "Hal", "Held", red_flags={**NO_FLAGS, "history_of_cancer": True})
    decision = held.assessments.get().decision

    html = browser_a.get(f"/clients/{held.pk}/report/").content.decode()

    assert decision in ("refer", "clearance")
    assert "Waiting for a physician's assessment or clearance:" in html
    assert "No clearance was needed." not in html
    assert "There is no active plan" in html


def test_the_report_goes_to_the_referrer_with_the_visits_the_referral_allows(
    browser_a: Browser, treated: Client, therapist_a: User
):
    referrals.record_referral(
        user=therapist_a,
        client=treated,
        today=TODAY,
        data={
            "referrer": "Dr Omar Haddad, GP",
            "referrer_contact": "+44 113 496 0101",
            "referred_on": TODAY - timedelta(weeks=5),
            "diagnosis": "Chronic low back pain",
            "icd10": "M54.5",
            "visits_authorised": 6,
            "expires_on": TODAY + timedelta(weeks=8),
        },
    )
    html = browser_a.get(f"/clients/{treated.pk}/report/").content.decode()

    assert "<dt>To</dt><dd>Dr Omar Haddad, GP (+44 113 496 0101), who referred</dd>" in html
    assert "Referred by Dr Omar Haddad, GP on" in html
    assert 'Chronic low back pain <span class="code">ICD-10 M54.5</span>' in html
    assert "4 of 6 authorised visits used; valid until" in html


def test_the_letter_names_each_condition_and_its_code_as_the_screening_reads_it() -> None:
    kb = load_knowledge()
    typed = [{"id": "slipped disc"}, {"id": "Herniated disc", "status": "controlled"}]
    named = report.diagnoses({"conditions": [*typed, {"id": "zorblax_syndrome"}]}, kb)

    disc = kb.conditions["herniated_disc"]
    assert [(d.name, d.icd10) for d in named[:2]] == [(disc.name, disc.icd10)] * 2
    assert disc.icd10
    assert (named[2].name, named[2].icd10) == ("zorblax syndrome", "")

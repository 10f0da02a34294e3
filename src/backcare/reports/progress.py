"""The physician progress report rendered: one template body for the page, the HTML file and
the PDF (WeasyPrint lays out the same HTML, so the PDF holds real text).

The content comes from records/report.py; the charts from reports/charts.py.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from django.template.loader import render_to_string

from backcare.knowledge import KnowledgeBase, load_knowledge
from backcare.records import outcomes
from backcare.records.clinic_settings import logo_src
from backcare.records.models import Client, Plan, SessionNote
from backcare.records.progress import ClientProgress
from backcare.records.report import ProgressReport
from backcare.reports import charts

PRINT_TEMPLATE = "report/progress_print.html"


def outcome_charts(
    *,
    client: Client,
    plan: Plan | None,
    sessions: list[SessionNote],
    progress: ClientProgress | None,
    kb: KnowledgeBase,
) -> list[charts.Chart]:
    """Pain at each session (with the plan's goal and the expected course), then one chart for
    each outcome instrument the client has scores on, framed by the knowledge base's range and
    important change. The client page and the report show the same charts."""
    expected = (
        [charts.Expected(r.day, r.expected, r.expected) for r in progress.rows] if progress else []
    )
    found = [
        charts.session_pain_chart(
            sessions, goal=plan.pain_goal if plan else None, kb=kb, expected=expected
        )
    ]
    for key, points in outcomes.series(client).items():
        instrument = kb.instruments.get(key)
        if instrument is None or key == "nprs" or len(points) < 2:
            continue  # pain is the chart above; one score is a number (in the measures), no course
        important = instrument.important_change
        series = charts.Series(
            key=key,
            name=instrument.name,
            low=instrument.min,
            high=instrument.max,
            better="lower" if instrument.lower_is_better else "higher",
            scores=[charts.Score(p.day, p.score) for p in points],
            mic=important.points if important else None,
        )
        found.append(charts.series_chart(series))
    return found


def report_charts(report: ProgressReport) -> list[charts.Chart]:
    """The report's outcome charts, the same as the client page's."""
    return outcome_charts(
        client=report.client,
        plan=report.plan,
        sessions=report.sessions,
        progress=report.progress,
        kb=load_knowledge(),
    )


def context(report: ProgressReport) -> dict[str, Any]:
    """What the report's templates read."""
    return {
        "report": report,
        "charts": report_charts(report),
        "logo": logo_src(report.clinic),
    }


def html(report: ProgressReport) -> str:
    """The report as one self-contained HTML document (its stylesheet inside it)."""
    return render_to_string(PRINT_TEMPLATE, {**context(report), "css": _css()})


def pdf(report: ProgressReport) -> bytes:
    """The report as a PDF, laid out by WeasyPrint from the same HTML."""
    from weasyprint import HTML  # imported when asked: it loads fonts and Pango

    document: bytes = HTML(string=html(report)).write_pdf()
    return document


def file_name(report: ProgressReport) -> str:
    """A download name that says whose report and when, in plain ASCII."""
    name = f"{report.client.last_name}-{report.client.first_name}".lower()
    safe = "".join(c if c.isascii() and c.isalnum() else "-" for c in name).strip("-")
    return f"progress-report-{safe or 'client'}-{report.today.isoformat()}.pdf"


@cache
def _css() -> str:
    return resources.files("backcare.web").joinpath("static/backcare/report.css").read_text()

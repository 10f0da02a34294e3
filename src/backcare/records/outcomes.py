"""A client's outcome measures read as series over time, for the client page, charts and reports.

``series(client)`` returns ``{series id: [Point(day, score), ...]}``, oldest first, with only the
series that hold data. The series ids, each with its instrument and label in ``SERIES``:

===============  ==========================================================================
pain_intake      pain now, at each intake version (numeric rating 0-10)
pain_before      pain before each session, from the session note (0-10)
pain_after       pain after each session, from the session note (0-10)
pain_worst_week  worst pain in the last week, as entered with the numeric rating scale (0-10)
pain_log         pain on the day, from the client's between-visit log (0-10)
sleep_log        hours slept the night before, from the client's log
peg, psfs, start_back, odi, rmdq, promis_pi
                 the score of each instrument of ``knowledge/data/instruments.yaml``
===============  ==========================================================================

A measure that could not be scored (``Measure.score`` None) is left out of the series but kept
in ``measures(client)``; a measure put right by a correction is left out of both. Every
function takes a client the caller has already opened through ``clients.open_client`` (scoped
to the user's clinic, the view audited) and reads nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import NamedTuple

from django.db.models import QuerySet

from backcare.records.models import Client, Measure, PainLogEntry


class Point(NamedTuple):
    day: date
    score: float


class Series(NamedTuple):
    instrument: str | None
    label: str


SERIES: dict[str, Series] = {
    "pain_intake": Series("nprs", "Pain at intake"),
    "pain_before": Series("nprs", "Pain before the session"),
    "pain_after": Series("nprs", "Pain after the session"),
    "pain_worst_week": Series("nprs", "Worst pain in the last week"),
    "pain_log": Series("nprs", "Pain between visits (client's log)"),
    "sleep_log": Series(None, "Hours slept (client's log)"),
    "peg": Series("peg", "PEG (pain, enjoyment, general activity)"),
    "psfs": Series("psfs", "Patient-Specific Functional Scale"),
    "start_back": Series("start_back", "STarT Back total"),
    "odi": Series("odi", "Oswestry Disability Index"),
    "rmdq": Series("rmdq", "Roland-Morris Disability Questionnaire"),
    "promis_pi": Series("promis_pi", "PROMIS Pain Interference T-score"),
}
_MEASURED_AS = {"nprs": "pain_worst_week"}


def series(client: Client) -> dict[str, list[Point]]:
    """Every series of the client that has data, in the order of ``SERIES``, oldest point first."""
    found: dict[str, list[Point]] = defaultdict(list)
    for intake in client.intakes.order_by("version"):
        intensity = (intake.data.get("pain") or {}).get("intensity")
        if intensity is not None:
            found["pain_intake"].append(
                Point(date.fromisoformat(intake.data["assessed_on"]), intensity)
            )
    for day, before, after in client.sessions.order_by("session_date", "pk").values_list(
        "session_date", "pain_before", "pain_after"
    ):
        if before is not None:
            found["pain_before"].append(Point(day, before))
        if after is not None:
            found["pain_after"].append(Point(day, after))
    for measure in measures(client):
        if measure.score is not None:
            key = _MEASURED_AS.get(measure.instrument, measure.instrument)
            found[key].append(Point(measure.measured_on, measure.score))
    for entry in pain_log(client):
        found["pain_log"].append(Point(entry.logged_on, entry.pain))
        if entry.sleep_hours is not None:
            found["sleep_log"].append(Point(entry.logged_on, entry.sleep_hours))
    return {key: sorted(found[key]) for key in SERIES if found.get(key)}


def in_force(client: Client) -> QuerySet[Measure]:
    """The client's measures in force: not corrected since."""
    return client.measures.filter(corrected_by__isnull=True)


def measures(client: Client, instrument: str | None = None) -> list[Measure]:
    """The client's measures in force (not corrected since), oldest first; only one
    instrument's when ``instrument`` is given."""
    rows = in_force(client).select_related("recorded_by", "session", "correction_of")
    return list(rows.filter(instrument=instrument) if instrument else rows)


def latest(client: Client) -> dict[str, Measure]:
    """The newest scored measure of each instrument the client has."""
    newest: dict[str, Measure] = {}
    for measure in measures(client):
        if measure.score is not None:
            newest[measure.instrument] = measure
    return newest


def pain_log(client: Client) -> list[PainLogEntry]:
    """The client's between-visit pain and sleep log, oldest first."""
    return list(client.pain_log.all())
